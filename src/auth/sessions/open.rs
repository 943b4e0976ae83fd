//! Opening sessions: a sign-in or sign-up (`open`), and an app's sign-in
//! through sesame (`open_for_app`, `sessions.client_id`), each in one
//! transaction with the caller's own write.

use super::{AppSession, Changed, Sessions, SignIn};
use crate::auth::refresh_token;
use crate::clock::{ms, now_ms, Millis};
use crate::db::refresh_tokens::RefreshToken;
use crate::db::sessions::Session;
use crate::db::users::{self, User};
use crate::db::Conn;
use crate::domain::{Amr, Client};
use crate::error::AppError;

impl Sessions {
    /// Opens a new session for the user `account` finds or creates at the
    /// time it is given, in the same transaction (so a sign-up leaves both
    /// rows or neither); `account` is told the new session's id too (a
    /// sign-in alert is about it). `account` must not touch session rows:
    /// they change only through `change`, which this is.
    pub async fn open<F>(&self, client: &Client, amr: Amr, account: F) -> Result<SignIn, AppError>
    where
        F: FnOnce(&mut Conn, Millis, &str) -> Result<User, AppError> + Send + 'static,
    {
        self.open_session(client, amr, None, account).await
    }

    /// Opens an app's session (`sessions.client_id`), as `open` does:
    /// `account` (the authorization code used up) in the same transaction.
    pub async fn open_for_app<F>(
        &self,
        client: &Client,
        amr: Amr,
        app: AppSession,
        account: F,
    ) -> Result<SignIn, AppError>
    where
        F: FnOnce(&mut Conn, Millis, &str) -> Result<User, AppError> + Send + 'static,
    {
        self.open_session(client, amr, Some(app), account).await
    }

    async fn open_session<F>(
        &self,
        client: &Client,
        amr: Amr,
        app: Option<AppSession>,
        account: F,
    ) -> Result<SignIn, AppError>
    where
        F: FnOnce(&mut Conn, Millis, &str) -> Result<User, AppError> + Send + 'static,
    {
        let now = now_ms();
        let session_id = uuid::Uuid::new_v4().to_string();
        let first_token = refresh_token::hash(&self.refresh_key.token_for(&session_id, 0));
        let (lifetimes, user_agent) = (self.lifetimes, client.user_agent().map(str::to_owned));
        // Without a refresh token, an app's session lives as long as its
        // first access token: nothing can extend it.
        let idle = match &app {
            Some(app) if !app.refreshable => ms(self.access.ttl()),
            _ => lifetimes.idle,
        };
        let (user, session) = self
            .change(Changed::Nothing, move |conn, writer| {
                let mut user = account(conn, now, &session_id)?;
                // Whatever the way in, no session for a disabled account
                // (each sign-in refuses it earlier, on the locked row).
                if user.disabled_at.is_some() {
                    return Err(AppError::AccountDisabled);
                }
                if app.is_none() {
                    users::set_last_sign_in(conn, &user.id, now)?;
                    user.last_sign_in_at = Some(now);
                }
                let session = Session {
                    id: session_id,
                    user_id: user.id.clone(),
                    user_agent,
                    generation: 0,
                    created_at: now,
                    last_used_at: now,
                    idle_expires_at: now.saturating_add(idle),
                    expires_at: now.saturating_add(lifetimes.absolute),
                    revoked_at: None,
                    amr: amr.stored().to_owned(),
                    client_id: app.as_ref().map(|a| a.client_id.clone()),
                    scope: app.as_ref().map(|a| a.scope.clone()),
                    auth_time: app.as_ref().map(|a| a.auth_time),
                    app_ends_at: app.as_ref().map(|_| {
                        now.saturating_add(idle)
                            .min(now.saturating_add(lifetimes.absolute))
                    }),
                };
                writer.insert_session(conn, &session)?;
                writer.insert_refresh_token(
                    conn,
                    &RefreshToken {
                        token_hash: first_token,
                        session_id: session.id.clone(),
                        generation: 0,
                        created_at: now,
                        spent_at: None,
                    },
                )?;
                Ok((user, session))
            })
            .await?;
        self.sign_in(user, &session, now)
    }
}
