//! Ending app sessions by a write that learns which it ends only as it
//! runs: every session of an app (`sesame clients remove`), and those that
//! ran out (idle, or at their maximum age), so that the apps that listen get
//! a back-channel logout as for any other end.

use std::sync::{Arc, Mutex, PoisonError};

use super::Sessions;
use crate::clock::{now_ms, Millis};
use crate::db::{Conn, SessionWriter, SessionsChanged};
use crate::error::AppError;

/// How many run-out app sessions one write ends.
const RUN_OUT_BATCH: i64 = 500;

impl Sessions {
    /// Every open session of the app ended, then `work` (its registration
    /// deleted), in one transaction, announced to every instance: its
    /// tokens stop working at once. The sessions end first, so what their
    /// end writes about the app (a back-channel logout) goes with it. Gives
    /// what `work` gave and how many sessions ended.
    pub async fn end_of_client<T, F>(
        &self,
        client_id: &str,
        work: F,
    ) -> Result<(T, usize), AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        let app = client_id.to_owned();
        self.change_found(move |conn, writer| {
            let ended = writer.revoke_sessions_of_client(conn, &app, now_ms())?;
            Ok(((work(conn)?, ended.len()), ended))
        })
        .await
    }

    /// Ends up to `RUN_OUT_BATCH` of the app sessions that ran out by
    /// `now` and are not ended yet, in one write: announced, and the
    /// logouts of those whose app listens queued; whether more may wait (a
    /// full batch). The back-channel sender runs it every half second, a
    /// batch at a time between its sends; the purge, until none is left,
    /// before it deletes what ran out.
    pub async fn end_run_out_app_sessions(&self, now: Millis) -> Result<bool, AppError> {
        self.change_found(move |conn, writer| {
            let ids = writer.end_run_out_app_sessions(conn, now, RUN_OUT_BATCH)?;
            Ok((ids.len() as i64 == RUN_OUT_BATCH, ids))
        })
        .await
    }

    /// `change`, for a write that learns which sessions it changes only as
    /// it runs (every session of an app): `work` names them, and they are
    /// announced in its transaction and forgotten here after it, as
    /// `Changed::Sessions` would be.
    async fn change_found<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn, &SessionWriter) -> Result<(T, Vec<String>), AppError> + Send + 'static,
        T: Send + 'static,
    {
        let found = Arc::new(Mutex::new(Vec::new()));
        let (writer, cache, kept) = (
            Arc::clone(&self.writer),
            Arc::clone(&self.cache),
            Arc::clone(&found),
        );
        self.db
            .write_then(
                move |conn| {
                    let (done, ids) = work(conn, &writer)?;
                    if !ids.is_empty() {
                        crate::db::announce(conn, &SessionsChanged::Sessions(ids.clone()))?;
                    }
                    *kept.lock().unwrap_or_else(PoisonError::into_inner) = ids;
                    Ok(done)
                },
                move || cache.forget(&found.lock().unwrap_or_else(PoisonError::into_inner)),
            )
            .await
    }
}
