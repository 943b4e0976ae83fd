//! Mail over TLS, with a login, to a real SMTP server (aiosmtpd) whose
//! certificate a throwaway CA signed (`tests/smtp/certs.sh`). The binary
//! runs as a process so that it alone trusts that CA, through
//! `SSL_CERT_FILE` (read with the system's CA store).

use std::path::Path;
use std::time::Duration;

use reqwest::StatusCode;
use tempfile::TempDir;

use crate::helpers::*;
use crate::process::Running;

const USER: &str = "mailer@example.com";
const SECRET: &str = "p@ss word/s3cret";
/// `USER` and `SECRET` as a URL's user part.
const CREDENTIALS: &str = "mailer%40example.com:p%40ss%20word%2Fs3cret";

/// A CA and a server certificate for 127.0.0.1 in a new folder.
async fn certificates() -> TempDir {
    let folder = tempfile::tempdir().unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/certs.sh");
    let made = tokio::process::Command::new("bash")
        .arg(script)
        .arg(folder.path())
        .status()
        .await
        .expect("bash runs");
    assert!(made.success(), "tests/smtp/certs.sh failed");
    folder
}

fn file(folder: &TempDir, name: &str) -> String {
    folder.path().join(name).display().to_string()
}

/// The binary with `--smtp-url url`, trusting `ca` if given.
async fn sesame(folder: &Path, url: &str, ca: Option<&str>) -> Running {
    let db = folder.join("sesame.db").display().to_string();
    let args = [
        "--bind",
        "127.0.0.1:0",
        "--database-url",
        &db,
        "--bcrypt-cost",
        "4",
        "--smtp-url",
        url,
    ];
    let mut env = vec![("RUST_LOG", "info")];
    if let Some(ca) = ca {
        env.push(("SSL_CERT_FILE", ca));
    }
    Running::start(folder, &args, &env).await
}

/// Registers Ada and asks for her reset link.
async fn ask_for_a_link(server: &Running) {
    let registered = server.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(registered.status(), StatusCode::CREATED);
    let asked = server.forgot_password("ada@example.com").await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);
}

#[actix_web::test]
async fn starttls_with_a_login_delivers_and_the_log_never_shows_the_password() {
    let certs = certificates().await;
    let (cert, key, ca) = (
        file(&certs, "server.pem"),
        file(&certs, "server.key"),
        file(&certs, "ca.pem"),
    );
    let login = format!("{USER}:{SECRET}");
    let smtp = SmtpServer::start_with(&["--starttls", &cert, &key, "--auth", &login]).await;
    let folder = tempfile::tempdir().unwrap();
    let url = format!("smtp://{CREDENTIALS}@127.0.0.1:{}", smtp.port());
    let server = sesame(folder.path(), &url, Some(&ca)).await;
    ask_for_a_link(&server).await;
    let mail = smtp
        .next_mail_to("ada@example.com", Duration::from_secs(15))
        .await;
    assert!(mail.tls, "the mail came in clear");
    assert_eq!(mail.auth_user.as_deref(), Some(USER));
    assert!(mail.link().contains("/password/reset?token="));
    let (_, log) = server.terminate().await;
    assert!(log.contains("mail goes through smtp://"), "{log}");
    for secret in [SECRET, "s3cret", CREDENTIALS] {
        assert!(!log.contains(secret), "the log shows {secret:?}:\n{log}");
    }
}

#[actix_web::test]
async fn smtps_speaks_tls_from_the_first_byte() {
    let certs = certificates().await;
    let (cert, key, ca) = (
        file(&certs, "server.pem"),
        file(&certs, "server.key"),
        file(&certs, "ca.pem"),
    );
    let smtp = SmtpServer::start_with(&["--implicit-tls", &cert, &key]).await;
    let folder = tempfile::tempdir().unwrap();
    let url = format!("smtps://127.0.0.1:{}", smtp.port());
    let server = sesame(folder.path(), &url, Some(&ca)).await;
    ask_for_a_link(&server).await;
    let mail = smtp
        .next_mail_to("ada@example.com", Duration::from_secs(15))
        .await;
    assert!(mail.tls);
    drop(server);
}

#[actix_web::test]
async fn a_certificate_no_one_trusts_stops_the_mail_rather_than_send_it_in_clear() {
    let certs = certificates().await;
    let (cert, key) = (file(&certs, "server.pem"), file(&certs, "server.key"));
    // STARTTLS offered, not required: a sender that gave up on TLS and went
    // on in clear would be accepted, and the test would see its mail.
    let smtp = SmtpServer::start_with(&["--starttls", &cert, &key, "--allow-plain"]).await;
    let folder = tempfile::tempdir().unwrap();
    // The test CA is not in the system's store.
    let server = sesame(folder.path(), &smtp.url(), None).await;
    ask_for_a_link(&server).await;
    smtp.no_mail_to("ada@example.com", Duration::from_secs(3))
        .await;
    let (_, log) = server.terminate().await;
    assert!(
        log.contains("a password_reset mail to a recipient at example.com failed"),
        "{log}"
    );
    assert!(!log.contains("token="), "{log}");
}
