//! One attempt at a row: its app looked up, a fresh logout token signed,
//! one POST; then the row deleted (a 2xx, the app gone, or given up) or put
//! back to wait.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use crate::auth::retry_pause::{after_failure, AfterFailure};

use super::token::{self, LogoutClaims};
use super::BackchannelSender;
use crate::clock::now_ms;
use crate::db::backchannel_logouts::{self, BackchannelLogout};
use crate::error::AppError;

/// A logout waits at most this long between attempts.
const LONGEST_PAUSE: crate::clock::Millis = 5 * 60 * 1_000;

impl BackchannelSender {
    pub(super) async fn send(self: Arc<Self>, row: BackchannelLogout) {
        let sent = self.attempt(&row).await;
        if let Err(error) = self.settle(&row, sent).await {
            // The row stays claimed; it comes back when its lease ends.
            error.log_if_unexpected();
        }
        self.sending.fetch_sub(1, Ordering::SeqCst);
        self.queued.notify_one();
    }

    /// `Ok(false)`: nothing to send (the app is gone or has no URI now).
    async fn attempt(&self, row: &BackchannelLogout) -> Result<bool, String> {
        let client = self
            .oidc
            .client(&row.client_id)
            .await
            .map_err(|e| e.to_string())?;
        let Some((uri, alg)) =
            client.and_then(|c| Some((c.backchannel_logout_uri?, c.id_token_alg)))
        else {
            return Ok(false);
        };
        let claims = LogoutClaims::new(
            self.oidc.issuer(),
            &row.client_id,
            &row.user_id,
            &row.session_id,
            now_ms(),
        );
        let access = self.oidc.sessions.access_tokens();
        // Off the async workers: RSA signing is CPU work, and the key ring
        // may make signing wait for a key being made.
        let logout_token = tokio::task::spawn_blocking(move || token::sign(&access, alg, &claims))
            .await
            .map_err(|e| e.to_string())?
            .map_err(|e| e.to_string())?;
        let http = self.http.as_ref().ok_or("no HTTP client")?;
        let answer = http
            .post(&uri)
            .form(&[("logout_token", logout_token.as_str())])
            .send()
            .await
            // Without the URL: it may carry a secret of the app's.
            .map_err(|e| e.without_url().to_string())?;
        if answer.status().is_success() {
            Ok(true)
        } else {
            Err(format!("the app answered {}", answer.status().as_u16()))
        }
    }

    /// Deletes the row, or puts it back to wait after a failure.
    async fn settle(
        &self,
        row: &BackchannelLogout,
        sent: Result<bool, String>,
    ) -> Result<(), AppError> {
        let attempts = row.attempts.saturating_add(1);
        let client = &row.client_id;
        let next = match sent {
            Ok(_) => None,
            Err(error) => match after_failure(attempts, now_ms(), row.give_up_at, LONGEST_PAUSE) {
                AfterFailure::RetryAt(at) => {
                    log::warn!(
                        "a back-channel logout to client {client} failed (attempt {attempts}), \
                         trying again in {} s: {error}",
                        (at - now_ms()).max(0) / 1000
                    );
                    Some(at)
                }
                AfterFailure::GiveUp => {
                    log::warn!(
                        "a back-channel logout to client {client} is given up after \
                         {attempts} attempts: {error}"
                    );
                    None
                }
            },
        };
        let id = row.id.clone();
        self.oidc
            .db
            .write(move |conn| match next {
                None => backchannel_logouts::delete(conn, &id),
                Some(at) => backchannel_logouts::retry_later(conn, &id, attempts, at),
            })
            .await
    }
}
