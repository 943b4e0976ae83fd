//! `GET /oauth/logout` (RP-Initiated Logout 1.0): a valid hint signs the
//! app's session and the browser's out and returns to a registered address
//! with `state`; anything less asks first, or is refused.

use reqwest::{Method, StatusCode};

use crate::helpers::*;

const BYE: &str = "https://app.example/bye";

/// An app with `BYE` registered, a user signed in to it: the app's tokens.
async fn signed_in(app: &TestApp) -> (TestClient, TestUser, AppTokens) {
    let client = app
        .confidential_client(&["--post-logout-redirect-uri", BYE])
        .await;
    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, &client, "openid").await;
    (client, user, tokens)
}

fn logout(app: &TestApp, query: &[(&str, &str)], access_cookie: Option<&str>) -> Request {
    let query = serde_urlencoded::to_string(query).unwrap();
    let headers = match access_cookie {
        Some(token) => Headers::new().access_cookie(token),
        None => Headers::new(),
    };
    app.send_raw(
        Method::GET,
        &format!("/oauth/logout?{query}"),
        headers,
        None,
    )
}

async fn works(app: &TestApp, access_token: &str) -> bool {
    app.me(access_token).await.status() == StatusCode::OK
}

#[actix_web::test]
async fn a_hint_ends_the_app_session_and_the_browsers_and_returns_with_state() {
    let app = spawn_app().await;
    let (_, user, tokens) = signed_in(&app).await;
    let query = [
        ("id_token_hint", tokens.id_token.as_str()),
        ("post_logout_redirect_uri", BYE),
        ("state", "s 1&2"),
    ];
    let answer = logout(&app, &query, Some(&user.access_token)).await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"],
        "https://app.example/bye?state=s+1%262"
    );
    assert_clears_cookies(answer.headers());
    assert!(
        !works(&app, &tokens.access_token).await,
        "the app's session"
    );
    assert!(
        !works(&app, &user.access_token).await,
        "the browser's session"
    );
}

#[actix_web::test]
async fn a_hint_without_a_return_address_shows_the_signed_out_page() {
    let app = spawn_app().await;
    let (_, user, tokens) = signed_in(&app).await;
    let page = Page::of(logout(&app, &[("id_token_hint", &tokens.id_token)], None).await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("You are signed out"), "{}", page.html);
    assert!(!works(&app, &tokens.access_token).await);
    // No cookie of that user came: sesame's own session is not this browser's.
    assert!(works(&app, &user.access_token).await);
}

#[actix_web::test]
async fn an_unregistered_return_address_is_refused_and_nothing_ends() {
    let app = spawn_app().await;
    let (_, user, tokens) = signed_in(&app).await;
    let query = [
        ("id_token_hint", tokens.id_token.as_str()),
        ("post_logout_redirect_uri", "https://evil.example/"),
    ];
    let answer = logout(&app, &query, Some(&user.access_token)).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(answer.headers().get("location").is_none());
    assert!(works(&app, &tokens.access_token).await);
    assert!(works(&app, &user.access_token).await);
}

#[actix_web::test]
async fn a_hint_of_another_app_is_refused() {
    let app = spawn_app().await;
    let (_, user, tokens) = signed_in(&app).await;
    let other = app.confidential_client(&[]).await;
    let query = [
        ("id_token_hint", tokens.id_token.as_str()),
        ("client_id", other.id.as_str()),
    ];
    let answer = logout(&app, &query, Some(&user.access_token)).await;
    assert_eq!(answer.status(), StatusCode::BAD_REQUEST);
    assert!(works(&app, &tokens.access_token).await);
}

#[actix_web::test]
async fn without_a_valid_hint_the_page_asks_first_and_its_button_signs_out() {
    let app = spawn_app().await;
    let (client, user, tokens) = signed_in(&app).await;
    for query in [
        vec![("client_id", client.id.as_str())],
        vec![
            ("id_token_hint", "not.a.token"),
            ("client_id", client.id.as_str()),
        ],
    ] {
        let page = Page::of(logout(&app, &query, Some(&user.access_token)).await).await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.html.contains(r#"id="oauth-logout""#), "{}", page.html);
        assert!(works(&app, &user.access_token).await, "signed out silently");
    }
    let page =
        Page::of(logout(&app, &[("client_id", &client.id)], Some(&user.access_token)).await).await;
    let form = [
        ("csrf", page.csrf()),
        ("client_id", client.id.clone()),
        ("post_logout_redirect_uri", BYE.to_owned()),
        ("state", "xyz".to_owned()),
    ];
    let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
    let answer = app
        .send_raw(
            Method::POST,
            "/oauth/logout",
            Headers::new()
                .cookie(&cookies)
                .header("content-type", "application/x-www-form-urlencoded"),
            Some(serde_urlencoded::to_string(form).unwrap().into()),
        )
        .await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    assert_eq!(
        answer.headers()["location"],
        "https://app.example/bye?state=xyz"
    );
    assert_clears_cookies(answer.headers());
    assert!(!works(&app, &user.access_token).await);
    // The app's session is its own: the button signed the browser out.
    assert!(works(&app, &tokens.access_token).await);
}
