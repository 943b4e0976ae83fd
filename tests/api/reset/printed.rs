//! The real binary without --smtp-url: the mail on its standard output, no token in its log.

use super::*;

/// The binary, its stdout and its stderr (the log) each read in full.
struct Printing {
    api: Api,
    child: tokio::process::Child,
    stdout: Arc<Mutex<String>>,
    stderr: Arc<Mutex<String>>,
}

impl Printing {
    async fn start(folder: &tempfile::TempDir, args: &[&str], rust_log: &str) -> Printing {
        let db = folder.path().join("sesame.db");
        let mut child = tokio::process::Command::new(BINARY)
            .args([
                "--bind",
                "127.0.0.1:0",
                "--database-url",
                db.to_str().unwrap(),
                "--bcrypt-cost",
                "4",
            ])
            .args(args)
            .current_dir(folder.path())
            .env_clear()
            .env("RUST_LOG", rust_log)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .expect("the binary starts");
        let stdout = collect(child.stdout.take().expect("stdout"));
        let stderr = collect(child.stderr.take().expect("stderr"));
        let deadline = Instant::now() + Duration::from_secs(30);
        let address = loop {
            let log = stderr.lock().unwrap().clone();
            if let Some((_, rest)) = log.split_once("listening on http://") {
                break rest
                    .split_whitespace()
                    .next()
                    .unwrap_or_default()
                    .to_owned();
            }
            assert!(
                Instant::now() < deadline,
                "no `listening on` line in:\n{log}"
            );
            sleep_ms(20).await;
        };
        Printing {
            api: Api::new(format!("http://{address}")),
            child,
            stdout,
            stderr,
        }
    }

    /// Until `n` whole mails are printed (10 s at most); all of stdout.
    async fn mails_printed(&self, n: usize) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stdout = self.stdout.lock().unwrap().clone();
            if stdout.matches(END_OF_MAIL).count() >= n {
                return stdout;
            }
            assert!(
                Instant::now() < deadline,
                "not {n} mails on stdout within 10 s:\n{stdout}"
            );
            sleep_ms(25).await;
        }
    }

    /// Stops it (SIGKILL) and gives its stdout and stderr.
    async fn kill(mut self) -> (String, String) {
        self.child.kill().await.expect("SIGKILL");
        // What it wrote is read to the end.
        sleep_ms(100).await;
        let stdout = self.stdout.lock().unwrap().clone();
        let stderr = self.stderr.lock().unwrap().clone();
        (stdout, stderr)
    }
}

fn collect(stream: impl AsyncRead + Unpin + Send + 'static) -> Arc<Mutex<String>> {
    let text = Arc::new(Mutex::new(String::new()));
    let into = Arc::clone(&text);
    tokio::spawn(async move {
        let mut lines = BufReader::new(stream).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut text = into.lock().unwrap();
            text.push_str(&line);
            text.push('\n');
        }
    });
    text
}

/// The last line of a printed mail.
const END_OF_MAIL: &str = "======== end of mail ========";

#[actix_web::test]
async fn without_an_smtp_url_the_mail_is_printed_on_stdout_and_never_in_the_log() {
    let folder = tempfile::tempdir().unwrap();
    let server = Printing::start(&folder, &[], "info").await;
    let response = server
        .api
        .register("Ada", "ada@example.com", PASSWORD)
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    // The sign-up's verification mail first.
    server.mails_printed(1).await;
    let response = server.api.forgot_password("ada@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let response = server.api.forgot_password("nobody@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);

    let stdout = server.mails_printed(2).await;
    let link = reset_link_in(&stdout);
    // The default public address of a loopback bind: localhost, its port.
    let port = server.api.origin().rsplit(':').next().expect("a port");
    assert!(
        link.starts_with(&format!("http://localhost:{port}/password/reset?token=")),
        "{link}"
    );
    let token = token_of(&link);
    // The link works (and following it logs nothing of it either).
    let page = open_link(&server.api, &link).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let (stdout, log) = server.kill().await;

    assert!(
        stdout.contains("======== mail (no --smtp-url: printed here, not sent) ========"),
        "{stdout}"
    );
    assert!(
        stdout.contains("From: sesame <no-reply@localhost>"),
        "{stdout}"
    );
    assert!(stdout.contains("To: ada@example.com\n"), "{stdout}");
    assert!(
        stdout.contains("Subject: Reset your sesame password"),
        "{stdout}"
    );
    assert!(
        stdout.contains("-------- the same, as HTML --------"),
        "{stdout}"
    );
    assert_eq!(
        stdout.matches(END_OF_MAIL).count(),
        2,
        "the verification mail and the reset mail, none for the unknown email: {stdout}"
    );
    assert!(!stdout.contains("nobody@example.com"), "{stdout}");

    let said = log
        .lines()
        .find(|l| l.contains("no --smtp-url"))
        .unwrap_or_else(|| panic!("the log does not say `no --smtp-url`:\n{log}"));
    assert!(said.contains("standard output"), "{said}");
    assert!(said.contains("INFO"), "{said}");
    assert!(!log.contains(&token), "the token is in the log:\n{log}");
    assert!(!log.contains("Reset your sesame password"), "{log}");
    assert!(!log.contains("======== mail"), "{log}");
}

#[actix_web::test]
async fn no_reset_token_reaches_the_log_even_at_trace_level_and_a_failed_send_is_logged() {
    let smtp = SmtpServer::start_failing_first(1).await;
    let folder = tempfile::tempdir().unwrap();
    let server = Printing::start(&folder, &["--smtp-url", &smtp.url()], "trace").await;
    let api = &server.api;
    let response = api.register("Ada", "ada@example.com", PASSWORD).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let response = api.forgot_password("ada@example.com").await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let mail = smtp
        .next_mail_to("ada@example.com", Duration::from_secs(30))
        .await;
    let token = mail.token();

    // Every place the token travels: the link, the page, the reset, and
    // the reset again (refused).
    let page = open_link(api, &mail.link()).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.html);
    let headers = Headers::new().cookie(&page.forms_cookie());
    let response = api.reset_page("/password/reset", headers).await;
    assert_eq!(response.status(), StatusCode::OK);
    let response = api.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let response = api.reset_password(&token, NEW_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    let (stdout, log) = server.kill().await;

    assert!(
        log.contains("GET /password/reset"),
        "the access log is on: {log}"
    );
    assert!(!log.contains(&token), "the token is in the log");
    assert!(!log.contains(NEW_PASSWORD), "the password is in the log");
    assert!(
        !stdout.contains(&token),
        "with --smtp-url nothing is printed"
    );
    // The refused first attempt is in the log, as a warning or an error.
    assert!(
        log.lines()
            .any(|l| (l.contains("WARN") || l.contains("ERROR"))
                && l.to_lowercase().contains("mail")),
        "no logged failure:\n{log}"
    );
}
