//! bcrypt's own threads: one per core, at a lower scheduling priority, fed
//! through a bounded queue.
//!
//! bcrypt is the slowest thing the service does. On its own threads it never
//! holds up the async workers or the database's blocking threads; at a lower
//! priority (nice 10) it still uses every idle cycle, so logins run at full
//! speed when nothing else is asking, but the kernel hands the CPU to other
//! requests first during a login flood (nice 10, not 19: cheap requests
//! flooding the CPU must not starve logins either). Past the queue bound a login is
//! refused at once (503) instead of waiting without end.

use std::sync::mpsc::{sync_channel, SyncSender, TrySendError};
use std::sync::{Arc, Mutex};

use tokio::sync::oneshot;

use crate::error::AppError;

type Job = Box<dyn FnOnce() + Send>;

/// Niceness of the bcrypt threads (0 is normal, 19 the lowest).
const NICENESS: libc::c_int = 10;

#[derive(Clone)]
pub struct BcryptPool {
    jobs: SyncSender<Job>,
}

impl BcryptPool {
    /// `threads` workers and room for `queued` waiting jobs.
    pub fn new(threads: usize, queued: usize) -> Self {
        let (jobs, receiver) = sync_channel::<Job>(queued);
        let receiver = Arc::new(Mutex::new(receiver));
        for n in 0..threads.max(1) {
            let receiver = Arc::clone(&receiver);
            let spawned = std::thread::Builder::new()
                .name(format!("bcrypt-{n}"))
                .spawn(move || {
                    lower_priority();
                    loop {
                        // The lock is held only to take the next job.
                        let job = match receiver.lock() {
                            Ok(receiver) => receiver.recv(),
                            Err(poisoned) => poisoned.into_inner().recv(),
                        };
                        match job {
                            // A panicking job must not take its thread with it.
                            Ok(job) => {
                                let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(job));
                            }
                            Err(_) => return, // the pool is gone
                        }
                    }
                });
            if let Err(error) = spawned {
                log::error!("cannot start a bcrypt thread: {error}");
            }
        }
        BcryptPool { jobs }
    }

    /// Runs `work` on a bcrypt thread; `Busy` when the queue is full.
    pub async fn run<T, F>(&self, work: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let (answer, answered) = oneshot::channel();
        let job: Job = Box::new(move || {
            let _ = answer.send(work());
        });
        match self.jobs.try_send(job) {
            Ok(()) => {}
            Err(TrySendError::Full(_)) => return Err(AppError::Busy),
            Err(TrySendError::Disconnected(_)) => {
                return Err(AppError::unexpected("no bcrypt threads"))
            }
        }
        answered
            .await
            .map_err(|_| AppError::unexpected("a bcrypt job was dropped"))
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
        let pool = BcryptPool::new(1, 1);
        assert!(pool.run(|| panic!("a bad job")).await.is_err());
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }

    #[test]
    fn its_threads_run_at_a_lower_priority() {
        let pool = BcryptPool::new(1, 1);
        let niceness = actix_web::rt::System::new().block_on(async move {
            // SAFETY: getpriority only reads its integer arguments.
            pool.run(|| unsafe { libc::getpriority(libc::PRIO_PROCESS, 0) })
                .await
                .unwrap()
        });
        assert_eq!(niceness, NICENESS);
    }
}
