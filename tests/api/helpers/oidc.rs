//! sesame as an OpenID Connect provider, driven as an app and a browser
//! would: a client registered with the real `sesame clients add`, the
//! authorization request with PKCE, the consent form, the code's exchange.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use reqwest::{Method, Response, StatusCode};
use serde_json::Value;
use sha2::{Digest, Sha256};

use super::account::Page;
use super::app::TestApp;
use super::client::{Headers, Request};
use super::users::TestUser;

pub const REDIRECT_URI: &str = "https://app.example/callback";
const NONCE: &str = "n-0S6_WzA2Mj";

/// A registered app.
#[derive(Debug, Clone)]
pub struct TestClient {
    pub id: String,
    /// `None` for a public client.
    pub secret: Option<String>,
}

/// A PKCE verifier and its S256 challenge (RFC 7636).
pub struct Pkce {
    pub verifier: String,
    pub challenge: String,
}

impl Pkce {
    pub fn new() -> Pkce {
        let verifier = format!(
            "{}{}",
            uuid::Uuid::new_v4().simple(),
            uuid::Uuid::new_v4().simple()
        );
        let challenge = BASE64URL.encode(Sha256::digest(verifier.as_bytes()));
        Pkce {
            verifier,
            challenge,
        }
    }
}

/// What the token endpoint gave an app.
#[derive(Debug, Clone)]
pub struct AppTokens {
    pub access_token: String,
    pub id_token: String,
    pub refresh_token: Option<String>,
    pub scope: String,
    pub body: Value,
}

impl AppTokens {
    pub async fn of(response: Response) -> AppTokens {
        let status = response.status();
        let body: Value = response.json().await.expect("a JSON token answer");
        assert_eq!(status, StatusCode::OK, "{body}");
        AppTokens {
            access_token: body["access_token"].as_str().expect("access_token").into(),
            id_token: body["id_token"].as_str().expect("id_token").into(),
            refresh_token: body["refresh_token"].as_str().map(str::to_owned),
            scope: body["scope"].as_str().unwrap_or_default().into(),
            body,
        }
    }
}

/// A query parameter of a URL.
pub fn query_param(url: &str, name: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.into_owned())
}

impl TestApp {
    /// `sesame clients add NAME ARGS…` (the real binary, on this app's
    /// database): the new client.
    pub async fn add_client(&self, name: &str, args: &[&str]) -> TestClient {
        let mut all = vec!["clients", "add", name];
        all.extend_from_slice(args);
        all.extend(["--database-url", self.database_url()]);
        let output = crate::process::run(self.folder.path(), &all, &[]).await;
        let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
        assert_eq!(
            output.status.code(),
            Some(0),
            "{stdout}{}",
            String::from_utf8_lossy(&output.stderr)
        );
        let line = |key: &str| {
            stdout
                .lines()
                .find_map(|l| l.strip_prefix(key))
                .map(|v| v.trim().to_owned())
        };
        TestClient {
            id: line("client_id:").unwrap_or_else(|| panic!("no client_id in {stdout}")),
            secret: line("client_secret:"),
        }
    }

    /// A confidential client with `REDIRECT_URI` and these extra arguments.
    pub async fn confidential_client(&self, args: &[&str]) -> TestClient {
        let mut all = vec!["--redirect-uri", REDIRECT_URI];
        all.extend_from_slice(args);
        self.add_client("Test App", &all).await
    }

    /// `GET /oauth/authorize?QUERY` as the signed-in user's browser.
    pub fn authorize(&self, user: Option<&TestUser>, query: &[(&str, &str)]) -> Request {
        let query = serde_urlencoded::to_string(query).expect("a query");
        let headers = match user {
            Some(user) => Headers::new().access_cookie(&user.access_token),
            None => Headers::new(),
        };
        self.send_raw(
            Method::GET,
            &format!("/oauth/authorize?{query}"),
            headers,
            None,
        )
    }

    /// The consent page's answer (`allow` or `deny`), as the browser sends it.
    pub async fn answer_consent(&self, user: &TestUser, page: &Page, decision: &str) -> Response {
        let form = page.form("consent");
        let mut fields: Vec<(String, String)> = hidden_inputs(form);
        fields.push(("decision".into(), decision.into()));
        let body = serde_urlencoded::to_string(&fields).expect("a form");
        let cookies = format!("{}; accessToken={}", page.forms_cookie(), user.access_token);
        self.send_raw(
            Method::POST,
            "/oauth/authorize",
            Headers::new()
                .cookie(&cookies)
                .header("content-type", "application/x-www-form-urlencoded"),
            Some(body.into()),
        )
        .await
    }

    /// The whole flow for `user` and `client` with `scope`: authorize (and
    /// allow, when asked), then exchange the code: the tokens, and the nonce
    /// sent.
    pub async fn sign_app_in(
        &self,
        user: &TestUser,
        client: &TestClient,
        scope: &str,
    ) -> (AppTokens, String) {
        let code = self.code_for(user, client, scope, NONCE).await;
        (self.exchange(client, &code).await, NONCE.to_owned())
    }

