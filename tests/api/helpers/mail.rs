//! Mail: a real SMTP server for the service to send to (`SmtpServer`, the
//! aiosmtpd script in `tests/smtp/server.py`, one per test) and the mail it
//! received (`ReceivedMail`).

use std::process::Stdio;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde::Deserialize;
use sesame::config::{Settings, SmtpUrl};
use tokio::io::{AsyncBufReadExt, AsyncRead, BufReader};
use tokio::process::{Child, Command};

/// The script, run by Debian's Python (which has `python3-aiosmtpd`).
const SCRIPT: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/smtp/server.py");
const PYTHON: &str = "/usr/bin/python3";

/// One message the SMTP server accepted, as its JSON line gives it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReceivedMail {
    /// `MAIL FROM`
    pub envelope_from: String,
    /// `RCPT TO`, each
    pub rcpt_tos: Vec<String>,
    /// The headers, decoded.
    pub from: Option<String>,
    pub to: Option<String>,
    pub subject: Option<String>,
    /// The decoded text/plain part.
    pub text: Option<String>,
    /// The decoded text/html part.
    pub html: Option<String>,
    /// The message's top-level content type.
    pub content_type: String,
    /// Whether it came over TLS (STARTTLS or smtps).
    #[serde(default)]
    pub tls: bool,
    /// Who logged in to send it, if anyone did.
    #[serde(default)]
    pub auth_user: Option<String>,
}

/// Where the reset link's path starts, in a mail or an address bar.
const RESET_PATH: &str = "/password/reset?token=";
/// Where the verification link's path starts.
const VERIFY_PATH: &str = "/email/verify?token=";

impl ReceivedMail {
    /// The text part, which every mail of sesame's has.
    pub fn text(&self) -> &str {
        self.text.as_deref().expect("a text/plain part")
    }

    /// The reset link in the text part: `http…/password/reset?token=…`.
    pub fn link(&self) -> String {
        reset_link_in(self.text())
    }

    /// The reset link's token.
    pub fn token(&self) -> String {
        token_of(&self.link())
    }

    /// The verification link in the text part: `http…/email/verify?token=…`.
    pub fn verify_link(&self) -> String {
        link_in(self.text(), VERIFY_PATH)
    }

    /// The verification link's token.
    pub fn verify_token(&self) -> String {
        let link = self.verify_link();
        let (_, token) = link.split_once(VERIFY_PATH).expect("a verification link");
        token.to_owned()
    }

    /// Whether it is the mail with an address's verification link (sent
    /// at every sign-up).
    fn is_verification(&self) -> bool {
        self.text
            .as_deref()
            .is_some_and(|text| text.contains(VERIFY_PATH))
    }
}

/// The first reset link (`http…/password/reset?token=…`) in `text`.
pub fn reset_link_in(text: &str) -> String {
    link_in(text, RESET_PATH)
}

/// The first link to `path` (`/…?token=`) in `text`, with its origin.
fn link_in(text: &str, path: &str) -> String {
    let at = text
        .find(path)
        .unwrap_or_else(|| panic!("no {path}… link in:\n{text}"));
    let start = text[..at]
        .rfind("http")
        .unwrap_or_else(|| panic!("the link has no http… origin:\n{text}"));
    let origin = &text[start..at];
    assert!(
        !origin.contains(char::is_whitespace),
        "the link is broken across lines: {origin:?}"
    );
    let token_at = at + path.len();
    let token_len = text[token_at..]
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .unwrap_or(text.len() - token_at);
    text[start..token_at + token_len].to_owned()
}

/// The token of a reset link.
pub fn token_of(link: &str) -> String {
    let (_, token) = link
        .split_once(RESET_PATH)
        .unwrap_or_else(|| panic!("not a reset link: {link}"));
    token.to_owned()
}

