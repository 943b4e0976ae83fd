//! Sign-in as a sequence of steps: a right password either signs in, or,
//! on an account with a second factor, gives a ticket for the second step
//! (`LoginStep`). The ticket is worth nothing alone, works once, for 5
//! minutes, and dies after 5 wrong codes; the second step opens the
//! session, decided on the locked user row in the session's transaction.

use std::sync::{Arc, OnceLock};

use super::change::still_in_force;
use super::refusals::{self, rate_limited};
use super::second_step_code::{use_code, CodeUsed};
use super::{alerts, Accounts};
use crate::auth::factors::{self, passkeys, Method, Proof};
use crate::auth::{LinkToken, SignIn};
use crate::clock::{now_ms, Millis};
use crate::db::sign_in_tickets::{self, SignInTicket};
use crate::db::users;
use crate::domain::{Amr, Client};
use crate::error::AppError;

/// How long a ticket works.
pub const TICKET_TTL: Millis = 5 * 60 * 1000;

/// What a right password leads to.
pub enum LoginStep {
    SignedIn(Box<SignIn>),
    /// The account asks for a second factor: the ticket to present with it,
    /// and the methods this account accepts.
    SecondFactor(SecondStep),
}

pub struct SecondStep {
    pub ticket: LinkToken,
    pub methods: Vec<Method>,
}

