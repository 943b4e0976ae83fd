//! A change to what the sessions of a user show of them (their name, their
//! address), made through `change` so that every instance forgets what it
//! remembered of those sessions: the next request reads the user anew.

use super::{Changed, Sessions};
use crate::db::Conn;
use crate::error::AppError;

impl Sessions {
    /// `account`, a write to the user's own row, in one transaction; once
    /// it is over, the user's sessions are read again (here, and on every
    /// other instance, which hears of it through the write). No session
    /// ends.
    pub async fn user_changed_with<T, F>(&self, user_id: &str, account: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.change(Changed::AllOfUser(user_id.to_owned()), move |conn, _| {
            account(conn)
        })
        .await
    }
}
