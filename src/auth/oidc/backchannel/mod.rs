//! Back-channel logouts (OpenID Connect Back-Channel Logout 1.0): the task
//! that delivers what `db::backchannel_logouts` queues when a session of an
//! app ends. Shaped like the mail outbox's `Sender`: each instance runs one;
//! a row is claimed with a lease (`FOR UPDATE SKIP LOCKED` on PostgreSQL),
//! so exactly one instance sends it; a delivered or given-up row is deleted,
//! a failed one waits (`pause.rs`: 1 s, 2 s, 4 s … at most 5 minutes, for
//! 24 hours).
//!
//! It wakes when this instance's write queues a row (the `SessionWriter`'s
//! `backchannel_queued`), when the listener hears any instance's session
//! announcement (PostgreSQL: `WakesOnEnds`, after the commit, so a session
//! ended on another instance is delivered within the second), when one of
//! its sends ends, and at least every `POLL`. Every `SWEEP` it also ends
//! the app sessions that ran out (idle, or at their maximum age), which no
//! write ended, so their apps are told too (`db::app_session_ends`).

mod attempt;
mod token;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::sync::Notify;
use tokio::task::JoinSet;

use super::OpenIdProvider;
use crate::clock::{ms, now_ms};
use crate::db::{app_session_ends, backchannel_logouts};
use crate::db::{Hears, SessionsChanged};
use crate::error::AppError;

pub use token::{LOGOUT_EVENT, TOKEN_TYPE};

/// Logouts being sent at once by this instance.
const MAX_SENDING: usize = 16;
/// At least this often the queue is looked at (retries due, a lease lapsed).
const POLL: Duration = Duration::from_secs(1);
/// How often the app sessions that ran out are looked for: what ran out is
/// told within the second.
const SWEEP: Duration = Duration::from_millis(500);
/// How long a claimed row is this instance's: past it (the instance died),
/// another may claim it.
const LEASE: Duration = Duration::from_secs(60);
/// How long one POST may take.
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(5);
/// How long a stopping server lets the sends under way finish.
const STOP_WAIT: Duration = Duration::from_secs(5);

pub struct BackchannelSender {
    oidc: Arc<OpenIdProvider>,
    /// `None` when no HTTP client could be made (logged at start): every
    /// attempt then fails and is retried.
    http: Option<reqwest::Client>,
    queued: Arc<Notify>,
    sending: AtomicUsize,
    stopping: AtomicBool,
}

/// The running sender; `stop` ends it.
pub struct BackchannelSending {
    sender: Arc<BackchannelSender>,
    task: tokio::task::JoinHandle<()>,
}

impl BackchannelSending {
    /// Claims nothing more, lets the sends under way end (`STOP_WAIT` at
    /// most: a row cut short comes back when its lease ends).
    pub async fn stop(self) {
        self.sender.stopping.store(true, Ordering::SeqCst);
        self.sender.queued.notify_one();
        let mut task = self.task;
        if tokio::time::timeout(STOP_WAIT, &mut task).await.is_err() {
            task.abort();
        }
    }
}

impl BackchannelSender {
    /// `queued`: the `SessionWriter`'s `backchannel_queued`.
    pub fn spawn(oidc: Arc<OpenIdProvider>, queued: Arc<Notify>) -> BackchannelSending {
        let sender = Arc::new(BackchannelSender {
            oidc,
            http: http_client(),
            queued,
            sending: AtomicUsize::new(0),
            stopping: AtomicBool::new(false),
        });
        let task = tokio::spawn(Arc::clone(&sender).run());
        BackchannelSending { sender, task }
    }

