//! Administration: what an admin does to other accounts (the console at
//! `/admin` and `/api/admin/*`). It reads through `Db` and acts through the
//! owners (`Sessions` ends sessions, `Accounts` disables, `PasswordResets`
//! mails a link), and every action is an audit event naming its actor,
//! written in the action's own transaction when the action is one write.
//!
//! Who may act is decided here too (`admin_of`): the caller's roles are
//! read from the database on every request, not from the token or the
//! session cache, so a role taken away stops the next request.
//! An admin can never lock themselves out (`refuse_self_lockout`).

mod actions;
mod events;
mod users;

use std::sync::Arc;

pub use events::{EventsPage, EVENTS_PER_PAGE};
pub use users::{UserDetail, UsersPage, USERS_PER_PAGE};

use super::audit::Audit;
use super::{Accounts, PasswordResets, Profile, Sessions};
use crate::db::users as user_rows;
use crate::db::Db;
use crate::error::AppError;

/// The role that opens the console.
pub const ADMIN_ROLE: &str = "admin";

pub struct Administration {
    db: Db,
    sessions: Arc<Sessions>,
    accounts: Arc<Accounts>,
    resets: PasswordResets,
    audit: Audit,
}

impl Administration {
    pub fn new(
        db: Db,
        sessions: Arc<Sessions>,
        accounts: Arc<Accounts>,
        resets: PasswordResets,
        audit: Audit,
    ) -> Self {
        Administration {
            db,
            sessions,
            accounts,
            resets,
            audit,
        }
    }

    /// The user, as now stored, if their roles include `admin`: `None` for
    /// anyone else (a deleted user included).
    pub async fn admin_of(&self, user_id: &str) -> Result<Option<Profile>, AppError> {
        let id = user_id.to_owned();
        let user = self
            .db
            .read(move |conn| user_rows::find_by_id(conn, &id))
            .await?
            .map(Profile::from);
        Ok(user.filter(|user| is_admin(user) && !user.disabled))
    }
}

/// Whether the user's roles include `admin`.
pub fn is_admin(user: &Profile) -> bool {
    user.roles.iter().any(|role| role == ADMIN_ROLE)
}

/// An admin acting on their own account: no action may leave them unable
/// to come back (`SelfLockout`).
fn refuse_self_lockout(actor: &Profile, target_id: &str) -> Result<(), AppError> {
    if actor.id == target_id {
        return Err(AppError::SelfLockout);
    }
    Ok(())
}
