//! Ending app sessions by a write that learns which it ends only as it
//! runs: every session of an app (`sesame clients remove`), and those of
//! listening apps that ran out (idle, or at their maximum age), so that
//! their apps get a back-channel logout as for any other end.

use std::sync::{Arc, Mutex, PoisonError};

use super::Sessions;
use crate::clock::{now_ms, Millis};
use crate::db::{Conn, SessionWriter, SessionsChanged};
use crate::error::AppError;

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

    /// Ends the sessions of apps with a back-channel logout URI that ran out
    /// by `now` and are not ended yet, a batch at a time, each announced and
    /// its logout queued in its transaction; how many ended. The sender runs
    /// it each second, the purge before it deletes what ran out.
    pub async fn end_run_out_app_sessions(&self, now: Millis) -> Result<usize, AppError> {
        const BATCH: i64 = 500;
        let mut ended = 0;
        loop {
            let batch = self
                .change_found(move |conn, writer| {
                    let ids = writer.end_run_out_app_sessions(conn, now, BATCH)?;
                    Ok((ids.len(), ids))
                })
                .await?;
            ended += batch;
            if batch < usize::try_from(BATCH).unwrap_or(usize::MAX) {
                return Ok(ended);
            }
        }
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
