//! A user's sessions as the profile and `/api/sessions` list them.

use super::Sessions;
use crate::clock::now_ms;
use crate::db::sessions::{self as session_rows, Session};
use crate::error::AppError;

impl Sessions {
    /// The user's active sessions, newest first, each with the name of the
    /// app whose sign-in it is (`None`: sesame's own).
    pub async fn active_of_user(
        &self,
        user_id: &str,
    ) -> Result<Vec<(Session, Option<String>)>, AppError> {
        let owner = user_id.to_owned();
        self.db
            .read(move |conn| {
                let sessions = session_rows::list_active_of_user(conn, &owner, now_ms())?;
                let mut client_ids: Vec<String> = sessions
                    .iter()
                    .filter_map(|s| s.client_id.clone())
                    .collect();
                client_ids.sort();
                client_ids.dedup();
                let names = if client_ids.is_empty() {
                    Vec::new()
                } else {
                    crate::db::oauth_clients::names(conn, &client_ids)?
                };
                Ok(sessions
                    .into_iter()
                    .map(|session| {
                        let name = session.client_id.as_ref().and_then(|id| {
                            names
                                .iter()
                                .find(|(n, _)| n == id)
                                .map(|(_, name)| name.clone())
                        });
                        (session, name)
                    })
                    .collect())
            })
            .await
    }
}