    async fn run(self: Arc<Self>) {
        let mut sends = JoinSet::new();
        // The first round claims at once: rows may wait from before a restart.
        let mut woken = true;
        let mut swept = Instant::now();
        let mut sweep_due = true;
        // While the database cannot be reached, only the round asks it (and
        // says so in the log), once a `POLL`; the sweep waits for it.
        let mut reachable = true;
        while !self.stopping.load(Ordering::SeqCst) {
            while sends.try_join_next().is_some() {}
            if reachable && (sweep_due || swept.elapsed() >= SWEEP) {
                swept = Instant::now();
                // A backlog (after a stop) goes a batch at a time, the
                // rounds' sends between them.
                sweep_due = self.end_run_out().await.unwrap_or_else(|error| {
                    error.log_if_unexpected();
                    false
                });
            }
            let wait = match self.round(&mut sends, woken).await {
                Ok(wait) => {
                    reachable = true;
                    wait
                }
                Err(error) => {
                    error.log_if_unexpected();
                    reachable = false;
                    POLL
                }
            };
            let wait = match (sweep_due, reachable) {
                (true, true) => Duration::ZERO,
                (false, true) => wait.min(SWEEP.saturating_sub(swept.elapsed())),
                (_, false) => wait,
            };
            woken = tokio::time::timeout(wait, self.queued.notified())
                .await
                .is_ok();
        }
        while sends.join_next().await.is_some() {}
    }

    /// Ends a batch of the app sessions that ran out (idle, or at their
    /// maximum age), so their logouts are queued like any other: one read
    /// on the index of the open app sessions by their end when none did.
    /// Whether more may be waiting (a full batch).
    async fn end_run_out(&self) -> Result<bool, AppError> {
        let now = now_ms();
        let any = self
            .oidc
            .db
            .read(move |conn| app_session_ends::any_run_out(conn, now))
            .await?;
        if !any {
            return Ok(false);
        }
        self.oidc.sessions.end_run_out_app_sessions(now).await
    }

    /// Claims what there is room for and starts sending it; how long to
    /// wait before the next round. On SQLite, woken (`woken`), it claims at
    /// once: the claim's write waits for the turn of the write that queued
    /// the rows, so it sees them. Otherwise (and on PostgreSQL, where every
    /// session announcement wakes it, after the commit) one read on the due
    /// index first says whether anything is due, so an idle queue costs no
    /// write.
    async fn round(
        self: &Arc<Self>,
        sends: &mut JoinSet<()>,
        woken: bool,
    ) -> Result<Duration, AppError> {
        let free = MAX_SENDING.saturating_sub(self.sending.load(Ordering::SeqCst));
        if free == 0 {
            return Ok(POLL);
        }
        let db = &self.oidc.db;
        let now = now_ms();
        let due = (woken && !db.is_shared())
            || db
                .read(move |conn| backchannel_logouts::any_due(conn, now))
                .await?;
        if due {
            let lease_until = now.saturating_add(ms(LEASE));
            let limit = i64::try_from(free).unwrap_or(1);
            let claimed = db
                .write(move |conn| backchannel_logouts::claim(conn, now_ms(), lease_until, limit))
                .await?;
            for row in claimed {
                self.sending.fetch_add(1, Ordering::SeqCst);
                sends.spawn(Arc::clone(self).send(row));
            }
        }
        let next = db.read(backchannel_logouts::next_due).await?;
        Ok(match next {
            Some(at) => {
                let in_ms = at.saturating_sub(now_ms()).max(0);
                POLL.min(Duration::from_millis(in_ms.unsigned_abs()))
            }
            None => POLL,
        })
    }
}

/// The HTTP client of every delivery: the system's CA store (or none, if
/// it cannot be read: `https://` apps then fail and are retried), no
/// redirects followed, `ATTEMPT_TIMEOUT` per request.
fn http_client() -> Option<reqwest::Client> {
    let builder = || {
        reqwest::Client::builder()
            .timeout(ATTEMPT_TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
    };
    match builder().build() {
        Ok(client) => Some(client),
        Err(error) => {
            log::error!("back-channel logouts: the system's CA certificates: {error}");
            builder()
                .tls_built_in_native_certs(false)
                .build()
                .map_err(|e| log::error!("back-channel logouts cannot be sent: {e}"))
                .ok()
        }
    }
}

/// What the PostgreSQL listener tells: the sessions' cache as before, and
/// this sender woken, since a session another instance ended may have
/// queued a logout (announcements come after the commit).
pub struct WakesOnEnds {
    pub cache: Arc<dyn Hears>,
    pub queued: Arc<Notify>,
}

impl Hears for WakesOnEnds {
    fn changed(&self, changed: SessionsChanged) {
        self.cache.changed(changed);
        self.queued.notify_one();
    }

    fn lost(&self) {
        self.cache.lost();
    }

    fn listening(&self) {
        self.cache.listening();
        self.queued.notify_one();
    }
}
