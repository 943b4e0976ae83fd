//! `sesame clients add|list|remove` (the real binary, beside the running
//! server, on its database), and how an app authenticates at the endpoints
//! it calls (`/oauth/revoke`, `/oauth/introspect`): RFC 6749 2.3.1.

use std::process::Output;
use std::time::{Duration, Instant};

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use diesel::sql_types::Binary;
use diesel::QueryableByName;
use reqwest::StatusCode;
use serde_json::Value;

use crate::helpers::*;
use crate::process::run;

/// `sesame clients ARGS…` on the app's database, with a clean environment.
pub(super) async fn clients(app: &TestApp, args: &[&str]) -> Output {
    let mut args: Vec<&str> = std::iter::once("clients")
        .chain(args.iter().copied())
        .collect();
    args.extend(["--database-url", app.database_url()]);
    run(app.folder.path(), &args, &[]).await
}

fn texts(output: &Output) -> (String, String) {
    (
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// `sesame clients add NAME --redirect-uri … ARGS…`, which must succeed.
pub(super) async fn add_app(app: &TestApp, name: &str, args: &[&str]) -> (TestClient, String) {
    let mut all = vec!["add", name, "--redirect-uri", "https://app.example/cb"];
    all.extend_from_slice(args);
    let output = clients(app, &all).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");
    let value = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(str::to_owned)
    };
    let id = value("client_id: ").unwrap_or_else(|| panic!("no client_id in {stdout}"));
    let secret = value("client_secret: ");
    (TestClient { id, secret }, stdout)
}

pub(super) const SCOPE: &str = "openid email offline_access";

/// A new user signed in to `client` (authorize, consent, code exchange):
/// the user (with sesame's own session too) and the app's tokens.
pub(super) async fn signed_in_to(app: &TestApp, client: &TestClient) -> (TestUser, AppTokens) {
    let user = app.new_user().await;
    let (tokens, _) = app.sign_app_in(&user, client, SCOPE).await;
    (user, tokens)
}

/// The app's refresh token.
pub(super) fn refresh_of(tokens: &AppTokens) -> &str {
    tokens.refresh_token.as_deref().expect("offline_access")
}

/// A form posted to `path`, the app authenticated by HTTP Basic when given.
pub(super) async fn post_form(
    app: &TestApp,
    path: &str,
    basic: Option<&TestClient>,
    form: &[(&str, &str)],
) -> reqwest::Response {
    let mut request = reqwest::Client::new()
        .post(format!("{}{path}", app.origin()))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(serde_urlencoded::to_string(form).unwrap());
    if let Some(client) = basic {
        let secret = client.secret.as_deref().unwrap_or_default();
        let pair = STANDARD.encode(format!("{}:{secret}", client.id));
        request = request.header("authorization", format!("Basic {pair}"));
    }
    request.send().await.expect("the server answers")
}

/// The answer's status and JSON body.
pub(super) async fn status_and_json(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Until `/api/me` refuses the token; fails after 5 s (the contract's bound
/// for a change made by another process).
pub(super) async fn until_me_refuses(app: &TestApp, access_token: &str) {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let status = app.me(access_token).await.status();
        if status == StatusCode::UNAUTHORIZED {
            return;
        }
        assert_eq!(status, StatusCode::OK);
        assert!(
            Instant::now() < deadline,
            "/api/me still accepts the token after 5 s"
        );
        sleep_ms(100).await;
    }
}

#[derive(QueryableByName)]
struct Hash {
    #[diesel(sql_type = Binary)]
    secret_hash: Vec<u8>,
}

#[actix_web::test]
async fn adding_a_confidential_app_prints_its_secret_once_and_keeps_only_its_hash() {
    let app = spawn_app().await;
    let (added, stdout) = add_app(&app, "Grafana", &["--skip-consent"]).await;

    let secret = added.secret.expect("a confidential app has a secret");
    assert!(secret.len() >= 43, "256 bits: {secret}");
    assert!(stdout.contains("shown this once"), "{stdout}");
    let kept: Hash = app.database().row(&format!(
        "SELECT secret_hash FROM oauth_clients WHERE id = '{}'",
        added.id
    ));
    assert_eq!(kept.secret_hash.len(), 32, "a SHA-256");
    assert_ne!(kept.secret_hash, secret.as_bytes());
}

#[actix_web::test]
async fn clients_list_shows_each_app_on_one_line_and_never_a_secret() {
    let app = spawn_app().await;
    let (grafana, _) = add_app(
        &app,
        "Grafana",
        &["--redirect-uri", "https://grafana.example/login"],
    )
    .await;
    let (spa, _) = add_app(&app, "My SPA", &["--public", "--id-token-alg", "EdDSA"]).await;
    assert!(spa.secret.is_none(), "a public app has no secret");

    let output = clients(&app, &["list"]).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert!(lines[0].starts_with(&grafana.id), "{stdout}");
    for part in [
        "Grafana",
        "confidential",
        "https://app.example/cb https://grafana.example/login",
        "RS256",
    ] {
        assert!(lines[0].contains(part), "{part}: {stdout}");
    }
    for part in [spa.id.as_str(), "My SPA", "public", "EdDSA"] {
        assert!(lines[1].contains(part), "{part}: {stdout}");
    }
    assert!(!stdout.contains(&grafana.secret.unwrap()), "{stdout}");
}

#[actix_web::test]
async fn a_bad_uri_name_or_algorithm_exits_2_naming_the_flag_and_never_echoing_it() {
    let app = spawn_app().await;
    let cases: [(&[&str], &str); 6] = [
        (
            &[
                "add",
                "App",
                "--redirect-uri",
                "https://me:s3cret@app.example/cb",
            ],
            "--redirect-uri",
        ),
        (
            &["add", "App", "--redirect-uri", "/callback"],
            "--redirect-uri",
        ),
        (
            &[
                "add",
                "App",
                "--redirect-uri",
                "https://app.example/cb",
                "--backchannel-logout-uri",
                "javascript:s3cret",
            ],
            "--backchannel-logout-uri",
        ),
        (
            &[
                "add",
                "App",
                "--redirect-uri",
                "https://app.example/cb",
                "--post-logout-redirect-uri",
                "https://app.example/#s3cret",
            ],
            "--post-logout-redirect-uri",
        ),
        (
            &[
                "add",
                "App",
                "--redirect-uri",
                "https://app.example/cb",
                "--id-token-alg",
                "HS256",
            ],
            "--id-token-alg",
        ),
        (
            &["add", " ", "--redirect-uri", "https://app.example/cb"],
            "NAME",
        ),
    ];
    for (args, flag) in cases {
        let output = clients(&app, args).await;
        let (stdout, stderr) = texts(&output);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.trim_end().lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(flag), "{args:?}: {stderr}");
        assert!(!stderr.contains("s3cret"), "{args:?}: {stderr}");
        assert!(stdout.is_empty(), "{args:?}: {stdout}");
    }
    let listed = clients(&app, &["list"]).await;
    assert!(listed.stdout.is_empty(), "nothing was added");
}

#[actix_web::test]
async fn removing_an_unknown_app_exits_2_with_one_line() {
    let app = spawn_app().await;
    let output = clients(&app, &["remove", "no-such-app"]).await;
    let (_, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains("no-such-app"), "{stderr}");
}

#[actix_web::test]
async fn removing_an_app_ends_its_sessions_and_me_refuses_their_tokens_within_5_s() {
    let app = spawn_app().await;
    let grafana = app.confidential_client(&[]).await;
    let (user, tokens) = signed_in_to(&app, &grafana).await;
    assert_eq!(app.me(&tokens.access_token).await.status(), StatusCode::OK); // now remembered

    let output = clients(&app, &["remove", &grafana.id]).await;
    let (stdout, stderr) = texts(&output);
    assert_eq!(output.status.code(), Some(0), "{stdout}{stderr}");

    until_me_refuses(&app, &tokens.access_token).await;
    let refresh = app.refresh_app(&grafana, refresh_of(&tokens)).await;
    assert_eq!(
        refresh.status(),
        StatusCode::UNAUTHORIZED,
        "the app is gone"
    );
    assert_eq!(
        app.me(&user.access_token).await.status(),
        StatusCode::OK,
        "the user's own sign-in is not the app's"
    );
    let listed = clients(&app, &["list"]).await;
    assert!(listed.stdout.is_empty(), "the app is gone");
}

// Client authentication, at the endpoints an app calls.

#[actix_web::test]
async fn an_app_authenticates_with_basic_or_with_its_secret_in_the_body() {
    let app = spawn_app().await;
    let api = app.confidential_client(&[]).await;
    let secret = api.secret.clone().unwrap();

    let basic = post_form(&app, "/oauth/introspect", Some(&api), &[("token", "x")]).await;
    assert_eq!(status_and_json(basic).await.0, StatusCode::OK);
    let body = post_form(
        &app,
        "/oauth/introspect",
        None,
        &[
            ("token", "x"),
            ("client_id", &api.id),
            ("client_secret", &secret),
        ],
    )
    .await;
    let (status, json) = status_and_json(body).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(json, serde_json::json!({"active": false}));
}

#[actix_web::test]
async fn basic_and_a_secret_in_the_body_together_are_invalid_request() {
    let app = spawn_app().await;
    let api = app.confidential_client(&[]).await;
    let secret = api.secret.clone().unwrap();
    let both = post_form(
        &app,
        "/oauth/revoke",
        Some(&api),
        &[
            ("token", "x"),
            ("client_id", &api.id),
            ("client_secret", &secret),
        ],
    )
    .await;
    let (status, json) = status_and_json(both).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(json["error"], "invalid_request", "{json}");
}

#[actix_web::test]
async fn a_wrong_secret_a_public_app_with_one_or_a_confidential_one_without_is_invalid_client() {
    let app = spawn_app().await;
    let api = app.confidential_client(&[]).await;
    let (spa, _) = add_app(&app, "SPA", &["--public"]).await;
    let wrong = TestClient {
        id: api.id.clone(),
        secret: Some("not-the-secret".to_owned()),
    };
    let spa_with_secret = TestClient {
        id: spa.id.clone(),
        secret: Some("made-up".to_owned()),
    };
    let unknown = TestClient {
        id: "no-such-app".to_owned(),
        secret: Some("x".to_owned()),
    };
    for path in ["/oauth/revoke", "/oauth/introspect"] {
        let mut answers = Vec::new();
        for client in [&wrong, &spa_with_secret, &unknown] {
            answers.push(post_form(&app, path, Some(client), &[("token", "x")]).await);
        }
        answers.push(post_form(&app, path, None, &[("token", "x"), ("client_id", &api.id)]).await);
        answers.push(post_form(&app, path, None, &[("token", "x")]).await);
        for response in answers {
            let challenge = response.headers().get("www-authenticate").cloned();
            let (status, json) = status_and_json(response).await;
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{path}: {json}");
            assert_eq!(json["error"], "invalid_client", "{path}: {json}");
            assert!(challenge.is_some(), "{path}: WWW-Authenticate");
        }
    }
}

#[actix_web::test]
async fn the_endpoints_apps_call_take_forms_only_and_answer_oauth_errors() {
    let app = spawn_app().await;
    let api = app.confidential_client(&[]).await;
    for path in ["/oauth/revoke", "/oauth/introspect"] {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", app.origin()))
            .basic_auth(&api.id, api.secret.as_deref())
            .header("content-type", "application/json")
            .body(r#"{"token":"x"}"#)
            .send()
            .await
            .unwrap();
        let (status, json) = status_and_json(response).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(json["error"], "invalid_request", "{path}: {json}");

        let missing = post_form(&app, path, Some(&api), &[]).await;
        let (status, json) = status_and_json(missing).await;
        assert_eq!(status, StatusCode::BAD_REQUEST, "{path}");
        assert_eq!(json["error"], "invalid_request", "{path}: {json}");
    }
}

#[actix_web::test]
async fn an_origin_header_does_not_refuse_the_endpoints_apps_call() {
    let app = spawn_app().await;
    let api = app.confidential_client(&[]).await;
    for path in ["/oauth/revoke", "/oauth/introspect"] {
        let response = reqwest::Client::new()
            .post(format!("{}{path}", app.origin()))
            .basic_auth(&api.id, api.secret.as_deref())
            .header("origin", "https://app.example")
            .header("sec-fetch-site", "cross-site")
            .header("content-type", "application/x-www-form-urlencoded")
            .body("token=x")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
    }
}
