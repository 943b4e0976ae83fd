//! `prompt=login` and `max_age` (OpenID Connect Core 3.1.2.1): a browser
//! already signed in is sent to the sign-in page (the second step
//! included), then back to the request, which ends with a code whose ID
//! token's `auth_time` is the new sign-in's; never a loop.

use reqwest::StatusCode;

use super::browser::*;
use crate::helpers::*;

/// The `auth_time` of an ID token for `user`'s browser as it is.
async fn first_auth_time(app: &TestApp, client: &TestClient, user: &TestUser) -> i64 {
    let (tokens, _) = app.sign_app_in(user, client, "openid").await;
    claims_of(&tokens.id_token)["auth_time"].as_i64().unwrap()
}

/// Signs in again on the page `asked` leads to and comes back: the ID
/// token's claims of the code the request then ends with.
async fn signed_in_again(
    app: &TestApp,
    browser: &mut Browser<'_>,
    asked: &Page,
    client: &TestClient,
    pkce: &Pkce,
    email: &str,
) -> serde_json::Value {
    let login = sign_in_asked(asked);
    let answer = browser.sign_in(&login, email).await;
    let back = answer.location.expect("back to the request");
    assert!(back.starts_with("/oauth/authorize?"), "{back}");
    let done = browser.get(&back).await;
    id_claims(app, client, &code_in(&done), pkce).await
}

#[actix_web::test]
async fn prompt_login_asks_a_signed_in_user_to_sign_in_again_and_tells_the_new_auth_time() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let before = first_auth_time(&app, &client, &user).await;
    next_second().await;

    let mut browser = Browser::signed_in(&app, &user.access_token);
    let pkce = Pkce::new();
    let asked = browser
        .get(&authorize_path(&client, &pkce, &[("prompt", "login")]))
        .await;
    let claims = signed_in_again(&app, &mut browser, &asked, &client, &pkce, &user.email).await;
    assert!(
        claims["auth_time"].as_i64().unwrap() > before,
        "{claims} after {before}"
    );
    assert_eq!(claims["sub"], user.id);

    // Not signed in at all: the one sign-in on the way does, no second one.
    let mut browser = Browser::new(&app);
    let pkce = Pkce::new();
    let path = authorize_path(&client, &pkce, &[("prompt", "login")]);
    let login = login_link_in(&browser.get(&path).await);
    let answer = browser.sign_in(&login, &user.email).await;
    let done = browser.get(&answer.location.expect("back")).await;
    code_in(&done);
}

#[actix_web::test]
async fn max_age_is_honoured_straight_to_a_code_when_recent_and_signing_in_again_when_not() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let before = first_auth_time(&app, &client, &user).await;
    let mut browser = Browser::signed_in(&app, &user.access_token);

    let pkce = Pkce::new();
    let recent = browser
        .get(&authorize_path(&client, &pkce, &[("max_age", "3600")]))
        .await;
    code_in(&recent);

    sleep_ms(2_000).await;
    let asked = browser
        .get(&authorize_path(&client, &pkce, &[("max_age", "1")]))
        .await;
    let claims = signed_in_again(&app, &mut browser, &asked, &client, &pkce, &user.email).await;
    let after = claims["auth_time"].as_i64().unwrap();
    assert!(after > before, "{claims} after {before}");

    // max_age=0 is prompt=login, and survives the way through the sign-in page.
    next_second().await;
    let pkce = Pkce::new();
    let asked = browser
        .get(&authorize_path(&client, &pkce, &[("max_age", "0")]))
        .await;
    let claims = signed_in_again(&app, &mut browser, &asked, &client, &pkce, &user.email).await;
    assert!(claims["auth_time"].as_i64().unwrap() > after, "{claims}");
}

#[actix_web::test]
async fn prompt_none_with_max_age_passed_is_login_required_and_a_bad_max_age_invalid_request() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let mut browser = Browser::signed_in(&app, &user.access_token);
    for (extra, error) in [
        (vec![("prompt", "none"), ("max_age", "0")], "login_required"),
        (vec![("max_age", "-1")], "invalid_request"),
        (vec![("max_age", "abc")], "invalid_request"),
        (vec![("max_age", "")], "invalid_request"),
    ] {
        let page = browser.get(&authorize_path(&client, &pkce, &extra)).await;
        assert_eq!(page.status, StatusCode::SEE_OTHER, "{extra:?}");
        let location = page.location.unwrap();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        assert_eq!(
            query_param(&location, "error").as_deref(),
            Some(error),
            "{extra:?}"
        );
        assert_eq!(query_param(&location, "state").as_deref(), Some("st"));
        assert!(query_param(&location, "code").is_none());
    }
}

