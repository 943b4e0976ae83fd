//! The requests of the account's whole life that cause mail or end
//! sessions: password change, account deletion, password reset by mail
//! (one method per endpoint, as in `endpoints.rs`), and the pages they
//! answer with (`Page`).

use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};

use super::client::{Api, Headers, Request};
use super::cookies::set_cookies;

/// The requests of the account's whole life (issue 13). The JSON bodies
/// are what a client of the contract sends; forms are posted as a browser
/// does (see `post_form` in `endpoints.rs`).
impl Api {
    fn json(&self, method: Method, path: &str, headers: Headers, body: &Value) -> Request {
        Request(self.request(method, path, headers).json(body))
    }

    fn form(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(self.request(Method::POST, path, headers).form(form))
    }

    fn page(&self, path: &str, headers: Headers) -> Request {
        Request(self.request(Method::GET, path, headers))
    }

    // Password change: POST /auth/password

    /// The signed-in user (named by `headers`: bearer or cookie) changes
    /// their password.
    pub fn change_password(&self, headers: Headers, current: &str, new: &str) -> Request {
        let body = json!({"currentPassword": current, "newPassword": new});
        self.change_password_json(headers, &body)
    }

    /// Any JSON body.
    pub fn change_password_json(&self, headers: Headers, body: &Value) -> Request {
        self.json(Method::POST, "/auth/password", headers, body)
    }

    /// The profile page's `#change-password` form.
    pub fn change_password_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.form("/auth/password", cookies, form)
    }

    // Account deletion: DELETE /api/me, POST /profile/delete

    pub fn delete_account(&self, headers: Headers, password: &str) -> Request {
        self.delete_account_json(headers, &json!({ "password": password }))
    }

    /// Any JSON body.
    pub fn delete_account_json(&self, headers: Headers, body: &Value) -> Request {
        self.json(Method::DELETE, "/api/me", headers, body)
    }

    /// The profile page's `#delete-account` form.
    pub fn delete_account_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.form("/profile/delete", cookies, form)
    }

    // Forgotten password: /password/forgot, POST /auth/password/forgot

    /// `GET /password/forgot`
    pub fn forgot_page(&self) -> Request {
        self.page("/password/forgot", Headers::new())
    }

    /// `GET /password/forgot/sent`
    pub fn forgot_sent_page(&self, headers: Headers) -> Request {
        self.page("/password/forgot/sent", headers)
    }

    pub fn forgot_password(&self, email: &str) -> Request {
        self.forgot_password_with(Headers::new(), email)
    }

    /// The same, with headers (`X-Forwarded-For`...).
    pub fn forgot_password_with(&self, headers: Headers, email: &str) -> Request {
        self.forgot_password_json(headers, &json!({ "email": email }))
    }

    /// Any JSON body.
    pub fn forgot_password_json(&self, headers: Headers, body: &Value) -> Request {
        self.json(Method::POST, "/auth/password/forgot", headers, body)
    }

    pub fn forgot_password_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.form("/auth/password/forgot", cookies, form)
    }

    // Reset: /password/reset, POST /auth/password/reset

    /// `GET` a reset link's path and query (`/password/reset?token=…`), or
    /// `/password/reset` itself, with `headers` (the form session's cookie).
    pub fn reset_page(&self, path_and_query: &str, headers: Headers) -> Request {
        self.page(path_and_query, headers)
    }

    pub fn reset_password(&self, token: &str, password: &str) -> Request {
        self.reset_password_json(&json!({"token": token, "password": password}))
    }

    /// Any JSON body.
    pub fn reset_password_json(&self, body: &Value) -> Request {
        self.json(Method::POST, "/auth/password/reset", Headers::new(), body)
    }

    /// The reset page's form (the token is in the form session).
    pub fn reset_password_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.form("/auth/password/reset", cookies, form)
    }
}

/// A page as a browser gets it: its status, where it redirects, the form
/// session cookie it sets (`sesame_forms=…`, ready for a `Cookie` header),
/// and its HTML.
#[derive(Debug)]
pub struct Page {
    pub status: StatusCode,
    pub location: Option<String>,
    pub forms_cookie: Option<String>,
    pub html: String,
}

impl Page {
    pub async fn of(response: Response) -> Page {
        let status = response.status();
        let location = response
            .headers()
            .get("location")
            .map(|value| value.to_str().expect("a text Location").to_owned());
        let forms_cookie = set_cookies(response.headers())
            .get("sesame_forms")
            .map(|line| line.split(';').next().unwrap_or_default().to_owned());
        let html = response.text().await.expect("a body");
        Page {
            status,
            location,
            forms_cookie,
            html,
        }
    }

    /// The form session cookie the page set.
    pub fn forms_cookie(&self) -> String {
        self.forms_cookie
            .clone()
            .unwrap_or_else(|| panic!("the page sets no form session cookie: {self:#?}"))
    }

    /// The CSRF token in the page's forms.
    pub fn csrf(&self) -> String {
        let marker = r#"name="csrf" value=""#;
        let start = self
            .html
            .find(marker)
            .unwrap_or_else(|| panic!("no form with a CSRF token in:\n{}", self.html))
            + marker.len();
        self.html[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// The HTML of the form `<form … id="{id}">`, up to its `</form>`.
    pub fn form(&self, id: &str) -> &str {
        let marker = format!(r#"id="{id}""#);
        let at = self
            .html
            .find(&marker)
            .unwrap_or_else(|| panic!("no form {marker} in:\n{}", self.html));
        let start = self.html[..at]
            .rfind("<form")
            .expect("the form's start tag");
        let end = self.html[at..]
            .find("</form>")
            .map(|end| at + end)
            .expect("the form's end tag");
        &self.html[start..end]
    }
}
