//! What a newcomer meets first (issue 19's traps): secure cookies on plain
//! HTTP, warned of at start and explained on the page that would otherwise
//! only say "expired" (the default public address itself is tested with the
//! reset link, in reset::asking); JSON sent as a form; `next` kept from
//! sign-in to sign-up.

use reqwest::{Method, StatusCode};

use crate::helpers::*;
use crate::process::Running;

/// The binary's log from start to its `listening on` line and a moment on.
async fn start_log(args: &[&str]) -> String {
    let folder = tempfile::tempdir().expect("a folder");
    let mut all = vec!["--bind", "127.0.0.1:0", "--database-url", "sesame.db"];
    all.extend_from_slice(args);
    let server = Running::start(folder.path(), &all, &[]).await;
    server.kill().await
}

#[actix_web::test]
async fn secure_cookies_on_plain_http_away_from_localhost_are_warned_of_at_start() {
    let log = start_log(&[
        "--cookie-secure",
        "true",
        "--public-url",
        "http://sesame.lan:8080",
    ])
    .await;
    let warning = log
        .lines()
        .find(|line| line.contains("WARN") && line.contains("--cookie-secure"))
        .unwrap_or_else(|| panic!("no warning in:\n{log}"));
    assert!(warning.contains("http://sesame.lan:8080"), "{warning}");
    assert!(warning.contains("--cookie-secure false"), "{warning}");
    assert!(warning.contains("TLS"), "{warning}");

    // Where browsers keep the cookies, nothing to warn of.
    for args in [
        [
            "--cookie-secure",
            "true",
            "--public-url",
            "http://localhost:8080",
        ],
        [
            "--cookie-secure",
            "true",
            "--public-url",
            "https://sesame.lan",
        ],
        [
            "--cookie-secure",
            "false",
            "--public-url",
            "http://sesame.lan:8080",
        ],
    ] {
        let log = start_log(&args).await;
        assert!(!log.contains("--cookie-secure is on"), "{args:?}:\n{log}");
    }
    // Nor by default (the public address is then http://localhost:<port>).
    let log = start_log(&[]).await;
    assert!(!log.contains("--cookie-secure is on"), "{log}");
    assert!(log.contains("public address http://localhost:"), "{log}");
}

#[actix_web::test]
async fn the_form_expired_page_says_the_browser_may_be_refusing_cookies() {
    let app = spawn_app().await;
    // A browser that kept no cookie posts the form without its token.
    let headers = Headers::new().header("Content-Type", "application/x-www-form-urlencoded");
    let body = format!("email=a%40example.com&password={PASSWORD}");
    let response = app
        .send_raw(Method::POST, "/auth/login", headers, Some(body.into()))
        .await;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = response.text().await.unwrap();
    assert!(page.contains("This form has expired"), "{page}");
    assert!(page.contains("refusing sesame's cookies"), "{page}");
    assert!(page.contains("--cookie-secure false"), "{page}");
}

#[actix_web::test]
async fn json_sent_with_curls_default_form_type_is_415_naming_the_header_to_send() {
    let app = spawn_app().await;
    let user = app.new_user().await;
    // `curl -d '{"email":…}' URL`: a form content type, a JSON body.
    let curl = || Headers::new().header("Content-Type", "application/x-www-form-urlencoded");
    let cases = [
        (
            "/auth/login",
            format!(r#"{{"email": "{}", "password": "{PASSWORD}"}}"#, user.email),
        ),
        (
            "/auth/register",
            format!(
                r#" {{"name": "Ada", "email": "new-{}", "password": "{PASSWORD}"}}"#,
                user.email
            ),
        ),
        (
            "/auth/password/forgot",
            format!(r#"{{"email": "{}"}}"#, user.email),
        ),
    ];
    for (path, body) in cases {
        let response = app
            .send_raw(Method::POST, path, curl(), Some(body.into()))
            .await;
        let error = assert_error(
            response,
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
        )
        .await;
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains("Content-Type: application/json"),
            "{path}: {message}"
        );
    }
}

fn as_pairs(fields: &[(String, String)]) -> Vec<(&str, &str)> {
    fields
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect()
}

/// A page, as a browser with no cookie gets it.
async fn page(app: &Api, path_and_query: &str) -> Page {
    let response = app
        .send_raw(Method::GET, path_and_query, Headers::new(), None)
        .await;
    let page = Page::of(response).await;
    assert_eq!(
        page.status,
        StatusCode::OK,
        "{path_and_query}: {}",
        page.html
    );
    page
}

#[actix_web::test]
async fn next_survives_from_sign_in_to_sign_up_and_signing_up_lands_there() {
    let app = spawn_app().await;
    let login = page(&app, "/login?next=/app/reports%3Fweek%3D3").await;
    let link = r#"href="/register?next=%2Fapp%2Freports%3Fweek%3D3""#;
    assert!(login.html.contains(link), "{}", login.html);

    let register = page(&app, "/register?next=%2Fapp%2Freports%3Fweek%3D3").await;
    assert!(
        register
            .html
            .contains(r#"<input type="hidden" name="next" value="/app/reports?week=3">"#),
        "{}",
        register.html
    );
    // And back to sign-in, still carrying it.
    assert!(register
        .html
        .contains(r#"href="/login?next=%2Fapp%2Freports%3Fweek%3D3""#));

    // A failed sign-up keeps it on the page shown again.
    let cookie = register.forms_cookie();
    let form = |email: &str, password: &str| {
        vec![
            ("csrf".to_owned(), register.csrf()),
            ("name".to_owned(), "Ada".to_owned()),
            ("email".to_owned(), email.to_owned()),
            ("password".to_owned(), password.to_owned()),
            ("next".to_owned(), "/app/reports?week=3".to_owned()),
        ]
    };
    let weak = form("ada@example.com", "short");
    let again = Page::of(app.register_form(&cookie, &as_pairs(&weak)).await).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again
        .html
        .contains(r#"name="next" value="/app/reports?week=3""#));

    let good = form("ada@example.com", PASSWORD);
    let signed_up = app.register_form(&cookie, &as_pairs(&good)).await;
    assert_eq!(signed_up.status(), StatusCode::SEE_OTHER);
    assert_eq!(signed_up.headers()["location"], "/app/reports?week=3");

    // Only a local path: another site is never where signing up leads.
    let elsewhere = page(&app, "/register?next=//evil.example/").await;
    assert!(
        !elsewhere.html.contains("evil.example"),
        "{}",
        elsewhere.html
    );
    assert!(!login.html.contains(r#"href="/register""#));
}
