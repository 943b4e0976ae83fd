//! Database work runs on actix's blocking thread pool through a `Gate` that
//! bounds it twice: at most `running` jobs at once (one per pooled
//! connection), and at most `queued` more waiting for a turn. Past that the
//! caller gets `AppError::Busy` (503) at once instead of joining an ever
//! longer queue. (bcrypt has threads of its own: see `bcrypt_pool`.)

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::error::AppError;

#[derive(Clone)]
pub struct Gate {
    inner: Arc<GateInner>,
}

struct GateInner {
    permits: Arc<Semaphore>,
    running: u32,
    waiting: AtomicUsize,
    max_waiting: usize,
}

impl Gate {
    pub fn new(running: usize, queued: usize) -> Self {
        Gate {
            inner: Arc::new(GateInner {
                permits: Arc::new(Semaphore::new(running.max(1))),
                running: u32::try_from(running.max(1)).unwrap_or(u32::MAX),
                waiting: AtomicUsize::new(0),
                max_waiting: queued,
            }),
        }
    }

    /// Runs `job` on a blocking thread once a turn is free.
    pub async fn run<T, F>(&self, job: F) -> Result<T, AppError>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let permit = {
            let _place = self.take_place()?;
            Arc::clone(&self.inner.permits)
                .acquire_owned()
                .await
                .map_err(AppError::unexpected)?
        };
        // The permit moves into the job, so it is held for as long as the job
        // runs, even if this request is dropped meanwhile.
        actix_web::web::block(move || {
            let _permit = permit;
            job()
        })
        .await
        .map_err(AppError::unexpected)
    }

    /// Once every job started or queued before has finished (the
    /// semaphore is fair: this waits behind them for every turn).
    pub async fn until_idle(&self) {
        let _every_turn = self.inner.permits.acquire_many(self.inner.running).await;
    }

    fn take_place(&self) -> Result<Place<'_>, AppError> {
        let before = self.inner.waiting.fetch_add(1, Ordering::AcqRel);
        let place = Place(&self.inner.waiting);
        if before >= self.inner.max_waiting + self.inner.permits.available_permits() {
            return Err(AppError::Busy);
        }
        Ok(place)
    }
}

/// One place in the queue, given back when dropped (also when the waiting
/// request is cancelled).
struct Place<'a>(&'a AtomicUsize);

impl Drop for Place<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::AcqRel);
    }
}
