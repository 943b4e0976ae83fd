//! The authorization endpoint's refusals: never a redirect to an app or an
//! address sesame does not know (an error page instead); RFC 6749 4.1.2.1's
//! redirect, with `state`, for everything else.

use reqwest::StatusCode;

use crate::helpers::*;

fn request<'a>(client: &'a TestClient, pkce: &'a Pkce) -> Vec<(&'a str, &'a str)> {
    vec![
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid"),
        ("state", "xyz"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ]
}

fn with<'a>(
    base: &[(&'a str, &'a str)],
    name: &'a str,
    value: Option<&'a str>,
) -> Vec<(&'a str, &'a str)> {
    let mut query: Vec<(&str, &str)> = base.iter().copied().filter(|(n, _)| *n != name).collect();
    if let Some(value) = value {
        query.push((name, value));
    }
    query
}

#[actix_web::test]
async fn an_unknown_app_or_an_unregistered_address_gets_a_page_never_a_redirect() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let base = request(&client, &pkce);
    for query in [
        with(&base, "client_id", Some("unknown")),
        with(&base, "client_id", None),
        with(&base, "redirect_uri", Some("https://evil.example/callback")),
        with(&base, "redirect_uri", Some("https://app.example/callback/")),
        with(&base, "redirect_uri", None),
    ] {
        let page = Page::of(app.authorize(Some(&user), &query).await).await;
        assert_eq!(page.status, StatusCode::BAD_REQUEST, "{query:?}");
        assert!(page.location.is_none(), "{query:?}");
        assert!(page.html.contains("oauth-error"));
    }
}

#[actix_web::test]
async fn other_errors_are_redirected_with_their_code_and_the_state() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let base = request(&client, &pkce);
    for (query, code) in [
        (
            with(&base, "response_type", Some("token")),
            "unsupported_response_type",
        ),
        (with(&base, "response_type", None), "invalid_request"),
        (with(&base, "scope", Some("email profile")), "invalid_scope"),
        (
            with(&base, "code_challenge_method", Some("plain")),
            "invalid_request",
        ),
        (
            with(&base, "code_challenge", Some("short")),
            "invalid_request",
        ),
    ] {
        let answer = app.authorize(Some(&user), &query).await;
        assert_eq!(answer.status(), StatusCode::SEE_OTHER, "{query:?}");
        let location = answer.headers()["location"].to_str().unwrap();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        assert_eq!(
            query_param(location, "error").as_deref(),
            Some(code),
            "{query:?}"
        );
        assert_eq!(query_param(location, "state").as_deref(), Some("xyz"));
        assert!(query_param(location, "code").is_none());
    }
    let mut twice = base.clone();
    twice.push(("scope", "openid email"));
    let answer = app.authorize(Some(&user), &twice).await;
    let location = answer.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("invalid_request")
    );
}

#[actix_web::test]
async fn not_signed_in_gets_the_sign_in_way_back_and_prompt_none_gets_login_required() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let pkce = Pkce::new();
    let base = request(&client, &pkce);
    let page = Page::of(app.authorize(None, &base).await).await;
    assert_eq!(page.status, StatusCode::UNAUTHORIZED);
    assert!(
        page.html
            .contains("login?next=/oauth/authorize%3Fresponse_type%3Dcode"),
        "{}",
        page.html
    );

    let answer = app
        .authorize(None, &with(&base, "prompt", Some("none")))
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("login_required")
    );

    let user = app.new_user().await;
    let answer = app
        .authorize(Some(&user), &with(&base, "prompt", Some("none")))
        .await;
    let location = answer.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("consent_required")
    );
}

#[actix_web::test]
async fn deny_sends_access_denied_and_remembers_nothing() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let base = request(&client, &pkce);
    let page = Page::of(app.authorize(Some(&user), &base).await).await;
    let answer = app.answer_consent(&user, &page, "deny").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap();
    assert_eq!(
        query_param(location, "error").as_deref(),
        Some("access_denied")
    );
    assert_eq!(query_param(location, "state").as_deref(), Some("xyz"));
    assert_eq!(
        app.authorize(Some(&user), &base).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_apps_own_access_token_is_no_sign_in_at_the_authorization_endpoint() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, "openid").await;
    let pkce = Pkce::new();
    let as_app = TestUser {
        access_token: tokens.access_token.clone(),
        ..user.clone()
    };
    let answer = app.authorize(Some(&as_app), &request(&client, &pkce)).await;
    assert_eq!(answer.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_consent_form_without_its_csrf_token_is_refused() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let page = Page::of(app.authorize(Some(&user), &request(&client, &pkce)).await).await;
    let forged = Page {
        html: page.html.replace(&page.csrf(), "forged"),
        ..page
    };
    let answer = app.answer_consent(&user, &forged, "allow").await;
    assert_eq!(answer.status(), StatusCode::FORBIDDEN);
}
