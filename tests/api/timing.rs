//! No user enumeration by timing: an unknown email costs the same bcrypt
//! work as a wrong password.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

/// The service at this bcrypt cost, with limits out of the way of many
/// failed logins in a row.
async fn spawn_timed(cost: u32) -> TestApp {
    spawn_app_with(|s| {
        s.bcrypt_cost = cost;
        s.login_max_failures = 1000;
        s.login_max_failures_per_ip = 1000;
    })
    .await
}

#[actix_web::test]
async fn an_unknown_email_takes_as_long_as_a_wrong_password() {
    let _cpu = cpu_to_myself().await;
    // Cost 10: each check takes tens of milliseconds, far above the noise of
    // a database lookup, so a missing bcrypt call would halve the time.
    let app = spawn_timed(10).await;
    let user = app.new_user().await;
    // Warm up both paths (the dummy hash is computed once, at start).
    app.login("nobody@example.com", "a wrong password").await;
    app.login(&user.email, "a wrong password").await;

    assert_unknown_costs_what_known_costs(&app, &user.email, 9).await;
}

/// Median times of `rounds` failed logins for an unknown email and for
/// `known`, taken in turns, within × 0.6–1.6 of each other.
async fn assert_unknown_costs_what_known_costs(app: &TestApp, known: &str, rounds: usize) {
    assert_costs_within(app, known, rounds, 0.6..=1.6).await;
}

async fn assert_costs_within(
    app: &TestApp,
    known: &str,
    rounds: usize,
    band: std::ops::RangeInclusive<f64>,
) {
    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        let started = Instant::now();
        let response = app.login("nobody@example.com", "a wrong password").await;
        unknown.push(started.elapsed());
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let started = Instant::now();
        let response = app.login(known, "a wrong password").await;
        wrong.push(started.elapsed());
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let (unknown, wrong) = (median(unknown), median(wrong));
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        band.contains(&ratio),
        "unknown email {unknown:?} vs wrong password {wrong:?} (ratio {ratio:.2})"
    );
}

/// The stored password hash of the account with this email.
fn stored_hash(app: &TestApp, email: &str) -> String {
    #[derive(diesel::QueryableByName)]
    struct Hash {
        #[diesel(sql_type = diesel::sql_types::Text)]
        password_hash: String,
    }
    app.database()
        .row::<Hash>(&format!(
            "SELECT password_hash FROM users WHERE email = '{email}'"
        ))
        .password_hash
}

#[actix_web::test]
async fn after_a_cost_change_unknown_emails_cost_what_stored_hashes_cost_and_sign_in_rehashes() {
    let _cpu = cpu_to_myself().await;
    let app = spawn_timed(10).await;
    let user = app.new_user().await;
    assert!(stored_hash(&app, &user.email).starts_with("$2b$10$"));
    // The server now hashes at cost 4; the account's hash is still at 10.
    let app = app.restart_with(|s| s.bcrypt_cost = 4).await;
    sleep_ms(500).await; // it looks at the stored costs at start
    app.login("nobody@example.com", "a wrong password").await;
    assert_unknown_costs_what_known_costs(&app, &user.email, 7).await;
    // The right password: signed in, and the hash is made again at cost 4.
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    assert!(stored_hash(&app, &user.email).starts_with("$2b$04$"));
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
    // Rehashed, it still costs what the costliest stored hash costs: which
    // accounts signed in since the change cannot be told by timing.
    assert_unknown_costs_what_known_costs(&app, &user.email, 7).await;
}

#[actix_web::test]
async fn a_hash_one_cost_step_below_the_highest_is_padded_to_its_cost() {
    let _cpu = cpu_to_myself().await;
    let app = spawn_timed(11).await;
    app.new_user().await; // the costliest stored hash: 11
    let app = app.restart_with(|s| s.bcrypt_cost = 10).await;
    let cheaper = app.new_user().await; // hashed at 10
    sleep_ms(1000).await; // the dummy at 11 is made at start
    app.login("nobody@example.com", "a wrong password").await;
    // One check at 10 alone would be half of one at 11; padded with a dummy
    // at 10 it is the same; padded with one at 11 it would be × 1.5.
    assert_costs_within(&app, &cheaper.email, 7, 0.75..=1.33).await;
}

/// Forgot does the same work whether or not the account exists: the median
/// answer times over 300 requests of each, taken in turns (the order
/// swapped each round, so each follows the other's mail work as often).
#[actix_web::test]
async fn forgot_answers_an_existing_email_as_fast_as_an_unknown_one() {
    let _cpu = cpu_to_myself().await;
    let smtp = SmtpServer::start().await;
    let app = spawn_app_with(|s| {
        smtp.configure(s);
        s.login_max_failures = 100_000;
        s.login_max_failures_per_ip = 100_000;
    })
    .await;
    let user = app.new_user().await;
    let unknown = "nobody@example.com";
    let timed = |email: &str| {
        let (app, email) = (&app, email.to_owned());
        async move {
            let started = Instant::now();
            let response = app.forgot_password(&email).await;
            let took = started.elapsed();
            assert_eq!(response.status(), StatusCode::ACCEPTED);
            took
        }
    };
    for _ in 0..20 {
        timed(&user.email).await;
        timed(unknown).await;
    }
    // A difference of the paths shows in every measurement; a neighbour's
    // burst of work (the suite runs tests side by side) in one at most, so
    // a second measurement is allowed.
    let mut measured = Vec::new();
    for _ in 0..2 {
        let (mut known_times, mut unknown_times) = (Vec::new(), Vec::new());
        for round in 0..300 {
            if round % 2 == 0 {
                known_times.push(timed(&user.email).await);
                unknown_times.push(timed(unknown).await);
            } else {
                unknown_times.push(timed(unknown).await);
                known_times.push(timed(&user.email).await);
            }
        }
        let (known, unknown) = (median(known_times), median(unknown_times));
        let ratio = known.as_secs_f64() / unknown.as_secs_f64();
        println!("forgot medians over 300 pairs: existing email {known:?}, unknown {unknown:?} (ratio {ratio:.3})");
        if (0.9..=1.1).contains(&ratio) {
            return;
        }
        measured.push(format!(
            "existing email {known:?} vs unknown {unknown:?} (ratio {ratio:.3})"
        ));
    }
    panic!("forgot's answer times differ: {measured:?}");
}
