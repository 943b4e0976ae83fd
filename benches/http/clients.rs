//! What the load generator's connections send to sesame.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use bytes::Bytes;
use http_body_util::Full;
use hyper::{Request, StatusCode};
use serde_json::{json, Value};

use crate::load::{request, Client};
use crate::PASSWORD;

/// Sends the same request every time (`me`, the baseline, `login`).
pub struct Same {
    method: &'static str,
    path: &'static str,
    bearer: Option<String>,
    json: Option<String>,
}

impl Same {
    /// `GET /api/me` with an access token.
    pub fn me(token: &str) -> Same {
        Same {
            method: "GET",
            path: "/api/me",
            bearer: Some(token.to_owned()),
            json: None,
        }
    }

    /// `GET /auth/verify` with an access token, as a reverse proxy asks.
    pub fn verify(token: &str) -> Same {
        Same {
            method: "GET",
            path: "/auth/verify",
            bearer: Some(token.to_owned()),
            json: None,
        }
    }

    /// `GET /api/me` without a token, as the plain Actix handler is asked.
    pub fn baseline() -> Same {
        Same {
            method: "GET",
            path: "/api/me",
            bearer: None,
            json: None,
        }
    }

    /// `POST /auth/login` with the right password: every request runs bcrypt.
    pub fn login(email: &str) -> Same {
        Same {
            method: "POST",
            path: "/auth/login",
            bearer: None,
            json: Some(json!({"email": email, "password": PASSWORD}).to_string()),
        }
    }
}

impl Same {
    /// `POST /auth/password/forgot` for `email`: a reset link is asked for.
    pub fn forgot(email: &str) -> Same {
        Same {
            method: "POST",
            path: "/auth/password/forgot",
            bearer: None,
            json: Some(json!({ "email": email }).to_string()),
        }
    }
}

impl Client for Same {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        let json = self.json.clone();
        request(self.method, host, self.path, self.bearer.as_deref(), json)
    }
}

/// One `me` client per access token, each on its own connection.
pub fn me_each(tokens: &[String]) -> Vec<Same> {
    tokens.iter().map(|t| Same::me(t)).collect()
}

/// One `verify` client per access token, each on its own connection.
pub fn verify_each(tokens: &[String]) -> Vec<Same> {
    tokens.iter().map(|t| Same::verify(t)).collect()
}

/// `count` connections signing `email` in, over and over.
pub fn logins(email: &str, count: usize) -> Vec<Same> {
    (0..count).map(|_| Same::login(email)).collect()
}

/// Always presents the newest refresh token it got: every request rotates.
pub struct Refresher(pub String);

impl Client for Refresher {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        request(
            "POST",
            host,
            "/auth/refresh",
            None,
            Some(json!({ "refreshToken": self.0 }).to_string()),
        )
    }
    fn answered(&mut self, status: StatusCode, body: &[u8]) {
        let token = serde_json::from_slice::<Value>(body)
            .ok()
            .and_then(|b| b["refreshToken"].as_str().map(str::to_owned));
        match token {
            Some(token) if status == StatusCode::OK => self.0 = token,
            _ => panic!("a rotation failed ({status}): the benchmark would measure errors"),
        }
    }
}

/// How many answers had each status, over all of a run's connections.
#[derive(Default)]
pub struct Tally {
    pub unauthorized: AtomicU64,
    pub too_many: AtomicU64,
    pub busy: AtomicU64,
    pub other: AtomicU64,
}

/// Wrong-password sign-ins, each for an email no one used before
/// (`guess{n}@example.com` for n in `next..end`); done after the last.
pub struct Guesser {
    next: u64,
    end: u64,
    tally: Arc<Tally>,
}

/// `total` guesses shared out over `count` connections, counted in `tally`.
pub fn guessers(total: u64, count: u64, tally: &Arc<Tally>) -> Vec<Guesser> {
    (0..count)
        .map(|i| Guesser {
            next: total * i / count,
            end: total * (i + 1) / count,
            tally: Arc::clone(tally),
        })
        .collect()
}

impl Client for Guesser {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>> {
        let email = format!("guess{}@example.com", self.next);
        self.next += 1;
        let json = json!({"email": email, "password": "wrong password 123"});
        request("POST", host, "/auth/login", None, Some(json.to_string()))
    }
    fn answered(&mut self, status: StatusCode, _body: &[u8]) {
        let counter = match status {
            StatusCode::UNAUTHORIZED => &self.tally.unauthorized,
            StatusCode::TOO_MANY_REQUESTS => &self.tally.too_many,
            StatusCode::SERVICE_UNAVAILABLE => &self.tally.busy,
            _ => &self.tally.other,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }
    fn done(&self) -> bool {
        self.next >= self.end
    }
}
