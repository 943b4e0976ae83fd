//! `POST /oauth/revoke` (RFC 7009): an app ends its own session by either
//! of its tokens, at once; any other token answers 200 and nothing ends.

use reqwest::StatusCode;

use super::clients::{post_form, refresh_of, signed_in_to, status_and_json};
use crate::helpers::*;

#[actix_web::test]
async fn revoking_an_apps_refresh_token_ends_its_session_and_me_refuses_it_at_once() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let (_, tokens) = signed_in_to(&app, &grafana).await;
    assert_eq!(app.me(&tokens.access_token).await.status(), StatusCode::OK); // now remembered

    let response = post_form(
        &app,
        "/oauth/revoke",
        Some(&grafana),
        &[
            ("token", refresh_of(&tokens)),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.me(&tokens.access_token).await.status(),
        StatusCode::UNAUTHORIZED,
        "at once"
    );
    let refresh = app.refresh_app(&grafana, refresh_of(&tokens)).await;
    let (status, json) = status_and_json(refresh).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid_grant", "{json}");
}

#[actix_web::test]
async fn revoking_an_apps_access_token_ends_its_session_whatever_the_hint_says() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let (_, tokens) = signed_in_to(&app, &grafana).await;

    let response = post_form(
        &app,
        "/oauth/revoke",
        Some(&grafana),
        &[
            ("token", &tokens.access_token),
            ("token_type_hint", "refresh_token"),
        ],
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);

    assert_eq!(
        app.me(&tokens.access_token).await.status(),
        StatusCode::UNAUTHORIZED
    );
    let refresh = app.refresh_app(&grafana, refresh_of(&tokens)).await;
    assert_eq!(refresh.status(), StatusCode::BAD_REQUEST);
}

#[actix_web::test]
async fn another_apps_token_sesames_own_or_an_unknown_one_is_left_alone_with_200() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let gitea = app.confidential_client(&[]).await;
    let (user, of_gitea) = signed_in_to(&app, &gitea).await;

    for token in [
        refresh_of(&of_gitea),
        of_gitea.access_token.as_str(),
        user.refresh_token.as_str(),
        user.access_token.as_str(),
        "not-a-token",
    ] {
        let response = post_form(&app, "/oauth/revoke", Some(&grafana), &[("token", token)]).await;
        assert_eq!(response.status(), StatusCode::OK);
    }

    for access_token in [&of_gitea.access_token, &user.access_token] {
        assert_eq!(app.me(access_token).await.status(), StatusCode::OK);
    }
    let refresh = app.refresh_app(&gitea, refresh_of(&of_gitea)).await;
    assert_eq!(refresh.status(), StatusCode::OK, "gitea's session goes on");
    let refresh = app.refresh_with_body(&user.refresh_token).await;
    assert_eq!(refresh.status(), StatusCode::OK, "sesame's own goes on");
}
