//! The task that sends what the outbox holds: it wakes when this instance
//! adds a row, when one of its sends ends, and at least every second;
//! claims due rows, the longest waiting first, at most `MAX_SENDING` at once
//! and `PER_DOMAIN` at once per recipient domain, so a domain that refuses
//! or hangs holds its own slots only; and sends each once. A sent, refused
//! or given-up row is deleted; a failure that may pass puts it back to wait
//! (`retry_pause::after_failure`).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::task::JoinSet;

use super::Outbox;
use crate::auth::addresses::Addresses;
use crate::auth::resets::PasswordResets;
use crate::auth::sign_in_alerts::SignInAlerts;
use crate::clock::{ms, now_ms};
use crate::db::mail_outbox::{self, OutboxRow};
use crate::error::AppError;
use crate::mail::Mailer;
use attempt::Failure;

mod attempt;

/// Mail being sent at once by this instance.
const MAX_SENDING: usize = 8;
/// Mail being sent at once by this instance to one recipient domain.
const PER_DOMAIN: usize = 2;
/// At least this often the outbox is looked at (rows of other instances,
/// retries due).
const POLL: Duration = Duration::from_secs(1);
/// How long a claimed row is this instance's: past it (the instance died),
/// another may claim it.
const LEASE: Duration = Duration::from_secs(120);
/// How long one attempt may take (well within the lease).
const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a stopping server lets the sends under way finish.
const STOP_WAIT: Duration = Duration::from_secs(5);
/// Domains looked at in one round.
const DOMAINS_PER_ROUND: i64 = 64;

pub struct Sender {
    outbox: Outbox,
    mailer: Mailer,
    resets: PasswordResets,
    addresses: Addresses,
    alerts: SignInAlerts,
    /// Per recipient domain, this instance's sends under way.
    sending: Mutex<HashMap<String, usize>>,
    stopping: AtomicBool,
}

/// The running sender; `stop` ends it.
pub struct Sending {
    sender: Arc<Sender>,
    task: tokio::task::JoinHandle<()>,
}

impl Sending {
    /// Claims nothing more, lets the sends under way end (`STOP_WAIT` at
    /// most: a row cut short comes back when its lease ends).
    pub async fn stop(self) {
        self.sender.stopping.store(true, Ordering::SeqCst);
        self.sender.outbox.added.notify_one();
        let mut task = self.task;
        if tokio::time::timeout(STOP_WAIT, &mut task).await.is_err() {
            task.abort();
        }
    }
}

impl Sender {
    pub fn spawn(
        outbox: Outbox,
        mailer: Mailer,
        resets: PasswordResets,
        addresses: Addresses,
        alerts: SignInAlerts,
    ) -> Sending {
        let sender = Arc::new(Sender {
            outbox,
            mailer,
            resets,
            addresses,
            alerts,
            sending: Mutex::new(HashMap::new()),
            stopping: AtomicBool::new(false),
        });
        let task = tokio::spawn(Arc::clone(&sender).run());
        Sending { sender, task }
    }

    async fn run(self: Arc<Self>) {
        let mut sends = JoinSet::new();
        while !self.stopping.load(Ordering::SeqCst) {
            while sends.try_join_next().is_some() {}
            let wait = match self.round(&mut sends).await {
                Ok(wait) => wait,
                Err(error) => {
                    error.log_if_unexpected();
                    POLL
                }
            };
            // A row added here, or a send ended, wakes it at once.
            let _ = tokio::time::timeout(wait, self.outbox.added.notified()).await;
        }
        while sends.join_next().await.is_some() {}
    }

    /// Claims what there is room for and starts sending it; how long to
    /// wait before the next round.
    async fn round(self: &Arc<Self>, sends: &mut JoinSet<()>) -> Result<Duration, AppError> {
        let busy = self.sending().clone();
        let mut free = MAX_SENDING.saturating_sub(busy.values().sum());
        if free == 0 {
            return Ok(POLL);
        }
        let now = now_ms();
        let domains = self
            .outbox
            .db
            .read(move |conn| mail_outbox::due_domains(conn, now, DOMAINS_PER_ROUND))
            .await?;
        let mut room = HashMap::new();
        for domain in domains {
            let n = PER_DOMAIN
                .saturating_sub(busy.get(&domain).copied().unwrap_or(0))
                .min(free);
            if n > 0 {
                room.insert(domain, n);
                free -= n;
            }
        }
        if !room.is_empty() {
            let lease_until = now.saturating_add(ms(LEASE));
            let claimed = self
                .outbox
                .db
                .write(move |conn| mail_outbox::claim(conn, now, lease_until, &room))
                .await?;
            for row in claimed {
                *self
                    .sending()
                    .entry(row.recipient_domain.clone())
                    .or_default() += 1;
                sends.spawn(Arc::clone(self).send(row));
            }
        }
        let now = now_ms();
        let next = self
            .outbox
            .db
            .read(move |conn| mail_outbox::next_due(conn, now))
            .await?;
        // Due now but no room: a send that ends wakes it.
        Ok(match next {
            Some(in_ms) if in_ms > 0 => POLL.min(Duration::from_millis(in_ms.unsigned_abs())),
            _ => POLL,
        })
    }

    /// The counts of sends under way. A panic while they were held leaves
    /// numbers that are still counts (each change is one `+= 1` or `-= 1`),
    /// so a poisoned lock is used as it is rather than failing every round.
    fn sending(&self) -> std::sync::MutexGuard<'_, HashMap<String, usize>> {
        self.sending
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// One attempt at `row`, and what follows from it.
    async fn send(self: Arc<Self>, row: OutboxRow) {
        let attempt = tokio::time::timeout(ATTEMPT_TIMEOUT, self.attempt(&row));
        let sent = attempt
            .await
            .unwrap_or_else(|_| Err(Failure::MayPass("the attempt timed out".into())));
        if let Err(error) = self.settle(&row, sent).await {
            // The row stays claimed; it comes back when its lease ends.
            error.log_if_unexpected();
        }
        let mut sending = self.sending();
        if let Some(n) = sending.get_mut(&row.recipient_domain) {
            *n = n.saturating_sub(1);
            if *n == 0 {
                sending.remove(&row.recipient_domain);
            }
        }
        drop(sending);
        self.outbox.added.notify_one();
    }
}
