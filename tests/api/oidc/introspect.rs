//! `POST /oauth/introspect` (RFC 7662): whether a token works right now,
//! to a confidential app. Any access token that works is described; a
//! refresh token only to its own app, and only the current one.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::{json, Value};

use super::clients::{add_app, post_form, refresh_of, signed_in_to, status_and_json, SCOPE};
use crate::helpers::*;

async fn introspect(app: &TestApp, asker: &TestClient, token: &str) -> Value {
    let response = post_form(app, "/oauth/introspect", Some(asker), &[("token", token)]).await;
    assert_eq!(
        response
            .headers()
            .get("cache-control")
            .and_then(|v| v.to_str().ok()),
        Some("no-store")
    );
    let (status, json) = status_and_json(response).await;
    assert_eq!(status, StatusCode::OK, "{json}");
    json
}

#[actix_web::test]
async fn an_apps_access_token_is_described_to_any_confidential_app() {
    let app = spawn_app_with(|s| s.public_url = Some("https://id.example".into())).await;
    let grafana = app.confidential_client(&[]).await;
    let resource_server = app.confidential_client(&[]).await;
    let (user, tokens) = signed_in_to(&app, &grafana).await;

    let said = introspect(&app, &resource_server, &tokens.access_token).await;
    let claims = claims_of(&tokens.access_token);
    assert_eq!(said["active"], true, "{said}");
    assert_eq!(said["client_id"], grafana.id.as_str(), "{said}");
    assert_eq!(said["scope"], SCOPE, "{said}");
    assert_eq!(said["sub"], user.id.as_str(), "{said}");
    assert_eq!(said["sid"], claims["sid"], "{said}");
    assert_eq!(said["username"], user.email.as_str(), "{said}");
    assert_eq!(said["token_type"], "access_token", "{said}");
    assert_eq!(said["iss"], "https://id.example", "{said}");
    assert_eq!(said["exp"], claims["exp"], "{said}");
    assert_eq!(said["iat"], claims["iat"], "{said}");
}

#[actix_web::test]
async fn a_refresh_token_is_active_only_to_its_own_app_and_only_while_current() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let other = app.confidential_client(&[]).await;
    let (_, tokens) = signed_in_to(&app, &grafana).await;
    let first = refresh_of(&tokens);

    let said = introspect(&app, &grafana, first).await;
    assert_eq!(said["active"], true, "{said}");
    assert_eq!(said["token_type"], "refresh_token", "{said}");
    assert_eq!(said["client_id"], grafana.id.as_str(), "{said}");
    assert_eq!(
        introspect(&app, &other, first).await,
        json!({"active": false}),
        "another app's"
    );

    let next = AppTokens::of(app.refresh_app(&grafana, first).await).await;
    assert_eq!(
        introspect(&app, &grafana, first).await,
        json!({"active": false}),
        "spent"
    );
    assert_eq!(
        introspect(&app, &grafana, refresh_of(&next)).await["active"],
        true
    );
}

#[actix_web::test]
async fn a_token_is_inactive_at_once_after_its_revocation_or_a_logout_everywhere() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let (_, revoked) = signed_in_to(&app, &grafana).await;
    let (user, logged_out) = signed_in_to(&app, &grafana).await;
    for tokens in [&revoked, &logged_out] {
        let said = introspect(&app, &grafana, &tokens.access_token).await;
        assert_eq!(said["active"], true, "{said}"); // now remembered
    }

    let response = post_form(
        &app,
        "/oauth/revoke",
        Some(&grafana),
        &[("token", refresh_of(&revoked))],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let logout = app
        .logout_all(Headers::new().bearer(&user.access_token))
        .await;
    assert!(logout.status().is_success(), "{}", logout.status());

    for tokens in [&revoked, &logged_out] {
        for token in [tokens.access_token.as_str(), refresh_of(tokens)] {
            assert_eq!(
                introspect(&app, &grafana, token).await,
                json!({"active": false})
            );
        }
    }
}

#[actix_web::test]
async fn an_expired_access_token_is_inactive() {
    let app = spawn_app_with(|s| s.access_ttl = Duration::from_secs(1)).await;
    let grafana = app.confidential_client(&[]).await;
    // The browser's own access token lives 1 s too: on a machine slow
    // enough to outlast it before the code comes back, sign in again.
    let mut tokens = None;
    for _ in 0..5 {
        let user = app.new_user().await;
        tokens = app.try_sign_app_in(&user, &grafana, SCOPE).await;
        if tokens.is_some() {
            break;
        }
    }
    let tokens = tokens.expect("signed in to the app within the browser token's second");
    let exp = claims_of(&tokens.access_token)["exp"].as_i64().unwrap();

    // Just past `exp`, the first second it no longer works.
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    sleep_ms((exp * 1000 - now_ms).max(0) as u64 + 50).await;
    assert_eq!(
        introspect(&app, &grafana, &tokens.access_token).await,
        json!({"active": false})
    );
}

#[actix_web::test]
async fn a_public_app_may_not_introspect() {
    let app = spawn_app().await;
    let (spa, _) = add_app(&app, "SPA", &["--public"]).await;
    let resource_server = app.confidential_client(&[]).await;
    let (_, tokens) = signed_in_to(&app, &resource_server).await;

    let response = post_form(
        &app,
        "/oauth/introspect",
        None,
        &[("token", &tokens.access_token), ("client_id", &spa.id)],
    )
    .await;
    assert!(response.headers().contains_key("www-authenticate"));
    let (status, json) = status_and_json(response).await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    assert_eq!(json["error"], "invalid_client", "{json}");
}
