//! The token endpoint (sesame as an OpenID Connect provider) beside
//! sesame's own `refresh`: the refresh grant rotates an app's session as
//! `/auth/refresh` rotates sesame's (the same durable write, plus client
//! authentication and an RS256 ID token), and a code's exchange opens an
//! app's session (one write, like a sign-in without bcrypt). Measured
//! alternately with `/auth/refresh` over as many connections.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use base64::Engine;
use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, StatusCode};
use serde_json::Value;

use super::refresh::rotations;
use super::{alternately, percent, summary, Row, CONNECTIONS};
use crate::load::{drive, Client, KeepAlive, Stats};
use crate::setup::sessions;

const REDIRECT_URI: &str = "https://bench.example/callback";
/// A PKCE pair (RFC 7636 appendix B).
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

pub(super) struct App {
    basic: String,
    id: String,
}

/// `None` for a binary without `sesame clients` (an older build).
pub async fn measure(
    sesame: SocketAddr,
    database: &Path,
    email: &str,
    seconds: Duration,
) -> Option<Vec<Row>> {
    let app = register(database, &[])?;
    let eddsa = register(database, &["--id-token-alg", "EdDSA"])?;
    let access = sessions(sesame, email, 1, "accessToken").await.remove(0);
    let mut connection = KeepAlive::open(sesame).await;
    let (grants, own) =
        refresh_grants(sesame, &mut connection, &access, &app, email, seconds).await?;
    let refresh_ratio = grants.throughput() / own.throughput();
    println!(
        "refresh grant (RS256) {} | own refresh {}",
        summary(&grants),
        summary(&own)
    );
    // The same with an EdDSA app: what the RSA signature costs.
    let (ed_grants, ed_own) =
        refresh_grants(sesame, &mut connection, &access, &eddsa, email, seconds).await?;
    let ed_ratio = ed_grants.throughput() / ed_own.throughput();
    println!(
        "refresh grant (EdDSA) {} | own refresh {}",
        summary(&ed_grants),
        summary(&ed_own)
    );
    let signature = rs256_signature();
    println!(
        "RS256 signature alone: {:.0} µs on one core; the machine's time per own refresh: {:.0} µs",
        signature.as_secs_f64() * 1e6,
        machine_time_per(&own).as_secs_f64() * 1e6
    );
    // Code exchanges: codes made first (they work 60 s), then exchanged.
    let per_connection = ((own.throughput() * seconds.as_secs_f64()) / CONNECTIONS as f64)
        .ceil()
        .clamp(5.0, 400.0) as usize;
    let mut codes = Vec::new();
    for _ in 0..CONNECTIONS {
        let mut mine = Vec::new();
        for _ in 0..per_connection {
            mine.push(authorize(&mut connection, &access, &app).await);
        }
        codes.push(mine);
    }
    let clients = codes.into_iter().map(|c| Grant::codes(&app, c)).collect();
    let exchanges = drive(sesame, clients, seconds).await;
    let exchange_ratio = exchanges.throughput() / own.throughput();
    println!("code exchange {}", summary(&exchanges));
    Some(vec![
        Row {
            name: "`/oauth/token` refresh grant (64 app sessions, RS256 ID token)",
            measured: summary(&grants),
            baseline: format!("sesame's own `refresh`, same run: {}", summary(&own)),
            ratio: percent(refresh_ratio),
            goal: "≥ 90 %",
            met: refresh_ratio >= 0.90 && grants.errors == 0,
        },
        Row {
            name: "`/oauth/token` refresh grant (64 app sessions, EdDSA ID token)",
            measured: summary(&ed_grants),
            baseline: format!("sesame's own `refresh`, same run: {}", summary(&ed_own)),
            ratio: percent(ed_ratio),
            goal: "≥ 90 %",
            met: ed_ratio >= 0.90 && ed_grants.errors == 0,
        },
        Row {
            name: "RS256 signature alone (ring, 2048-bit key, one core)",
            measured: format!("{:.0} µs", signature.as_secs_f64() * 1e6),
            baseline: format!(
                "the machine's time (all cores) per own `refresh`: {:.0} µs",
                machine_time_per(&own).as_secs_f64() * 1e6
            ),
            ratio: percent(signature.as_secs_f64() / machine_time_per(&own).as_secs_f64()),
            goal: "(what RS256 adds)",
            met: true,
        },
        Row {
            name: "`/oauth/token` code exchange (64 connections)",
            measured: summary(&exchanges),
            baseline: format!("sesame's own `refresh`, same run: {}", summary(&own)),
            ratio: percent(exchange_ratio),
            goal: "≥ 90 %",
            met: exchange_ratio >= 0.90 && exchanges.errors == 0,
        },
    ])
}

