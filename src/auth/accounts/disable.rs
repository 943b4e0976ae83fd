//! Disabling an account and enabling it again (an admin, or `sesame users
//! disable|enable`). Disabling ends every session of the user as log out
//! everywhere does, in the transaction that marks the account and stores
//! its audit event: every instance forgets them at once, and apps are told
//! (back-channel logouts queued). Sign-ins refuse a disabled account on
//! the locked user row (`AppError::AccountDisabled`).

use super::Accounts;
use crate::auth::audit::{self, AuditEvent};
use crate::auth::{Profile, Sessions};
use crate::clock::now_ms;
use crate::db::users;
use crate::domain::Client;
use crate::error::AppError;

impl Accounts {
    /// Disables (or enables) the account; the user as it is now, or `None`
    /// when there is no such user. `by` is the admin who did it, and
    /// from where (their event's address and device).
    pub async fn set_disabled(
        &self,
        user_id: &str,
        disabled: bool,
        by: Option<(&str, &Client)>,
    ) -> Result<Option<Profile>, AppError> {
        set_disabled(&self.sessions, user_id, disabled, by).await
    }
}

/// `Accounts::set_disabled`, for the command line (which has the sessions
/// but no accounts).
pub async fn set_disabled(
    sessions: &Sessions,
    user_id: &str,
    disabled: bool,
    by: Option<(&str, &Client)>,
) -> Result<Option<Profile>, AppError> {
    let name = if disabled {
        "user_disabled"
    } else {
        "user_enabled"
    };
    let by = by.map(|(actor, client)| (actor.to_owned(), client.clone()));
    let write = move |conn: &mut crate::db::Conn, user: Option<users::User>| {
        let Some(mut user) = user else {
            return Ok(None);
        };
        let now = now_ms();
        // Disabling twice keeps the first time.
        let at = disabled.then(|| user.disabled_at.unwrap_or(now));
        users::set_disabled_at(conn, &user.id, at)?;
        user.disabled_at = at;
        let mut event = AuditEvent::new(name)
            .user(user.id.clone())
            .email(user.email.clone());
        if let Some((actor, client)) = &by {
            event = event.actor(Some(actor)).client(client);
        }
        audit::insert_in(conn, &event)?;
        Ok(Some((user, event)))
    };
    let changed = if disabled {
        let ending = crate::auth::Ending::All;
        let (changed, ended) = sessions.end_of_user_with(user_id, ending, write).await?;
        changed.map(|(user, event)| (user, event.detail("sessions", ended)))
    } else {
        sessions
            .user_changed_with(user_id, {
                let user_id = user_id.to_owned();
                move |conn| {
                    let user = users::lock(conn, &user_id)?;
                    write(conn, user)
                }
            })
            .await?
    };
    Ok(changed.map(|(user, event)| {
        event.log();
        Profile::from(user)
    }))
}
