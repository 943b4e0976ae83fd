//! Changing the password as JSON: every other session ends, this one stays.

use super::*;

#[actix_web::test]
async fn changing_the_password_keeps_this_session_and_ends_every_other_at_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let phone = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;

    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
    // Checked at once, without waiting: "at once".
    assert_ended(&app, &laptop, "another session").await;
    assert_ended(&app, &phone, "a third session").await;
    assert_alive(&app, &user, "the session that changed it").await;
    assert_alive(&app, &stranger, "another user's session").await;
}

#[actix_web::test]
async fn the_access_cookie_is_enough_to_change_the_password() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .change_password(
            Headers::new().access_cookie(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_ended(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn a_wrong_current_password_is_401_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            "not my password",
            NEW_PASSWORD,
        )
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert_alive(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn wrong_current_passwords_count_with_the_login_limits() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for _ in 0..2 {
        let response = app
            .change_password(bearer(), "a wrong guess", NEW_PASSWORD)
            .await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    // Even the right one now, before any password work.
    let response = app.change_password(bearer(), PASSWORD, NEW_PASSWORD).await;
    let wait = retry_after(&response);
    assert!(wait >= 1, "Retry-After: {wait}");
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // They are the login's own count.
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::TOO_MANY_REQUESTS);
    // Nothing changed.
    assert_alive(&app, &laptop, "another session").await;
}

#[actix_web::test]
async fn past_the_login_limit_a_password_change_is_refused_even_with_the_right_password() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    for _ in 0..2 {
        let wrong = app.login(&user.email, "a wrong guess").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    }
    let response = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
}

#[actix_web::test]
async fn a_new_password_that_breaks_the_rules_is_422_and_changes_nothing() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let too_long = "x".repeat(73);
    for weak in ["short", "", too_long.as_str()] {
        let response = app
            .change_password(Headers::new().bearer(&user.access_token), PASSWORD, weak)
            .await;
        assert_error(
            response,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_password",
        )
        .await;
    }
    assert_alive(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn an_empty_current_password_is_422() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .change_password(Headers::new().bearer(&user.access_token), "", NEW_PASSWORD)
        .await;
    assert_error(
        response,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_password",
    )
    .await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn changing_the_password_needs_a_valid_access_token() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .change_password(Headers::new(), PASSWORD, NEW_PASSWORD)
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .change_password(Headers::new().bearer("not-a-token"), PASSWORD, NEW_PASSWORD)
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_token").await;
    // Nor does a refresh token stand in for it.
    let response = app
        .change_password(
            Headers::new().refresh_cookie(&user.refresh_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_login(&app, &user.email, PASSWORD, StatusCode::OK).await;
}

#[actix_web::test]
async fn an_ended_sessions_access_token_cannot_change_the_password() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    app.change_password(
        Headers::new().bearer(&user.access_token),
        PASSWORD,
        NEW_PASSWORD,
    )
    .await;
    // The laptop's token was valid a moment ago; its session is over.
    let response = app
        .change_password(
            Headers::new().bearer(&laptop.access_token),
            NEW_PASSWORD,
            "the laptop's own choice",
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_login(&app, &user.email, NEW_PASSWORD, StatusCode::OK).await;
}
