//! TOTP codes as an authenticator app computes them, by an implementation
//! that is not sesame's: Python's `pyotp` (Debian's `python3-pyotp`), run
//! as a child process; and the `otpauth://` URI an app is given, taken
//! apart.
//!
//! The server's clock is this machine's, so a test computes the codes of
//! the server's current step and of the steps around it (`now ± 30 s`),
//! never waiting for a step to pass.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use reqwest::Url;
use tokio::process::Command;

const PYTHON: &str = "/usr/bin/python3";
/// One code a line, for each Unix time given after the secret.
const SCRIPT: &str = "import pyotp, sys\n\
totp = pyotp.TOTP(sys.argv[1])\n\
for at in sys.argv[2:]:\n    print(totp.at(int(at)))\n";
/// The step every authenticator app uses (RFC 6238's default).
pub const STEP: u64 = 30;

/// The codes of `secret` (base32) at each Unix time in `times`, in order.
pub async fn totp_codes(secret: &str, times: &[u64]) -> Vec<String> {
    let output = tokio::time::timeout(
        Duration::from_secs(30),
        Command::new(PYTHON)
            .arg("-c")
            .arg(SCRIPT)
            .arg(secret)
            .args(times.iter().map(u64::to_string))
            .kill_on_drop(true)
            .output(),
    )
    .await
    .expect("pyotp answers within 30 s")
    .unwrap_or_else(|e| panic!("{PYTHON} runs (is python3-pyotp installed?): {e}"));
    assert!(
        output.status.success(),
        "pyotp failed (is python3-pyotp installed?): {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let codes: Vec<String> = String::from_utf8(output.stdout)
        .expect("digits")
        .lines()
        .map(str::to_owned)
        .collect();
    assert_eq!(codes.len(), times.len(), "one code per time");
    codes
}

/// The code of `secret` at the Unix time `at`.
pub async fn totp_code(secret: &str, at: u64) -> String {
    totp_codes(secret, &[at]).await.remove(0)
}

/// The Unix time now, in seconds.
pub fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_secs()
}

/// The Unix time now, at least `margin` before the current step ends
/// (waiting for the next step to begin if less is left, so at most
/// `margin`): a test whose codes must stay of the same steps for its
/// whole length starts with it.
pub async fn settled_now(margin: Duration) -> u64 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("after 1970");
    let into_step = Duration::from_millis((now.as_millis() % (u128::from(STEP) * 1000)) as u64);
    let left = Duration::from_secs(STEP) - into_step;
    if left < margin {
        // The next step, a little into it.
        tokio::time::sleep(left + Duration::from_millis(100)).await;
    }
    unix_now()
}

/// An `otpauth://totp/LABEL?…` URI (Google Authenticator's key URI format),
/// taken apart.
#[derive(Debug)]
pub struct OtpauthUri {
    /// `totp` or `hotp`.
    pub kind: String,
    /// The label, percent-decoded: `issuer:account`.
    pub label: String,
    pub secret: Option<String>,
    pub issuer: Option<String>,
    pub algorithm: Option<String>,
    pub digits: Option<String>,
    pub period: Option<String>,
}

impl OtpauthUri {
    pub fn parse(uri: &str) -> OtpauthUri {
        let url = Url::parse(uri).unwrap_or_else(|e| panic!("an otpauth URI ({e}): {uri}"));
        assert_eq!(url.scheme(), "otpauth", "{uri}");
        let param = |name: &str| {
            url.query_pairs()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.into_owned())
        };
        OtpauthUri {
            kind: url.host_str().unwrap_or_default().to_owned(),
            label: percent_decoded(url.path().trim_start_matches('/')),
            secret: param("secret"),
            issuer: param("issuer"),
            algorithm: param("algorithm"),
            digits: param("digits"),
            period: param("period"),
        }
    }
}

/// `%XX` escapes decoded (a label is not a query: `+` stays `+`).
fn percent_decoded(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let escaped = (bytes[i] == b'%')
            .then(|| text.get(i + 1..i + 3))
            .flatten()
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).expect("a UTF-8 label")
}
