//! Blocking work kept off the async workers, and bounded: SQLite queries go
//! through `Gate` (actix's blocking threads, one turn per pooled
//! connection), bcrypt through `BcryptPool` (threads of its own, at a lower
//! priority). Both refuse work at once with `AppError::Busy` (503) once
//! their queue is full, rather than letting a flood wait without end.

mod bcrypt_pool;
mod gate;
mod round_robin;

pub use bcrypt_pool::BcryptPool;
pub use gate::Gate;

#[cfg(test)]
mod tests {
    use std::future::Future;
    use std::time::Duration;

    use super::*;
    use crate::error::AppError;

    /// A bounded place to run blocking work.
    trait Offload: Clone + 'static {
        /// Runs `work` off the async workers; `Busy` when the queue is full.
        fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, AppError>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static;
    }

    impl Offload for Gate {
        fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, AppError>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            Gate::run(self, work)
        }
    }

    impl Offload for BcryptPool<()> {
        fn run<T, F>(&self, work: F) -> impl Future<Output = Result<T, AppError>>
        where
            F: FnOnce() -> T + Send + 'static,
            T: Send + 'static,
        {
            BcryptPool::run(self, (), work)
        }
    }

    /// With one job running and one waiting, a third is refused at once;
    /// the two accepted ones still finish.
    async fn refuses_work_past_its_queue_bound(pool: impl Offload) {
        assert_eq!(pool.run(|| 2 + 2).await.unwrap(), 4);
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let (started, has_started) = std::sync::mpsc::channel::<()>();
        let running = {
            let pool = pool.clone();
            actix_web::rt::spawn(async move {
                pool.run(move || {
                    started.send(()).ok();
                    hold.recv().ok()
                })
                .await
            })
        };
        while has_started.try_recv().is_err() {
            actix_web::rt::time::sleep(Duration::from_millis(5)).await;
        }
        let queued = {
            let pool = pool.clone();
            actix_web::rt::spawn(async move { pool.run(|| 5).await })
        };
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
        assert!(matches!(pool.run(|| 6).await, Err(AppError::Busy)));
        release.send(()).unwrap();
        assert!(running.await.unwrap().is_ok());
        assert_eq!(queued.await.unwrap().unwrap(), 5);
        assert_eq!(pool.run(|| 7).await.unwrap(), 7);
    }

    #[actix_web::test]
    async fn the_database_gate_refuses_work_past_its_queue_bound() {
        refuses_work_past_its_queue_bound(Gate::new(1, 1)).await;
    }

    #[actix_web::test]
    async fn the_bcrypt_pool_refuses_work_past_its_queue_bound() {
        refuses_work_past_its_queue_bound(BcryptPool::new(1, 1, 1)).await;
    }
}