    /// Like `sign_app_in`, but `None` when the browser's own access token
    /// expired before the code came back (a test with a 1 s access TTL on a
    /// slow machine signs in again rather than fail).
    pub async fn try_sign_app_in(
        &self,
        user: &TestUser,
        client: &TestClient,
        scope: &str,
    ) -> Option<AppTokens> {
        let (response, verifier) = self.authorized(user, client, scope, NONCE).await;
        let location = response.headers().get("location")?.to_str().ok()?;
        if response.status() != StatusCode::SEE_OTHER || !location.starts_with(REDIRECT_URI) {
            return None;
        }
        let code = query_param(location, "code")?;
        Some(self.exchange(client, &(code, verifier)).await)
    }

    /// The tokens `code` (with its PKCE verifier) is exchanged for.
    pub async fn exchange(&self, client: &TestClient, code: &(String, String)) -> AppTokens {
        AppTokens::of(
            self.token(
                client,
                &[
                    ("grant_type", "authorization_code"),
                    ("code", &code.0),
                    ("redirect_uri", REDIRECT_URI),
                    ("code_verifier", &code.1),
                ],
            )
            .await,
        )
        .await
    }

    /// A code for `user` (consent given if asked) and its PKCE verifier.
    pub async fn code_for(
        &self,
        user: &TestUser,
        client: &TestClient,
        scope: &str,
        nonce: &str,
    ) -> (String, String) {
        let (response, verifier) = self.authorized(user, client, scope, nonce).await;
        assert_eq!(response.status(), StatusCode::SEE_OTHER);
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(REDIRECT_URI), "{location}");
        assert_eq!(
            query_param(&location, "state").as_deref(),
            Some("af0ifjsldkj")
        );
        let code = query_param(&location, "code").unwrap_or_else(|| panic!("no code: {location}"));
        (code, verifier)
    }

    /// The authorization request as `user`'s browser makes it, consent
    /// given if asked: the last answer and the PKCE verifier.
    async fn authorized(
        &self,
        user: &TestUser,
        client: &TestClient,
        scope: &str,
        nonce: &str,
    ) -> (Response, String) {
        let pkce = Pkce::new();
        let query = [
            ("response_type", "code"),
            ("client_id", client.id.as_str()),
            ("redirect_uri", REDIRECT_URI),
            ("scope", scope),
            ("state", "af0ifjsldkj"),
            ("nonce", nonce),
            ("code_challenge", pkce.challenge.as_str()),
            ("code_challenge_method", "S256"),
        ];
        let mut response = self.authorize(Some(user), &query).await;
        if response.status() == StatusCode::OK {
            let page = Page::of(response).await;
            response = self.answer_consent(user, &page, "allow").await;
        }
        (response, pkce.verifier)
    }

    /// `POST /oauth/token` with `form`, the client authenticated with HTTP
    /// Basic (a confidential one) or its id in the body (a public one).
    pub async fn token(&self, client: &TestClient, form: &[(&str, &str)]) -> Response {
        let mut fields: Vec<(&str, &str)> = form.to_vec();
        let mut headers =
            Headers::new().header("content-type", "application/x-www-form-urlencoded");
        match &client.secret {
            Some(secret) => {
                let basic = BASE64URL_STD.encode(format!("{}:{}", client.id, secret));
                headers = headers.header("authorization", &format!("Basic {basic}"));
            }
            None => fields.push(("client_id", client.id.as_str())),
        }
        let body = serde_urlencoded::to_string(&fields).expect("a form");
        self.send_raw(Method::POST, "/oauth/token", headers, Some(body.into()))
            .await
    }

    /// A refresh grant.
    pub async fn refresh_app(&self, client: &TestClient, refresh_token: &str) -> Response {
        self.token(
            client,
            &[
                ("grant_type", "refresh_token"),
                ("refresh_token", refresh_token),
            ],
        )
        .await
    }
}

const BASE64URL_STD: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;

/// The `name`/`value` pairs of a form's hidden inputs.
pub fn hidden_inputs(form: &str) -> Vec<(String, String)> {
    form.split("<input")
        .skip(1)
        .filter(|input| input.contains(r#"type="hidden""#))
        .filter_map(|input| {
            let attribute = |name: &str| {
                let marker = format!(r#"{name}=""#);
                let start = input.find(&marker)? + marker.len();
                Some(input[start..].split('"').next()?.to_owned())
            };
            Some((attribute("name")?, unescape_html(&attribute("value")?)))
        })
        .collect()
}

fn unescape_html(text: &str) -> String {
    text.replace("&#x2f;", "/")
        .replace("&#x2F;", "/")
        .replace("&#47;", "/")
        .replace("&quot;", "\"")
        .replace("&#x27;", "'")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}
