//! The threads a pool makes connections on (and, when a pool's last handle
//! is dropped in one of them, closes them on). r2d2 never joins them: a
//! connection still being made when `main` returned went on while the
//! process exited, and the exit handlers (OpenSSL's `OPENSSL_cleanup` among
//! them) freed what libpq was using: `sesame keys list`, `users show` or
//! `purge` printed their answer, then died by SIGSEGV about one run in
//! four against a PostgreSQL server with SSL on. So the threads are ours,
//! and dropping `PoolThreads` waits until none of them is running a job.

use std::sync::{mpsc, Arc, RwLock};
use std::time::{Duration, Instant};

use scheduled_thread_pool::ScheduledThreadPool;

/// r2d2's own default.
const THREADS: usize = 3;
/// A connection being made to a server that does not answer is not waited
/// for past this (the exit may then still race it; it does not hang).
const FINISH_WAIT: Duration = Duration::from_secs(5);

pub struct PoolThreads(Arc<ScheduledThreadPool>);

impl PoolThreads {
    pub fn new() -> PoolThreads {
        PoolThreads(Arc::new(
            ScheduledThreadPool::builder()
                .num_threads(THREADS)
                .thread_name_pattern("r2d2-worker-{}")
                .build(),
        ))
    }

    /// For `r2d2::Builder::thread_pool`.
    pub fn for_pool(&self) -> Arc<ScheduledThreadPool> {
        Arc::clone(&self.0)
    }

    /// Returns once every job the threads had started has ended: each
    /// thread is given one that waits for all the others to have started
    /// theirs. Once the pool itself is dropped, the jobs left (more
    /// connections, the reaper) find it gone and do nothing.
    fn finish(&self, within: Duration) -> bool {
        let release = Arc::new(RwLock::new(()));
        let held = release.write();
        let (started, each_started) = mpsc::channel();
        for _ in 0..THREADS {
            let (release, started) = (Arc::clone(&release), started.clone());
            self.0.execute(move || {
                let _ = started.send(());
                let _released = release.read();
            });
        }
        let deadline = Instant::now() + within;
        let all_started = (0..THREADS).all(|_| {
            let left = deadline.saturating_duration_since(Instant::now());
            each_started.recv_timeout(left).is_ok()
        });
        drop(held);
        all_started
    }
}

impl Drop for PoolThreads {
    fn drop(&mut self) {
        if !self.finish(FINISH_WAIT) {
            log::warn!("a database connection was still being made at exit");
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicBool, Ordering};

    #[test]
    fn finishing_waits_for_the_job_running_on_every_thread() {
        let threads = PoolThreads::new();
        let ended: Vec<Arc<AtomicBool>> = (0..THREADS).map(|_| Arc::default()).collect();
        for ended in &ended {
            let ended = Arc::clone(ended);
            threads.for_pool().execute(move || {
                std::thread::sleep(Duration::from_millis(200));
                ended.store(true, Ordering::SeqCst);
            });
        }
        assert!(threads.finish(Duration::from_secs(5)));
        assert!(ended.iter().all(|e| e.load(Ordering::SeqCst)));
    }
}
