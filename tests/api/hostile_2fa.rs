//! A hostile review of the two-step sign-in (issue 21): each test is an
//! attack that worked on the code as reviewed. The attacker holds a
//! session that is not theirs, or a password and a ticket from before a
//! rule applied; TOTP codes come from an independent implementation
//! (Python's pyotp).

use std::time::Duration;

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use crate::helpers::*;

const PYTHON: &str = "/usr/bin/python3";

/// The code of `secret` (base32, spaces allowed) `offset` seconds from
/// now, by pyotp.
async fn totp_code(secret: &str, offset: i64) -> String {
    let secret: String = secret.split_whitespace().collect();
    let program =
        "import pyotp, sys, time; print(pyotp.TOTP(sys.argv[1]).at(time.time() + int(sys.argv[2])))";
    let run = tokio::process::Command::new(PYTHON)
        .args(["-c", program, &secret, &offset.to_string()])
        .kill_on_drop(true)
        .output();
    let output = tokio::time::timeout(Duration::from_secs(20), run)
        .await
        .expect("pyotp answers within 20 s")
        .unwrap_or_else(|e| panic!("{PYTHON} runs: {e}"));
    assert!(output.status.success(), "pyotp: {output:?}");
    String::from_utf8(output.stdout).unwrap().trim().to_owned()
}

/// A six-digit code that none of the steps the server accepts now (this
/// one and one either side, with a step of margin) gives.
async fn wrong_code(secret: &str) -> String {
    let mut accepted = Vec::new();
    for offset in [-60, -30, 0, 30, 60] {
        accepted.push(totp_code(secret, offset).await);
    }
    let mut guess: u32 = accepted[2].parse().unwrap();
    loop {
        guess = (guess + 1) % 1_000_000;
        let code = format!("{guess:06}");
        if !accepted.contains(&code) {
            return code;
        }
    }
}

/// A JSON request, as a program sends it, with the access token if any.
async fn send(
    app: &TestApp,
    method: Method,
    path: &str,
    token: Option<&str>,
    body: Value,
) -> Response {
    let mut headers = Headers::new().header("Content-Type", "application/json");
    if let Some(token) = token {
        headers = headers.bearer(token);
    }
    app.send_raw(method, path, headers, Some(body.to_string().into()))
        .await
}

