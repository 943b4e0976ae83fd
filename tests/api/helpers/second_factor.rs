//! The requests of second factors (issue 21): TOTP enrolment, recovery
//! codes and the second step of a sign-in, as JSON and as the pages'
//! forms (one method per endpoint, as in `endpoints.rs`).

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Api, Headers, Request};

impl Api {
    fn second_factor_json(
        &self,
        method: Method,
        path: &str,
        headers: Headers,
        body: &Value,
    ) -> Request {
        Request(self.request(method, path, headers).json(body))
    }

    /// `POST /auth/totp {password}`, signed in with `access_token`.
    pub fn enrol_totp(&self, access_token: &str, password: &str) -> Request {
        let headers = Headers::new().bearer(access_token);
        self.enrol_totp_with(headers, password)
    }

    /// The same, signed in (or not) by `headers`.
    pub fn enrol_totp_with(&self, headers: Headers, password: &str) -> Request {
        let body = json!({ "password": password });
        self.second_factor_json(Method::POST, "/auth/totp", headers, &body)
    }

    /// `POST /auth/totp/confirm {code}`.
    pub fn confirm_totp(&self, access_token: &str, code: &str) -> Request {
        let headers = Headers::new().bearer(access_token);
        let body = json!({ "code": code });
        self.second_factor_json(Method::POST, "/auth/totp/confirm", headers, &body)
    }

    /// `DELETE /auth/totp {password}`.
    pub fn disable_totp(&self, access_token: &str, password: &str) -> Request {
        let headers = Headers::new().bearer(access_token);
        let body = json!({ "password": password });
        self.second_factor_json(Method::DELETE, "/auth/totp", headers, &body)
    }

    /// `POST /auth/recovery-codes {password}`.
    pub fn new_recovery_codes(&self, access_token: &str, password: &str) -> Request {
        let headers = Headers::new().bearer(access_token);
        let body = json!({ "password": password });
        self.second_factor_json(Method::POST, "/auth/recovery-codes", headers, &body)
    }

    /// `POST /auth/login/second-factor {ticket, code}` (JSON).
    pub fn second_step(&self, ticket: &str, code: &str) -> Request {
        self.second_step_json(&json!({ "ticket": ticket, "code": code }))
    }

    /// Any JSON body.
    pub fn second_step_json(&self, body: &Value) -> Request {
        let path = "/auth/login/second-factor";
        self.second_factor_json(Method::POST, path, Headers::new(), body)
    }

    /// The second step's form (the ticket is in the form session).
    pub fn second_step_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(
            self.request(Method::POST, "/auth/login/second-factor", headers)
                .form(form),
        )
    }

    /// `GET /login/second-factor` with the form session's cookie.
    pub fn second_step_page(&self, cookies: &str) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(self.request(Method::GET, "/login/second-factor", headers))
    }

    /// `GET /auth/verify?mfa=1`, the token named by `headers`.
    pub fn verify_mfa(&self, headers: Headers) -> Request {
        Request(self.request(Method::GET, "/auth/verify?mfa=1", headers))
    }

    // The profile's forms (signed in by the access cookie in `cookies`)

    /// `POST /profile/totp` (password): the profile with the QR code.
    pub fn start_totp_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.profile_form("/profile/totp", cookies, form)
    }

    /// `POST /profile/totp/confirm` (code): the profile with the codes.
    pub fn confirm_totp_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.profile_form("/profile/totp/confirm", cookies, form)
    }

    /// `POST /profile/totp/disable` (password).
    pub fn disable_totp_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.profile_form("/profile/totp/disable", cookies, form)
    }

    /// `POST /profile/recovery-codes` (password).
    pub fn new_recovery_codes_form(&self, cookies: &str, form: &[(&str, &str)]) -> Request {
        self.profile_form("/profile/recovery-codes", cookies, form)
    }

    fn profile_form(&self, path: &str, cookies: &str, form: &[(&str, &str)]) -> Request {
        let headers = Headers::new().cookie(cookies);
        Request(self.request(Method::POST, path, headers).form(form))
    }
}
