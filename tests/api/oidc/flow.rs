//! The whole authorization code flow: discovery, consent once, the code's
//! exchange, the ID token's claims, userinfo, refresh, and the app's sign-in
//! as a sesame session.

use reqwest::{Method, StatusCode};
use serde_json::Value;

use crate::helpers::*;

async fn discovery(app: &TestApp) -> Value {
    let response = app
        .send_raw(
            Method::GET,
            "/.well-known/openid-configuration",
            Headers::new(),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

#[actix_web::test]
async fn discovery_names_every_endpoint_under_the_issuer() {
    let app = spawn_app().await;
    let document = discovery(&app).await;
    let issuer = document["issuer"].as_str().unwrap().to_owned();
    let port = app.origin().rsplit(':').next().unwrap().to_owned();
    assert_eq!(issuer, format!("http://localhost:{port}"));
    for (name, path) in [
        ("authorization_endpoint", "/oauth/authorize"),
        ("token_endpoint", "/oauth/token"),
        ("userinfo_endpoint", "/oauth/userinfo"),
        ("jwks_uri", "/.well-known/jwks.json"),
        ("end_session_endpoint", "/oauth/logout"),
        ("revocation_endpoint", "/oauth/revoke"),
        ("introspection_endpoint", "/oauth/introspect"),
    ] {
        assert_eq!(document[name], format!("{issuer}{path}"), "{name}");
    }
    assert_eq!(
        document["code_challenge_methods_supported"],
        serde_json::json!(["S256"])
    );
    assert_eq!(
        document["response_types_supported"],
        serde_json::json!(["code"])
    );
    assert_eq!(
        document["id_token_signing_alg_values_supported"],
        serde_json::json!(["RS256", "EdDSA"])
    );
    assert_eq!(document["backchannel_logout_supported"], true);
    assert_eq!(document["backchannel_logout_session_supported"], true);
}

#[actix_web::test]
async fn an_app_signs_a_user_in_after_consent_once_with_an_id_token_of_its_own() {
    let app = spawn_app().await;
    let issuer = discovery(&app).await["issuer"].as_str().unwrap().to_owned();
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;

    // The consent page names the app and what it will know.
    let pkce = Pkce::new();
    let query = [
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email profile"),
        ("state", "s1"),
        ("nonce", "n1"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    let page = Page::of(app.authorize(Some(&user), &query).await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.html.contains("Test App"), "{}", page.html);
    assert!(page.html.contains("Your email address"));
    let answer = app.answer_consent(&user, &page, "allow").await;
    assert_eq!(answer.status(), StatusCode::SEE_OTHER);
    let location = answer.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(query_param(&location, "state").as_deref(), Some("s1"));
    assert_eq!(
        query_param(&location, "iss").as_deref(),
        Some(issuer.as_str())
    );
    let code = query_param(&location, "code").unwrap();

    let tokens = AppTokens::of(
        app.token(
            &client,
            &[
                ("grant_type", "authorization_code"),
                ("code", &code),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", &pkce.verifier),
            ],
        )
        .await,
    )
    .await;
    assert_eq!(tokens.body["token_type"], "Bearer");
    assert_eq!(tokens.scope, "openid profile email");
    assert!(
        tokens.refresh_token.is_none(),
        "no offline_access, no refresh token"
    );
    let id = claims_of(&tokens.id_token);
    assert_eq!(id["iss"], issuer);
    assert_eq!(id["aud"], client.id);
    assert_eq!(id["sub"], user.id);
    assert_eq!(id["nonce"], "n1");
    assert_eq!(id["email"], user.email);
    assert_eq!(id["email_verified"], false);
    assert_eq!(id["name"], "Test User");
    assert!(id.get("roles").is_none(), "roles only with the roles scope");
    assert_eq!(id["amr"], serde_json::json!(["pwd"]));
    assert!(id["auth_time"].as_i64().unwrap() <= id["iat"].as_i64().unwrap());
    assert!(id["at_hash"].as_str().is_some());
    let access = claims_of(&tokens.access_token);
    assert_eq!(access["client_id"], client.id);
    assert_eq!(access["scope"], "openid profile email");
    assert_eq!(access["sid"], id["sid"], "one session behind both");
    assert_ne!(
        access["sid"].as_str(),
        Some(session_of(&user.access_token).as_str())
    );

    // Userinfo says what the scopes allow; /api/me accepts the token too.
    let info = app
        .send_raw(
            Method::GET,
            "/oauth/userinfo",
            Headers::new().bearer(&tokens.access_token),
            None,
        )
        .await;
    assert_eq!(info.status(), StatusCode::OK);
    let info: Value = info.json().await.unwrap();
    assert_eq!(info["sub"], user.id);
    assert_eq!(info["email"], user.email);
    assert!(info.get("roles").is_none());
    assert_eq!(app.me(&tokens.access_token).await.status(), StatusCode::OK);

    // Asked once: the same request now gets a code at once.
    let again = app.authorize(Some(&user), &query).await;
    assert_eq!(again.status(), StatusCode::SEE_OTHER);
    assert!(query_param(again.headers()["location"].to_str().unwrap(), "code").is_some());
    // A wider scope asks again.
    let wider: Vec<(&str, &str)> = query
        .iter()
        .map(|&(k, v)| {
            if k == "scope" {
                (k, "openid email roles")
            } else {
                (k, v)
            }
        })
        .collect();
    assert_eq!(
        app.authorize(Some(&user), &wider).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn an_apps_sign_in_is_a_session_on_the_profile_and_revoking_it_stops_its_tokens() {
    let app = spawn_app().await;
    let client = app
        .add_client("Grafana", &["--redirect-uri", REDIRECT_URI])
        .await;
    let user = app.new_user().await;
    let (tokens, _) = app
        .sign_app_in(&user, &client, "openid offline_access")
        .await;
    let sid = claims_of(&tokens.access_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();

    let profile = Page::of(
        app.profile(Headers::new().access_cookie(&user.access_token))
            .await,
    )
    .await;
    assert!(
        profile.html.contains("Grafana"),
        "the app is named on the profile"
    );

    let revoked = app.delete_session(&user.access_token, &sid).await;
    assert!(revoked.status().is_success(), "{}", revoked.status());
    assert_eq!(
        app.me(&tokens.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let userinfo = app
        .send_raw(
            Method::GET,
            "/oauth/userinfo",
            Headers::new().bearer(&tokens.access_token),
            None,
        )
        .await;
    assert_eq!(userinfo.status(), StatusCode::UNAUTHORIZED);
    assert!(userinfo.headers()["www-authenticate"]
        .to_str()
        .unwrap()
        .starts_with("Bearer"));
    let refresh = app
        .refresh_app(&client, tokens.refresh_token.as_deref().unwrap())
        .await;
    assert_eq!(refresh.status(), StatusCode::BAD_REQUEST);
    let body: Value = refresh.json().await.unwrap();
    assert_eq!(body["error"], "invalid_grant");
}

#[actix_web::test]
async fn log_out_everywhere_and_a_password_change_end_the_apps_sessions_too() {
    let app = spawn_app().await;
    let client = app.confidential_client(&["--skip-consent"]).await;
    let user = app.new_user().await;
    let (first, _) = app.sign_app_in(&user, &client, "openid").await;
    app.logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(
        app.me(&first.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );

    let user = app.sign_in(&user.email).await;
    let (second, _) = app.sign_app_in(&user, &client, "openid").await;
    let changed = app
        .change_password(
            Headers::new().bearer(&user.access_token),
            PASSWORD,
            "another good password",
        )
        .await;
    assert!(changed.status().is_success(), "{}", changed.status());
    assert_eq!(
        app.me(&second.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn pages_whose_forms_may_end_at_an_app_leave_form_action_open_and_no_other_does() {
    let app = spawn_app().await;
    let client = app.confidential_client(&[]).await;
    let user = app.new_user().await;
    let pkce = Pkce::new();
    let consent = app
        .authorize(
            Some(&user),
            &[
                ("response_type", "code"),
                ("client_id", &client.id),
                ("redirect_uri", REDIRECT_URI),
                ("scope", "openid"),
                ("code_challenge", &pkce.challenge),
                ("code_challenge_method", "S256"),
            ],
        )
        .await;
    assert_eq!(consent.status(), StatusCode::OK);
    let policy = |response: &reqwest::Response| {
        response.headers()["content-security-policy"]
            .to_str()
            .unwrap()
            .to_owned()
    };
    // Browsers hold the redirect to the app after "Allow" to form-action.
    assert!(
        policy(&consent).contains("form-action 'self' https://app.example;"),
        "{}",
        policy(&consent)
    );
    assert!(policy(&consent).contains("frame-ancestors 'none'"));
    let login = app
        .login_page_with_next("/oauth/authorize?client_id=x")
        .await;
    assert!(!policy(&login).contains("form-action"));
    let profile = app
        .profile(Headers::new().access_cookie(&user.access_token))
        .await;
    assert!(policy(&profile).contains("form-action 'self'"));
}
