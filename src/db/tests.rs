//! `Db`'s write paths.

use std::time::Duration;

use diesel::connection::SimpleConnection;

use super::*;

#[actix_web::test]
async fn what_follows_a_write_runs_even_when_its_request_is_dropped() {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let folder = tempfile::tempdir().unwrap();
    let (db, _) = Db::open(&Database::sqlite(folder.path().join("test.db"))).unwrap();
    let done = Arc::new(AtomicBool::new(false));
    let flag = Arc::clone(&done);
    let write = db.write_then(
        |conn| {
            std::thread::sleep(Duration::from_millis(500));
            each_backend!(conn, |c| c.batch_execute("CREATE TABLE t (x INTEGER)"))
                .map_err(AppError::from)
        },
        move || flag.store(true, Ordering::SeqCst),
    );
    // Gives up on the write while it runs, as a disconnected client would.
    let gave_up = actix_web::rt::time::timeout(Duration::from_millis(50), write).await;
    assert!(gave_up.is_err(), "the write was still running");
    assert!(!done.load(Ordering::SeqCst));
    for _ in 0..100 {
        if done.load(Ordering::SeqCst) {
            return;
        }
        actix_web::rt::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("what follows the write did not run although the write did");
}
