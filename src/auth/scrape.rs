//! The metrics' page: the counters kept as events happen, and the two
//! gauges read from the database when Prometheus asks (mail in the outbox,
//! sessions alive), two `COUNT`s in one read, off the async workers.

use crate::clock::now_ms;
use crate::db::{mail_outbox, sessions, Db};
use crate::error::AppError;
use crate::metrics::Gauges;

/// What answers `GET /metrics` on the metrics listener.
pub struct Scrape {
    db: Db,
}

impl Scrape {
    pub fn new(db: Db) -> Self {
        Scrape { db }
    }

    /// Every family in Prometheus' text format.
    pub async fn text(&self) -> Result<String, AppError> {
        let gauges = self
            .db
            .read(|conn| {
                Ok(Gauges {
                    mail_outbox: mail_outbox::count(conn)?,
                    sessions_alive: sessions::count_alive(conn, now_ms())?,
                })
            })
            .await?;
        Ok(self.db.metrics().render(gauges))
    }
}