/// CONNECTIONS sessions of `app`, each rotating its refresh token, measured
/// alternately with sesame's own refresh: (grants, own).
async fn refresh_grants(
    sesame: SocketAddr,
    connection: &mut KeepAlive,
    access: &str,
    app: &App,
    email: &str,
    seconds: Duration,
) -> Option<(Stats, Stats)> {
    let mut tokens = Vec::new();
    for _ in 0..CONNECTIONS {
        let code = authorize(connection, access, app).await;
        let body = exchange(connection, app, &code).await;
        tokens.push(body["refresh_token"].as_str()?.to_owned());
    }
    Some(
        alternately(
            async || {
                let clients: Vec<Grant> = tokens.iter().map(|t| Grant::refresh(app, t)).collect();
                let (stats, next) = drive_keeping(sesame, clients, seconds).await;
                tokens = next;
                stats
            },
            async || rotations(sesame, email, seconds).await,
            Stats::throughput,
        )
        .await,
    )
}

/// What one RS256 ID token's signature costs, as sesame signs it (`ring`,
/// PKCS#1 v1.5 with SHA-256, a 2048-bit key made by the `rsa` crate): the
/// median of 5 rounds of 200 signatures of a token-sized message.
fn rs256_signature() -> Duration {
    use rsa::pkcs8::EncodePrivateKey;
    let key = rsa::RsaPrivateKey::new(&mut rsa::rand_core::OsRng, 2048).expect("an RSA key");
    let der = key.to_pkcs8_der().expect("PKCS#8");
    let pair = ring::signature::RsaKeyPair::from_pkcs8(der.as_bytes()).expect("a ring key");
    let rng = ring::rand::SystemRandom::new();
    let message = [b'x'; 700];
    let mut signature = vec![0; pair.public().modulus_len()];
    let mut rounds: Vec<Duration> = (0..5)
        .map(|_| {
            let started = std::time::Instant::now();
            for _ in 0..200 {
                pair.sign(
                    &ring::signature::RSA_PKCS1_SHA256,
                    &rng,
                    &message,
                    &mut signature,
                )
                .expect("a signature");
            }
            started.elapsed() / 200
        })
        .collect();
    rounds.sort();
    rounds[2]
}

/// The machine's time (all its cores) per request at this throughput.
fn machine_time_per(stats: &Stats) -> Duration {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Duration::from_secs_f64(cores as f64 / stats.throughput())
}

/// `sesame clients add` on the running server's database.
pub(super) fn register(database: &Path, extra: &[&str]) -> Option<App> {
    let output = std::process::Command::new(crate::server::binary())
        .args([
            "clients",
            "add",
            "Bench",
            "--redirect-uri",
            REDIRECT_URI,
            "--skip-consent",
        ])
        .args(extra)
        .arg("--database-url")
        .arg(database)
        .output()
        .ok()?;
    if !output.status.success() {
        println!("token endpoint: skipped, this binary has no `sesame clients`");
        return None;
    }
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = |key: &str| {
        stdout
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .map(|v| v.trim().to_owned())
    };
    let (id, secret) = (line("client_id:")?, line("client_secret:")?);
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{id}:{secret}"));
    Some(App {
        basic: format!("Basic {basic}"),
        id,
    })
}

