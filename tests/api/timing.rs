//! No user enumeration by timing: an unknown email costs the same bcrypt
//! work as a wrong password.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[actix_web::test]
async fn an_unknown_email_takes_as_long_as_a_wrong_password() {
    // Cost 10: each check takes tens of milliseconds, far above the noise of
    // a database lookup, so a missing bcrypt call would halve the time.
    let app = spawn_app_with(|s| {
        s.bcrypt_cost = 10;
        s.login_max_failures = 1000;
        s.login_max_failures_per_ip = 1000;
    })
    .await;
    let user = app.new_user().await;
    // Warm up both paths (the dummy hash is computed once, at start).
    app.login("nobody@example.com", "a wrong password").await;
    app.login(&user.email, "a wrong password").await;

    let (mut unknown, mut wrong) = (Vec::new(), Vec::new());
    for _ in 0..9 {
        let started = Instant::now();
        let response = app.login("nobody@example.com", "a wrong password").await;
        unknown.push(started.elapsed());
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);

        let started = Instant::now();
        let response = app.login(&user.email, "a wrong password").await;
        wrong.push(started.elapsed());
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let (unknown, wrong) = (median(unknown), median(wrong));
    let ratio = unknown.as_secs_f64() / wrong.as_secs_f64();
    assert!(
        (0.6..=1.6).contains(&ratio),
        "unknown email {unknown:?} vs wrong password {wrong:?} (ratio {ratio:.2})"
    );
}
