//! One server per database file: an exclusive lock (`flock`) on the
//! database file itself, held for as long as the server runs and released by
//! the kernel when the process ends, however it ends. On the file, not on a
//! name: a symbolic link, a `./` detour or a hard link to the same file all
//! meet the same lock. (SQLite's own locks are `fcntl` locks, which do not
//! interact with `flock` on Linux.)
//!
//! The server keeps what it knows about sessions in memory (see
//! `auth::Sessions`), which is only right while no other server can
//! revoke a session in the same file. Several instances run on PostgreSQL,
//! where each write announces the sessions it changed (`db::listen`).

use std::fs::{File, TryLockError};
use std::time::{Duration, Instant};

use super::open::{create_private, OpenError};
use crate::config::SqliteFile;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error("another sesame server is using {0}; one server per SQLite file")]
    InUse(String),
    #[error("cannot lock {0}: {1}")]
    Io(String, std::io::Error),
    #[error("{0}")]
    Create(#[from] OpenError),
}

/// Held while the server runs; dropping it lets another server start.
#[derive(Debug)]
pub struct ServerLock {
    _file: File,
}

impl ServerLock {
    /// Locks the database `database` (creating it, mode 0600, with its
    /// folder, if need be), waiting up to `wait` for a server still holding
    /// it to exit. Blocks the thread meanwhile: it runs before serving.
    pub fn acquire(database: &SqliteFile, wait: Duration) -> Result<ServerLock, LockError> {
        let database_path = database.to_string();
        let io_error = |e| LockError::Io(database_path.clone(), e);
        let file = create_private(database)?;
        let deadline = Instant::now() + wait;
        let mut waiting = false;
        loop {
            match file.try_lock() {
                Ok(()) => return Ok(ServerLock { _file: file }),
                Err(TryLockError::WouldBlock) if Instant::now() < deadline => {
                    if !waiting {
                        log::info!("waiting for the server using {database_path} to exit");
                        waiting = true;
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(TryLockError::WouldBlock) => return Err(LockError::InUse(database_path)),
                Err(TryLockError::Error(e)) => return Err(io_error(e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_one_database_waits_then_is_refused() {
        let folder = tempfile::tempdir().unwrap();
        let path = SqliteFile::new(folder.path().join("a.db"));
        let held = ServerLock::acquire(&path, Duration::ZERO).unwrap();
        let started = Instant::now();
        let refused = ServerLock::acquire(&path, Duration::from_millis(100)).unwrap_err();
        assert!(started.elapsed() >= Duration::from_millis(100), "it waited");
        assert!(matches!(refused, LockError::InUse(_)), "{refused}");
        drop(held);
        let _again = ServerLock::acquire(&path, Duration::ZERO).expect("free once dropped");
        let other = SqliteFile::new(folder.path().join("b.db"));
        ServerLock::acquire(&other, Duration::ZERO).expect("another database, another lock");
    }

    #[cfg(unix)]
    #[test]
    fn one_file_under_another_name_is_the_same_lock() {
        let folder = tempfile::tempdir().unwrap();
        let path = folder.path().join("a.db");
        std::fs::write(&path, "").unwrap();
        let link = folder.path().join("link.db");
        std::os::unix::fs::symlink(&path, &link).unwrap();
        let hard = folder.path().join("hard.db");
        std::fs::hard_link(&path, &hard).unwrap();
        let _held = ServerLock::acquire(&SqliteFile::new(&path), Duration::ZERO).unwrap();
        let roundabout = folder.path().join(".").join("a.db");
        for other in [link, roundabout, hard] {
            let other = SqliteFile::new(other);
            assert!(
                ServerLock::acquire(&other, Duration::ZERO).is_err(),
                "{other}"
            );
        }
    }

    #[test]
    fn a_server_that_exits_while_another_waits_hands_it_over() {
        let folder = tempfile::tempdir().unwrap();
        let path = SqliteFile::new(folder.path().join("a.db"));
        let held = ServerLock::acquire(&path, Duration::ZERO).unwrap();
        let releaser = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            drop(held);
        });
        ServerLock::acquire(&path, Duration::from_secs(5)).expect("handed over");
        releaser.join().unwrap();
    }
}
