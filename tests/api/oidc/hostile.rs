//! An attacker's and a pedant's look at the provider: each test here is a
//! hole that was open, an app or a stranger doing what it must not.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

/// An app holds the user's access and refresh tokens for its own session:
/// it may read who they are (`/api/me`, `/auth/verify`, userinfo), never
/// act on sesame as them (list or end their sessions, rename them, log
/// them out everywhere).
#[actix_web::test]
async fn an_apps_tokens_cannot_act_on_sesame_as_the_user() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (tokens, _) = app
        .sign_app_in(&user, &client, "openid offline_access")
        .await;
    let browser_session = session_of(&user.access_token);
    let bearer = || Headers::new().bearer(&tokens.access_token);

    assert_eq!(app.me(&tokens.access_token).await.status(), StatusCode::OK);
    assert_eq!(
        app.sessions(&tokens.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let rename = app
        .send_raw(
            Method::PATCH,
            "/api/me",
            bearer().header("content-type", "application/json"),
            Some(json!({"name": "Owned"}).to_string().into()),
        )
        .await;
    assert_eq!(rename.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        app.delete_session(&tokens.access_token, &browser_session)
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.logout_all(bearer()).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = tokens.refresh_token.as_deref().unwrap();
    assert_eq!(
        app.logout_all(Headers::new().refresh_cookie(refresh))
            .await
            .status(),
        StatusCode::UNAUTHORIZED
    );

    // The user's own sign-in is untouched, and still named as they chose.
    let me = app.me(&user.access_token).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: serde_json::Value = me.json().await.unwrap();
    assert_eq!(me["name"], "Test User");
}

/// The consent form posts to sesame, which answers with a redirect to the
/// app: browsers hold that redirect to the page's `form-action` too, so the
/// page's policy must name the app's address, or "Allow" goes nowhere.
#[actix_web::test]
async fn the_consent_page_lets_its_form_lead_to_the_app_and_nowhere_else() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let page = app
        .authorize(
            Some(&user),
            &[
                ("response_type", "code"),
                ("client_id", client.id.as_str()),
                ("redirect_uri", REDIRECT_URI),
                ("scope", "openid"),
                ("code_challenge", pkce.challenge.as_str()),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    assert_eq!(page.status(), StatusCode::OK);
    let policy = page.headers()["content-security-policy"]
        .to_str()
        .unwrap()
        .to_owned();
    let form_action = policy
        .split(';')
        .map(str::trim)
        .find_map(|d| d.strip_prefix("form-action "))
        .unwrap_or_else(|| panic!("no form-action in {policy}"));
    let mut sources: Vec<&str> = form_action.split_whitespace().collect();
    sources.sort();
    assert_eq!(sources, ["'self'", "https://app.example"], "{policy}");
    assert!(policy.contains("frame-ancestors 'none'"), "{policy}");
}

/// "Log out everywhere" ends every sign-in, the apps' included: a code
/// issued a moment before (an app's sign-in under way, or a stolen code)
/// must not open a new session after it.
#[actix_web::test]
async fn a_code_issued_before_logging_out_everywhere_opens_no_session() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (code, verifier) = app.code_for(&user, &client, "openid", "n").await;

    let ended = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(ended.status(), StatusCode::NO_CONTENT);

    let exchange = app
        .token(
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", &verifier),
            ],
        )
        .await;
    assert_eq!(exchange.status(), StatusCode::BAD_REQUEST);
    let body: serde_json::Value = exchange.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

/// `prompt=consent` (OpenID Connect Core 3.1.2.1): the app asks that the
/// user be asked again, even when they allowed it before.
#[actix_web::test]
async fn prompt_consent_asks_again_though_the_app_was_allowed() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    app.code_for(&user, &client, "openid", "n").await;

    let pkce = Pkce::new();
    let query = |prompt| {
        [
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
            ("prompt", prompt),
        ]
    };
    let again = app.authorize(Some(&user), &query("consent")).await;
    assert_eq!(again.status(), StatusCode::OK);
    assert!(Page::of(again).await.form("consent").contains("Allow"));

    // "none" with anything else is an error (3.1.2.1), sent to the app.
    let mixed = app.authorize(Some(&user), &query("none consent")).await;
    assert_eq!(mixed.status(), StatusCode::SEE_OTHER);
    let location = mixed.headers()["location"].to_str().unwrap().to_owned();
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    assert_eq!(
        query_param(&location, "error").as_deref(),
        Some("invalid_request")
    );
    assert_eq!(query_param(&location, "code"), None);
}
