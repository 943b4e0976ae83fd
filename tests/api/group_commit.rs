//! Refreshes of many sessions at once: on SQLite they share commits (one
//! fsync for several rotations), and each is still its own rotation: every
//! answer's token works next, and nothing is answered before its commit.

use std::collections::HashSet;
use std::future::IntoFuture;

use futures::future::join_all;
use reqwest::StatusCode;

use crate::helpers::*;
use crate::metrics::{scrape, with_metrics, Scraped};

const SESSIONS: usize = 32;
/// Rounds of `SESSIONS` refreshes at once, at most, until some shared a
/// commit (the first usually does).
const MAX_ROUNDS: usize = 10;

/// Writes committed beyond one a commit, so far.
fn shared(scraped: &Scraped) -> f64 {
    scraped.value("sesame_database_writes_total", &[])
        - scraped.value("sesame_database_commits_total", &[])
}

#[actix_web::test]
async fn refreshes_of_many_sessions_at_once_share_commits_and_each_rotates() {
    let app = spawn_app_with(with_metrics).await;
    let user = app.new_user().await;
    let mut tokens = Vec::with_capacity(SESSIONS);
    for _ in 0..SESSIONS {
        tokens.push(app.sign_in(&user.email).await.refresh_token);
    }
    let before = scrape(&app).await;
    let writes = |scraped: &Scraped| scraped.value("sesame_database_writes_total", &[]);
    let mut rounds = 0;
    loop {
        rounds += 1;
        let answers = join_all(
            tokens
                .iter()
                .map(|token| app.refresh_with_body(token).into_future()),
        )
        .await;
        let mut next = Vec::with_capacity(SESSIONS);
        for answer in answers {
            assert_eq!(answer.status(), StatusCode::OK);
            let body: SignInBody = answer.json().await.unwrap();
            assert_eq!(app.me(&body.access_token).await.status(), StatusCode::OK);
            next.push(body.refresh_token().to_owned());
        }
        let distinct: HashSet<_> = next.iter().chain(&tokens).collect();
        assert_eq!(distinct.len(), 2 * SESSIONS, "every session rotated once");
        tokens = next;
        let now = scrape(&app).await;
        assert!(writes(&now) - writes(&before) >= (rounds * SESSIONS) as f64);
        let sharing = shared(&now) - shared(&before);
        match app.backend {
            // Each write is its own transaction there (PostgreSQL shares
            // fsyncs between them by itself).
            Backend::Postgres => break,
            Backend::Sqlite if sharing > 0.0 => break,
            Backend::Sqlite => assert!(
                rounds < MAX_ROUNDS,
                "{MAX_ROUNDS} rounds of {SESSIONS} refreshes at once, never a shared commit"
            ),
        }
    }
    // The tokens the last round gave are the ones that work now; the ones
    // before them are spent.
    for token in &tokens {
        assert_eq!(app.refresh_with_body(token).await.status(), StatusCode::OK);
    }
}
