//! Passkeys (WebAuthn, through `webauthn-rs`): the relying party, built
//! once from `--public-url`, and the ceremonies' two halves.
//!
//! Design: the state of a ceremony (its challenge) is handed back to the
//! caller to keep in the browser's encrypted form session, never on the
//! server, so nothing a stranger sends grows the server's memory; each
//! works for `CEREMONY_TTL`. Every sign-in, alone or as a second step, is
//! checked as a discoverable one: its state holds no credential, the
//! user's credentials are read when it finishes, so the state stays small.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use webauthn_rs::prelude::{
    DiscoverableAuthentication, Passkey, PasskeyRegistration, PublicKeyCredential,
    RegisterPublicKeyCredential, Url, Uuid, Webauthn, WebauthnBuilder,
};

use crate::clock::Millis;
use crate::db::passkeys::PasskeyRow;
use crate::error::AppError;

mod assertion;

pub use assertion::{verify, verify_second_step, Assertion, SecondStepAssertion};

/// How long the options of a ceremony can be answered.
pub const CEREMONY_TTL: Millis = 5 * 60 * 1000;

/// The longest credential id WebAuthn allows (§ 7.1, registration step
/// "credentialId's length").
pub const MAX_CREDENTIAL_ID_BYTES: usize = 1023;

/// The relying party: `None` when the public address's host cannot be one
/// (an IP address, say): passkeys are then refused, the rest works.
#[derive(Clone)]
pub struct RelyingParty(Option<Arc<Webauthn>>);

impl RelyingParty {
    /// The relying party of `public_url`: its host is the RP id, its origin
    /// the only origin accepted. Warns, once, when there can be none.
    pub fn for_public_url(public_url: &str) -> RelyingParty {
        match build(public_url) {
            Ok(webauthn) => RelyingParty(Some(Arc::new(webauthn))),
            Err(why) => {
                log::warn!(
                    "passkeys are off: the public address {public_url} cannot be a WebAuthn \
                     relying party ({why}); give --public-url a host name (https://, or \
                     http://localhost)"
                );
                RelyingParty(None)
            }
        }
    }

    /// No passkeys (the benchmark's accounts).
    pub fn off() -> RelyingParty {
        RelyingParty(None)
    }

    /// `PasskeysUnavailable` when there is no relying party.
    pub fn check(&self) -> Result<(), AppError> {
        self.webauthn().map(|_| ())
    }

    fn webauthn(&self) -> Result<&Arc<Webauthn>, AppError> {
        self.0.as_ref().ok_or(AppError::PasskeysUnavailable)
    }

    /// The options for adding a discoverable passkey to the account
    /// `user_id` (a UUID, the user handle), none of `existing` again.
    pub fn start_registration(
        &self,
        user_id: &str,
        email: &str,
        existing: &[PasskeyRow],
        now: Millis,
    ) -> Result<(Value, Ceremony<PasskeyRegistration>), AppError> {
        let handle = Uuid::parse_str(user_id).map_err(AppError::unexpected)?;
        // The passkeys not to make again go to the browser only: in the
        // state they would swell the cookie past what browsers keep (ids
        // run to 1023 bytes); one made again is refused by the table.
        let (options, state) = self
            .webauthn()?
            .start_passkey_registration(handle, email, email, None)
            .map_err(AppError::unexpected)?;
        let mut options = serde_json::to_value(options).map_err(AppError::unexpected)?;
        let exclude: Vec<Value> = existing
            .iter()
            .map(|row| json!({"type": "public-key", "id": row.id}))
            .collect();
        if !exclude.is_empty() {
            options["publicKey"]["excludeCredentials"] = Value::Array(exclude);
        }
        // A discoverable credential, so that it signs in with no email typed.
        options["publicKey"]["authenticatorSelection"]["residentKey"] = json!("required");
        options["publicKey"]["authenticatorSelection"]["requireResidentKey"] = json!(true);
        Ok((options, Ceremony::new(state, now)))
    }

    /// The passkey the browser made for `ceremony`; `InvalidPasskey` when
    /// it does not answer it.
    pub fn finish_registration(
        &self,
        credential: &RegisterPublicKeyCredential,
        ceremony: Ceremony<PasskeyRegistration>,
        now: Millis,
    ) -> Result<Passkey, AppError> {
        let state = ceremony.open(now)?;
        let passkey = self
            .webauthn()?
            .finish_passkey_registration(credential, &state)
            .map_err(|error| {
                log::debug!("a passkey registration failed: {error}");
                AppError::InvalidPasskey
            })?;
        // WebAuthn's limit, which the library does not check: a longer id
        // would be listed in every later options' cookie and body.
        if passkey.cred_id().len() > MAX_CREDENTIAL_ID_BYTES {
            log::debug!("a passkey registration failed: its credential id is too long");
            return Err(AppError::InvalidPasskey);
        }
        Ok(passkey)
    }

    /// The options of a sign-in: any of the browser's passkeys for this
    /// site (`allow` empty: conditional UI capable), or one of `allow`.
    pub fn start_sign_in(
        &self,
        allow: &[PasskeyRow],
        now: Millis,
    ) -> Result<(Value, Ceremony<DiscoverableAuthentication>), AppError> {
        let (options, state) = self
            .webauthn()?
            .start_discoverable_authentication()
            .map_err(AppError::unexpected)?;
        let mut options = serde_json::to_value(options).map_err(AppError::unexpected)?;
        if !allow.is_empty() {
            let allowed: Vec<Value> = allow
                .iter()
                .map(|row| json!({"type": "public-key", "id": row.id}))
                .collect();
            options["publicKey"]["allowCredentials"] = Value::Array(allowed);
            if let Some(fields) = options.as_object_mut() {
                fields.remove("mediation");
            }
        }
        Ok((options, Ceremony::new(state, now)))
    }

    /// `credential` with the state of its challenge, to check in the
    /// transaction that signs in.
    pub fn assertion(
        &self,
        ceremony: Ceremony<DiscoverableAuthentication>,
        credential: PublicKeyCredential,
        now: Millis,
    ) -> Result<Assertion, AppError> {
        let made_at = ceremony.made_at();
        Ok(Assertion {
            webauthn: Arc::clone(self.webauthn()?),
            state: ceremony.open(now)?,
            made_at,
            credential,
        })
    }
}

fn build(public_url: &str) -> Result<Webauthn, String> {
    let url = Url::parse(public_url).map_err(|e| e.to_string())?;
    let host = url.domain().ok_or("its host is not a domain name")?;
    let origin = Url::parse(&url.origin().ascii_serialization()).map_err(|e| e.to_string())?;
    WebauthnBuilder::new(host, &origin)
        .and_then(|builder| builder.rp_name("sesame").build())
        .map_err(|e| e.to_string())
}

/// A ceremony's state and when its options were made.
#[derive(Serialize, Deserialize)]
pub struct Ceremony<S> {
    state: S,
    made_at: Millis,
}

impl<S> Ceremony<S> {
    fn new(state: S, made_at: Millis) -> Self {
        Ceremony { state, made_at }
    }

    /// When its options were made.
    pub fn made_at(&self) -> Millis {
        self.made_at
    }

    /// The state, while its options can still be answered.
    fn open(self, now: Millis) -> Result<S, AppError> {
        if now.saturating_sub(self.made_at) > CEREMONY_TTL {
            return Err(AppError::NoPasskeyChallenge);
        }
        Ok(self.state)
    }
}
