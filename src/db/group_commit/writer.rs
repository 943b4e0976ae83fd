//! The writer's thread: batches taken from the queue, each committed in one
//! transaction, then every write in it answered.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::Receiver;
use std::time::{Duration, Instant};

use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::r2d2::Pool;
use tokio::sync::Notify;

use super::write::{same_error, Write};
use crate::db::conn::{begin_transaction, each_backend, Begin, Manager};
use crate::error::AppError;
use crate::metrics::WriteMetrics;

/// Writes one transaction holds at most: a long queue is committed in
/// several, so the first write in it is not kept waiting for the last.
const MAX_BATCH: usize = 256;

/// Writes asked for and not yet answered, for `until_idle`.
#[derive(Default)]
pub(super) struct Unfinished {
    pub(super) count: AtomicUsize,
    pub(super) none_left: Notify,
}

impl Unfinished {
    pub(super) fn finished(&self, writes: usize) {
        if writes > 0 && self.count.fetch_sub(writes, Ordering::AcqRel) == writes {
            self.none_left.notify_waiters();
        }
    }
}

/// One write waiting in the queue.
pub(super) struct Job {
    pub(super) asked: Instant,
    /// Run outside any transaction, by itself (SQLite's `incremental_vacuum`
    /// must be).
    pub(super) alone: bool,
    pub(super) write: Box<dyn Write>,
}

/// The writer thread's own.
pub(super) struct Writer {
    pub(super) pool: Pool<Manager>,
    pub(super) metrics: WriteMetrics,
    pub(super) max_wait: Duration,
}

impl Writer {
    /// The loop: a batch is whatever has arrived, up to `MAX_BATCH`; a
    /// write that must run alone ends the batch before it.
    pub(super) fn serve(&self, jobs: &Receiver<Job>, unfinished: &Unfinished) {
        let mut next = None;
        loop {
            let Some(first) = next.take().or_else(|| jobs.recv().ok()) else {
                return;
            };
            if first.alone {
                self.run_alone(first);
                unfinished.finished(1);
                continue;
            }
            let mut batch = vec![first];
            while batch.len() < MAX_BATCH {
                match jobs.try_recv() {
                    Ok(job) if job.alone => {
                        next = Some(job);
                        break;
                    }
                    Ok(job) => batch.push(job),
                    Err(_) => break,
                }
            }
            let writes = batch.len();
            self.run_batch(batch);
            unfinished.finished(writes);
        }
    }

    /// One transaction for the whole batch, one commit, then every answer.
    fn run_batch(&self, batch: Vec<Job>) {
        let mut pooled = match self.pool.get() {
            Ok(pooled) => pooled,
            Err(_) => return refuse_all(batch, &AppError::Busy),
        };
        let conn = &mut *pooled;
        if let Err(error) = begin_transaction(conn, Begin::Write) {
            return refuse_all(batch, &AppError::from(error));
        }
        let mut written = Vec::with_capacity(batch.len());
        let (mut succeeded, mut broke) = (0, None);
        let mut jobs = batch.into_iter();
        for job in jobs.by_ref() {
            if job.asked.elapsed() > self.max_wait {
                job.write.refuse(AppError::Busy);
                continue;
            }
            let ran = job.write.run(conn, true);
            written.push(ran.written);
            succeeded += u64::from(ran.succeeded);
            if ran.broke.is_some() {
                broke = ran.broke;
                break;
            }
        }
        // Left unrun after a failure: they may be asked again.
        for job in jobs {
            job.write.refuse(AppError::Busy);
        }
        let committed = match broke {
            None => each_backend!(conn, |c| AnsiTransactionManager::commit_transaction(c))
                .map_err(AppError::from),
            Some(error) => Err(error),
        };
        match committed {
            Ok(()) => self.metrics.committed(succeeded),
            // A rollback that fails leaves the connection broken; the pool
            // drops it.
            Err(_) => {
                let _ = each_backend!(conn, |c| AnsiTransactionManager::rollback_transaction(c));
            }
        }
        drop(pooled);
        for write in written {
            write.answer(committed.as_ref().map(|_| ()));
        }
    }

    fn run_alone(&self, job: Job) {
        let mut pooled = match self.pool.get() {
            Ok(pooled) => pooled,
            Err(_) => return job.write.refuse(AppError::Busy),
        };
        let ran = job.write.run(&mut pooled, false);
        drop(pooled);
        ran.written.answer(Ok(()));
    }
}

fn refuse_all(batch: Vec<Job>, error: &AppError) {
    for job in batch {
        job.write.refuse(same_error(error));
    }
}
