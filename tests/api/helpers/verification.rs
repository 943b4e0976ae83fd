//! The requests of address verification (issue 20): the link, as JSON
//! and as a page (and the button of every mailed link's page), and a new
//! link.

use reqwest::Method;
use serde_json::json;

use super::client::{Api, Headers, Request};

impl Api {
    /// `POST /auth/email/verify {token}`.
    pub fn verify_email(&self, token: &str) -> Request {
        let body = json!({ "token": token });
        Request(
            self.request(Method::POST, "/auth/email/verify", Headers::new())
                .json(&body),
        )
    }

    /// `GET /email/verify…` (the link, or the page it leads to).
    pub fn verify_page(&self, path_and_query: &str, headers: Headers) -> Request {
        Request(self.request(Method::GET, path_and_query, headers))
    }

    /// The button of a mailed link's page (`/email/verify`,
    /// `/email/change`, `/sign-in/not-me`): a form with only `csrf`.
    pub fn press_link_button(&self, path: &str, cookies: &str, csrf: &str) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(
            self.request(Method::POST, path, headers)
                .form(&[("csrf", csrf)]),
        )
    }

    /// `POST /auth/email/verify/resend` with JSON, signed in by `headers`.
    pub fn resend_verification(&self, headers: Headers) -> Request {
        Request(
            self.request(Method::POST, "/auth/email/verify/resend", headers)
                .json(&json!({})),
        )
    }

    /// The resend button's form (on the profile, or on the page refusing
    /// an unverified address).
    pub fn resend_verification_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(
            self.request(Method::POST, "/auth/email/verify/resend", headers)
                .form(form),
        )
    }

    /// `GET /register/sent`.
    pub fn register_sent_page(&self) -> Request {
        Request(self.request(Method::GET, "/register/sent", Headers::new()))
    }
}
