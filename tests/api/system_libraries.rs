//! `cargo run` needs nothing installed first (CONTRACT, "First use"): the
//! binary loads no shared library beyond the C library and the compiler's
//! own, since linking against any other takes its `-dev` package. libpq and
//! the OpenSSL it speaks TLS with are built from source into the binary,
//! and TLS to PostgreSQL still works through them.

use std::time::Duration;

use tokio::process::Command;

use crate::helpers::*;
use crate::process::{run, BINARY};

/// What every machine with a C compiler has: glibc (libc6) and libgcc.
const BASE_SYSTEM: [&str; 9] = [
    "linux-vdso.so",
    "ld-linux",
    "libc.so",
    "libm.so",
    "libgcc_s.so",
    "libpthread.so",
    "libdl.so",
    "librt.so",
    "libutil.so",
];

/// The shared libraries the binary loads, one `ldd` line each.
async fn shared_libraries() -> Vec<String> {
    let output = Command::new("ldd").arg(BINARY).kill_on_drop(true).output();
    let output = tokio::time::timeout(Duration::from_secs(30), output)
        .await
        .expect("ldd answers within 30 s")
        .unwrap_or_else(|error| {
            panic!("cannot run `ldd` ({error}); it comes with the C library (Debian: libc-bin)")
        });
    assert!(output.status.success(), "ldd {BINARY}: {output:?}");
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(|line| line.trim().to_owned())
        .filter(|line| !line.is_empty())
        .collect()
}

#[actix_web::test]
async fn the_binary_loads_no_libpq_nor_openssl_of_the_system() {
    let libraries = shared_libraries().await;
    for name in ["libpq.so", "libssl.so", "libcrypto.so"] {
        assert!(
            !libraries.iter().any(|line| line.contains(name)),
            "{BINARY} loads {name}: {libraries:#?}"
        );
    }
}

#[actix_web::test]
async fn the_binary_loads_only_the_c_library_and_libgcc() {
    let libraries = shared_libraries().await;
    assert!(
        libraries.iter().any(|line| line.contains("libc.so")),
        "ldd did not list the C library: {libraries:#?}"
    );
    let others: Vec<&String> = libraries
        .iter()
        .filter(|line| {
            // `libc.so.6 => /lib/…`, or `/lib64/ld-linux-x86-64.so.2 (0x…)`.
            let path = line.split_whitespace().next().unwrap_or_default();
            let name = path.rsplit('/').next().unwrap_or_default();
            !BASE_SYSTEM.iter().any(|base| name.starts_with(base))
        })
        .collect();
    assert!(
        others.is_empty(),
        "{BINARY} loads more than the base system: {others:#?}"
    );
}

#[actix_web::test]
async fn the_binary_speaks_tls_to_postgresql_when_the_url_says_sslmode_require() {
    let cluster = Cluster::start_with_ssl().await;
    let url = format!("{}?sslmode=require", cluster.fresh_database());
    // A server migrates the database and makes its first key.
    drop(spawn_app_at(&url, |_| {}).await);
    let folder = tempfile::tempdir().expect("temporary folder");
    // A libpq built without TLS refuses `sslmode=require` outright.
    let output = run(
        folder.path(),
        &["keys", "list", "--database-url", &url],
        &[],
    )
    .await;
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    assert!(!output.stdout.is_empty(), "{output:?}");
}