/// `POST /auth/totp` with the right password: the pending secret.
async fn start_totp(app: &TestApp, user: &TestUser) -> String {
    let started = send(
        app,
        Method::POST,
        "/auth/totp",
        Some(&user.access_token),
        json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(started.status(), StatusCode::OK);
    let body: Value = started.json().await.unwrap();
    body["secret"].as_str().expect("a secret").to_owned()
}

/// A new user with TOTP on: the user and the secret.
async fn user_with_totp(app: &TestApp) -> (TestUser, String) {
    let user = app.new_user().await;
    let secret = start_totp(app, &user).await;
    let code = totp_code(&secret, 0).await;
    let confirmed = send(
        app,
        Method::POST,
        "/auth/totp/confirm",
        Some(&user.access_token),
        json!({"code": code}),
    )
    .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    (user, secret)
}

/// The ticket a right password gets on an account with a second factor.
async fn ticket_of(app: &TestApp, email: &str) -> String {
    let asked = app.login(email, PASSWORD).await;
    let body = assert_error(asked, StatusCode::UNAUTHORIZED, "second_factor_required").await;
    body["ticket"].as_str().expect("a ticket").to_owned()
}

/// Someone who stole a session (not the password) guesses the code that
/// confirms the owner's pending authenticator app. Unlimited, a few hundred
/// thousand guesses turn TOTP on with a key the owner may never have kept
/// (they are then locked out: a reset does not remove it) and hand the
/// thief the ten recovery codes. Wrong confirming codes must be counted
/// per account as wrong sign-in codes are: the 6th is refused.
#[actix_web::test]
async fn a_stolen_session_cannot_guess_the_code_that_turns_on_a_pending_authenticator_app() {
    let app = spawn_app().await;
    let owner = app.new_user().await;
    let secret = start_totp(&app, &owner).await;
    let thief = owner.access_token.clone();

    for n in 0..5 {
        let code = wrong_code(&secret).await;
        let guessed = send(
            &app,
            Method::POST,
            "/auth/totp/confirm",
            Some(&thief),
            json!({"code": code}),
        )
        .await;
        assert_error(guessed, StatusCode::BAD_REQUEST, "invalid_code").await;
        let _ = n;
    }
    let code = wrong_code(&secret).await;
    let sixth = send(
        &app,
        Method::POST,
        "/auth/totp/confirm",
        Some(&thief),
        json!({"code": code}),
    )
    .await;
    assert_eq!(sixth.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(retry_after(&sixth) > 0);
    assert_error(sixth, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // And past the limit even the right code is refused: no guess gets through.
    let right = totp_code(&secret, 0).await;
    let refused = send(
        &app,
        Method::POST,
        "/auth/totp/confirm",
        Some(&thief),
        json!({"code": right}),
    )
    .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let me: Value = app.me(&owner.access_token).await.json().await.unwrap();
    assert_eq!(me["secondFactor"]["totp"], false, "{me}");
}

/// `--require-verified-email`: "the right password (and second factor) of
/// an unverified account answers 403". A ticket made while the setting was
/// off is still in the database when the server comes back with it on
/// (within its 5 minutes); its second step must not open the session that
/// the password alone is refused, as the sessions of that time are ended.
#[actix_web::test]
async fn a_ticket_from_before_verified_addresses_were_required_does_not_sign_an_unverified_account_in(
) {
    let app = spawn_app().await;
    let (user, secret) = user_with_totp(&app).await;
    let ticket = ticket_of(&app, &user.email).await;

    let app = app.restart_with(|s| s.require_verified_email = true).await;
    let password_alone = app.login(&user.email, PASSWORD).await;
    assert_error(password_alone, StatusCode::FORBIDDEN, "email_not_verified").await;
    // The confirming code's step is used: the next step's code is fresh.
    let code = totp_code(&secret, 30).await;
    let second = send(
        &app,
        Method::POST,
        "/auth/login/second-factor",
        None,
        json!({"ticket": ticket, "code": code}),
    )
    .await;
    assert_eq!(
        second.status(),
        StatusCode::FORBIDDEN,
        "a session was opened"
    );
    assert!(second.headers().get("set-cookie").is_none());
    assert_error(second, StatusCode::FORBIDDEN, "email_not_verified").await;
}

#[derive(diesel::QueryableByName)]
struct Changed {
    #[diesel(sql_type = diesel::sql_types::Text)]
    #[allow(dead_code)]
    id: String,
}

/// An account made before sign-up refused quoted addresses may have a
/// colon in its address (`"a:b"@example.com`), which an `otpauth://`
/// label may not: setting up an authenticator app answered 500 (after
/// checking the password). Such an account is made here by giving a new
/// one that address in the database, as no request can any more.
#[actix_web::test]
async fn an_old_account_with_a_colon_in_its_address_can_set_up_an_authenticator_app() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let old_address = r#""a:b"@example.com"#;
    let _: Changed = app.database().row(&format!(
        "UPDATE users SET email = '{old_address}' WHERE id = '{}' RETURNING id",
        user.id
    ));
    let signed_in = app.login(old_address, PASSWORD).await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let user = TestUser::from_sign_in(old_address, signed_in).await;

    let started = send(
        &app,
        Method::POST,
        "/auth/totp",
        Some(&user.access_token),
        json!({"password": PASSWORD}),
    )
    .await;
    assert_eq!(
        started.status(),
        StatusCode::OK,
        "setting up with an old address"
    );
    let body: Value = started.json().await.unwrap();
    let secret = body["secret"].as_str().unwrap();
    assert!(
        body["uri"]
            .as_str()
            .unwrap()
            .starts_with("otpauth://totp/sesame:"),
        "{body}"
    );
    let code = totp_code(secret, 0).await;
    let confirmed = send(
        &app,
        Method::POST,
        "/auth/totp/confirm",
        Some(&user.access_token),
        json!({"code": code}),
    )
    .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
}

/// A proxy guarding a path with `/auth/verify?mfa=1` but configured with
/// another spelling (`?mfa=true`, `?mfa`, `?MFA=yes`) was let through by a
/// session that used a password alone: the check failed open. Any `mfa`
/// but `mfa=0` now asks for a second factor.
#[actix_web::test]
async fn a_proxy_asking_for_mfa_in_another_spelling_does_not_let_a_password_session_through() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    for query in ["mfa=1", "mfa=true", "mfa=yes", "mfa", "MFA=1"] {
        let path = format!("/auth/verify?{query}");
        let answer = app
            .send_raw(
                Method::GET,
                &path,
                Headers::new().bearer(&user.access_token),
                None,
            )
            .await;
        assert_eq!(answer.status(), StatusCode::UNAUTHORIZED, "?{query}");
        assert!(answer.headers().get("remote-user").is_none(), "?{query}");
    }
    let plain = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(plain.status(), StatusCode::OK);
}

/// A profile form post, as the browser sends it, with its cookies.
async fn post_profile_form(
    app: &TestApp,
    path: &str,
    cookies: &str,
    fields: &[(&str, &str)],
) -> Page {
    let body = form_urlencoded::Serializer::new(String::new())
        .extend_pairs(fields)
        .finish();
    let headers = Headers::new()
        .header("Content-Type", "application/x-www-form-urlencoded")
        .cookie(cookies);
    Page::of(
        app.send_raw(Method::POST, path, headers, Some(body.into()))
            .await,
    )
    .await
}

/// The text of the element with this id (`id="x">TEXT<`).
fn text_of<'a>(html: &'a str, id: &str) -> Option<&'a str> {
    let marker = format!(r#"id="{id}">"#);
    let start = html.find(&marker)? + marker.len();
    html[start..].split('<').next()
}

