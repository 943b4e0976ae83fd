//! One method per endpoint of the service. Each gives a `Request`: await it
//! for the response. `headers` are sent as given (see `Headers`); the bodies
//! are what a client of the contract sends.

use reqwest::{Method, Response};
use serde_json::{json, Value};

use super::client::{Api, Headers, Request};
use super::cookies::set_cookies;

impl Api {
    fn get(&self, path: &str, headers: Headers) -> Request {
        Request(self.request(Method::GET, path, headers))
    }

    fn post(&self, path: &str, headers: Headers) -> Request {
        Request(self.request(Method::POST, path, headers))
    }

    fn post_json(&self, path: &str, headers: Headers, body: &Value) -> Request {
        Request(self.request(Method::POST, path, headers).json(body))
    }

    /// A form posted as a browser does: its cookies (the form session's and
    /// any other) in one `Cookie` header, the fields urlencoded.
    fn post_form(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(self.request(Method::POST, path, headers).form(form))
    }

    // Sign-up: POST /auth/register

    pub fn register(&self, name: &str, email: &str, password: &str) -> Request {
        self.register_with(Headers::new(), name, email, password)
    }

    /// The same JSON sign-up with headers (`X-Forwarded-For`...).
    pub fn register_with(
        &self,
        headers: Headers,
        name: &str,
        email: &str,
        password: &str,
    ) -> Request {
        let body = json!({"name": name, "email": email, "password": password});
        self.post_json("/auth/register", headers, &body)
    }

    /// Any JSON body: fields missing, empty or of the wrong type.
    pub fn register_json(&self, body: &Value) -> Request {
        self.post_json("/auth/register", Headers::new(), body)
    }

