//! Accounts: signing up and signing in. Passwords are checked here, against
//! the login limits; the session that follows is opened by `Sessions`.

use std::sync::Arc;

use super::login_limits::LoginLimits;
use super::password::PasswordHasher;
use super::{audit, Sessions, SignIn};
use crate::config::Settings;
use crate::db::users::{self, NewUser};
use crate::db::Db;
use crate::domain::{Client, Credentials, NewAccount};
use crate::error::{retry_after_secs, AppError};

pub struct Accounts {
    db: Db,
    hasher: PasswordHasher,
    limits: LoginLimits,
    sessions: Arc<Sessions>,
}

impl Accounts {
    pub fn new(db: Db, sessions: Arc<Sessions>, settings: &Settings) -> Self {
        let hasher = PasswordHasher::new(settings.bcrypt_cost);
        hasher.warm_up();
        Accounts {
            db,
            hasher,
            limits: LoginLimits::new(
                settings.login_max_failures,
                settings.login_max_failures_per_ip,
                settings.login_window,
            ),
            sessions,
        }
    }

    /// Creates the account and its first session in one transaction.
    pub async fn register(&self, account: NewAccount, client: &Client) -> Result<SignIn, AppError> {
        let NewAccount {
            name,
            email,
            password,
        } = account;
        let password_hash = self.hasher.hash(password).await?;
        let signed_in = self
            .sessions
            .open(client, move |conn, now| {
                let new_user = NewUser {
                    id: &uuid::Uuid::new_v4().to_string(),
                    name: name.as_str(),
                    email: email.as_str(),
                    password_hash: &password_hash,
                    created_at: now,
                };
                users::insert(conn, &new_user)?.ok_or(AppError::EmailTaken)
            })
            .await?;
        audit::event(
            "sign_up",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
            ],
        );
        Ok(signed_in)
    }

    /// Checks the password and opens a new session. An unknown email and a
    /// wrong password cost the same bcrypt work and get the same error; an
    /// account or address past its failure limit is refused before any check
    /// (each attempt takes its try first; a success gives it back).
    pub async fn login(
        &self,
        credentials: Credentials,
        client: &Client,
    ) -> Result<SignIn, AppError> {
        let Credentials { email, password } = credentials;
        let address = client.address_text();
        if let Err(retry_after) = self.limits.begin(email.as_str(), client.address) {
            audit::event(
                "rate_limited",
                &[
                    ("email", &email.as_str()),
                    ("ip", &address),
                    ("retry_after_s", &retry_after_secs(retry_after)),
                ],
            );
            return Err(AppError::TooManyAttempts { retry_after });
        }
        let lookup = email.as_str().to_owned();
        let user = self
            .db
            .read(move |conn| users::find_by_email(conn, &lookup))
            .await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = self
            .hasher
            .verify(password.expose().to_owned(), stored_hash)
            .await?;
        let Some(user) = user.filter(|_| matches) else {
            audit::event(
                "sign_in_failed",
                &[("email", &email.as_str()), ("ip", &address)],
            );
            return Err(AppError::InvalidCredentials);
        };
        self.limits.succeeded(email.as_str(), client.address);
        let signed_in = self.sessions.open(client, move |_, _| Ok(user)).await?;
        audit::event(
            "sign_in",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
                ("ip", &address),
            ],
        );
        Ok(signed_in)
    }

    /// Forgets login-failure counts that are back to zero (run periodically).
    pub fn forget_idle_login_failures(&self) {
        self.limits.forget_idle();
    }
}
