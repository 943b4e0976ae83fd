//! Authorization codes: issued to a signed-in user for a checked request,
//! kept as their SHA-256 with everything the exchange needs, for 60 seconds,
//! once (RFC 6749 4.1.2; the exchange is `grants.rs`).

use super::{AuthorizationRequest, OpenIdProvider};
use crate::auth::{LinkToken, Principal};
use crate::clock::now_ms;
use crate::db::oauth_codes::{self, CodeRow};
use crate::db::sessions as session_rows;
use crate::error::AppError;

/// How long a code can be exchanged (the contract's 60 s).
pub const CODE_TTL_MS: i64 = 60_000;

impl OpenIdProvider {
    /// A new code for `request`, given to the user `principal` is signed in
    /// as; `auth_time` and `amr` are those of that sign-in.
    /// `Unauthenticated` if their session ended meanwhile.
    pub async fn issue_code(
        &self,
        request: &AuthorizationRequest,
        principal: &Principal,
    ) -> Result<LinkToken, AppError> {
        let code = LinkToken::generate()?;
        let (session_id, user_id) = (principal.session_id().to_owned(), principal.user.id.clone());
        let mut row = CodeRow {
            code_hash: code.hash(),
            client_id: request.client.id.clone(),
            user_id,
            redirect_uri: request.redirect_uri.clone(),
            scope: request.scopes.to_string(),
            nonce: request.nonce.clone(),
            code_challenge: request.code_challenge.clone(),
            auth_time: 0,
            amr: String::new(),
            created_at: 0,
            expires_at: 0,
            used_at: None,
            session_id: None,
        };
        self.db
            .write(move |conn| {
                let now = now_ms();
                let found = session_rows::find_with_user(conn, &session_id)?;
                let Some((session, _)) =
                    found.filter(|(s, u)| s.is_active(now) && u.id == row.user_id)
                else {
                    return Err(AppError::Unauthenticated { token_sent: true });
                };
                row.auth_time = session.auth_time.unwrap_or(session.created_at);
                row.amr = session.amr;
                row.created_at = now;
                row.expires_at = now + CODE_TTL_MS;
                oauth_codes::insert(conn, &row)
            })
            .await?;
        Ok(code)
    }

    /// Deletes codes past their time (a used one is kept as long, so that
    /// its second use is still known and ends what the first gave).
    pub async fn tidy_codes(&self) -> Result<usize, AppError> {
        let before = now_ms();
        self.db
            .write(move |conn| oauth_codes::delete_expired(conn, before))
            .await
    }
}