    pub fn register_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.post_form("/auth/register", cookies, form)
    }

    // Sign-in: POST /auth/login

    pub fn login(&self, email: &str, password: &str) -> Request {
        self.login_with(Headers::new(), email, password)
    }

    /// The same JSON sign-in with headers (`Origin`, `User-Agent`...).
    pub fn login_with(&self, headers: Headers, email: &str, password: &str) -> Request {
        let body = json!({"email": email, "password": password});
        self.post_json("/auth/login", headers, &body)
    }

    /// Any JSON body: fields missing, empty or of the wrong type.
    pub fn login_json(&self, body: &Value) -> Request {
        self.post_json("/auth/login", Headers::new(), body)
    }

    pub fn login_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.post_form("/auth/login", cookies, form)
    }

    // Refresh: POST /auth/refresh

    /// The token in the refresh cookie, as a browser sends it.
    pub fn refresh_with_cookie(&self, refresh_token: &str) -> Request {
        self.post(
            "/auth/refresh",
            Headers::new().refresh_cookie(refresh_token),
        )
    }

    /// The token in the JSON body, as a client without cookies sends it.
    pub fn refresh_with_body(&self, refresh_token: &str) -> Request {
        self.refresh_json(&json!({ "refreshToken": refresh_token }))
    }

    /// Any JSON body.
    pub fn refresh_json(&self, body: &Value) -> Request {
        self.post_json("/auth/refresh", Headers::new(), body)
    }

    /// No token at all: no cookie, no body.
    pub fn refresh_without_token(&self) -> Request {
        self.post("/auth/refresh", Headers::new())
    }

    // Sign-out: POST /auth/logout and /auth/logout-all

    /// No body; the session is named by `headers` (cookies, bearer) if at all.
    pub fn logout(&self, headers: Headers) -> Request {
        self.post("/auth/logout", headers)
    }

    /// The refresh token in the JSON body, with any `headers` too.
    pub fn logout_with_body(&self, headers: Headers, refresh_token: &str) -> Request {
        let body = json!({ "refreshToken": refresh_token });
        self.post_json("/auth/logout", headers, &body)
    }

    pub fn logout_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.post_form("/auth/logout", cookies, form)
    }

    /// No body; the user is named by `headers` (bearer, cookies) if at all.
    pub fn logout_all(&self, headers: Headers) -> Request {
        self.post("/auth/logout-all", headers)
    }

    pub fn logout_all_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.post_form("/auth/logout-all", cookies, form)
    }

    // The JSON API: /api/me, /api/sessions

    /// `GET /api/me` with the access token as bearer.
    pub fn me(&self, access_token: &str) -> Request {
        self.me_with(Headers::new().bearer(access_token))
    }

    pub fn me_with(&self, headers: Headers) -> Request {
        self.get("/api/me", headers)
    }

    /// `GET /api/sessions` with the access token as bearer.
    pub fn sessions(&self, access_token: &str) -> Request {
        self.sessions_with(Headers::new().bearer(access_token))
    }

    pub fn sessions_with(&self, headers: Headers) -> Request {
        self.get("/api/sessions", headers)
    }

    /// `DELETE /api/sessions/{id}` with the access token as bearer.
    pub fn delete_session(&self, access_token: &str, session_id: &str) -> Request {
        self.delete_session_with(Headers::new().bearer(access_token), session_id)
    }

    pub fn delete_session_with(&self, headers: Headers, session_id: &str) -> Request {
        let path = format!("/api/sessions/{session_id}");
        Request(self.request(Method::DELETE, &path, headers))
    }

    /// `POST /profile/sessions/{id}/revoke`, the profile page's form.
    pub fn revoke_session_form(
        &self,
        session_id: &str,
        cookies: &str,
        form: &[(&str, &str)],
    ) -> Request {
        let path = format!("/profile/sessions/{session_id}/revoke");
        self.post_form(&path, cookies, form)
    }

    // Pages and files

    /// `GET /`
    pub fn home(&self, headers: Headers) -> Request {
        self.get("/", headers)
    }

    /// `GET /login`
    pub fn login_page(&self) -> Request {
        self.get("/login", Headers::new())
    }

    /// `GET /login?next={next}`, `next` as given (not encoded).
    pub fn login_page_with_next(&self, next: &str) -> Request {
        self.get(&format!("/login?next={next}"), Headers::new())
    }

    /// `GET /register`
    pub fn register_page(&self) -> Request {
        self.get("/register", Headers::new())
    }

    /// `GET /register?next=…`, `next` as given (not escaped).
    pub fn register_page_with_next(&self, next: &str) -> Request {
        self.get(&format!("/register?next={next}"), Headers::new())
    }

    /// `GET /profile`
    pub fn profile(&self, headers: Headers) -> Request {
        self.get("/profile", headers)
    }

    /// `GET /static/{name}`; `name` may carry a query (`auth.js?v=...`).
    pub fn static_file(&self, name: &str) -> Request {
        self.get(&format!("/static/{name}"), Headers::new())
    }

    /// `GET /healthz`
    pub fn healthz(&self) -> Request {
        self.get("/healthz", Headers::new())
    }

    pub fn jwks(&self) -> Request {
        self.get("/.well-known/jwks.json", Headers::new())
    }

    // Forward auth: /auth/verify, /auth/required

    /// `GET /auth/verify`, the token named by `headers` (bearer, cookies) if at all.
    pub fn verify(&self, headers: Headers) -> Request {
        self.get("/auth/verify", headers)
    }

    /// `HEAD /auth/verify`.
    pub fn verify_head(&self, headers: Headers) -> Request {
        Request(self.request(Method::HEAD, "/auth/verify", headers))
    }

    /// `GET /auth/required{query}`, `query` as given (`""`, `"?next=/app"`).
    pub fn required_page(&self, query: &str) -> Request {
        self.get(&format!("/auth/required{query}"), Headers::new())
    }
}

/// Opens a page (`login_page()`, `register_page()`) as a browser would: the
/// form session cookie it sets (as a `Cookie` header value) and the CSRF
/// token in its forms.
pub async fn form_session(page: Request) -> (String, String) {
    let response: Response = page.await;
    let cookie = set_cookies(response.headers())
        .get("sesame_forms")
        .map(|line| line.split(';').next().unwrap_or_default().to_owned())
        .expect("the page sets its form session cookie");
    let html = response.text().await.expect("a page");
    (cookie, csrf_in(&html))
}

/// The CSRF token in a page's forms.
fn csrf_in(html: &str) -> String {
    let marker = r#"name="csrf" value=""#;
    let start = html.find(marker).expect("a form with a CSRF token") + marker.len();
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}
