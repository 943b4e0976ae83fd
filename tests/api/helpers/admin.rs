//! The admin console (`/admin`, `/api/admin/*`): making the first admin
//! with the real binary, as the docs say, and one method per request.

use reqwest::{Method, Response, StatusCode};
use serde_json::Value;

use super::account::Page;
use super::app::TestApp;
use super::client::{Api, Headers, Request};
use super::users::TestUser;
use crate::process::run;

impl TestApp {
    /// A new user made an admin by `sesame users set-roles EMAIL admin`.
    pub async fn new_admin(&self) -> TestUser {
        let admin = self.new_user().await;
        self.set_roles_by_command(&admin.email, "admin").await;
        admin
    }

    /// `sesame users set-roles EMAIL ROLES` on this app's database.
    pub async fn set_roles_by_command(&self, email: &str, roles: &str) {
        let args = [
            "users",
            "set-roles",
            email,
            roles,
            "--database-url",
            self.database_url(),
        ];
        let output = run(self.folder.path(), &args, &[]).await;
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
}

impl Api {
    /// A JSON request to the admin API with `user`'s access token (bearer).
    pub fn admin_api(
        &self,
        method: Method,
        path: &str,
        access_token: &str,
        body: Option<&Value>,
    ) -> Request {
        let request = self.request(method, path, Headers::new().bearer(access_token));
        Request(match body {
            Some(body) => request.json(body),
            None => request,
        })
    }

    /// An admin page as the browser of `user` gets it (access token cookie).
    pub async fn admin_page(&self, path: &str, user: &TestUser) -> Page {
        let headers = Headers::new().access_cookie(&user.access_token);
        Page::of(
            self.request(Method::GET, path, headers)
                .send()
                .await
                .unwrap(),
        )
        .await
    }

    /// A form of an admin page posted as `user`'s browser does: the
    /// page's form session cookie beside the access token cookie.
    pub async fn admin_form(
        &self,
        path: &str,
        user: &TestUser,
        page: &Page,
        form: &[(&str, &str)],
    ) -> Response {
        let cookies = format!("accessToken={}; {}", user.access_token, page.forms_cookie());
        let headers = Headers::new().cookie(&cookies);
        self.request(Method::POST, path, headers)
            .form(form)
            .send()
            .await
            .unwrap()
    }
}

/// The JSON body of a response with this status.
pub async fn json_of(response: Response, status: StatusCode) -> Value {
    assert_eq!(response.status(), status);
    response.json().await.expect("a JSON body")
}
