use reqwest::StatusCode;

use crate::helpers::*;

/// The user's sessions; every row has its `id`, `createdAt`, `lastUsedAt`
/// and `expiresAt` as strings (or it does not read as a `SessionRow`).
async fn list(app: &TestApp, access_token: &str) -> Vec<SessionRow> {
    let response = app.sessions(access_token).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "no-store");
    response.json().await.unwrap()
}

#[actix_web::test]
async fn sessions_lists_the_active_sessions_and_marks_this_one() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let phone = app
        .login_with(
            Headers::new().header("User-Agent", "Phone/1.0"),
            &user.email,
            PASSWORD,
        )
        .await;
    let phone = TestUser::from_sign_in(&user.email, phone).await;

    // Every row's `id`, `createdAt`, `lastUsedAt` and `expiresAt` are
    // strings: `list` reads the rows as `SessionRow`s.
    let sessions = list(&app, &phone.access_token).await;
    assert_eq!(sessions.len(), 2);
    let current: Vec<&SessionRow> = sessions.iter().filter(|s| s.current).collect();
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].user_agent.as_deref(), Some("Phone/1.0"));
    assert_eq!(current[0].id, session_of(&phone.access_token));
}

#[actix_web::test]
async fn deleting_a_session_stops_its_tokens_at_once() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let laptop = app.sign_in(&user.email).await;
    let laptop_id = session_of(&laptop.access_token);

    let response = app.delete_session(&user.access_token, &laptop_id).await;
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
    assert_ne!(remaining[0].id, laptop_id);
}

#[actix_web::test]
async fn someone_elses_or_an_unknown_session_is_404() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let stranger = app.new_user().await;
    let strangers_id = session_of(&stranger.access_token);

    let response = app.delete_session(&user.access_token, &strangers_id).await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(
        app.me(&stranger.access_token).await.status(),
        StatusCode::OK
    );

    let response = app
        .delete_session(&user.access_token, "no-such-session")
        .await;
    assert_error(response, StatusCode::NOT_FOUND, "not_found").await;
}

#[actix_web::test]
async fn the_session_api_needs_an_access_token() {
    let app = spawn_app().await;
    let response = app.sessions_with(Headers::new()).await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    let response = app.delete_session_with(Headers::new(), "x").await;
    assert_error(response, StatusCode::UNAUTHORIZED, "unauthenticated").await;
}
