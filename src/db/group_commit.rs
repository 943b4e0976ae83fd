//! SQLite's writes, committed together. One thread writes for the whole
//! process; the writes that arrive while it commits wait in a queue and go
//! together into its next transaction, so they share one fsync. Each runs
//! in a savepoint of its own, so an error rolls back that write alone, in
//! the order asked, seeing the ones before it as if they had committed
//! first. Each is answered only once the commit that holds it is on disk:
//! nothing acknowledged can be lost. Nothing waits on purpose: a lone write
//! starts at once, and a write waits at most for the commit under way.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc::{sync_channel, Receiver, SyncSender, TrySendError};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use diesel::backend::Backend;
use diesel::connection::{AnsiTransactionManager, TransactionManager};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::r2d2::Pool;
use diesel::{QueryResult, RunQueryDsl};
use tokio::sync::{oneshot, Notify};

use super::conn::{begin_transaction, each_backend, Begin, Conn, Manager};
use crate::error::AppError;
use crate::metrics::WriteMetrics;

/// Writes one transaction holds at most: a long queue is committed in
/// several, so the first write in it is not kept waiting for the last.
const MAX_BATCH: usize = 256;

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

/// Writes asked for and not yet answered, for `until_idle`.
#[derive(Default)]
struct Unfinished {
    count: AtomicUsize,
    none_left: Notify,
}

impl Unfinished {
    fn finished(&self, writes: usize) {
        if writes > 0 && self.count.fetch_sub(writes, Ordering::AcqRel) == writes {
            self.none_left.notify_waiters();
        }
    }
}

/// One write waiting in the queue.
struct Job {
    asked: Instant,
    /// Run outside any transaction, by itself (SQLite's `incremental_vacuum`
    /// must be).
    alone: bool,
    write: Box<dyn Write>,
}

/// A write, whatever its result type.
trait Write: Send {
    /// Runs it, in a savepoint of the batch's transaction when `savepoint`;
    /// also the error that leaves the transaction unusable, if one did.
    fn run(self: Box<Self>, conn: &mut Conn, savepoint: bool) -> Ran;
    /// Answers `error` without running it.
    fn refuse(self: Box<Self>, error: AppError);
}

/// A write that ran and waits for its commit's outcome to be answered.
trait Written: Send {
    fn answer(self: Box<Self>, committed: Result<(), &AppError>);
}

struct Ran {
    written: Box<dyn Written>,
    succeeded: bool,
    broke: Option<AppError>,
}

struct Asked<T, F, A> {
    work: F,
    after: A,
    reply: oneshot::Sender<Result<T, AppError>>,
}

struct Done<T, A> {
    outcome: Result<T, AppError>,
    after: A,
    reply: oneshot::Sender<Result<T, AppError>>,
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

/// The writer thread's own.
struct Writer {
    pool: Pool<Manager>,
    metrics: WriteMetrics,
    max_wait: Duration,
}

impl Writer {
    /// The loop: a batch is whatever has arrived, up to `MAX_BATCH`; a
    /// write that must run alone ends the batch before it.
    fn serve(&self, jobs: &Receiver<Job>, unfinished: &Unfinished) {
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

/// The commit's failure, for each write it held.
fn same_error(error: &AppError) -> AppError {
    match error {
        AppError::Busy => AppError::Busy,
        AppError::Unexpected(cause) => {
            AppError::unexpected(format!("the shared transaction failed: {cause}"))
        }
        other => AppError::unexpected(other.to_string()),
    }
}

impl<T, F, A> Write for Asked<T, F, A>
where
    F: FnOnce(&mut Conn) -> Result<T, AppError> + Send + 'static,
    T: Send + 'static,
    A: FnOnce() + Send + 'static,
{
    fn run(self: Box<Self>, conn: &mut Conn, savepoint: bool) -> Ran {
        let Asked { work, after, reply } = *self;
        let (outcome, broke) = if savepoint {
            in_savepoint(conn, work)
        } else {
            (caught(conn, work), None)
        };
        Ran {
            succeeded: outcome.is_ok(),
            written: Box::new(Done {
                outcome,
                after,
                reply,
            }),
            broke,
        }
    }

    fn refuse(self: Box<Self>, error: AppError) {
        let _ = self.reply.send(Err(error));
    }
}

impl<T, A> Written for Done<T, A>
where
    T: Send + 'static,
    A: FnOnce() + Send + 'static,
{
    fn answer(self: Box<Self>, committed: Result<(), &AppError>) {
        let Done {
            outcome,
            after,
            reply,
        } = *self;
        let answer = match committed {
            Ok(()) => outcome,
            Err(error) => Err(same_error(error)),
        };
        after();
        let _ = reply.send(answer);
    }
}

/// `work` in a savepoint: released when it succeeds, rolled back when it
/// fails (the batch's other writes stand). Also the error that leaves the
/// transaction unusable, when a savepoint cannot be taken, released or
/// rolled back.
fn in_savepoint<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
) -> (Result<T, AppError>, Option<AppError>) {
    if let Err(error) = each_backend!(&mut *conn, |c| TakeSavepoint.execute(c)) {
        let broke = AppError::from(error);
        return (Err(same_error(&broke)), Some(broke));
    }
    let outcome = caught(conn, work);
    let ended = match outcome {
        Ok(_) => each_backend!(&mut *conn, |c| ReleaseSavepoint.execute(c)),
        Err(_) => each_backend!(&mut *conn, |c| RollBackToSavepoint
            .execute(c)
            .and_then(|_| ReleaseSavepoint.execute(c))),
    };
    match ended {
        Ok(_) => (outcome, None),
        Err(error) => {
            let broke = AppError::from(error);
            (Err(same_error(&broke)), Some(broke))
        }
    }
}

/// A statement of no parameters, kept prepared in the connection's cache
/// (found by its type): `batch_execute`, as Diesel takes a savepoint,
/// parses its SQL again every time, twice for every write.
macro_rules! kept_prepared {
    ($name:ident, $sql:literal) => {
        struct $name;

        impl QueryId for $name {
            type QueryId = $name;
            const HAS_STATIC_QUERY_ID: bool = true;
        }

        impl<DB: Backend> QueryFragment<DB> for $name {
            fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
                out.push_sql($sql);
                Ok(())
            }
        }

        impl<C> RunQueryDsl<C> for $name {}
    };
}

// Each write's savepoint. A write that takes one of its own (Diesel's
// `transaction`) nests it inside, under another name.
kept_prepared!(TakeSavepoint, "SAVEPOINT sesame_write");
kept_prepared!(ReleaseSavepoint, "RELEASE sesame_write");
kept_prepared!(RollBackToSavepoint, "ROLLBACK TO sesame_write");

/// `work` on the connection; a panic in it is that write's error, never the
/// writer's end.
fn caught<T>(
    conn: &mut Conn,
    work: impl FnOnce(&mut Conn) -> Result<T, AppError>,
) -> Result<T, AppError> {
    catch_unwind(AssertUnwindSafe(|| work(conn)))
        .unwrap_or_else(|_| Err(AppError::unexpected("a write panicked")))
}

#[cfg(test)]
mod tests;
