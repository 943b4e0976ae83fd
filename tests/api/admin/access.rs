//! Only an admin of sesame's own sign-in gets `/admin` and `/api/admin/*`:
//! anyone else signed in 403, nobody signed in the 401 page or 401 JSON,
//! an app's token 401, a form without its CSRF token 403.

use reqwest::{Method, StatusCode};
use serde_json::json;

use crate::helpers::*;

/// Every page and form of the console, for a user with this id.
fn pages(id: &str) -> Vec<(Method, String)> {
    let mut all = vec![
        (Method::GET, "/admin".to_owned()),
        (Method::GET, "/admin?query=a&page=2".to_owned()),
        (Method::GET, "/admin/events".to_owned()),
        (Method::GET, format!("/admin/users/{id}")),
    ];
    for action in [
        "roles",
        "disable",
        "enable",
        "delete",
        "reset",
        "sessions/revoke",
        "sessions/x/revoke",
    ] {
        all.push((Method::POST, format!("/admin/users/{id}/{action}")));
    }
    all
}

/// Every route of the JSON API.
fn api(id: &str) -> Vec<(Method, String)> {
    vec![
        (Method::GET, "/api/admin/users".to_owned()),
        (Method::GET, format!("/api/admin/users/{id}")),
        (Method::PUT, format!("/api/admin/users/{id}/roles")),
        (Method::POST, format!("/api/admin/users/{id}/disable")),
        (Method::POST, format!("/api/admin/users/{id}/enable")),
        (Method::DELETE, format!("/api/admin/users/{id}")),
        (Method::DELETE, format!("/api/admin/users/{id}/sessions")),
        (Method::GET, "/api/admin/events".to_owned()),
    ]
}

#[actix_web::test]
async fn a_user_without_the_admin_role_gets_403_on_every_admin_page_and_route() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.new_user().await;
    for (method, path) in pages(&other.id) {
        let headers = Headers::new().access_cookie(&user.access_token);
        let response = app.send_raw(method.clone(), &path, headers, None).await;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "{method} {path}");
        let html = response.text().await.unwrap();
        assert!(
            html.contains("Administrators only"),
            "{method} {path}: {html}"
        );
    }
    let body = json!({"roles": ["admin"]});
    for (method, path) in api(&other.id) {
        let response = app
            .admin_api(method.clone(), &path, &user.access_token, Some(&body))
            .await;
        let answer = json_of(response, StatusCode::FORBIDDEN).await;
        assert_eq!(answer["error"], "admin_required", "{method} {path}");
    }
    // Nothing was done to the other user.
    assert_eq!(app.me(&other.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn nobody_signed_in_gets_the_401_page_or_401_json_and_a_form_goes_to_sign_in() {
    let app = spawn_app().await;
    for (method, path) in pages("someone") {
        let response = app
            .send_raw(method.clone(), &path, Headers::new(), None)
            .await;
        if method == Method::GET {
            assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{path}");
            let html = response.text().await.unwrap();
            assert!(html.contains("/login?next=/admin"), "{path}: {html}");
        } else {
            // A form: sent to sign in, and back to its page (a 401 page
            // reloaded would post it again).
            assert_eq!(response.status(), StatusCode::SEE_OTHER, "{path}");
            let location = response.headers()["location"].to_str().unwrap();
            assert_eq!(location, "/login?next=/admin/users/someone", "{path}");
        }
    }
    for (method, path) in api("someone") {
        let response = app
            .send_raw(method.clone(), &path, Headers::new(), None)
            .await;
        let answer = json_of(response, StatusCode::UNAUTHORIZED).await;
        assert_eq!(answer["error"], "unauthenticated", "{method} {path}");
    }
}

#[actix_web::test]
async fn an_apps_token_of_an_admin_is_refused() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let client = app.confidential_client(&[]).await;
    let (tokens, _) = app.sign_app_in(&admin, &client, "openid").await;

    let response = app
        .admin_api(Method::GET, "/api/admin/users", &tokens.access_token, None)
        .await;
    let answer = json_of(response, StatusCode::UNAUTHORIZED).await;
    assert_eq!(answer["error"], "invalid_token");
    // Their own sign-in's token gets in.
    let response = app
        .admin_api(Method::GET, "/api/admin/users", &admin.access_token, None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
}

#[actix_web::test]
async fn a_role_taken_away_closes_the_console_at_the_next_request() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let path = "/api/admin/users";
    let response = app
        .admin_api(Method::GET, path, &admin.access_token, None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);

    app.set_roles_by_command(&admin.email, "").await;
    let response = app
        .admin_api(Method::GET, path, &admin.access_token, None)
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
}

#[actix_web::test]
async fn an_admin_form_without_its_csrf_token_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let page = app
        .admin_page(&format!("/admin/users/{}", user.id), &admin)
        .await;
    assert_eq!(page.status, StatusCode::OK);

    let path = format!("/admin/users/{}/sessions/revoke", user.id);
    let response = app.admin_form(&path, &admin, &page, &[]).await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let response = app
        .admin_form(&path, &admin, &page, &[("csrf", "not-the-token")])
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    // The JSON API refuses a cross-site request, as every other route does.
    let response = app
        .send_raw(
            Method::DELETE,
            &format!("/api/admin/users/{}/sessions", user.id),
            Headers::new()
                .bearer(&admin.access_token)
                .header("origin", "https://evil.example"),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
}

#[actix_web::test]
async fn the_profile_links_to_administration_for_admins_only() {
    let app = spawn_app().await;
    let admin = app.new_admin().await;
    let user = app.new_user().await;
    let html = |user: TestUser| {
        let app = &app;
        async move {
            let response = app
                .profile(Headers::new().access_cookie(&user.access_token))
                .await;
            response.text().await.unwrap()
        }
    };
    assert!(html(admin).await.contains(r#"href="/admin""#));
    assert!(!html(user).await.contains(r#"href="/admin""#));
}
