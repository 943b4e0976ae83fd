//! Test users: registered or signed in, with the tokens they were given.

use reqwest::{Response, StatusCode};

use super::answers::SignInBody;
use super::client::Api;

pub const PASSWORD: &str = "correct horse battery";

/// What registering or signing in gave a test user.
#[derive(Debug, Clone)]
pub struct TestUser {
    pub id: String,
    pub email: String,
    pub access_token: String,
    pub refresh_token: String,
}

impl TestUser {
    pub async fn from_sign_in(email: &str, response: Response) -> TestUser {
        let body: SignInBody = response.json().await.expect("sign-in JSON");
        TestUser {
            refresh_token: body.refresh_token().to_owned(),
            id: body.user.id,
            email: email.to_owned(),
            access_token: body.access_token,
        }
    }
}

impl Api {
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

    /// Rotates a refresh token (sent in the body): the next one.
    pub async fn rotate(&self, refresh_token: &str) -> String {
        let response = self.refresh_with_body(refresh_token).await;
        assert_eq!(response.status(), StatusCode::OK);
        let body: SignInBody = response.json().await.expect("sign-in JSON");
        body.refresh_token().to_owned()
    }
}