impl Accounts {
    /// The ticket for the user whose password `checked` matched: made only
    /// while that password is still in force, on the locked row, where the
    /// hash `rehashed` at today's cost is kept too (the password is proven:
    /// a raised cost must reach accounts with a second factor as well).
    pub(super) async fn ask_second_factor(
        &self,
        user_id: String,
        checked: String,
        rehashed: Option<String>,
        client: &Client,
    ) -> Result<LoginStep, AppError> {
        let ticket = LinkToken::generate()?;
        let token_hash = ticket.hash();
        let id = user_id.clone();
        let (methods, was_rehashed) = self
            .db
            .write(move |conn| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                let methods = now.as_ref().map(factors::methods_of).unwrap_or_default();
                if methods.is_empty() {
                    // Turned off meanwhile: this sign-in starts again.
                    return Err(AppError::InvalidTicket);
                }
                let was_rehashed = match rehashed {
                    Some(new_hash) => users::replace_password_hash(conn, &id, &checked, &new_hash)?,
                    None => false,
                };
                let at = now_ms();
                let row = SignInTicket {
                    token_hash,
                    user_id: id,
                    failures: 0,
                    created_at: at,
                    expires_at: at + TICKET_TTL,
                };
                sign_in_tickets::insert(conn, &row)?;
                Ok((methods, was_rehashed))
            })
            .await?;
        if was_rehashed {
            self.audit.event("password_rehashed", &[("user", &user_id)]);
        }
        self.audit.event(
            "second_factor_asked",
            &[("user", &user_id), ("ip", &client.address_text())],
        );
        Ok(LoginStep::SecondFactor(SecondStep { ticket, methods }))
    }

    /// The second step: `proof` for the ticket's account opens its session.
    /// A wrong code counts against the account (5 per login window, then
    /// 429 and the ticket ends) and against the ticket (its 5th ends it).
    pub async fn second_step(
        &self,
        ticket: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<SignIn, AppError> {
        let signed_in = self.check_second_step(ticket, proof, client).await;
        let result = super::counted::result_of(&signed_in);
        self.db.metrics().sign_in("second_step", result);
        signed_in
    }

    /// `second_step`, uncounted.
    async fn check_second_step(
        &self,
        ticket: &str,
        proof: Proof,
        client: &Client,
    ) -> Result<SignIn, AppError> {
        let token_hash = LinkToken::presented(ticket)
            .map_err(|_| AppError::InvalidTicket)?
            .hash();
        let lookup = token_hash.clone();
        // A ticket dead of wrong codes still names its account: past the
        // account's limit the answer is 429, whichever ticket is tried.
        let found = self
            .db
            .read(move |conn| sign_in_tickets::find_unexpired(conn, &lookup, now_ms()))
            .await?
            .ok_or(AppError::InvalidTicket)?;
        let (user_id, dead) = (found.user_id.clone(), found.is_dead());
        let attempt = match self.second_factor_limits.begin(&user_id).await {
            Ok(attempt) => attempt,
            Err(refusal) => {
                let dead = token_hash.clone();
                self.db
                    .write(move |conn| sign_in_tickets::delete(conn, &dead))
                    .await?;
                return Err(rate_limited(
                    &self.audit,
                    self.db.metrics(),
                    "second_factor",
                    None,
                    client,
                    refusal,
                ));
            }
        };
        if dead {
            return Err(AppError::InvalidTicket);
        }
        let amr = match proof {
            Proof::Code(_) => Amr::PasswordAndCode,
            Proof::Passkey(_) => Amr::PasswordAndPasskey,
        };
        let require_verified = self.require_verified;
        let used = Arc::new(OnceLock::new());
        let noting = alerts::SignInNotes::new(client, &self.outbox, self.sign_in_alerts);
        let (taken, noted, reported) = (token_hash.clone(), noting.clone(), Arc::clone(&used));
        let opened = self
            .sessions
            .open(client, amr, move |conn, at, session_id| {
                let ticket =
                    sign_in_tickets::take(conn, &taken, at)?.ok_or(AppError::InvalidTicket)?;
                let mut user =
                    users::lock(conn, &ticket.user_id)?.ok_or(AppError::InvalidTicket)?;
                // A ticket made before `--require-verified-email` was on
                // (a restart) is refused as the password alone is now,
                // before any code is checked.
                if require_verified && !user.email_verified {
                    return Err(AppError::EmailNotVerified { user: user.id });
                }
                let code = match &proof {
                    Proof::Code(code) => use_code(conn, &user, code, at)?,
                    Proof::Passkey(assertion) => {
                        if !passkeys::verify_second_step(conn, &user.id, assertion, at)? {
                            return Err(AppError::InvalidCode);
                        }
                        CodeUsed::Passkey
                    }
                };
                if let CodeUsed::Recovery = code {
                    user.recovery_codes_left -= 1;
                }
                let _ = reported.set(code);
                noted.note(conn, &user, session_id, at)?;
                Ok(user)
            })
            .await;
        let signed_in = match opened {
            Ok(signed_in) => signed_in,
            Err(AppError::InvalidCode) => {
                attempt.failed();
                let wrong = token_hash;
                self.db
                    .write(move |conn| sign_in_tickets::count_failure(conn, &wrong))
                    .await?;
                self.audit.event(
                    "second_factor_failed",
                    &[("user", &user_id), ("ip", &client.address_text())],
                );
                return Err(AppError::InvalidCode);
            }
            Err(AppError::AccountDisabled) => {
                let address = client.address_text();
                return Err(refusals::account_disabled(
                    &self.audit,
                    Some(&user_id),
                    None,
                    &address,
                ));
            }
            Err(error) => return Err(error),
        };
        drop(attempt);
        noting.wake_if_put();
        if let Some(CodeUsed::Recovery) = used.get() {
            // The count of codes left changed: every instance reads the
            // user again (`/api/me` on the user's other sessions).
            // The sign-in stands either way; the caches catch up within 2 s.
            if let Err(error) = self.sessions.user_changed_with(&user_id, |_| Ok(())).await {
                error.log_if_unexpected();
            }
        }
        let method = match used.get() {
            Some(CodeUsed::Totp) => "totp",
            Some(CodeUsed::Recovery) => "recovery",
            Some(CodeUsed::Passkey) | None => "passkey",
        };
        if method == "recovery" {
            self.audit.event(
                "recovery_code_used",
                &[
                    ("user", &signed_in.user.id),
                    ("left", &signed_in.user.second_factor.recovery_codes_left),
                ],
            );
        }
        self.audit.event(
            "sign_in",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
                ("second_factor", &method),
                ("ip", &client.address_text()),
            ],
        );
        Ok(signed_in)
    }
}
