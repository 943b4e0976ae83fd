//! How soon a session ended on one instance is refused by another that
//! remembered it: per trial, B answers the session's access token (200, so
//! it remembers it), A logs the session out, and B is asked again and again
//! until it answers 401; the time from A's answer to B's first 401.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use hyper::StatusCode;
use serde_json::json;

use super::{ms, Row};
use crate::load::{request, KeepAlive};
use crate::setup::sign_ins;

const TRIALS: usize = 200;
/// A trial that waits longer is counted as this long, and fails the row.
const GIVE_UP: Duration = Duration::from_secs(2);

/// `a` and `b` on one database, both listeners connected; `email` has an
/// account there.
pub async fn measure(a: SocketAddr, b: SocketAddr, email: &str) -> Row {
    let signed = sign_ins(a, email, TRIALS).await;
    let (mut to_a, mut to_b) = (KeepAlive::open(a).await, KeepAlive::open(b).await);
    let (mut waits, mut polls) = (Vec::new(), Vec::new());
    for session in &signed {
        let access = session["accessToken"].as_str().expect("an access token");
        let refresh = session["refreshToken"].as_str().expect("a refresh token");
        let me = |to: &KeepAlive| request("GET", &to.host, "/api/me", Some(access), None);
        for _ in 0..2 {
            let asked = Instant::now();
            assert_eq!(to_b.send(me(&to_b)).await.0, StatusCode::OK);
            polls.push(asked.elapsed());
        }
        let body = json!({ "refreshToken": refresh }).to_string();
        let logout = request("POST", &to_a.host, "/auth/logout", None, Some(body));
        assert_eq!(to_a.send(logout).await.0, StatusCode::NO_CONTENT);
        let answered = Instant::now();
        waits.push(loop {
            match to_b.send(me(&to_b)).await.0 {
                StatusCode::UNAUTHORIZED => break answered.elapsed(),
                StatusCode::OK if answered.elapsed() < GIVE_UP => {}
                StatusCode::OK => break GIVE_UP,
                other => panic!("`me` on the other instance answered {other}"),
            }
        });
    }
    waits.sort();
    polls.sort();
    let at = |sorted: &[Duration], p: f64| sorted[((sorted.len() - 1) as f64 * p).round() as usize];
    let (p50, p99, max) = (at(&waits, 0.5), at(&waits, 0.99), at(&waits, 1.0));
    let (poll50, poll99) = (at(&polls, 0.5), at(&polls, 0.99));
    println!(
        "revoked   seen by B after p50 {}, p99 {}, max {} | `me` on B p50 {}, p99 {}",
        ms(p50),
        ms(p99),
        ms(max),
        ms(poll50),
        ms(poll99)
    );
    Row {
        name: "revocation seen by the other instance (logout on A, `me` on B, 200 trials)",
        measured: format!("p50 {}, p99 {}, max {}", ms(p50), ms(p99), ms(max)),
        baseline: format!(
            "one `me` on B (remembered session): p50 {}, p99 {}",
            ms(poll50),
            ms(poll99)
        ),
        ratio: "—".into(),
        goal: "p99 ≤ 50 ms",
        met: p99 <= Duration::from_millis(50) && max < GIVE_UP,
    }
}
