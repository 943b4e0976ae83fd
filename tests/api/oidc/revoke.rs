//! `POST /oauth/revoke` (RFC 7009): an app ends its own session by either
//! of its tokens, at once; any other token answers 200 and nothing ends.

use reqwest::StatusCode;

use super::clients::{confidential_app, post_form, session_of_app, status_and_json};
use crate::helpers::*;

#[actix_web::test]
async fn revoking_an_apps_refresh_token_ends_its_session_and_me_refuses_it_at_once() {
    let app = spawn_app().await;
    let grafana = confidential_app(&app).await;
    let user = app.new_user().await;
    session_of_app(&app, &user.access_token, &grafana.id);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK); // now remembered

    let response = post_form(
        &app,
        "/oauth/revoke",
        Some(&grafana),
        &[
            ("token", &user.refresh_token),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "at once"
    );
    let refresh = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn revoking_an_apps_access_token_ends_its_session_whatever_the_hint_says() {
    let app = spawn_app().await;
    let grafana = confidential_app(&app).await;
    let user = app.new_user().await;
    session_of_app(&app, &user.access_token, &grafana.id);

    let response = post_form(
        &app,
        "/oauth/revoke",
        Some(&grafana),
        &[
            ("token", &user.access_token),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refresh.status(), StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn another_apps_token_sesames_own_or_an_unknown_one_is_left_alone_with_200() {
    let app = spawn_app().await;
    let grafana = confidential_app(&app).await;
    let gitea = confidential_app(&app).await;
    let of_gitea = app.new_user().await;
    session_of_app(&app, &of_gitea.access_token, &gitea.id);
    let own = app.new_user().await;

    for token in [
        of_gitea.refresh_token.as_str(),
        of_gitea.access_token.as_str(),
        own.refresh_token.as_str(),
        own.access_token.as_str(),
        "not-a-token",
    ] {
        let response = post_form(&app, "/oauth/revoke", Some(&grafana), &[("token", token)]).await;
        let (status, _) = status_and_json(response).await;
        assert_eq!(status, StatusCode::OK);
    }

    for user in [&of_gitea, &own] {
        assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
        let refresh = app.refresh_with_body(&user.refresh_token).await;
        assert_eq!(refresh.status(), StatusCode::OK, "untouched");
    }
}
