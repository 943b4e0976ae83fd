//! The JSON sign-in in two steps: the ticket, then a TOTP code; the
//! window of steps accepted, replay, and what a ticket is worth.

use super::*;

#[actix_web::test]
async fn a_right_password_on_an_account_with_totp_gives_a_ticket_and_no_cookie() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let response = app.login(&enrolled.user.email, PASSWORD).await;
    let cookies: Vec<_> = response.headers().get_all("set-cookie").iter().collect();
    assert!(cookies.is_empty(), "no cookie: {cookies:?}");
    let body = assert_error(response, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    assert!(
        body["ticket"].as_str().is_some_and(|t| t.len() >= 16),
        "{body}"
    );
    let mut methods: Vec<&str> = body["methods"]
        .as_array()
        .unwrap_or_else(|| panic!("methods in {body}"))
        .iter()
        .map(|m| m.as_str().expect("a method"))
        .collect();
    methods.sort_unstable();
    assert_eq!(methods, ["recovery", "totp"], "{body}");
    assert!(body.get("accessToken").is_none(), "{body}");
    assert!(body.get("refreshToken").is_none(), "{body}");
}

#[actix_web::test]
async fn a_wrong_password_on_an_account_with_totp_is_the_usual_401_without_a_ticket() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let response = app.login(&enrolled.user.email, "not the password").await;
    let body = assert_error(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    assert!(body.get("ticket").is_none(), "{body}");
}

#[actix_web::test]
async fn the_ticket_and_a_current_code_sign_in_with_the_body_and_cookies_of_a_login() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    let response = app.second_step(&ticket, &code).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookies = set_cookies(response.headers());
    assert!(cookies.contains_key("accessToken"), "{cookies:?}");
    assert!(cookies.contains_key("refreshToken"), "{cookies:?}");
    assert_eq!(response.headers()["cache-control"], "no-store");
    let body: SignInBody = response.json().await.expect("the sign-in body");
    assert_eq!(body.token_type, "Bearer");
    assert_eq!(body.user.id, enrolled.user.id);
    assert_eq!(body.user.email, enrolled.user.email);
    assert_eq!(
        cookie_value(&cookies["accessToken"]),
        body.access_token,
        "the cookie holds the body's token"
    );
    assert_eq!(app.me(&body.access_token).await.status(), StatusCode::OK);
    app.rotate(body.refresh_token()).await;
}

#[actix_web::test]
async fn codes_one_step_either_side_are_accepted_and_two_steps_off_are_not() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let secret = enrol(&app, &user.access_token).await;
    let now = settled_now(MARGIN).await;
    let at = |steps: i64| now.checked_add_signed(steps * STEP as i64).unwrap();
    let codes = totp_codes(&secret, &[at(-2), at(-1), at(0), at(1), at(2)]).await;
    let [two_behind, one_behind, current, one_ahead, two_ahead] = &codes[..] else {
        unreachable!()
    };
    // Confirming takes the step behind (and uses it up).
    confirm(&app, &user.access_token, one_behind).await;

    let ticket = ticket_for(&app, &user.email, PASSWORD).await;
    for (code, what) in [(two_ahead, "two steps ahead"), (two_behind, "two behind")] {
        let response = app.second_step(&ticket, code).await;
        let body = assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
        assert!(body.get("accessToken").is_none(), "{what}: {body}");
    }
    signed_in_with(&app, &ticket, current).await;
    sign_in_with_code(&app, &user.email, one_ahead).await;
}

#[actix_web::test]
async fn a_code_that_signed_in_is_refused_on_a_new_ticket() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let code = enrolled.next_code().await;
    sign_in_with_code(&app, &enrolled.user.email, &code).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let response = app.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
    // The ticket itself still works, with a recovery code.
    signed_in_with(&app, &ticket, &enrolled.recovery_codes[0]).await;
}

#[actix_web::test]
async fn the_code_that_confirmed_totp_cannot_sign_in() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.confirming_code().await;
    let response = app.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_code").await;
}

#[actix_web::test]
async fn a_ticket_works_once() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    signed_in_with(&app, &ticket, &code).await;
    for code in [&enrolled.recovery_codes[0], &code] {
        let response = app.second_step(&ticket, code).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    }
}

#[actix_web::test]
async fn an_unknown_or_garbage_ticket_is_invalid_ticket() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let code = enrolled.next_code().await;
    let mut altered = ticket.clone().into_bytes();
    let last = altered.len() - 1;
    altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
    let altered = String::from_utf8(altered).unwrap();
    let long = "x".repeat(10_000);
    for bad in [altered.as_str(), "", "not a ticket", "%00", &long] {
        let response = app.second_step(bad, &code).await;
        assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    }
    let response = app
        .second_step_json(&serde_json::json!({ "code": code }))
        .await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    // None of them cost the real ticket anything.
    signed_in_with(&app, &ticket, &code).await;
}

#[actix_web::test]
async fn a_password_change_voids_the_tickets_given_before_it() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    let changed = app
        .change_password(
            Headers::new().bearer(&enrolled.user.access_token),
            PASSWORD,
            NEW_PASSWORD,
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    let code = enrolled.next_code().await;
    let response = app.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
    // The new password asks for the second step, which the code passes.
    let ticket = ticket_for(&app, &enrolled.user.email, NEW_PASSWORD).await;
    signed_in_with(&app, &ticket, &code).await;
}

#[actix_web::test]
async fn a_ticket_is_worth_nothing_as_a_token() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    for headers in [
        Headers::new().bearer(&ticket),
        Headers::new().access_cookie(&ticket),
    ] {
        assert_eq!(
            app.me_with(headers.clone()).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(app.verify(headers).await.status(), StatusCode::UNAUTHORIZED);
    }
    for response in [
        app.refresh_with_body(&ticket).await,
        app.refresh_with_cookie(&ticket).await,
    ] {
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    // Still good for its own use.
    let code = enrolled.next_code().await;
    signed_in_with(&app, &ticket, &code).await;
}

#[derive(diesel::QueryableByName)]
struct UserId {
    #[diesel(sql_type = diesel::sql_types::Text)]
    user_id: String,
}

#[actix_web::test]
async fn a_ticket_older_than_five_minutes_is_invalid_ticket() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let ticket = ticket_for(&app, &enrolled.user.email, PASSWORD).await;
    // Five minutes and a second pass, as the database sees it.
    let aged = app.database().row::<UserId>(&format!(
        "UPDATE sign_in_tickets SET created_at = created_at - 301000, \
         expires_at = expires_at - 301000 WHERE user_id = '{}' RETURNING user_id",
        enrolled.user.id
    ));
    assert_eq!(aged.user_id, enrolled.user.id);
    let code = enrolled.next_code().await;
    let response = app.second_step(&ticket, &code).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "invalid_ticket").await;
}

#[actix_web::test]
async fn a_ticket_of_an_account_disabled_since_gets_403_account_disabled_at_the_second_step() {
    let app = spawn_app().await;
    let enrolled = user_with_totp(&app).await;
    let email = enrolled.user.email.as_str();
    let ticket = ticket_for(&app, email, PASSWORD).await;
    let args = [
        "users",
        "disable",
        email,
        "--database-url",
        app.database_url(),
    ];
    let output = crate::process::run(app.folder.path(), &args, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");

    let step = app.second_step(&ticket, &enrolled.recovery_codes[0]).await;
    assert_error(step, StatusCode::FORBIDDEN, "account_disabled").await;
    // The right password now stops before the second step is asked for.
    let again = app.login(email, PASSWORD).await;
    assert_error(again, StatusCode::FORBIDDEN, "account_disabled").await;
}