pub(super) async fn authorize(connection: &mut KeepAlive, access: &str, app: &App) -> String {
    let query = serde_urlencoded::to_string([
        ("response_type", "code"),
        ("client_id", app.id.as_str()),
        ("redirect_uri", REDIRECT_URI),
        ("scope", "openid email offline_access"),
        ("state", "s"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ])
    .expect("a query");
    let request = Request::builder()
        .uri(format!("/oauth/authorize?{query}"))
        .header("host", connection.host.clone())
        .header("cookie", format!("accessToken={access}"))
        .body(Full::new(Bytes::new()))
        .expect("a request");
    let (status, headers, _) = connection.send_for_headers(request).await;
    assert_eq!(status, StatusCode::SEE_OTHER, "authorize");
    let location = headers["location"].to_str().expect("a Location");
    let query = location.split_once('?').expect("a query").1;
    form_urlencoded::parse(query.as_bytes())
        .find(|(name, _)| name == "code")
        .map(|(_, code)| code.into_owned())
        .expect("a code")
}

pub(super) async fn exchange(connection: &mut KeepAlive, app: &App, code: &str) -> Value {
    let grant = Grant::codes(app, vec![code.to_owned()]);
    let mut grant = grant;
    let (status, body) = connection.send(grant.next(&connection.host.clone())).await;
    assert_eq!(status, StatusCode::OK, "code exchange");
    serde_json::from_slice(&body).expect("a token answer")
}

/// One connection's token requests: refresh grants (rotating its app
/// session's token), or code exchanges (one per code, then done).
struct Grant {
    basic: String,
    refresh_token: Option<String>,
    codes: Vec<String>,
}

impl Grant {
    fn refresh(app: &App, token: &str) -> Grant {
        Grant {
            basic: app.basic.clone(),
            refresh_token: Some(token.to_owned()),
            codes: Vec::new(),
        }
    }

    fn codes(app: &App, codes: Vec<String>) -> Grant {
        Grant {
            basic: app.basic.clone(),
            refresh_token: None,
            codes,
        }
    }
}

impl Client for Grant {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        let form = match (&self.refresh_token, self.codes.last()) {
            (Some(token), _) => serde_urlencoded::to_string([
                ("grant_type", "refresh_token"),
                ("refresh_token", token.as_str()),
            ]),
            (None, Some(code)) => serde_urlencoded::to_string([
                ("grant_type", "authorization_code"),
                ("code", code.as_str()),
                ("redirect_uri", REDIRECT_URI),
                ("code_verifier", VERIFIER),
            ]),
            (None, None) => unreachable!("done"),
        }
        .expect("a form");
        Request::builder()
            .method("POST")
            .uri("/oauth/token")
            .header("host", host)
            .header("authorization", self.basic.clone())
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Full::new(Bytes::from(form)))
            .expect("a request")
    }

    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        assert_eq!(
            status,
            StatusCode::OK,
            "a token request failed: the benchmark would measure errors"
        );
        if self.refresh_token.is_some() {
            let next = serde_json::from_slice::<Value>(body)
                .ok()
                .and_then(|b| b["refresh_token"].as_str().map(str::to_owned));
            self.refresh_token = Some(next.expect("a rotated refresh token"));
        } else {
            self.codes.pop();
        }
    }

    fn done(&self) -> bool {
        self.refresh_token.is_none() && self.codes.is_empty()
    }
}

/// Drives refresh grants and gives back each connection's current token.
async fn drive_keeping(
    sesame: SocketAddr,
    clients: Vec<Grant>,
    seconds: Duration,
) -> (Stats, Vec<String>) {
    let shared: Vec<std::sync::Arc<std::sync::Mutex<Grant>>> = clients
        .into_iter()
        .map(|c| std::sync::Arc::new(std::sync::Mutex::new(c)))
        .collect();
    let handles = shared
        .iter()
        .map(|c| Shared(std::sync::Arc::clone(c)))
        .collect();
    let stats = drive(sesame, handles, seconds).await;
    let tokens = shared
        .iter()
        .map(|c| {
            c.lock()
                .expect("a grant")
                .refresh_token
                .clone()
                .expect("a token")
        })
        .collect();
    (stats, tokens)
}

/// A `Grant` the caller keeps a hold of, to read its last token after.
struct Shared(std::sync::Arc<std::sync::Mutex<Grant>>);

impl Client for Shared {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        self.0.lock().expect("a grant").next(host)
    }
    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        self.0.lock().expect("a grant").answered(status, body)
    }
}
