//! Forward auth: `GET /auth/verify`, what a reverse proxy asks about each
//! request, and `GET /auth/required`, the 401 page it shows instead. (nginx in
//! front of sesame and an app, in a browser, is tested in tests/browser.)

use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Method, Response, StatusCode};

use crate::helpers::*;
use crate::process::run;

const USER_HEADERS: [&str; 4] = [
    "remote-user",
    "remote-email",
    "remote-name",
    "remote-groups",
];

fn header<'a>(headers: &'a HeaderMap, name: &str) -> &'a str {
    headers
        .get(name)
        .unwrap_or_else(|| panic!("a {name} header"))
        .to_str()
        .expect("visible ASCII")
}

fn assert_no_cookie_set(response: &Response) {
    let set: Vec<_> = response.headers().get_all(SET_COOKIE).iter().collect();
    assert!(set.is_empty(), "{set:?}");
}

/// A refusal: 401, no user header, no cookie set or cleared.
fn assert_refused(response: Response) {
    for name in USER_HEADERS {
        assert!(response.headers().get(name).is_none(), "{name}");
    }
    assert_no_cookie_set(&response);
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
}

/// Every cookie a browser signed in through the pages sends.
async fn browser_cookies(app: &TestApp, user: &TestUser) -> String {
    let (form_cookie, _) = form_session(app.login_page()).await;
    format!(
        "{form_cookie}; accessToken={}; refreshToken={}",
        user.access_token, user.refresh_token
    )
}

#[actix_web::test]
async fn a_valid_access_token_gets_200_with_the_user_in_the_remote_headers() {
    let app = spawn_app().await;
    let email = "zoe@example.com";
    let response = app.register("Zoë 100% Ada", email, PASSWORD).await;
    let user = TestUser::from_sign_in(email, response).await;

    let response = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let headers = response.headers();
    assert_eq!(header(headers, "remote-user"), user.id);
    assert_eq!(header(headers, "remote-email"), email);
    assert_eq!(header(headers, "remote-name"), "Zo%C3%AB 100%25 Ada");
    assert_eq!(
        header(headers, "remote-groups"),
        "",
        "a new account has no roles"
    );
    assert_eq!(header(headers, "cache-control"), "no-store");
    assert_no_cookie_set(&response);
    assert!(response.bytes().await.unwrap().is_empty());
}

#[actix_web::test]
async fn the_access_cookie_works_as_the_bearer_token_does_and_no_cookie_is_touched() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .verify(Headers::new().cookie(&browser_cookies(&app, &user).await))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "remote-user"), user.id);
    assert_no_cookie_set(&response);
}

#[actix_web::test]
async fn remote_groups_lists_the_users_roles_comma_separated() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let args = [
        "users",
        "set-roles",
        &user.email,
        "admin,editors",
        "--database-url",
        app.database_url(),
    ];
    let output = run(app.folder.path(), &args, &[]).await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    // The user's roles as they are now (see roles::forward_auth_groups_…
    // for a token issued before the change).
    let signed_in = app.sign_in(&user.email).await;
    let response = app
        .verify(Headers::new().bearer(&signed_in.access_token))
        .await;
    assert_eq!(header(response.headers(), "remote-groups"), "admin,editors");
}

#[actix_web::test]
async fn without_a_valid_token_of_a_live_session_it_is_401_with_no_user_header() {
    let app = spawn_app().await;
    let user = app.new_user().await;

    assert_refused(app.verify(Headers::new()).await);
    assert_refused(app.verify(Headers::new().bearer("not.a.token")).await);
    assert_refused(app.verify(Headers::new().access_cookie("garbage")).await);
    assert_refused(app.verify(Headers::new().bearer(&user.refresh_token)).await);
    let (form_cookie, _) = form_session(app.login_page()).await;
    assert_refused(app.verify(Headers::new().cookie(&form_cookie)).await);

    let response = app
        .logout_with_body(Headers::new(), &user.refresh_token)
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let cookies = browser_cookies(&app, &user).await;
    assert_refused(app.verify(Headers::new().cookie(&cookies)).await);
    assert_refused(app.verify(Headers::new().bearer(&user.access_token)).await);
}

