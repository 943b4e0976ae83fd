//! Keeping audit events in the database. `Audit::record` never waits: it
//! hands the event to one writer task through a bounded channel, and the
//! task writes what came in batches, one transaction each. A full channel
//! drops the event (counted, and said in the log once a minute).
//!
//! Events of no user and no actor (a stranger's failed sign-ins, unknown
//! emails, limit refusals) are bounded: one row per event, address (IPv4,
//! or IPv6 /64) and minute, its `count` added to; at most
//! `ANONYMOUS_ROWS_PER_HOUR` such rows an hour, beyond which one
//! `anonymous_overflow` row an hour counts the rest.

use std::net::IpAddr;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::Arc;

use tokio::sync::mpsc;

use super::AuditEvent;
use crate::clock::{now_ms, Millis};
use crate::db::audit_events::{self, NewEvent, StoredEvent};
use crate::db::{Conn, Db};
use crate::domain::AddressKey;
use crate::error::AppError;

/// Events waiting for the writer, at most.
const CHANNEL: usize = 10_000;
/// Events written in one transaction, at most.
const BATCH: usize = 500;
/// Rows of no user a clock hour may add before they overflow.
pub const ANONYMOUS_ROWS_PER_HOUR: i64 = 1_000;
const OVERFLOW: &str = "anonymous_overflow";
const MINUTE: Millis = 60_000;
const HOUR: Millis = 3_600_000;
/// Events older than the retention are deleted this many at a time.
const PURGE_BATCH: i64 = 1_000;

/// The audit trail's owner: cheap to clone, one writer task behind it.
#[derive(Clone)]
pub struct Audit {
    db: Db,
    sender: mpsc::Sender<AuditEvent>,
    dropped: Arc<Dropped>,
}

#[derive(Default)]
struct Dropped {
    count: AtomicU64,
    logged_at: AtomicI64,
}

/// Which stored events `Audit::list` gives.
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub user_id: Option<String>,
    pub event: Option<String>,
    /// An event id: only older ones (paging backwards).
    pub before: Option<i64>,
}

impl Audit {
    /// Starts the writer task on the current runtime (outside one, as in
    /// a command that stores nothing this way, events are only logged).
    pub fn new(db: Db) -> Self {
        let (sender, receiver) = mpsc::channel(CHANNEL);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(write_batches(db.clone(), receiver));
        }
        Audit {
            db,
            sender,
            dropped: Arc::default(),
        }
    }

    /// Logs the event and stores it, without waiting.
    pub fn record(&self, event: AuditEvent) {
        event.log();
        self.store(event);
    }

    /// `audit::event`'s line, logged as it always was, and stored.
    pub fn event(&self, name: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
        super::event(name, fields);
        self.store(AuditEvent::from_fields(name, fields));
    }

    fn store(&self, event: AuditEvent) {
        match self.sender.try_send(event) {
            Ok(()) | Err(mpsc::error::TrySendError::Closed(_)) => return,
            Err(mpsc::error::TrySendError::Full(_)) => {}
        }
        let dropped = self.dropped.count.fetch_add(1, Ordering::Relaxed) + 1;
        let (now, logged) = (now_ms(), self.dropped.logged_at.load(Ordering::Relaxed));
        if now - logged >= MINUTE
            && self
                .dropped
                .logged_at
                .compare_exchange(logged, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            log::warn!("audit events not stored (the writer is behind): {dropped} so far");
        }
    }

    /// Stored events, newest first.
    pub async fn list(
        &self,
        filter: EventFilter,
        limit: usize,
    ) -> Result<Vec<StoredEvent>, AppError> {
        let limit = i64::try_from(limit).unwrap_or(i64::MAX);
        self.db
            .read(move |conn| {
                audit_events::list(
                    conn,
                    filter.user_id.as_deref(),
                    filter.event.as_deref(),
                    filter.before,
                    limit,
                )
            })
            .await
    }

    /// Deletes the events older than `retention`, a batch per write; how
    /// many went.
    pub async fn purge(&self, retention: std::time::Duration) -> Result<usize, AppError> {
        let before = now_ms().saturating_sub(crate::clock::ms(retention));
        let mut deleted = 0;
        loop {
            let batch = self
                .db
                .write(move |conn| audit_events::delete_older_than(conn, before, PURGE_BATCH))
                .await?;
            deleted += batch;
            if (batch as i64) < PURGE_BATCH {
                return Ok(deleted);
            }
        }
    }
}

/// Stores one event in the caller's transaction (a change and its event
/// written together: an admin's action, a disable). Not aggregated.
pub(crate) fn insert_in(conn: &mut Conn, event: &AuditEvent) -> Result<(), AppError> {
    audit_events::insert(conn, &new_event(event, 1))
}

fn new_event(event: &AuditEvent, count: i64) -> NewEvent<'_> {
    NewEvent {
        at: event.at,
        event: &event.event,
        user_id: event.user_id.as_deref(),
        email: event.email.as_deref(),
        actor_id: event.actor_id.as_deref(),
        address: event.address.as_deref(),
        device: event.device.as_deref(),
        detail: event.detail.as_deref(),
        count,
    }
}

async fn write_batches(db: Db, mut receiver: mpsc::Receiver<AuditEvent>) {
    let mut batch = Vec::with_capacity(BATCH);
    while receiver.recv_many(&mut batch, BATCH).await > 0 {
        let events = std::mem::take(&mut batch);
        let written = db.write(move |conn| write_batch(conn, &events)).await;
        if let Err(error) = written {
            log::warn!("audit events not stored: {error}");
        }
    }
}

fn write_batch(conn: &mut Conn, events: &[AuditEvent]) -> Result<(), AppError> {
    for event in events {
        match (&event.user_id, &event.actor_id) {
            (None, None) => write_anonymous(conn, event)?,
            _ => insert_in(conn, event)?,
        }
    }
    Ok(())
}

/// An event of no one: added to its minute's row, or a new row while the
/// hour has room, or counted in the hour's overflow row.
fn write_anonymous(conn: &mut Conn, event: &AuditEvent) -> Result<(), AppError> {
    let minute = event.at - event.at.rem_euclid(MINUTE);
    let network = event
        .address
        .as_deref()
        .and_then(|text| text.parse::<IpAddr>().ok())
        .map(|ip| AddressKey::from(ip).to_string());
    let network = network.as_deref();
    if audit_events::add_to_anonymous(conn, &event.event, network, minute, 1)? {
        return Ok(());
    }
    let hour = event.at - event.at.rem_euclid(HOUR);
    if audit_events::count_anonymous(conn, hour, hour + HOUR, OVERFLOW)? < ANONYMOUS_ROWS_PER_HOUR {
        // The row stands for many: what varies between them (the email
        // typed, the detail) is not kept.
        let row = NewEvent {
            at: minute,
            address: network,
            device: None,
            email: None,
            detail: None,
            ..new_event(event, 1)
        };
        return audit_events::insert(conn, &row);
    }
    if !audit_events::add_to_anonymous(conn, OVERFLOW, None, hour, 1)? {
        let overflow = AuditEvent {
            at: hour,
            ..AuditEvent::new(OVERFLOW)
        };
        audit_events::insert(conn, &new_event(&overflow, 1))?;
    }
    Ok(())
}