#[actix_web::test]
async fn prompt_login_takes_a_user_with_a_second_factor_through_the_second_step() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let secret = {
        let response = app.enrol_totp(&user.access_token, PASSWORD).await;
        let body: serde_json::Value = response.json().await.unwrap();
        body["secret"].as_str().unwrap().to_owned()
    };
    let code = totp_code(&secret, unix_now()).await;
    let confirmed = app.confirm_totp(&user.access_token, &code).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let body: serde_json::Value = confirmed.json().await.unwrap();
    let recovery = body["recoveryCodes"][0].as_str().unwrap().to_owned();

    let mut browser = Browser::signed_in(&app, &user.access_token);
    let pkce = Pkce::new();
    let asked = browser
        .get(&authorize_path(&client, &pkce, &[("prompt", "login")]))
        .await;
    let password_done = browser.sign_in(&sign_in_asked(&asked), &user.email).await;
    assert_eq!(
        password_done.location.as_deref(),
        Some("/login/second-factor")
    );
    let step = browser.get("/login/second-factor").await;
    assert_eq!(step.status, StatusCode::OK, "{}", step.html);
    let answer = browser
        .post(
            "/auth/login/second-factor",
            &[("csrf", &step.csrf()), ("code", &recovery)],
        )
        .await;
    let back = answer.location.expect("back to the request");
    assert!(back.starts_with("/oauth/authorize?"), "{back}");
    let done = browser.get(&back).await;
    let claims = id_claims(&app, &client, &code_in(&done), &pkce).await;
    let amr = claims["amr"].as_array().unwrap();
    assert!(amr.contains(&"mfa".into()), "{claims}");
}

/// The value of the hidden field `name` of the consent form on `page`.
fn hidden_field(page: &Page, name: &str) -> String {
    let form = page.form("consent");
    let marker = format!(r#"name="{name}" value=""#);
    let start = form.find(&marker).unwrap_or_else(|| panic!("no {name}")) + marker.len();
    form[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

#[actix_web::test]
async fn the_consent_form_posted_for_a_prompt_login_request_never_skips_signing_in_again() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    for asked in [("prompt", "login"), ("max_age", "0")] {
        // Whoever holds the browser opens a request that asks nothing of
        // the sign-in's age: a consent page, its CSRF token and `shown_to`.
        let mut browser = Browser::signed_in(&app, &user.access_token);
        let page = browser.get(&authorize_path(&client, &pkce, &[])).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let (csrf, shown_to) = (page.csrf(), hidden_field(&page, "shown_to"));

        // Then answers it with the app's own request, which asks for a new
        // sign-in: no code may come of a sign-in made before it.
        let mut form = authorize_query(&client, &pkce, &[asked]);
        form.extend([
            ("csrf", csrf.as_str()),
            ("shown_to", shown_to.as_str()),
            ("decision", "allow"),
        ]);
        let answer = browser.post("/oauth/authorize", &form).await;
        let location = answer.location.clone().unwrap_or_default();
        assert!(
            query_param(&location, "code").is_none(),
            "{asked:?}: a code without signing in again: {location}"
        );
    }
}

/// `prompt=login` for an app that asks consent: one sign-in, then its
/// consent page, whose "Allow" gives the code (the trip is kept until then).
#[actix_web::test]
async fn prompt_login_then_the_consent_page_gives_the_code_after_one_sign_in() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let mut browser = Browser::signed_in(&app, &user.access_token);
    let pkce = Pkce::new();
    let asked = browser
        .get(&authorize_path(&client, &pkce, &[("prompt", "login")]))
        .await;
    let answer = browser.sign_in(&sign_in_asked(&asked), &user.email).await;
    let consent = browser.get(&answer.location.expect("back")).await;
    assert_eq!(consent.status, StatusCode::OK, "{}", consent.html);
    let mut form = hidden_inputs(consent.form("consent"));
    form.push(("decision".to_owned(), "allow".to_owned()));
    let fields: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let allowed = browser.post("/oauth/authorize", &fields).await;
    let claims = id_claims(&app, &client, &code_in(&allowed), &pkce).await;
    assert_eq!(claims["sub"], user.id);
    // The trip ended with the code: the same request asks again.
    let again = browser
        .get(&authorize_path(&client, &pkce, &[("prompt", "login")]))
        .await;
    sign_in_asked(&again);
}
