//! The servers under test: the real sesame binary (release build) in its own
//! process, and the framework's ceiling, a plain Actix handler.

use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::scenarios::pinned::pin_child;

/// The sesame binary measured: this build's, or `BENCH_SESAME` (another
/// build, say the one before a change, measured by the same benchmark).
pub fn binary() -> String {
    std::env::var("BENCH_SESAME").unwrap_or_else(|_| env!("CARGO_BIN_EXE_sesame").to_owned())
}

/// The JSON `/api/me` answers, for the baseline to answer the same.
pub const ME_JSON: &str = r#"{"id":"00000000-0000-4000-8000-000000000000","name":"Bench User","email":"bench@example.com","createdAt":"2026-11-24T00:00:00Z"}"#;

pub struct Sesame {
    child: Child,
    pub address: SocketAddr,
}

impl Sesame {
    /// Starts `sesame` on `database` (a SQLite file's path or a PostgreSQL
    /// URL) with extra flags; returns once it listens.
    pub fn start(database: impl AsRef<OsStr>, flags: &[&str]) -> Sesame {
        Sesame::start_pinned(database, flags, None)
    }

    /// `start`, the process pinned to `cpu` if given (BENCH_ONLY=speed).
    pub fn start_pinned(database: impl AsRef<OsStr>, flags: &[&str], cpu: Option<usize>) -> Sesame {
        let bind = "127.0.0.1:0";
        let mut child = spawn(database.as_ref(), bind, flags, Stdio::piped(), cpu);
        let stderr = child.stderr.take().expect("stderr");
        let mut lines = BufReader::new(stderr).lines();
        let address = loop {
            let line = lines
                .next()
                .expect("sesame logs its address")
                .expect("a log line");
            if let Some((_, address)) = line.split_once("listening on http://") {
                break address.trim().parse().expect("an address");
            }
        };
        // Keep draining the log so the server never blocks on a full pipe.
        std::thread::spawn(move || for _ in lines {});
        Sesame { child, address }
    }

    /// Peak resident memory so far (VmHWM), in bytes.
    pub fn peak_memory(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .unwrap_or_default();
        status
            .lines()
            .find_map(|l| l.strip_prefix("VmHWM:"))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .map_or(0, |kib| kib * 1024)
    }

    pub fn stop(mut self) {
        terminate(&mut self.child);
    }
}

impl Drop for Sesame {
    /// A server not stopped (the benchmark failed) is not left running.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// The release binary on `database`, listening on `bind`, logging warnings.
fn spawn(database: &OsStr, bind: &str, flags: &[&str], stderr: Stdio, cpu: Option<usize>) -> Child {
    let mut command = Command::new(binary());
    pin_child(&mut command, cpu);
    command
        .args(["--bind", bind, "--database-url"])
        .arg(database)
        .args(flags)
        .env_clear()
        .env("RUST_LOG", "warn")
        // Mail (no --smtp-url) would be printed there, among the figures.
        .stdout(Stdio::null())
        .stderr(stderr)
        .spawn()
        .expect("sesame starts")
}

/// SIGTERM (a graceful shutdown), then waits for the exit: the next server on
/// the same database needs the lock this one holds.
fn terminate(child: &mut Child) {
    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let _ = child.wait();
}

/// From exec to the first 200 from `/healthz`.
pub fn time_to_healthy(database: &Path) -> Duration {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port")
        .port();
    let bind = format!("127.0.0.1:{port}");
    let started = Instant::now();
    let mut child = spawn(database.as_os_str(), &bind, &[], Stdio::null(), None);
    let healthy = loop {
        if healthz_ok(&bind) {
            break started.elapsed();
        }
        assert!(
            started.elapsed() < Duration::from_secs(10),
            "sesame did not answer in 10 s"
        );
        std::thread::sleep(Duration::from_millis(1));
    };
    terminate(&mut child);
    healthy
}

fn healthz_ok(address: &str) -> bool {
    use std::io::{Read, Write};
    let Ok(mut stream) = std::net::TcpStream::connect(address) else {
        return false;
    };
    let request = format!("GET /healthz HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n");
    if stream.write_all(request.as_bytes()).is_err() {
        return false;
    }
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    answer.starts_with("HTTP/1.1 200")
}

/// The framework's ceiling: a plain Actix handler answering `ME_JSON`, with
/// as many workers as sesame, in this process. Runs until the process ends.
pub fn start_baseline() -> SocketAddr {
    use actix_web::{web, App, HttpResponse, HttpServer};
    let listener = TcpListener::bind("127.0.0.1:0").expect("a free port");
    let address = listener.local_addr().expect("an address");
    std::thread::spawn(move || {
        actix_web::rt::System::new().block_on(async move {
            HttpServer::new(|| {
                App::new().route(
                    "/api/me",
                    web::get().to(|| async {
                        HttpResponse::Ok()
                            .content_type("application/json")
                            .body(ME_JSON)
                    }),
                )
            })
            .listen(listener)
            .expect("listens")
            .run()
            .await
        })
    });
    address
}

/// A fresh folder for a database.
pub fn temp_database(folder: &tempfile::TempDir, name: &str) -> PathBuf {
    folder.path().join(name)
}

/// The database's bytes on disk: the file plus its `-wal` (not the `-shm`
/// index, which holds no data).
pub fn database_bytes(path: &Path) -> u64 {
    let wal = std::fs::metadata(format!("{}-wal", path.display())).map_or(0, |m| m.len());
    std::fs::metadata(path).map_or(0, |m| m.len()) + wal
}
