//! TOTP and recovery codes, as their owner manages them: enrol (a pending
//! secret), confirm with a code (then TOTP is on and ten recovery codes are
//! shown once), turn off, and new recovery codes. Enrolling, turning off
//! and new codes confirm the password first, under the login limits. Each
//! write forgets what every instance remembered of the user's sessions, so
//! `/api/me` and the sign-in see the change at once; turning TOTP on ends
//! every other session of the user.

use super::factor_notices::{put_notice, FactorChange};
use super::{rate_limited, still_in_force, Accounts};
use crate::auth::factors::{recovery, totp};
use crate::auth::{Ending, Principal};
use crate::clock::now_ms;
use crate::db::totp_secrets::{self, TotpSecret};
use crate::db::{recovery_codes, sign_in_tickets, users};
use crate::domain::{Client, CurrentPassword};
use crate::error::AppError;

/// What an authenticator app is given to enrol.
pub struct TotpEnrolment {
    /// Base32, to type in.
    pub secret: String,
    /// `otpauth://totp/…`, for the QR code.
    pub uri: String,
}

impl Accounts {
    /// A new pending secret (replacing a pending one); 409 when TOTP is on.
    pub async fn start_totp(
        &self,
        principal: &Principal,
        password: &CurrentPassword,
        client: &Client,
    ) -> Result<TotpEnrolment, AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(&user.id, &user.email, password, client, "totp_enrol")
            .await?;
        let secret = totp::new_secret()?;
        let (secret_text, uri) = totp::enrolment(&secret, &user.email)?;
        let id = user.id.clone();
        self.sessions
            .user_changed_with(&user.id, move |conn| {
                still_in_force(users::lock(conn, &id)?.as_ref(), &checked)?;
                let pending = TotpSecret {
                    user_id: id,
                    secret,
                    created_at: now_ms(),
                    confirmed_at: None,
                    last_step: 0,
                };
                if totp_secrets::put_pending(conn, &pending)? {
                    Ok(())
                } else {
                    Err(AppError::TotpEnabled)
                }
            })
            .await?;
        Ok(TotpEnrolment {
            secret: secret_text,
            uri,
        })
    }

    /// Turns the pending secret on with a code of it, and makes ten
    /// recovery codes (shown only now). 400 for a wrong code, 409 when
    /// nothing is pending. Wrong codes are limited per account as at
    /// sign-in (then 429), counted apart: a stolen session must not guess
    /// its way to turning on a pending key and to its recovery codes.
    pub async fn confirm_totp(
        &self,
        principal: &Principal,
        code: &str,
        client: &Client,
    ) -> Result<Vec<String>, AppError> {
        let attempt = self
            .second_factor_limits
            .begin_confirm(&principal.user.id)
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.audit,
                    self.db.metrics(),
                    "totp_confirm",
                    None,
                    client,
                    refusal,
                )
            })?;
        let codes = recovery::generate()?;
        let hashes: Vec<Vec<u8>> = codes.iter().filter_map(|c| recovery::hash(c)).collect();
        let (id, code) = (principal.user.id.clone(), code.to_owned());
        // Every other session ends, as at a password change: one opened
        // with the password alone before (perhaps by whoever phished it)
        // must not outlive the second factor meant to shut it out.
        let keep = Ending::AllBut(principal.session_id().to_owned());
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let confirmed = self
            .sessions
            .end_of_user_with(&principal.user.id, keep, move |conn, locked| {
                let pending = totp_secrets::find(conn, &id)?
                    .filter(|secret| !secret.is_on())
                    .ok_or(AppError::TotpNotPending)?;
                let now = now_ms();
                let step = totp::matching_step(&pending.secret, &code, now)
                    .ok_or(AppError::InvalidConfirmCode)?;
                // The confirming code's step counts as used: it cannot sign in.
                if !totp_secrets::confirm(conn, &id, step, now)? {
                    return Err(AppError::TotpNotPending);
                }
                recovery_codes::replace(conn, &id, &hashes, now)?;
                let change = FactorChange::TotpEnabled;
                put_notice(&outbox, conn, locked.as_ref(), change, &from)
            })
            .await;
        let ended = match confirmed {
            Err(AppError::InvalidConfirmCode) => {
                attempt.failed();
                self.audit.event(
                    "second_factor_failed",
                    &[
                        ("user", &principal.user.id as &dyn std::fmt::Display),
                        ("ip", &client.address_text()),
                        ("action", &"totp_confirm"),
                    ],
                );
                return Err(AppError::InvalidConfirmCode);
            }
            Err(error) => return Err(error),
            Ok((noticed, ended)) => {
                drop(attempt);
                if noticed {
                    self.outbox.wake();
                }
                ended
            }
        };
        let fields = [
            ("user", &principal.user.id as &dyn std::fmt::Display),
            ("ip", &client.address_text()),
            ("sessions_ended", &ended),
        ];
        self.audit.event("totp_enabled", &fields);
        self.audit.event("recovery_codes_made", &fields);
        Ok(codes)
    }

    /// Turns TOTP off: its secret and the recovery codes are gone, and so
    /// are sign-ins waiting for a second step. 404 when it was off.
    pub async fn disable_totp(
        &self,
        principal: &Principal,
        password: &CurrentPassword,
        client: &Client,
    ) -> Result<(), AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(&user.id, &user.email, password, client, "totp_disable")
            .await?;
        let id = user.id.clone();
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let noticed = self
            .sessions
            .user_changed_with(&user.id, move |conn| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                if !totp_secrets::delete(conn, &id)? {
                    return Err(AppError::TotpNotEnabled);
                }
                recovery_codes::delete_of_user(conn, &id)?;
                sign_in_tickets::delete_of_user(conn, &id)?;
                put_notice(
                    &outbox,
                    conn,
                    now.as_ref(),
                    FactorChange::TotpDisabled,
                    &from,
                )
            })
            .await?;
        if noticed {
            self.outbox.wake();
        }
        self.audit.event(
            "totp_disabled",
            &[("user", &user.id), ("ip", &client.address_text())],
        );
        Ok(())
    }

    /// Ten new recovery codes; the old ones stop working. 409 when the
    /// account has no second factor (TOTP off).
    pub async fn new_recovery_codes(
        &self,
        principal: &Principal,
        password: &CurrentPassword,
        client: &Client,
    ) -> Result<Vec<String>, AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(&user.id, &user.email, password, client, "recovery_codes")
            .await?;
        let codes = recovery::generate()?;
        let hashes: Vec<Vec<u8>> = codes.iter().filter_map(|c| recovery::hash(c)).collect();
        let id = user.id.clone();
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let noticed = self
            .sessions
            .user_changed_with(&user.id, move |conn| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                if !now.as_ref().is_some_and(|user| user.totp_on) {
                    return Err(AppError::NoSecondFactor);
                }
                recovery_codes::replace(conn, &id, &hashes, now_ms())?;
                let change = FactorChange::RecoveryCodesMade;
                put_notice(&outbox, conn, now.as_ref(), change, &from)
            })
            .await?;
        if noticed {
            self.outbox.wake();
        }
        self.audit.event(
            "recovery_codes_made",
            &[("user", &user.id), ("ip", &client.address_text())],
        );
        Ok(codes)
    }
}