#[actix_web::test]
async fn a_session_revoked_elsewhere_is_refused_at_the_next_check() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let other = app.sign_in(&user.email).await;
    let checked = app.verify(Headers::new().bearer(&user.access_token)).await;
    assert_eq!(checked.status(), StatusCode::OK);

    let response = app
        .delete_session(&other.access_token, &session_of(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_refused(app.verify(Headers::new().bearer(&user.access_token)).await);
    let still = app.verify(Headers::new().bearer(&other.access_token)).await;
    assert_eq!(still.status(), StatusCode::OK);
}

#[actix_web::test]
async fn head_answers_as_get_does_without_a_body() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .verify_head(Headers::new().bearer(&user.access_token))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(header(response.headers(), "remote-user"), user.id);
    assert_no_cookie_set(&response);
    assert!(response.bytes().await.unwrap().is_empty());

    assert_refused(app.verify_head(Headers::new()).await);
}

#[actix_web::test]
async fn verify_takes_get_and_head_only() {
    let app = spawn_app().await;
    let response = app
        .send_raw(Method::POST, "/auth/verify", Headers::new(), None)
        .await;
    assert_eq!(response.headers()["allow"], "GET, HEAD");
    assert_error(
        response,
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
    )
    .await;
}

#[actix_web::test]
async fn the_required_page_is_a_401_page_whose_script_and_styles_are_at_absolute_paths() {
    let app = spawn_app().await;
    let response = app.required_page("").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    assert_eq!(response.headers()["cache-control"], "no-store");
    assert!(header(response.headers(), "content-type").starts_with("text/html"));
    assert_no_cookie_set(&response);
    let html = response.text().await.unwrap();
    assert!(
        html.contains(r#"<script src="/static/auth.js?v="#),
        "{html}"
    );
    assert!(
        html.contains(r#"<link rel="stylesheet" href="/static/style.css?v="#),
        "{html}"
    );
    assert!(html.contains(r#"href="/static/favicon.svg?v="#), "{html}");
    // The script takes the page to come back to from the browser's address.
    assert!(
        html.contains(r#"id="unauthorized" data-forward-next="/""#),
        "{html}"
    );
    assert!(!html.contains("data-login-url"), "{html}");
    assert!(html.contains("url=/login\""), "{html}");
}

#[actix_web::test]
async fn the_required_page_keeps_only_a_local_next() {
    let app = spawn_app().await;
    let html = app
        .required_page("?next=/app%3Fx%3D1%26y%3D2")
        .await
        .text()
        .await
        .unwrap();
    assert!(
        html.contains(r#"data-forward-next="/app?x=1&#38;y=2""#),
        "{html}"
    );
    assert!(
        html.contains("url=/login?next=/app%3Fx%3D1%26y%3D2\""),
        "{html}"
    );

    for query in [
        "?next=//evil.example",
        "?next=https://evil.example/",
        "?next=a",
    ] {
        let response = app.required_page(query).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        let html = response.text().await.unwrap();
        assert!(html.contains(r#"data-forward-next="/""#), "{query}: {html}");
        assert!(!html.contains("evil"), "{query}: {html}");
    }
    // Whatever the query, a proxy's 401 finds the page.
    let response = app.required_page("?next=/a&next=/b&%zz").await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    let html = response.text().await.unwrap();
    assert!(html.contains(r#"data-forward-next="/a""#), "{html}");
}

#[actix_web::test]
async fn the_required_page_answers_head_and_a_signed_in_browser_alike() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    let response = app
        .send_raw(
            Method::HEAD,
            "/auth/required",
            Headers::new().cookie(&browser_cookies(&app, &user).await),
            None,
        )
        .await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_no_cookie_set(&response);
    assert!(response.bytes().await.unwrap().is_empty());
}
