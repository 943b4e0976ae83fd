//! The one key to the `sessions` and `refresh_tokens` rows.
//!
//! `auth::Sessions` keeps what it knows about sessions in memory, which is
//! right only if it sees every change to them. So the queries that change
//! those rows are methods of `SessionWriter` (in `sessions.rs` and
//! `refresh_tokens.rs`), a value only this module can make: `Db::open` makes
//! one, startup hands it to `Sessions`, and no other code can hold one.
//! Reading stays open to all.

use std::sync::Arc;

use tokio::sync::Notify;

/// Permission to write session and refresh-token rows. Code outside `db`
/// cannot make one:
///
/// ```compile_fail
/// let writer = sesame::db::SessionWriter(());
/// ```
///
/// nor copy the one it was given to keep a second:
///
/// ```compile_fail
/// fn twice(writer: sesame::db::SessionWriter) {
///     let kept = writer.clone();
/// }
/// ```
pub struct SessionWriter {
    /// Told when a write that ends sessions queues back-channel logouts
    /// (`session_revokes.rs`): the sender waits on it.
    pub(super) backchannel_queued: Arc<Notify>,
}

impl SessionWriter {
    pub(super) fn new() -> Self {
        SessionWriter {
            backchannel_queued: Arc::new(Notify::new()),
        }
    }

    /// What wakes the back-channel logout sender of this database.
    pub fn backchannel_queued(&self) -> Arc<Notify> {
        Arc::clone(&self.backchannel_queued)
    }
}