/// The form session lives in the browser and outlives a sign-out: Ann
/// sets up an authenticator app on a shared computer and leaves without
/// turning it on; Bob signs in on it, has a key pending of his own (set
/// up from his phone, or with the JSON API), and types a wrong code in the
/// profile's confirm form. The page showed him Ann's key and QR code, kept
/// in the form session for whoever is signed in.
#[actix_web::test]
async fn the_confirm_form_never_shows_a_key_kept_for_another_account() {
    let app = spawn_app().await;
    let ann = app.new_user().await;
    let profile = Page::of(
        app.profile(Headers::new().access_cookie(&ann.access_token))
            .await,
    )
    .await;
    let csrf = profile.csrf();
    let cookies = format!(
        "{}; accessToken={}",
        profile.forms_cookie(),
        ann.access_token
    );
    let started = post_profile_form(
        &app,
        "/profile/totp",
        &cookies,
        &[("csrf", &csrf), ("password", PASSWORD)],
    )
    .await;
    assert_eq!(started.status, StatusCode::OK, "{}", started.html);
    let anns_key = text_of(&started.html, "totp-secret")
        .expect("Ann's key shown")
        .to_owned();
    let browser = started
        .forms_cookie
        .unwrap_or_else(|| profile.forms_cookie());
    // Ann's own mistyped code shows her key again, as it should.
    let cookies = format!("{browser}; accessToken={}", ann.access_token);
    let code = wrong_code(&anns_key).await;
    let again = post_profile_form(
        &app,
        "/profile/totp/confirm",
        &cookies,
        &[("csrf", &csrf), ("code", &code)],
    )
    .await;
    assert_eq!(again.status, StatusCode::BAD_REQUEST, "{}", again.html);
    assert_eq!(text_of(&again.html, "totp-secret"), Some(anns_key.as_str()));

    let bob = app.new_user().await;
    let bobs_key = start_totp(&app, &bob).await;
    let cookies = format!("{browser}; accessToken={}", bob.access_token);
    let code = wrong_code(&bobs_key).await;
    let refused = post_profile_form(
        &app,
        "/profile/totp/confirm",
        &cookies,
        &[("csrf", &csrf), ("code", &code)],
    )
    .await;
    assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.html);
    assert!(!refused.html.contains(&anns_key), "Bob is shown Ann's key");
}

/// The stored password hash of the account with this email.
fn stored_hash(app: &TestApp, email: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        password_hash: String,
    }
    app.database()
        .row::<Hash>(&format!(
            "SELECT password_hash FROM users WHERE email = '{email}'"
        ))
        .password_hash
}

/// A raised `--bcrypt-cost` reaches a hash at the next right password.
/// On an account with TOTP it never did: the rehash was written in the
/// password step's transaction, which a second factor rolls back, so such
/// accounts (the ones that care most) kept the old, cheaper hash for ever.
#[actix_web::test]
async fn a_raised_bcrypt_cost_reaches_the_hash_of_an_account_with_a_second_factor() {
    let app = spawn_app().await;
    let (user, secret) = user_with_totp(&app).await;
    assert!(stored_hash(&app, &user.email).starts_with("$2b$04$"));
    let app = app.restart_with(|s| s.bcrypt_cost = 5).await;

    let ticket = ticket_of(&app, &user.email).await;
    let code = totp_code(&secret, 30).await;
    let signed_in = send(
        &app,
        Method::POST,
        "/auth/login/second-factor",
        None,
        json!({"ticket": ticket, "code": code}),
    )
    .await;
    assert_eq!(signed_in.status(), StatusCode::OK);
    let hash = stored_hash(&app, &user.email);
    assert!(hash.starts_with("$2b$05$"), "still {}", &hash[..7]);
}
