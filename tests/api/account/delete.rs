//! Deleting the account as JSON.

use super::*;

#[actix_web::test]
async fn deleting_the_account_ends_every_session_clears_cookies_and_frees_the_email() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let stranger = app.new_user().await;

    let response = app
        .delete_account(Headers::new().bearer(&user.access_token), PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_clears_cookies(response.headers());

    assert_ended(&app, &user, "the session that deleted it").await;
    assert_ended(&app, &laptop, "another session").await;
    assert_login(&app, &user.email, PASSWORD, StatusCode::UNAUTHORIZED).await;
    assert_alive(&app, &stranger, "another user's session").await;

    let again = app.register("Someone New", &user.email, NEW_PASSWORD).await;
    assert_eq!(again.status(), StatusCode::CREATED, "the email is free");
    let again: SignInBody = again.json().await.unwrap();
    assert_ne!(again.user.id, user.id, "a new account");
    // The old tokens do not come back to life with the new account.
    assert_ended(&app, &user, "the deleted account's session").await;
}

#[actix_web::test]
async fn deleting_with_a_wrong_password_is_401_counted_and_then_429() {
    let app = spawn_app_with(|s| s.login_max_failures = 2).await;
    let user = app.new_user().await;
    let bearer = || Headers::new().bearer(&user.access_token);
    for _ in 0..2 {
        let response = app.delete_account(bearer(), "a wrong guess").await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let response = app.delete_account(bearer(), PASSWORD).await;
    assert!(retry_after(&response) >= 1);
    assert_error(response, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let login = app.login(&user.email, PASSWORD).await;
    assert_eq!(login.status(), StatusCode::TOO_MANY_REQUESTS, "one count");
    // Still there.
    assert_alive(&app, &user, "the account's session").await;
}

#[actix_web::test]
async fn deleting_without_a_password_is_422_and_without_a_token_401() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .delete_account_json(Headers::new().bearer(&user.access_token), &json!({}))
        .await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: ErrorBody = response.json().await.expect("a JSON error");
    assert!(!body.error.is_empty() && !body.message.is_empty());

    let response = app.delete_account(Headers::new(), PASSWORD).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert_alive(&app, &user, "the account's session").await;
}
