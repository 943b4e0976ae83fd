//! bcrypt's own threads: one per core, at a lower scheduling priority, fed
//! through a bounded queue in which clients take turns (`RoundRobin`): a
//! client flooding it holds at most its share, and another client's job
//! is taken in its turn, not behind the flood.
//!
//! bcrypt is the slowest thing the service does. On its own threads it never
//! holds up the async workers or the database's blocking threads; at a lower
//! priority (nice 10) it still uses every idle cycle, so logins run at full
//! speed when nothing else is asking, but the kernel hands the CPU to other
//! requests first during a login flood (nice 10, not 19: cheap requests
//! flooding the CPU must not starve logins either). Past the queue bound a login is
//! refused at once (503) instead of waiting without end.

use std::hash::Hash;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};
use std::time::Instant;

use tokio::sync::oneshot;

use super::round_robin::{Full, RoundRobin};
use crate::error::AppError;
use crate::metrics::BcryptMetrics;

type Job = Box<dyn FnOnce() + Send>;

/// Niceness of the bcrypt threads (0 is normal, 19 the lowest).
const NICENESS: libc::c_int = 10;

/// bcrypt's threads and their queue, where clients (by key) take turns.
pub struct BcryptPool<K> {
    handle: Arc<Handle<K>>,
    /// The queue's depth and each job's wait, when counted.
    metrics: Option<BcryptMetrics>,
}

impl<K> Clone for BcryptPool<K> {
    fn clone(&self) -> Self {
        BcryptPool {
            handle: Arc::clone(&self.handle),
            metrics: self.metrics.clone(),
        }
    }
}

/// Held by the pool's users: when the last goes, the threads stop.
struct Handle<K> {
    shared: Arc<Shared<K>>,
}

struct Shared<K> {
    queue: Mutex<Queue<K>>,
    ready: Condvar,
}

struct Queue<K> {
    jobs: RoundRobin<K, Job>,
    closed: bool,
}

impl<K: Hash + Eq + Clone + Send + 'static> BcryptPool<K> {
    /// `threads` workers and room for `queued` waiting jobs, at most
    /// `per_key` of them of one key.
    pub fn new(threads: usize, queued: usize, per_key: usize) -> Self {
        let shared = Arc::new(Shared {
            queue: Mutex::new(Queue {
                jobs: RoundRobin::new(queued, per_key),
                closed: false,
            }),
            ready: Condvar::new(),
        });
        for n in 0..threads.max(1) {
            let shared = Arc::clone(&shared);
            let spawned = std::thread::Builder::new()
                .name(format!("bcrypt-{n}"))
                .spawn(move || {
                    lower_priority();
                    while let Some(job) = shared.next() {
                        // A panicking job must not take its thread with it.
                        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                    }
                });
            if let Err(error) = spawned {
                log::error!("cannot start a bcrypt thread: {error}");
            }
        }
        BcryptPool {
            handle: Arc::new(Handle { shared }),
            metrics: None,
        }
    }

    /// The same pool, its queue's depth and waits counted in `metrics`.
    pub fn counted_in(self, metrics: BcryptMetrics) -> Self {
        BcryptPool {
            metrics: Some(metrics),
            ..self
        }
    }

    /// Runs `work` on a bcrypt thread, in `key`'s turn; `Busy` when the
    /// queue, or `key`'s share of it, is full.
    pub async fn run<T, F>(&self, key: K, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let waiting = self.metrics.clone().map(Waiting::new);
        let job: Job = Box::new(move || {
            if let Some(waiting) = waiting {
                waiting.taken();
            }
            let _ = answer.send(work());
        });
        let shared = &self.handle.shared;
        let pushed = shared.lock().jobs.push(key, job);
        match pushed {
            // Dropped outside the lock: its requester is answered 503.
            Ok(pushed_out) => {
                shared.ready.notify_one();
                drop(pushed_out);
            }
            Err((Full::All | Full::Key, _)) => return Err(AppError::Busy),
        }
        // A job dropped unrun was pushed out of a full queue for another
        // client's (or it panicked): either way, busy.
        answered.await.map_err(|_| AppError::Busy)
    }
}

/// A job in the queue, for the metrics: counted in the depth until it is
/// taken or dropped unrun (refused, or pushed out), its wait observed when
/// a thread takes it.
struct Waiting {
    metrics: BcryptMetrics,
    since: Instant,
}

impl Waiting {
    fn new(metrics: BcryptMetrics) -> Self {
        metrics.queue_depth.inc();
        Waiting {
            metrics,
            since: Instant::now(),
        }
    }

    fn taken(self) {
        self.metrics
            .wait
            .observe(self.since.elapsed().as_secs_f64());
    }
}

impl Drop for Waiting {
    fn drop(&mut self) {
        self.metrics.queue_depth.dec();
    }
}

impl<K> Shared<K> {
    fn lock(&self) -> MutexGuard<'_, Queue<K>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<K: Hash + Eq + Clone> Shared<K> {
    /// The next job, waiting for one; `None` once the pool is gone.
    fn next(&self) -> Option<Job> {
        let mut queue = self.lock();
        loop {
            if let Some(job) = queue.jobs.pop() {
                return Some(job);
            }
            if queue.closed {
                return None;
            }
            queue = self
                .ready
                .wait(queue)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

impl<K> Drop for Handle<K> {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.ready.notify_all();
    }
}

/// Lowers the calling thread's priority (on Linux, niceness is per thread).
fn lower_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: setpriority only reads its integer arguments; `0` names the
    // calling thread. A failure (no permission) just leaves the priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, NICENESS);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[actix_web::test]
    async fn a_panicking_job_does_not_kill_its_thread() {
        let pool = BcryptPool::new(1, 1, 1);
        assert!(pool.run((), || panic!("a bad job")).await.is_err());
        assert_eq!(pool.run((), || 7).await.unwrap(), 7);
    }

    #[test]
    fn its_threads_run_at_a_lower_priority() {
        let pool = BcryptPool::new(1, 1, 1);
        let niceness = actix_web::rt::System::new().block_on(async move {
            // SAFETY: getpriority only reads its integer arguments.
            pool.run((), || unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) })
                .await
                .unwrap()
        });
        assert_eq!(niceness, NICENESS);
    }
}
