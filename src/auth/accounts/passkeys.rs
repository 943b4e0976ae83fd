//! A user's passkeys: added (after the password, under the login limits,
//! then the browser's answer to the options), listed, renamed, removed
//! (after the password). Each add and removal is one write that keeps
//! `users.passkey_count` in step, and the user's sessions read it again.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use webauthn_rs::prelude::{PasskeyRegistration, RegisterPublicKeyCredential};

use super::factor_notices::{put_notice, FactorChange};
use super::{still_in_force, Accounts};
use crate::auth::factors::passkeys::Ceremony;
use crate::auth::Principal;
use crate::clock::{now_ms, Millis};
use crate::db::passkeys::{self, PasskeyRow};
use crate::db::users;
use crate::domain::{Client, CurrentPassword, PasskeyName};
use crate::error::AppError;

/// How many passkeys an account may have (the options list them all, and
/// travel in a cookie).
pub const MAX_PASSKEYS: usize = 10;

/// One of the user's passkeys, as they see it.
pub struct PasskeyInfo {
    pub id: String,
    pub name: String,
    pub created_at: Millis,
    pub last_used_at: Option<Millis>,
}

impl From<PasskeyRow> for PasskeyInfo {
    fn from(row: PasskeyRow) -> Self {
        PasskeyInfo {
            id: row.id,
            name: row.name,
            created_at: row.created_at,
            last_used_at: row.last_used_at,
        }
    }
}

/// A passkey being added: its name, the account whose password asked for
/// it, and the options' state, kept by the browser (in the encrypted form
/// session) until it answers.
#[derive(Serialize, Deserialize)]
pub struct PendingPasskey {
    name: String,
    user_id: String,
    ceremony: Ceremony<PasskeyRegistration>,
}

impl Accounts {
    /// The options for the browser to make a passkey named `name`, once the
    /// password is confirmed; none of the user's passkeys is made again.
    pub async fn passkey_options(
        &self,
        principal: &Principal,
        password: CurrentPassword,
        name: PasskeyName,
        client: &Client,
    ) -> Result<(Value, PendingPasskey), AppError> {
        let user = &principal.user;
        self.relying_party.check()?;
        self.confirm(&user.id, &user.email, &password, client, "add_passkey")
            .await?;
        let id = user.id.clone();
        let existing = self
            .db
            .read(move |conn| passkeys::of_user(conn, &id))
            .await?;
        if existing.len() >= MAX_PASSKEYS {
            return Err(AppError::TooManyPasskeys);
        }
        let (options, ceremony) =
            self.relying_party
                .start_registration(&user.id, &user.email, &existing, now_ms())?;
        let name = name.as_str().to_owned();
        let pending = PendingPasskey {
            name,
            user_id: user.id.clone(),
            ceremony,
        };
        Ok((options, pending))
    }

    /// Adds the passkey the browser made for `pending`.
    pub async fn add_passkey(
        &self,
        principal: &Principal,
        pending: PendingPasskey,
        credential: &RegisterPublicKeyCredential,
        client: &Client,
    ) -> Result<PasskeyInfo, AppError> {
        // The form session is the browser's, not the account's: options
        // another account's password asked for (a thief holding both
        // sessions) add nothing here.
        if pending.user_id != principal.user.id {
            return Err(AppError::NoPasskeyChallenge);
        }
        let asked_at = pending.ceremony.made_at();
        let passkey =
            self.relying_party
                .finish_registration(credential, pending.ceremony, now_ms())?;
        let row = PasskeyRow {
            id: base64url(passkey.cred_id().as_ref()),
            user_id: principal.user.id.clone(),
            name: pending.name,
            credential: serde_json::to_string(&passkey).map_err(AppError::unexpected)?,
            created_at: now_ms(),
            last_used_at: None,
        };
        let kept = row.clone();
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let noticed = self
            .sessions
            .user_changed_with(&principal.user.id, move |conn| {
                let user = users::lock(conn, &kept.user_id)?.ok_or(AppError::InvalidPasskey)?;
                // The options' cookie can be sent again: options asked for
                // before the account's newest passkey was added are used up.
                let newest = passkeys::of_user(conn, &kept.user_id)?
                    .iter()
                    .map(|row| row.created_at)
                    .max();
                if newest.is_some_and(|added| added > asked_at) {
                    return Err(AppError::NoPasskeyChallenge);
                }
                if user.passkey_count as usize >= MAX_PASSKEYS {
                    return Err(AppError::TooManyPasskeys);
                }
                if !passkeys::insert(conn, &kept)? {
                    return Err(AppError::PasskeyExists);
                }
                put_notice(
                    &outbox,
                    conn,
                    Some(&user),
                    FactorChange::PasskeyAdded,
                    &from,
                )
            })
            .await?;
        if noticed {
            self.outbox.wake();
        }
        self.audit.event(
            "passkey_added",
            &[
                ("user", &row.user_id),
                ("passkey", &row.id),
                ("ip", &client.address_text()),
            ],
        );
        Ok(row.into())
    }

    /// The user's passkeys, oldest first.
    pub async fn passkeys_of(&self, user_id: &str) -> Result<Vec<PasskeyInfo>, AppError> {
        let id = user_id.to_owned();
        let rows = self
            .db
            .read(move |conn| passkeys::of_user(conn, &id))
            .await?;
        Ok(rows.into_iter().map(PasskeyInfo::from).collect())
    }

    /// Renames one of the user's passkeys; `NotFound` when not theirs.
    pub async fn rename_passkey(
        &self,
        user_id: &str,
        passkey_id: &str,
        name: PasskeyName,
    ) -> Result<PasskeyInfo, AppError> {
        let (user, id) = (user_id.to_owned(), passkey_id.to_owned());
        let row = self
            .db
            .write(move |conn| {
                if !passkeys::rename(conn, &user, &id, name.as_str())? {
                    return Err(AppError::NotFound);
                }
                passkeys::find(conn, &id)?.ok_or(AppError::NotFound)
            })
            .await?;
        Ok(row.into())
    }

    /// Removes one of the user's passkeys, once the password is confirmed;
    /// `NotFound` when not theirs.
    pub async fn remove_passkey(
        &self,
        principal: &Principal,
        passkey_id: &str,
        password: CurrentPassword,
        client: &Client,
    ) -> Result<(), AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(&user.id, &user.email, &password, client, "remove_passkey")
            .await?;
        let (id, passkey) = (user.id.clone(), passkey_id.to_owned());
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let noticed = self
            .sessions
            .user_changed_with(&user.id, move |conn| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                if !passkeys::delete(conn, &id, &passkey)? {
                    return Err(AppError::NotFound);
                }
                let change = FactorChange::PasskeyRemoved;
                put_notice(&outbox, conn, now.as_ref(), change, &from)
            })
            .await?;
        if noticed {
            self.outbox.wake();
        }
        self.audit.event(
            "passkey_removed",
            &[
                ("user", &user.id),
                ("passkey", &passkey_id),
                ("ip", &client.address_text()),
            ],
        );
        Ok(())
    }
}

pub(super) fn base64url(bytes: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}
