use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;

async fn list(app: &TestApp, access_token: &str) -> Vec<Value> {
    let response = app.get_with_bearer("/api/sessions", access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

async fn delete(app: &TestApp, access_token: &str, session_id: &str) -> reqwest::Response {
    app.client
        .delete(app.url(&format!("/api/sessions/{session_id}")))
        .bearer_auth(access_token)
        .send()
        .await
        .unwrap()
}

#[actix_web::test]
async fn sessions_lists_the_active_sessions_and_marks_this_one() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let phone = app
        .client
        .post(app.url("/auth/login"))
        .header("User-Agent", "Phone/1.0")
        .json(&serde_json::json!({"email": user.email, "password": PASSWORD}))
        .send()
        .await
        .unwrap();
    let phone = TestUser::from_sign_in(&user.email, phone).await;

    let sessions = list(&app, &phone.access_token).await;
    assert_eq!(sessions.len(), 2);
    let current: Vec<&Value> = sessions.iter().filter(|s| s["current"] == true).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0]["userAgent"], "Phone/1.0");
    assert_eq!(current[0]["id"], claims_of(&phone.access_token)["sid"]);
    for session in &sessions {
        for field in ["id", "createdAt", "lastUsedAt", "expiresAt"] {
            assert!(session[field].is_string(), "{field} in {session}");
        }
    }
}

#[actix_web::test]
async fn deleting_a_session_stops_its_tokens_at_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let laptop_id = claims_of(&laptop.access_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();

    let response = delete(&app, &user.access_token, &laptop_id).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    assert_eq!(
        app.me(&laptop.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        app.refresh_with_body(&laptop.refresh_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let remaining = list(&app, &user.access_token).await;
    assert_eq!(remaining.len(), 1);
    assert_ne!(remaining[0]["id"], laptop_id.as_str());
}

#[actix_web::test]
async fn someone_elses_or_an_unknown_session_is_404() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let stranger = app.new_user().await;
    let strangers_id = claims_of(&stranger.access_token)["sid"]
        .as_str()
        .unwrap()
        .to_owned();

    let response = delete(&app, &user.access_token, &strangers_id).await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );

    let response = delete(&app, &user.access_token, "no-such-session").await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn the_session_api_needs_an_access_token() {
    let app = spawn_app().await;
    let response = app
        .client
        .get(app.url("/api/sessions"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app
        .client
        .delete(app.url("/api/sessions/x"))
        .send()
        .await
        .unwrap();
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
