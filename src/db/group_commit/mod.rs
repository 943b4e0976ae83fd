//! SQLite's writes, committed together. One thread writes for the whole
//! process; the writes that arrive while it commits wait in a queue and go
//! together into its next transaction, so they share one fsync. Each runs
//! in a savepoint of its own, so an error rolls back that write alone, in
//! the order asked, seeing the ones before it as if they had committed
//! first. Each is answered only once the commit that holds it is on disk:
//! nothing acknowledged can be lost. Nothing waits on purpose: a lone write
//! starts at once, and a write waits at most for the commit under way.

use std::sync::atomic::Ordering;
use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::r2d2::Pool;
use tokio::sync::oneshot;

use super::conn::{Conn, Manager};
use crate::error::AppError;
use crate::metrics::WriteMetrics;
use write::Asked;
use writer::{Job, Unfinished, Writer};

/// The process's one SQLite writer. Dropped with the last `Db` handle: the
/// queue is closed, the writes in it are done, and the thread is waited for
/// (so its connection is back in the pool before the pool closes).
pub(super) struct GroupCommit {
    queue: Option<SyncSender<Job>>,
    thread: Option<JoinHandle<()>>,
    unfinished: Arc<Unfinished>,
    /// How long a write may wait for its turn before it is refused (503).
    max_wait: Duration,
}

impl GroupCommit {
    /// Starts the writer over `pool`, with room for `queued` writes waiting.
    pub(super) fn start(
        pool: Pool<Manager>,
        metrics: WriteMetrics,
        queued: usize,
        max_wait: Duration,
    ) -> std::io::Result<GroupCommit> {
        let (queue, jobs) = sync_channel(queued);
        let unfinished = Arc::new(Unfinished::default());
        let counted = Arc::clone(&unfinished);
        let thread = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                let writer = Writer {
                    pool,
                    metrics,
                    max_wait,
                };
                writer.serve(&jobs, &counted);
            })?;
        Ok(GroupCommit {
            queue: Some(queue),
            thread: Some(thread),
            unfinished,
            max_wait,
        })
    }

    /// `work` in a transaction (shared with the writes queued beside it, in
    /// a savepoint of its own), then `after` once that transaction is over,
    /// on the writer's thread, before the answer: it runs even when the
    /// request that asked is dropped meanwhile.
    pub(super) async fn write<T, F, A>(&self, work: F, after: A) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
        A: FnOnce() + Send + 'static,
    {
        self.ask(false, work, after).await
    }

    /// `work` by itself, outside any transaction.
    pub(super) async fn alone<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
    {
        self.ask(true, work, || ()).await
    }

    async fn ask<T, F, A>(&self, alone: bool, work: F, after: A) -> Result<T, AppError>
    where
        F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
        T: Send + 'static,
        A: FnOnce() + Send + 'static,
    {
        let Some(queue) = &self.queue else {
            return Err(AppError::Busy);
        };
        let (reply, answer) = oneshot::channel();
        let job = Job {
            asked: Instant::now(),
            alone,
            write: Box::new(Asked { work, after, reply }),
        };
        self.unfinished.count.fetch_add(1, Ordering::AcqRel);
        if let Err(refused) = queue.try_send(job) {
            self.unfinished.finished(1);
            return Err(match refused {
                TrySendError::Full(_) => AppError::Busy,
                TrySendError::Disconnected(_) => AppError::unexpected("the SQLite writer stopped"),
            });
        }
        // No answer at all: the writer stopped before it got to this one.
        answer.await.unwrap_or(Err(AppError::Busy))
    }

    /// Once every write asked for so far has been answered.
    pub(super) async fn until_idle(&self) {
        loop {
            let none_left = self.unfinished.none_left.notified();
            if self.unfinished.count.load(Ordering::Acquire) == 0 {
                return;
            }
            // Checked again after a while too: a count that reached zero
            // between the load and the wait would otherwise be missed.
            let _ = actix_web::rt::time::timeout(self.max_wait, none_left).await;
        }
    }
}

impl Drop for GroupCommit {
    fn drop(&mut self) {
        drop(self.queue.take());
        if let Some(thread) = self.thread.take() {
            // Never wait for itself (the last handle dropped by a write).
            if thread.thread().id() != std::thread::current().id() {
                let _ = thread.join();
            }
        }
    }
}

mod write;
mod writer;

#[cfg(test)]
mod tests;
