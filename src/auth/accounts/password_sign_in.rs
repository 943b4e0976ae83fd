//! A sign-in with a password: the limits, the bcrypt check (the same work
//! for an unknown email), then the session opened, or the second step
//! asked for, decided on the locked user row; a hash at another cost is
//! replaced on the way.

use super::alerts::SignInNotes;
use super::change::still_in_force;
use super::refusals::{self, rate_limited, sign_in_failed};
use super::steps::LoginStep;
use super::{counted, Accounts};
use crate::auth::password::cost_of;
use crate::db::users::{self, User};
use crate::domain::{Amr, Client, Credentials, Device};
use crate::error::AppError;

impl Accounts {
    /// Checks the password and opens a new session, or, on an account
    /// with a second factor, gives the ticket for the second step
    /// (`steps`). An unknown email and a
    /// wrong password cost the same bcrypt work and get the same error; past
    /// a limit a login is refused before any check. Only a wrong password
    /// counts against the limits (see `limits`).
    ///
    /// bcrypt runs outside any transaction, so the password may change
    /// (a change, a reset, a deletion) while it does: the session is opened
    /// only if the hash it matched is still the user's, checked on the
    /// locked row in the transaction that writes the session. A rehash at
    /// another cost is written there too, on the same condition.
    pub async fn login(
        &self,
        credentials: Credentials,
        client: &Client,
    ) -> Result<LoginStep, AppError> {
        let step = self.check_password(credentials, client).await;
        let result = counted::login_result(&step);
        self.db.metrics().sign_in("password", result);
        step
    }

    /// `login`, uncounted.
    async fn check_password(
        &self,
        credentials: Credentials,
        client: &Client,
    ) -> Result<LoginStep, AppError> {
        let Credentials { email, password } = credentials;
        let address = client.address_text();
        let attempt = self
            .login_limits
            .begin(email.as_str(), client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.audit,
                    self.db.metrics(),
                    "login",
                    Some(email.as_str()),
                    client,
                    refusal,
                )
            })?;
        let lookup = email.as_str().to_owned();
        let user = self
            .db
            .read(move |conn| users::find_by_email(conn, &lookup))
            .await?;
        let stored_hash = user.as_ref().map(|u| u.password_hash.clone());
        let matches = self
            .hasher
            .verify(
                password.expose().to_owned(),
                stored_hash,
                client.address_key(),
            )
            .await?;
        // A wrong password for an account is that account's event (bounded
        // by its login limit); for an unknown email, an anonymous one.
        let known = user.as_ref().map(|u| u.id.clone());
        let wrong_password = || sign_in_failed(&self.audit, known.as_deref(), &email, client);
        let Some(user) = user.filter(|_| matches) else {
            attempt.failed();
            return Err(wrong_password());
        };
        let rehashed = self.rehash(&user, password, client).await;
        let was_rehashed = rehashed.is_some();
        let (id, checked) = (user.id, user.password_hash);
        let asking = (id.clone(), checked.clone(), rehashed.clone());
        let require_verified = self.require_verified;
        let alerts = SignInNotes::new(client, &self.outbox, self.sign_in_alerts);
        let noting = alerts.clone();
        let opened = self
            .sessions
            .open(client, Amr::Password, move |conn, at, session_id| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                let mut user = now.ok_or(AppError::InvalidCredentials)?;
                // Decided on the locked row: no session is ever written
                // for an address that is not verified (yet) when required.
                if require_verified && !user.email_verified {
                    return Err(AppError::EmailNotVerified { user: id });
                }
                // Before a second factor is asked for: a disabled account
                // goes no further, whatever else it could prove.
                if user.disabled_at.is_some() {
                    return Err(AppError::AccountDisabled);
                }
                // Decided on the locked row too: a factor added meanwhile
                // is asked for.
                if user.totp_on {
                    return Err(AppError::SecondFactorRequired);
                }
                if let Some(new_hash) = rehashed {
                    if users::replace_password_hash(conn, &id, &checked, &new_hash)? {
                        user.password_hash = new_hash;
                    }
                }
                noting.note(conn, &user, session_id, at)?;
                Ok(user)
            })
            .await;
        let signed_in = match opened {
            Ok(signed_in) => signed_in,
            Err(AppError::InvalidCredentials) => {
                // The password it matched was changed meanwhile: wrong now.
                attempt.failed();
                return Err(wrong_password());
            }
            Err(error @ AppError::EmailNotVerified { .. }) => {
                // The right password: a success for the limits.
                attempt.succeeded();
                self.audit.event(
                    "sign_in_refused_unverified",
                    &[("email", &email.as_str()), ("ip", &address)],
                );
                return Err(error);
            }
            Err(AppError::AccountDisabled) => {
                // The right password: a success for the limits.
                attempt.succeeded();
                return Err(refusals::account_disabled(
                    &self.audit,
                    None,
                    Some(&email),
                    &address,
                ));
            }
            Err(AppError::SecondFactorRequired) => {
                attempt.succeeded();
                let (id, checked, rehashed) = asking;
                return self.ask_second_factor(id, checked, rehashed, client).await;
            }
            Err(error) => return Err(error),
        };
        attempt.succeeded();
        alerts.wake_if_put();
        if was_rehashed {
            self.audit
                .event("password_rehashed", &[("user", &signed_in.user.id)]);
        }
        self.audit.event(
            "sign_in",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
                ("ip", &address),
                ("device", &Device::of_user_agent(client.user_agent())),
            ],
        );
        Ok(LoginStep::SignedIn(Box::new(signed_in)))
    }

    /// A hash made at another cost than today's, made again now that the
    /// password is known, for `login` to store. Failing that (a busy
    /// server) changes nothing: the next sign-in tries again.
    async fn rehash(
        &self,
        user: &User,
        password: crate::domain::Password,
        client: &Client,
    ) -> Option<String> {
        if cost_of(&user.password_hash) == Some(self.hasher.cost()) {
            return None;
        }
        self.hasher
            .hash(password, client.address_key())
            .await
            .inspect_err(|error| error.log_if_unexpected())
            .ok()
    }
}
