//! The passkey endpoints. The options' state comes back in the form
//! session's cookie (`sesame_forms`): a test sends it again, as a browser
//! does, in `headers`.

use reqwest::Method;
use serde_json::{json, Value};

use super::client::{Api, Headers, Request};

impl Api {
    fn passkey_json(&self, method: Method, path: &str, headers: Headers, body: &Value) -> Request {
        Request(self.request(method, path, headers).json(body))
    }

    /// `POST /auth/passkeys/options` `{password, name}`.
    pub fn passkey_options(&self, headers: Headers, password: &str, name: &str) -> Request {
        let body = json!({"password": password, "name": name});
        self.passkey_json(Method::POST, "/auth/passkeys/options", headers, &body)
    }

    /// `POST /auth/passkeys` with any body.
    pub fn add_passkey(&self, headers: Headers, body: &Value) -> Request {
        self.passkey_json(Method::POST, "/auth/passkeys", headers, body)
    }

    /// `GET /api/passkeys`.
    pub fn passkeys(&self, headers: Headers) -> Request {
        Request(self.request(Method::GET, "/api/passkeys", headers))
    }

    /// `PATCH /api/passkeys/{id}` `{name}`.
    pub fn rename_passkey(&self, headers: Headers, id: &str, name: &str) -> Request {
        let path = format!("/api/passkeys/{id}");
        self.passkey_json(Method::PATCH, &path, headers, &json!({"name": name}))
    }

    /// `DELETE /api/passkeys/{id}` `{password}`.
    pub fn remove_passkey(&self, headers: Headers, id: &str, password: &str) -> Request {
        let path = format!("/api/passkeys/{id}");
        self.passkey_json(
            Method::DELETE,
            &path,
            headers,
            &json!({"password": password}),
        )
    }

    /// `POST /auth/passkey/login/options`.
    pub fn passkey_login_options(&self, headers: Headers) -> Request {
        Request(self.request(Method::POST, "/auth/passkey/login/options", headers))
    }

    /// `POST /auth/passkey/login` with any body.
    pub fn passkey_login(&self, headers: Headers, body: &Value) -> Request {
        self.passkey_json(Method::POST, "/auth/passkey/login", headers, body)
    }

    /// `POST /auth/login/second-factor/passkey/options` with any body.
    pub fn second_step_passkey_options(&self, headers: Headers, body: &Value) -> Request {
        let path = "/auth/login/second-factor/passkey/options";
        self.passkey_json(Method::POST, path, headers, body)
    }

    /// `POST /auth/login/second-factor/passkey` with any body.
    pub fn second_step_passkey(&self, headers: Headers, body: &Value) -> Request {
        self.passkey_json(
            Method::POST,
            "/auth/login/second-factor/passkey",
            headers,
            body,
        )
    }
}
