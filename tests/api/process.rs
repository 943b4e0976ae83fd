//! The real `sesame` binary as a child process, for what only a process can
//! show: command-line errors, logs, signals, crashes.

use std::ops::Deref;
use std::path::Path;
use std::process::{ExitStatus, Stdio};
use std::time::Duration;

use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child, Command};
use tokio::task::JoinHandle;

use crate::helpers::Api;

pub const BINARY: &str = env!("CARGO_BIN_EXE_sesame");

/// Runs the binary to completion in `folder` with a clean environment; one
/// still running after a minute is killed and fails the test.
pub async fn run(folder: &Path, args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    let output = Command::new(BINARY)
        .args(args)
        .current_dir(folder)
        .env_clear()
        .envs(env.iter().copied())
        .kill_on_drop(true)
        .output();
    tokio::time::timeout(Duration::from_secs(60), output)
        .await
        .unwrap_or_else(|_| panic!("sesame {args:?} still runs after a minute"))
        .expect("the binary runs")
}

/// A running server process and its log (stderr). It is an `Api` to that
/// server (it derefs to one).
pub struct Running {
    child: Child,
    /// `host:port`, from its `listening on` line.
    pub address: String,
    api: Api,
    log: JoinHandle<String>,
}

impl Running {
    /// Starts the binary in `folder` and waits for its `listening on` line.
    pub async fn start(folder: &Path, args: &[&str], env: &[(&str, &str)]) -> Running {
        let mut child = Command::new(BINARY)
            .args(args)
            .current_dir(folder)
            .env_clear()
            .envs(env.iter().copied())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let mut lines = BufReader::new(child.stderr.take().expect("stderr")).lines();
        let mut seen = String::new();
        let address = tokio::time::timeout(Duration::from_secs(30), async {
            while let Some(line) = lines.next_line().await.expect("stderr is readable") {
                seen.push_str(&line);
                seen.push('\n');
                if let Some((_, address)) = line.split_once("listening on http://") {
                    return Some(address.trim().to_owned());
                }
            }
            None
        })
        .await
        .expect("it starts within 30 s");
        let address = address.unwrap_or_else(|| panic!("no `listening on` line in:\n{seen}"));
        // Keep reading the log until the process ends.
        let log = tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                seen.push_str(&line);
                seen.push('\n');
            }
            seen
        });
        Running {
            child,
            api: Api::new(format!("http://{address}")),
            address,
            log,
        }
    }

    /// SIGKILL: no chance to clean up.
    pub async fn kill(mut self) -> String {
        self.child.kill().await.expect("SIGKILL");
        self.log.await.expect("the log")
    }

    /// SIGTERM, then its exit status and whole log.
    pub async fn terminate(mut self) -> (ExitStatus, String) {
        let pid = self.child.id().expect("still running").to_string();
        let sent = Command::new("kill")
            .args(["-TERM", &pid])
            .status()
            .await
            .expect("kill runs");
        assert!(sent.success());
        let status = tokio::time::timeout(Duration::from_secs(40), self.child.wait())
            .await
            .expect("it exits within 40 s")
            .expect("an exit status");
        (status, self.log.await.expect("the log"))
    }
}

impl Deref for Running {
    type Target = Api;

    fn deref(&self) -> &Api {
        &self.api
    }
}
