//! A passkey's answer to a sign-in's challenge, and its check against the
//! account's stored passkey (`verify`), in the transaction that opens the
//! session.

use std::sync::Arc;

use base64::engine::general_purpose::URL_SAFE_NO_PAD as BASE64URL;
use base64::Engine;
use webauthn_rs::prelude::{
    DiscoverableAuthentication, DiscoverableKey, Passkey, PublicKeyCredential, Uuid, Webauthn,
};

use crate::clock::Millis;
use crate::db::passkeys;
use crate::db::Conn;
use crate::error::AppError;

/// A passkey's answer to a sign-in's challenge, with that challenge.
pub struct Assertion {
    pub(super) webauthn: Arc<Webauthn>,
    pub(super) state: DiscoverableAuthentication,
    /// When its options were made: older than the passkey's last use, they
    /// are used up.
    pub(super) made_at: Millis,
    pub(super) credential: PublicKeyCredential,
}

/// What the second step of a sign-in is given by a passkey.
pub type SecondStepAssertion = Assertion;

impl Assertion {
    /// The account the passkey says it belongs to (its user handle), to
    /// lock before `verify`; `None` when it names none.
    pub fn claimed_user(&self) -> Option<String> {
        self.webauthn
            .identify_discoverable_authentication(&self.credential)
            .ok()
            .map(|(user, _)| user.hyphenated().to_string())
    }

    /// The credential's id, as the `passkeys` table keys it.
    pub fn credential_id(&self) -> String {
        BASE64URL.encode(self.credential.get_credential_id())
    }
}

/// `verify`, for `Accounts::second_step`.
pub fn verify_second_step(
    conn: &mut Conn,
    user_id: &str,
    assertion: &SecondStepAssertion,
    now: Millis,
) -> Result<bool, AppError> {
    verify(conn, user_id, assertion, now)
}

/// Whether `assertion` was made by one of `user_id`'s passkeys, over its
/// challenge, with the user verified, and its options not used up; a
/// valid one records its use.
pub fn verify(
    conn: &mut Conn,
    user_id: &str,
    assertion: &Assertion,
    now: Millis,
) -> Result<bool, AppError> {
    let Some(row) =
        passkeys::find(conn, &assertion.credential_id())?.filter(|row| row.user_id == user_id)
    else {
        return Ok(false);
    };
    // The options' state lives in the browser's cookie, which can be sent
    // again with the same answer: options made before this passkey's last
    // use are used up, whatever its counter says (synced passkeys keep 0).
    // (An answer comes a round trip after its options: never the same ms.)
    if row
        .last_used_at
        .is_some_and(|used| used > assertion.made_at)
    {
        return Ok(false);
    }
    // A user handle given must be this account's.
    if let Some(handle) = assertion.credential.get_user_unique_id() {
        if Uuid::from_slice(handle).ok() != Uuid::parse_str(user_id).ok() {
            return Ok(false);
        }
    }
    let mut passkey: Passkey =
        serde_json::from_str(&row.credential).map_err(AppError::unexpected)?;
    let checked = assertion.webauthn.finish_discoverable_authentication(
        &assertion.credential,
        assertion.state.clone(),
        &[DiscoverableKey::from(&passkey)],
    );
    let result = match checked {
        Ok(result) => result,
        Err(error) => {
            log::debug!("a passkey assertion failed: {error}");
            return Ok(false);
        }
    };
    passkey.update_credential(&result);
    let stored = serde_json::to_string(&passkey).map_err(AppError::unexpected)?;
    passkeys::record_use(conn, &row.id, &stored, now)?;
    Ok(true)
}