/// What the script printed, shared with the task that reads it.
#[derive(Default)]
struct Received {
    /// Mails not yet taken by `next_mail_to`, but the verification mails.
    mails: Vec<ReceivedMail>,
    /// The verification mails every sign-up sends, apart: they are taken by
    /// `next_verification_to` only, so a test about other mail (a reset)
    /// waits for its own.
    verifications: Vec<ReceivedMail>,
    /// Its standard error, for the failure messages.
    stderr: String,
    /// The RCPT TO it refused (`--refuse-domain`): the address, and when.
    refused: Vec<(String, Instant)>,
    /// Its standard output ended: it exited.
    ended: bool,
}

/// The test SMTP server, on 127.0.0.1 at a free port; stopped when dropped.
pub struct SmtpServer {
    port: u16,
    received: Arc<Mutex<Received>>,
    _child: Child,
}

impl SmtpServer {
    /// An SMTP server that accepts every message.
    pub async fn start() -> SmtpServer {
        SmtpServer::start_failing_first(0).await
    }

    /// One that answers the first `n` messages' DATA with 451 (try again
    /// later), and accepts the others.
    pub async fn start_failing_first(n: u32) -> SmtpServer {
        SmtpServer::spawn(n, Duration::ZERO).await
    }

    /// One that takes `delay` to answer each message's DATA.
    pub async fn start_slow(delay: Duration) -> SmtpServer {
        SmtpServer::spawn(0, delay).await
    }

    /// One that answers RCPT TO for an address at `domain` with 450 (try
    /// again later), and accepts the others.
    pub async fn start_refusing(domain: &str) -> SmtpServer {
        SmtpServer::start_with(&["--refuse-domain", domain]).await
    }

    /// When each RCPT TO `email` was refused (`start_refusing`), so far.
    pub fn refusals_of(&self, email: &str) -> Vec<Instant> {
        let received = self.received.lock().unwrap();
        received
            .refused
            .iter()
            .filter(|(to, _)| to.eq_ignore_ascii_case(email))
            .map(|(_, at)| *at)
            .collect()
    }

    /// How many RCPT TO it has refused, to anyone.
    pub fn refusals(&self) -> usize {
        self.received.lock().unwrap().refused.len()
    }

    /// Every mail arrived and not yet taken, but verification mails.
    pub fn untaken(&self) -> Vec<ReceivedMail> {
        self.received.lock().unwrap().mails.clone()
    }

    /// One started with more of the script's options (`--starttls CERT
    /// KEY`, `--implicit-tls CERT KEY`, `--auth USER:PASSWORD`).
    pub async fn start_with(options: &[&str]) -> SmtpServer {
        SmtpServer::spawn_with(0, Duration::ZERO, options).await
    }

    async fn spawn(fail_first: u32, delay: Duration) -> SmtpServer {
        SmtpServer::spawn_with(fail_first, delay, &[]).await
    }

    async fn spawn_with(fail_first: u32, delay: Duration, options: &[&str]) -> SmtpServer {
        let mut child = Command::new(PYTHON)
            .arg(SCRIPT)
            .args(["--port", "0"])
            .args(["--fail-first", &fail_first.to_string()])
            .args(["--delay-ms", &delay.as_millis().to_string()])
            .args(options)
            // Its stdin is held open while it runs: it stops when the pipe
            // closes, even if the test process dies without killing it.
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .kill_on_drop(true)
            .spawn()
            .unwrap_or_else(|e| panic!("{PYTHON} {SCRIPT} starts: {e}"));
        let received = Arc::new(Mutex::new(Received::default()));
        let mut stdout = BufReader::new(child.stdout.take().expect("stdout")).lines();
        collect_stderr(child.stderr.take().expect("stderr"), &received);
        let first = tokio::time::timeout(Duration::from_secs(20), stdout.next_line())
            .await
            .expect("the SMTP server starts within 20 s")
            .expect("its stdout is readable");
        let port = first
            .as_deref()
            .and_then(|line| line.strip_prefix("listening "))
            .and_then(|port| port.trim().parse().ok())
            .unwrap_or_else(|| {
                // Let it write its error before showing it.
                std::thread::sleep(Duration::from_millis(200));
                panic!(
                    "the SMTP server did not say `listening <port>` but {first:?}; \
                     its stderr:\n{}",
                    received.lock().unwrap().stderr
                )
            });
        let shared = Arc::clone(&received);
        tokio::spawn(async move {
            while let Ok(Some(line)) = stdout.next_line().await {
                let mut received = shared.lock().unwrap();
                match serde_json::from_str(&line) {
                    Ok(mail) => {
                        let mail: ReceivedMail = mail;
                        if mail.is_verification() {
                            received.verifications.push(mail);
                        } else {
                            received.mails.push(mail);
                        }
                    }
                    Err(e) => {
                        let unread = format!("(a stdout line not read as a mail: {e}: {line})\n");
                        received.stderr.push_str(&unread);
                    }
                }
            }
            shared.lock().unwrap().ended = true;
        });
        SmtpServer {
            port,
            received,
            _child: child,
        }
    }

