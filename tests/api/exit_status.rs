//! Every command ends with an exit status (0, 1 or 2), never by a signal:
//! here the commands that open a PostgreSQL database and exit at once,
//! many times over, on a cluster with SSL on (as Debian's are), where a
//! connection still being made at exit crashed them about one run in four;
//! and the server, stopped the moment it says it listens.

use std::os::unix::process::ExitStatusExt;

use crate::helpers::*;
use crate::process::run;

/// Runs per command; a few at a time, so that it stays short.
const RUNS: usize = 50;
const AT_ONCE: usize = 4;
/// Servers started then stopped at once, per backend.
const SERVER_RUNS: usize = 15;

#[actix_web::test]
async fn users_show_keys_list_and_purge_on_postgresql_exit_0_in_every_one_of_50_runs() {
    let cluster = Cluster::start_with_ssl().await;
    let url = cluster.fresh_database();
    // A server migrates the database and makes its first key; a user to show.
    let app = spawn_app_at(&url, |_| {}).await;
    let user = app.new_user().await;
    drop(app);
    let folder = tempfile::tempdir().expect("temporary folder");
    let commands: [&[&str]; 3] = [
        &["users", "show", &user.email],
        &["keys", "list"],
        &["purge"],
    ];
    for command in commands {
        let args: Vec<&str> = command
            .iter()
            .copied()
            .chain(["--database-url", &url])
            .collect();
        let mut crashed = Vec::new();
        for _ in 0..RUNS.div_ceil(AT_ONCE) {
            let runs = (0..AT_ONCE).map(|_| run(folder.path(), &args, &[]));
            for output in futures::future::join_all(runs).await {
                match output.status.code() {
                    Some(0) => assert!(!output.stdout.is_empty(), "{command:?}: {output:?}"),
                    _ => crashed.push(output.status.signal()),
                }
            }
        }
        assert!(
            crashed.is_empty(),
            "sesame {command:?}: {} of {} runs did not exit 0 (signals: {crashed:?})",
            crashed.len(),
            RUNS.div_ceil(AT_ONCE) * AT_ONCE
        );
    }
}

#[actix_web::test]
async fn a_server_sent_sigterm_as_soon_as_it_listens_exits_0_every_time() {
    let cluster = Cluster::start_with_ssl().await;
    let folder = tempfile::tempdir().expect("temporary folder");
    for url in [cluster.fresh_database(), "sesame.db".to_owned()] {
        let args = ["--bind", "127.0.0.1:0", "--database-url", &url];
        for _ in 0..SERVER_RUNS {
            let server = crate::process::Running::start(folder.path(), &args, &[]).await;
            let (status, log) = server.terminate().await;
            assert_eq!(status.code(), Some(0), "{url}: {status:?}\n{log}");
        }
    }
}
