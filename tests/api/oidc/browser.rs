//! One browser going through sesame's pages for an app: its cookie jar
//! (the form session cookie and the access token cookie, each as the last
//! answer set it), the authorization request with PKCE, the sign-in page
//! posted on the way, and the code's exchange.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use crate::helpers::*;

pub struct Browser<'a> {
    app: &'a TestApp,
    forms: Option<String>,
    pub access_token: Option<String>,
}

impl<'a> Browser<'a> {
    /// A browser not signed in.
    pub fn new(app: &'a TestApp) -> Browser<'a> {
        Browser {
            app,
            forms: None,
            access_token: None,
        }
    }

    /// A browser signed in with `access_token`.
    pub fn signed_in(app: &'a TestApp, access_token: &str) -> Browser<'a> {
        Browser {
            app,
            forms: None,
            access_token: Some(access_token.to_owned()),
        }
    }

    fn cookies(&self) -> String {
        let mut cookies: Vec<String> = self.forms.iter().cloned().collect();
        if let Some(token) = &self.access_token {
            cookies.push(format!("accessToken={token}"));
        }
        cookies.join("; ")
    }

    /// The answer as a page, its cookies kept.
    async fn kept(&mut self, response: Response) -> Page {
        if let Some(line) = set_cookies(response.headers()).get("accessToken") {
            self.access_token = Some(cookie_value(line)).filter(|v| !v.is_empty());
        }
        let page = Page::of(response).await;
        if let Some(forms) = &page.forms_cookie {
            self.forms = Some(forms.clone());
        }
        page
    }

    pub async fn get(&mut self, path: &str) -> Page {
        let headers = Headers::new().cookie(&self.cookies());
        let response = self.app.send_raw(Method::GET, path, headers, None).await;
        self.kept(response).await
    }

    pub async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let body = serde_urlencoded::to_string(form).expect("a form");
        let headers = Headers::new()
            .cookie(&self.cookies())
            .header("content-type", "application/x-www-form-urlencoded");
        let response = self
            .app
            .send_raw(Method::POST, path, headers, Some(body.into()))
            .await;
        self.kept(response).await
    }

    /// Opens `login` (`/login?next=…`) and posts its form with the
    /// password: the answer (a 303 to `next`, or to the second step).
    pub async fn sign_in(&mut self, login: &str, email: &str) -> Page {
        let page = self.get(login).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.html);
        let next = query_param(login, "next").expect("the sign-in page has a next");
        let csrf = page.csrf();
        let form = [
            ("email", email),
            ("password", PASSWORD),
            ("csrf", &csrf),
            ("next", &next),
        ];
        let answer = self.post("/auth/login", &form).await;
        assert_eq!(answer.status, StatusCode::SEE_OTHER, "{}", answer.html);
        answer
    }
}

/// `/oauth/authorize?…` for `client` with PKCE, scope `openid`, state `st`,
/// and `extra` (`prompt`, `max_age`).
pub fn authorize_path(client: &TestClient, pkce: &Pkce, extra: &[(&str, &str)]) -> String {
    format!(
        "/oauth/authorize?{}",
        serde_urlencoded::to_string(authorize_query(client, pkce, extra)).expect("a query")
    )
}

/// The parameters of `authorize_path`'s request.
pub fn authorize_query<'a>(
    client: &'a TestClient,
    pkce: &'a Pkce,
    extra: &[(&'a str, &'a str)],
) -> Vec<(&'a str, &'a str)> {
    let mut query = vec![
        ("response_type", "code"),
        ("client_id", client.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid"),
        ("state", "st"),
        ("nonce", "n"),
        ("code_challenge", pkce.challenge.as_str()),
        ("code_challenge_method", "S256"),
    ];
    query.extend_from_slice(extra);
    query
}

/// Asserts `page` is the redirect to the app with a code: the code.
pub fn code_in(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let location = page.location.as_deref().expect("a redirect");
    assert!(location.starts_with(REDIRECT_URI), "{location}");
    query_param(location, "code").unwrap_or_else(|| panic!("no code: {location}"))
}

/// Asserts `page` is the way to the sign-in page: its address.
pub fn sign_in_asked(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.html);
    let location = page.location.clone().expect("a redirect");
    assert!(location.starts_with("/login?next="), "{location}");
    location
}

/// The sign-in link of a 401 "Signing you in" page.
pub fn login_link_in(page: &Page) -> String {
    assert_eq!(page.status, StatusCode::UNAUTHORIZED, "{}", page.html);
    let start = page.html.find("/login?next=").expect("a sign-in link");
    let link = page.html[start..].split('"').next().unwrap_or_default();
    link.replace("&#x2f;", "/").replace("&amp;", "&")
}

/// The claims of the ID token `code` is exchanged for.
pub async fn id_claims(app: &TestApp, client: &TestClient, code: &str, pkce: &Pkce) -> Value {
    let form = [
        ("grant_type", "authorization_code"),
        ("code", code),
        ("redirect_uri", REDIRECT_URI),
        ("code_verifier", pkce.verifier.as_str()),
    ];
    let tokens = AppTokens::of(app.token(client, &form).await).await;
    claims_of(&tokens.id_token)
}

/// Waits until the next whole second has begun (at most one second): a
/// sign-in after it has a later `auth_time` (whole seconds) than one before.
pub async fn next_second() {
    let into = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .subsec_millis();
    sleep_ms(u64::from(1000 - into) + 10).await;
}
