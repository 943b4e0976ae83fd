//! Users as an operator manages them from the command line (`sesame
//! users`): found by email, their roles replaced.
//!
//! Nothing else needs telling: the session cache keeps what it read for 2 s
//! at most and every refresh reads the user again, so, on every instance,
//! `/api/me` shows the new roles within 2 s and the next access token
//! carries them.

use super::{audit, Profile};
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
    let user = db
        .write(move |conn| match users::set_roles(conn, &email, &stored)? {
            true => users::find_by_email(conn, &email),
            false => Ok(None),
        })
        .await?;
    if let Some(user) = &user {
        audit::event("roles_set", &[("user", &user.id), ("roles", roles)]);
    }
    Ok(user.map(Profile::from))
}
