//! Sign-up and sign-in.

use std::net::IpAddr;

use super::{audit, bounded_user_agent, refresh_token, Auth, SignIn};
use crate::clock::{now_ms, Millis};
use crate::db::refresh_tokens::{self, RefreshToken};
use crate::db::sessions::{self, Session};
use crate::db::users::{self, NewUser};
use crate::db::Conn;
use crate::domain::{Email, Password, UserName};
use crate::error::{retry_after_secs, AppError};

impl Auth {
    /// Creates the account and its first session in one transaction.
    pub async fn register(
        &self,
        name: UserName,
        email: Email,
        password: Password,
        user_agent: Option<String>,
    ) -> Result<SignIn, AppError> {
        let password_hash = self.hasher.hash(password).await?;
        let now = now_ms();
        let user_id = uuid::Uuid::new_v4().to_string();
        let session = self.new_session(&user_id, user_agent, now);
        let first_token = refresh_token::hash(&self.refresh_key.token_for(&session.id, 0));
        let stored = session.clone();
        let user = self
            .db
            .write(move |conn| {
                let new_user = NewUser {
                    id: &user_id,
                    name: name.as_str(),
                    email: email.as_str(),
                    password_hash: &password_hash,
                    created_at: now,
                };
                let user = users::insert(conn, &new_user)?.ok_or(AppError::EmailTaken)?;
                store_session(conn, &stored, first_token)?;
                Ok(user)
            })
            .await?;
        audit::event("sign_up", &[("user", &user.id), ("session", &session.id)]);
        self.sign_in(user, &session, now)
    }

    /// Checks the password and opens a new session. An unknown email and a
    /// wrong password cost the same bcrypt work and get the same error; an
    /// account or address past its failure limit is refused before any check
    /// (each attempt takes its try first; a success gives it back).
    pub async fn login(
        &self,
        email: Email,
        password: Password,
        user_agent: Option<String>,
        client: Option<IpAddr>,
    ) -> Result<SignIn, AppError> {
        let address = client.map_or_else(|| "unknown".to_owned(), |ip| ip.to_string());
        if let Err(retry_after) = self.limits.begin(email.as_str(), client) {
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
        self.limits.succeeded(email.as_str(), client);
        let now = now_ms();
        let session = self.new_session(&user.id, user_agent, now);
        let first_token = refresh_token::hash(&self.refresh_key.token_for(&session.id, 0));
        let stored = session.clone();
        self.db
            .write(move |conn| store_session(conn, &stored, first_token))
            .await?;
        audit::event(
            "sign_in",
            &[
                ("user", &user.id),
                ("session", &session.id),
                ("ip", &address),
            ],
        );
        self.sign_in(user, &session, now)
    }

    fn new_session(&self, user_id: &str, user_agent: Option<String>, now: Millis) -> Session {
        Session {
            id: uuid::Uuid::new_v4().to_string(),
            user_id: user_id.to_owned(),
            user_agent: bounded_user_agent(user_agent),
            generation: 0,
            created_at: now,
            last_used_at: now,
            idle_expires_at: now.saturating_add(self.lifetimes.idle),
            expires_at: now.saturating_add(self.lifetimes.absolute),
            revoked_at: None,
        }
    }
}

/// Stores a new session with its first refresh token (generation 0).
fn store_session(conn: &mut Conn, session: &Session, token_hash: Vec<u8>) -> Result<(), AppError> {
    sessions::insert(conn, session)?;
    refresh_tokens::insert(
        conn,
        &RefreshToken {
            token_hash,
            session_id: session.id.clone(),
            generation: session.generation,
            created_at: session.created_at,
            spent_at: None,
        },
    )
}