    /// `smtp://127.0.0.1:PORT`, as `--smtp-url` takes it.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// The port it listens on (127.0.0.1).
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Points a service's settings at this server.
    pub fn configure(&self, settings: &mut Settings) {
        settings.smtp_url = Some(SmtpUrl::parse(&self.url()).expect("the test SMTP URL parses"));
    }

    /// The next mail to `email` (its envelope's recipient) but verification
    /// mails, taken from what arrived; fails the test if none arrives
    /// within `timeout`.
    pub async fn next_mail_to(&self, email: &str, timeout: Duration) -> ReceivedMail {
        self.next_of(email, timeout, false).await
    }

    /// The next verification mail to `email`, taken from what arrived.
    pub async fn next_verification_to(&self, email: &str, timeout: Duration) -> ReceivedMail {
        self.next_of(email, timeout, true).await
    }

    /// Asserts that no verification mail to `email` arrives within `wait`.
    pub async fn no_verification_to(&self, email: &str, wait: Duration) {
        tokio::time::sleep(wait).await;
        if let Some(mail) = self.take(email, true) {
            panic!("a verification mail to {email} arrived: {mail:#?}");
        }
    }

    async fn next_of(&self, email: &str, timeout: Duration, verification: bool) -> ReceivedMail {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(mail) = self.take(email, verification) {
                return mail;
            }
            {
                let received = self.received.lock().unwrap();
                assert!(
                    !received.ended,
                    "the SMTP server exited:\n{}",
                    received.stderr
                );
                assert!(
                    Instant::now() < deadline,
                    "no mail to {email} within {timeout:?}; the SMTP server's stderr:\n{}",
                    received.stderr
                );
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// Asserts that no mail to `email` but verification mails arrives
    /// within `wait` (nor has arrived untaken before).
    pub async fn no_mail_to(&self, email: &str, wait: Duration) {
        tokio::time::sleep(wait).await;
        if let Some(mail) = self.take(email, false) {
            panic!("a mail to {email} arrived: {mail:#?}");
        }
    }

    fn take(&self, email: &str, verification: bool) -> Option<ReceivedMail> {
        let mut received = self.received.lock().unwrap();
        let mails = if verification {
            &mut received.verifications
        } else {
            &mut received.mails
        };
        let at = mails.iter().position(|mail| {
            mail.rcpt_tos
                .iter()
                .any(|to| to.eq_ignore_ascii_case(email))
        })?;
        Some(mails.remove(at))
    }
}

fn collect_stderr(stderr: impl AsyncRead + Unpin + Send + 'static, into: &Arc<Mutex<Received>>) {
    let into = Arc::clone(into);
    tokio::spawn(async move {
        let mut lines = BufReader::new(stderr).lines();
        while let Ok(Some(line)) = lines.next_line().await {
            let mut received = into.lock().unwrap();
            let refused = line
                .strip_prefix("refused RCPT <")
                .and_then(|rest| rest.split_once('>'));
            if let Some((to, _)) = refused {
                received.refused.push((to.to_owned(), Instant::now()));
            }
            received.stderr.push_str(&line);
            received.stderr.push('\n');
        }
    });
}
