//! What a signed-in user does to their own account: change the password
//! (every other session ends) and delete the account. Both first confirm
//! the current password, under the login limits: a stolen session cannot
//! guess its way to the password any faster than a login could.

use super::{rate_limited, Accounts};
use crate::auth::takeover_links;
use crate::auth::{Ending, Principal};
use crate::db::users::{self, User};
use crate::domain::{Client, CurrentPassword, PasswordChange};
use crate::error::AppError;

impl Accounts {
    /// Sets the new password and ends every other session of the user (on
    /// every instance), in one transaction; this session stays. An open
    /// reset link stops working too, and a reset mail asked for but not yet
    /// sent is not sent. Gives how many sessions ended.
    pub async fn change_password(
        &self,
        principal: &Principal,
        change: PasswordChange,
        client: &Client,
    ) -> Result<usize, AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(
                &user.id,
                &user.email,
                &change.current,
                client,
                "change_password",
            )
            .await?;
        let new_hash = self.hasher.hash(change.new, client.address_key()).await?;
        let id = user.id.clone();
        let keep = Ending::AllBut(principal.session_id().to_owned());
        let ((), ended) = self
            .sessions
            .end_of_user_with(&user.id, keep, move |conn, now| {
                still_in_force(now.as_ref(), &checked)?;
                users::set_password_hash(conn, &id, &new_hash)?;
                // The address as the locked row has it, not as a session
                // remembered it: the reset mails waiting are kept by it.
                let email = now.map(|user| user.email).unwrap_or_default();
                takeover_links::void(conn, &id, &email)
            })
            .await?;
        self.audit.event(
            "password_changed",
            &[
                ("user", &user.id),
                ("session", &principal.session_id()),
                ("ip", &client.address_text()),
                ("sessions_ended", &ended),
            ],
        );
        Ok(ended)
    }

    /// Deletes the user, their sessions and tokens, and their reset link,
    /// in one transaction; their email is free again.
    pub async fn delete(
        &self,
        principal: &Principal,
        password: CurrentPassword,
        client: &Client,
    ) -> Result<(), AppError> {
        let user = &principal.user;
        let checked = self
            .confirm(&user.id, &user.email, &password, client, "delete_account")
            .await?;
        let id = user.id.clone();
        let (deleted, ended) = self
            .sessions
            .end_of_user_with(&user.id, Ending::Deleted, move |conn, now| {
                still_in_force(now.as_ref(), &checked)?;
                users::delete(conn, &id)
            })
            .await?;
        if deleted {
            self.audit.event(
                "account_deleted",
                &[
                    ("user", &user.id),
                    ("ip", &client.address_text()),
                    ("sessions_ended", &ended),
                ],
            );
        }
        Ok(())
    }

    /// Whether `password` is the user's, checked under the login limits of
    /// their email and this address, as a login would be: a wrong one
    /// counts, and past a limit even the right one is refused (429). Gives
    /// the hash it matched, for the write to check it is still in force
    /// (`still_in_force`). A change of address confirms the password so too.
    pub(in crate::auth) async fn confirm(
        &self,
        user_id: &str,
        email: &str,
        password: &CurrentPassword,
        client: &Client,
        action: &'static str,
    ) -> Result<String, AppError> {
        let attempt = self
            .login_limits
            .begin(email, client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.audit,
                    self.db.metrics(),
                    action,
                    Some(email),
                    client,
                    refusal,
                )
            })?;
        let id = user_id.to_owned();
        let user = self
            .db
            .read(move |conn| users::find_by_id(conn, &id))
            .await?;
        let stored = user.map(|u| u.password_hash);
        let matches = self
            .hasher
            .verify(
                password.expose().to_owned(),
                stored.clone(),
                client.address_key(),
            )
            .await?;
        let Some(checked) = stored.filter(|_| matches) else {
            attempt.failed();
            self.audit.event(
                "password_check_failed",
                &[
                    ("action", &action),
                    ("user", &user_id),
                    ("ip", &client.address_text()),
                ],
            );
            return Err(AppError::InvalidCredentials);
        };
        attempt.succeeded();
        Ok(checked)
    }
}

/// A password checked before a change is worth something only while it is
/// still the user's: a change, a reset or a deletion that committed while
/// bcrypt ran makes it 401, as if it had been wrong.
pub(in crate::auth) fn still_in_force(now: Option<&User>, checked: &str) -> Result<(), AppError> {
    match now {
        Some(user) if user.password_hash == checked => Ok(()),
        _ => Err(AppError::InvalidCredentials),
    }
}
