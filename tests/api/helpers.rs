//! Spawns the real application (through `Application::build`, as `main`
//! does) on port 0 with a fresh SQLite database in a temporary folder, and
//! talks HTTP to it.

use std::collections::HashMap;
use std::path::PathBuf;

use actix_web::dev::ServerHandle;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine;
use reqwest::header::{HeaderMap, SET_COOKIE};
use reqwest::{Client, Response, StatusCode};
use serde_json::{json, Value};
use sesame::config::{Database, Settings};
use sesame::startup::Application;
use tempfile::TempDir;

pub const PASSWORD: &str = "correct horse battery";

pub struct TestApp {
    pub address: String,
    pub client: Client,
    pub settings: Settings,
    pub folder: TempDir,
    handle: ServerHandle,
    server: actix_web::rt::task::JoinHandle<std::io::Result<()>>,
}

/// Settings for a test: cheap bcrypt, a free port, a private database.
pub fn test_settings(folder: &TempDir) -> Settings {
    Settings {
        bind: "127.0.0.1:0".into(),
        database: Database::sqlite(folder.path().join("sesame.db")),
        bcrypt_cost: 4,
        ..Settings::default()
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

pub async fn spawn_app_with(adjust: impl FnOnce(&mut Settings)) -> TestApp {
    let folder = tempfile::tempdir().expect("temporary folder");
    let mut settings = test_settings(&folder);
    adjust(&mut settings);
    start(settings, folder)
}

fn start(settings: Settings, folder: TempDir) -> TestApp {
    let app = Application::build(settings.clone()).expect("the application builds");
    let address = format!("http://{}", app.address());
    let handle = app.handle();
    let server = actix_web::rt::spawn(app.run_until_stopped());
    TestApp {
        address,
        client: client(),
        settings,
        folder,
        handle,
        server,
    }
}

/// A client that follows no redirects and keeps no cookies: tests look at both.
pub fn client() -> Client {
    Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("an HTTP client")
}

/// What registering or signing in gave a test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.address, path)
    }

    /// Stops this server and starts a new one on the same database and settings.
    pub async fn restart(self) -> TestApp {
        self.handle.stop(true).await;
        // Stopped for good (the database is free) before the next one starts.
        self.server
            .await
            .expect("the server task ended")
            .expect("the server stopped cleanly");
        start(self.settings, self.folder)
    }

    /// The database file, as `--database-url` takes it.
    pub fn database_path(&self) -> String {
        let Database::Sqlite(file) = &self.settings.database;
        file.to_string()
    }

    pub fn secrets_file(&self) -> PathBuf {
        let Database::Sqlite(file) = &self.settings.database;
        file.secrets_path()
    }

    /// The access key, read from the secrets file the server generated.
    pub fn access_key(&self) -> Vec<u8> {
        let text = std::fs::read_to_string(self.secrets_file()).expect("secrets file");
        let keys: Value = serde_json::from_str(&text).expect("secrets JSON");
        STANDARD
            .decode(keys["access_secret"].as_str().expect("access_secret"))
            .expect("base64 key")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> Response {
        self.client
            .post(self.url(path))
            .json(body)
            .send()
            .await
            .expect("request sent")
    }

    /// Opens a page as a browser would: the form session cookie it sets
    /// (as a `Cookie` header value) and the CSRF token in its forms.
    pub async fn form_session(&self, page: &str) -> (String, String) {
        let response = self
            .client
            .get(self.url(page))
            .send()
            .await
            .expect("request sent");
        let cookie = set_cookies(response.headers())
            .get("sesame_forms")
            .map(|line| line.split(';').next().unwrap_or_default().to_owned())
            .expect("the page sets its form session cookie");
        let html = response.text().await.expect("a page");
        (cookie, csrf_in(&html))
    }

    /// Posts a form as a browser would, with the form session cookie and any
    /// other cookies.
    pub async fn post_browser_form(
        &self,
        path: &str,
        cookies: &str,
        form: &[(&str, &str)],
    ) -> Response {
        self.client
            .post(self.url(path))
            .header("Cookie", cookies)
            .form(form)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn register(&self, name: &str, email: &str, password: &str) -> Response {
        self.post_json(
            "/auth/register",
            &json!({"name": name, "email": email, "password": password}),
        )
        .await
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.post_json(
            "/auth/login",
            &json!({"email": email, "password": password}),
        )
        .await
    }

    /// Registers a new user with a unique email and returns their tokens.
    pub async fn new_user(&self) -> TestUser {
        let email = format!("user-{}@example.com", uuid::Uuid::new_v4().simple());
        let response = self.register("Test User", &email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        TestUser::from_sign_in(&email, response).await
    }

    /// Signs the user in again: a second session.
    pub async fn sign_in(&self, email: &str) -> TestUser {
        let response = self.login(email, PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        TestUser::from_sign_in(email, response).await
    }

    /// `POST /auth/refresh` with the token in the refresh cookie.
    pub async fn refresh_with_cookie(&self, refresh_token: &str) -> Response {
        self.client
            .post(self.url("/auth/refresh"))
            .header("Cookie", format!("refreshToken={refresh_token}"))
            .send()
            .await
            .expect("request sent")
    }

    /// `POST /auth/refresh` with the token in the JSON body.
    pub async fn refresh_with_body(&self, refresh_token: &str) -> Response {
        self.post_json("/auth/refresh", &json!({ "refreshToken": refresh_token }))
            .await
    }

    pub async fn get_with_bearer(&self, path: &str, access_token: &str) -> Response {
        self.client
            .get(self.url(path))
            .bearer_auth(access_token)
            .send()
            .await
            .expect("request sent")
    }

    pub async fn me(&self, access_token: &str) -> Response {
        self.get_with_bearer("/api/me", access_token).await
    }
}

impl TestUser {
    pub async fn from_sign_in(email: &str, response: Response) -> TestUser {
        let body: Value = response.json().await.expect("sign-in JSON");
        TestUser {
            id: body["user"]["id"].as_str().expect("user id").to_owned(),
            email: email.to_owned(),
            access_token: body["accessToken"]
                .as_str()
                .expect("accessToken")
                .to_owned(),
            refresh_token: body["refreshToken"]
                .as_str()
                .expect("refreshToken")
                .to_owned(),
        }
    }
}

/// The `Set-Cookie` lines of a response, by cookie name.
pub fn set_cookies(headers: &HeaderMap) -> HashMap<String, String> {
    headers
        .get_all(SET_COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|line| {
            let name = line.split('=').next().unwrap_or_default().to_owned();
            (name, line.to_owned())
        })
        .collect()
}

/// The value a `Set-Cookie` line sets.
pub fn cookie_value(line: &str) -> String {
    line.split(';')
        .next()
        .and_then(|pair| pair.split_once('='))
        .map(|(_, value)| value.to_owned())
        .unwrap_or_default()
}

/// The attributes of a `Set-Cookie` line, lower-cased, without the value.
pub fn cookie_attributes(line: &str) -> Vec<String> {
    let mut attributes: Vec<String> = line
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_lowercase())
        .collect();
    attributes.sort();
    attributes
}

/// Asserts that the response clears both token cookies.
pub fn assert_clears_cookies(headers: &HeaderMap) {
    let cookies = set_cookies(headers);
    for (name, path) in [("accessToken", "path=/"), ("refreshToken", "path=/auth")] {
        let line = cookies
            .get(name)
            .unwrap_or_else(|| panic!("{name} is not cleared"));
        assert_eq!(cookie_value(line), "", "{line}");
        let attributes = cookie_attributes(line);
        assert!(attributes.contains(&"max-age=0".to_owned()), "{line}");
        assert!(attributes.contains(&path.to_owned()), "{line}");
    }
}

/// Asserts a JSON error with this status and code.
pub async fn assert_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    let body: Value = response.json().await.expect("a JSON error body");
    assert_eq!(body["error"], code, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// A JWT with the given header and claims, signed HS256-style with `key`
/// (or unsigned when `key` is `None`).
pub fn forge_jwt(header: &Value, claims: &Value, key: Option<&[u8]>) -> String {
    use hmac::{Hmac, Mac};
    let head = URL_SAFE_NO_PAD.encode(header.to_string());
    let body = URL_SAFE_NO_PAD.encode(claims.to_string());
    let signing_input = format!("{head}.{body}");
    let signature = match key {
        Some(key) => {
            let mut mac = Hmac::<sha2::Sha256>::new_from_slice(key).expect("HMAC key");
            mac.update(signing_input.as_bytes());
            URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
        }
        None => String::new(),
    };
    format!("{signing_input}.{signature}")
}

/// The claims of a JWT, unverified (to build variations of a real token).
pub fn claims_of(token: &str) -> Value {
    let payload = token.split('.').nth(1).expect("a JWT");
    serde_json::from_slice(&URL_SAFE_NO_PAD.decode(payload).expect("base64url"))
        .expect("JSON claims")
}

pub async fn sleep_ms(ms: u64) {
    actix_web::rt::time::sleep(std::time::Duration::from_millis(ms)).await;
}

/// The CSRF token in a page's forms.
pub fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}
