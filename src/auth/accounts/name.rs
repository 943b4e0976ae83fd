//! A user renames themselves. The name is part of what the session cache
//! remembers of a user, so the write goes through `Sessions`, which has
//! every instance forget the user's sessions once it is over: `/api/me`
//! and `/auth/verify` show the new name at once.

use super::Accounts;
use crate::auth::{Principal, Profile};
use crate::db::users;
use crate::domain::UserName;
use crate::error::AppError;

impl Accounts {
    /// Sets the signed-in user's name; the user as now stored.
    pub async fn rename(&self, principal: &Principal, name: UserName) -> Result<Profile, AppError> {
        let id = principal.user.id.clone();
        let user = self
            .sessions
            .user_changed_with(&principal.user.id, move |conn| {
                users::set_name(conn, &id, name.as_str())?;
                users::find_by_id(conn, &id)
            })
            .await?
            // Deleted meanwhile: as if the session had ended first.
            .ok_or(AppError::Unauthenticated { token_sent: true })?;
        self.audit.event(
            "name_changed",
            &[("user", &user.id), ("session", &principal.session_id())],
        );
        Ok(Profile::from(user))
    }
}
