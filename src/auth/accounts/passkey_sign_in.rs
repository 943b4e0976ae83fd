//! Signing in with a passkey: alone (a discoverable credential, no email
//! typed: `Amr::Passkey`), or as the second step after a password (the
//! ticket's account's passkeys, through `second_step`). The options'
//! state travels with the browser (`Ceremony`); the answer is checked on
//! the locked user row, in the transaction that opens the session.

use serde_json::Value;
use webauthn_rs::prelude::{DiscoverableAuthentication, PublicKeyCredential};

use super::{alerts, refusals, Accounts};
use crate::auth::factors::passkeys::{self, Assertion, Ceremony};
use crate::auth::{LinkToken, SignIn};
use crate::clock::now_ms;
use crate::db::passkeys as stored;
use crate::db::sign_in_tickets;
use crate::db::users;
use crate::domain::{Amr, Client};
use crate::error::AppError;

/// The state of a sign-in's passkey options.
pub type PasskeyChallenge = Ceremony<DiscoverableAuthentication>;

impl Accounts {
    /// `PasskeysUnavailable` when there is no relying party: a ceremony's
    /// answer is told so before anything of it is read.
    pub fn passkeys_on(&self) -> Result<(), AppError> {
        self.relying_party.check()
    }

    /// The options of a sign-in with any passkey of this site (conditional
    /// UI capable).
    pub fn passkey_sign_in_options(&self) -> Result<(Value, PasskeyChallenge), AppError> {
        self.relying_party.start_sign_in(&[], now_ms())
    }

    /// The options of the second step of the sign-in `ticket` is for: one
    /// of that account's passkeys.
    pub async fn second_step_passkey_options(
        &self,
        ticket: &str,
    ) -> Result<(Value, PasskeyChallenge), AppError> {
        self.relying_party.check()?;
        let token_hash = LinkToken::presented(ticket)
            .map_err(|_| AppError::InvalidTicket)?
            .hash();
        let rows = self
            .db
            .read(move |conn| {
                let ticket = sign_in_tickets::find_unexpired(conn, &token_hash, now_ms())?
                    .filter(|ticket| !ticket.is_dead())
                    .ok_or(AppError::InvalidTicket)?;
                stored::of_user(conn, &ticket.user_id)
            })
            .await?;
        if rows.is_empty() {
            return Err(AppError::InvalidPasskey);
        }
        self.relying_party.start_sign_in(&rows, now_ms())
    }

    /// `credential`, the browser's answer to `challenge`, ready for
    /// `second_step` (`Proof::Passkey`).
    pub fn passkey_assertion(
        &self,
        challenge: PasskeyChallenge,
        credential: PublicKeyCredential,
    ) -> Result<Assertion, AppError> {
        self.relying_party
            .assertion(challenge, credential, now_ms())
    }

    /// Signs in with a passkey alone: `InvalidPasskey` for an unknown or
    /// removed one or a wrong answer; with `--require-verified-email`, an
    /// unverified address is refused as a password sign-in is.
    pub async fn sign_in_with_passkey(
        &self,
        challenge: PasskeyChallenge,
        credential: PublicKeyCredential,
        client: &Client,
    ) -> Result<SignIn, AppError> {
        let signed_in = self.check_passkey(challenge, credential, client).await;
        let result = super::counted::result_of(&signed_in);
        self.db.metrics().sign_in("passkey", result);
        signed_in
    }

    /// `sign_in_with_passkey`, uncounted.
    async fn check_passkey(
        &self,
        challenge: PasskeyChallenge,
        credential: PublicKeyCredential,
        client: &Client,
    ) -> Result<SignIn, AppError> {
        let assertion = self.passkey_assertion(challenge, credential)?;
        let address = client.address_text();
        let failed = || {
            self.audit
                .event("passkey_sign_in_failed", &[("ip", &address)]);
            AppError::InvalidPasskey
        };
        let Some(user_id) = assertion.claimed_user() else {
            return Err(failed());
        };
        // A credential of no account's is refused on a read, before a write
        // (and, on SQLite, its turn to write) is taken for it.
        let id = assertion.credential_id();
        let found = self.db.read(move |conn| stored::find(conn, &id)).await?;
        if found.is_none_or(|row| row.user_id != user_id) {
            return Err(failed());
        }
        let require_verified = self.require_verified;
        let claimed = user_id.clone();
        let notes = alerts::SignInNotes::new(client, &self.outbox, self.sign_in_alerts);
        let noting = notes.clone();
        let opened = self
            .sessions
            .open(client, Amr::Passkey, move |conn, at, session_id| {
                let user = users::lock(conn, &user_id)?.ok_or(AppError::InvalidPasskey)?;
                if !passkeys::verify(conn, &user.id, &assertion, at)? {
                    return Err(AppError::InvalidPasskey);
                }
                if require_verified && !user.email_verified {
                    return Err(AppError::EmailNotVerified { user: user.id });
                }
                noting.note(conn, &user, session_id, at)?;
                Ok(user)
            })
            .await;
        let signed_in = match opened {
            Ok(signed_in) => signed_in,
            Err(AppError::InvalidPasskey) => return Err(failed()),
            Err(AppError::AccountDisabled) => {
                return Err(refusals::account_disabled(
                    &self.audit,
                    Some(&claimed),
                    None,
                    &address,
                ))
            }
            Err(error @ AppError::EmailNotVerified { .. }) => {
                if let AppError::EmailNotVerified { user } = &error {
                    self.audit.event(
                        "sign_in_refused_unverified",
                        &[("user", user), ("ip", &address)],
                    );
                }
                return Err(error);
            }
            Err(error) => return Err(error),
        };
        notes.wake_if_put();
        self.audit.event(
            "sign_in",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
                ("method", &"passkey"),
                ("ip", &address),
            ],
        );
        Ok(signed_in)
    }
}
