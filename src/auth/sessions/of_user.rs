//! Writes about a user that what is remembered of their sessions (their
//! profile, in the cache) must not outlive.

use super::{Changed, Sessions};
use crate::db::Conn;
use crate::error::AppError;

impl Sessions {
    /// `work` in one write transaction; once it is over the user's
    /// remembered sessions are forgotten (here and on every other
    /// instance), so the next request reads the user as `work` left them
    /// rather than waiting out the cache's freshness.
    pub async fn change_of_user<T, F>(&self, user_id: &str, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.change(Changed::AllOfUser(user_id.to_owned()), move |conn, _| {
            work(conn)
        })
        .await
    }
}
