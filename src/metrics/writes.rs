//! The database's write transactions: how many writes each commit holds.
//! On SQLite, writes that arrive together share one commit (and its
//! fsync): writes ÷ commits is how many share one.

use prometheus::{IntCounter, Registry};

use super::families::register;

/// Committed write transactions, and the writes they held.
#[derive(Clone)]
pub struct WriteMetrics {
    commits: IntCounter,
    writes: IntCounter,
}

impl WriteMetrics {
    pub(super) fn register(registry: &Registry) -> Self {
        WriteMetrics {
            commits: register(
                registry,
                IntCounter::new(
                    "sesame_database_commits_total",
                    "Write transactions committed (on SQLite each may hold several writes).",
                ),
            ),
            writes: register(
                registry,
                IntCounter::new(
                    "sesame_database_writes_total",
                    "Writes committed; on SQLite, writes arriving together share one commit.",
                ),
            ),
        }
    }

    /// One commit holding `writes` writes that succeeded.
    pub fn committed(&self, writes: u64) {
        self.commits.inc();
        self.writes.inc_by(writes);
    }
}
