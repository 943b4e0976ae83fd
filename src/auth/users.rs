//! Users as an operator manages them from the command line (`sesame
//! users`): found by email, their roles replaced.
//!
//! Nothing else needs telling: the session cache keeps what it read for 2 s
//! at most and every refresh reads the user again, so, on every instance,
//! `/api/me` shows the new roles within 2 s and the next access token
//! carries them.

use super::audit::{self, AuditEvent};
use super::Profile;
use crate::db::users;
use crate::db::Db;
use crate::domain::{Email, Roles};
use crate::error::AppError;

/// The user with this email, if any.
pub async fn find(db: &Db, email: &Email) -> Result<Option<Profile>, AppError> {
    let email = email.as_str().to_owned();
    let user = db
        .read(move |conn| users::find_by_email(conn, &email))
        .await?;
    Ok(user.map(Profile::from))
}

/// Replaces the roles of the user with this email; the user as changed, or
/// `None` when no user has it.
pub async fn set_roles(db: &Db, email: &Email, roles: &Roles) -> Result<Option<Profile>, AppError> {
    let (email, stored) = (email.as_str().to_owned(), roles.to_string());
    let changed = db
        .write(move |conn| {
            if !users::set_roles(conn, &email, &stored)? {
                return Ok(None);
            }
            let Some(user) = users::find_by_email(conn, &email)? else {
                return Ok(None);
            };
            // Stored with the change: the command may exit before a
            // writer task would have stored it.
            let event = AuditEvent::new("roles_set")
                .user(user.id.clone())
                .detail("roles", &stored);
            audit::insert_in(conn, &event)?;
            Ok(Some((user, event)))
        })
        .await?;
    Ok(changed.map(|(user, event)| {
        event.log();
        Profile::from(user)
    }))
}
