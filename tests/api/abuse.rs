//! Limits no one can turn against users: per account *and* address, per
//! account across addresses, per address (IPv6 by /64), registrations per
//! address, a fair share of the bcrypt queue per address, and only a wrong
//! password counts. Clients are told apart by `X-Forwarded-For`, which the
//! server believes from the tests' address only because it is made a
//! trusted proxy.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use sesame::config::{Settings, TrustedProxies};

use crate::helpers::*;

fn behind_a_proxy(settings: &mut Settings) {
    settings.trusted_proxies = TrustedProxies::parse("127.0.0.1, ::1").unwrap();
}

fn from(address: &str) -> Headers {
    Headers::new().forwarded_for(address)
}

async fn login_from(app: &TestApp, address: &str, email: &str, password: &str) -> StatusCode {
    app.login_with(from(address), email, password)
        .await
        .status()
}

#[actix_web::test]
async fn a_stranger_guessing_cannot_lock_the_owner_out() {
    let app = spawn_app_with(behind_a_proxy).await;
    let owner = app.new_user().await;
    for _ in 0..5 {
        let status = login_from(&app, "203.0.113.7", &owner.email, "a wrong guess").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    let refused = app
        .login_with(from("203.0.113.7"), &owner.email, PASSWORD)
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        login_from(&app, "198.51.100.20", &owner.email, PASSWORD).await,
        StatusCode::OK,
        "the owner, from another address"
    );
}

#[actix_web::test]
async fn guessing_one_account_from_many_addresses_meets_the_per_account_limit() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.login_max_failures_per_account = 4;
    })
    .await;
    let owner = app.new_user().await;
    for n in 1..=4 {
        let status = login_from(
            &app,
            &format!("203.0.113.{n}"),
            &owner.email,
            "a wrong guess",
        )
        .await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    assert_eq!(
        login_from(&app, "203.0.113.99", &owner.email, "a wrong guess").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn ipv6_clients_are_counted_by_their_64() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.login_max_failures_per_ip = 2;
    })
    .await;
    let wrong = |n: u32, prefix: &'static str| {
        let app = &app;
        async move {
            let email = format!("nobody{n}@example.com");
            login_from(app, &format!("{prefix}::{n}"), &email, "a wrong password").await
        }
    };
    assert_eq!(wrong(1, "2001:db8:1:2").await, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong(2, "2001:db8:1:2").await, StatusCode::UNAUTHORIZED);
    assert_eq!(
        wrong(3, "2001:db8:1:2").await,
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(wrong(4, "2001:db8:1:3").await, StatusCode::UNAUTHORIZED);
}

#[actix_web::test]
async fn a_forwarded_address_is_ignored_unless_the_peer_is_a_trusted_proxy() {
    let app = spawn_app_with(|s| s.login_max_failures_per_ip = 2).await;
    for n in 1..=2 {
        let email = format!("nobody{n}@example.com");
        let status = login_from(&app, &format!("203.0.113.{n}"), &email, "wrong one").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
    }
    // Another forged address does not make a new client.
    assert_eq!(
        login_from(&app, "203.0.113.3", "nobody3@example.com", "wrong one").await,
        StatusCode::TOO_MANY_REQUESTS
    );
}

#[actix_web::test]
async fn registering_is_limited_per_address_whatever_the_outcome() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.register_max_per_ip = 3;
    })
    .await;
    let taken = app.new_user().await;
    let register = |address: &'static str, email: String| {
        let app = &app;
        async move {
            app.register_with(from(address), "Eve", &email, PASSWORD)
                .await
                .status()
        }
    };
    assert_eq!(
        register("203.0.113.5", taken.email.clone()).await,
        StatusCode::CONFLICT
    );
    assert_eq!(
        register("203.0.113.5", "e1@example.com".into()).await,
        StatusCode::CREATED
    );
    assert_eq!(
        register("203.0.113.5", taken.email.clone()).await,
        StatusCode::CONFLICT
    );
    let refused = app
        .register_with(from("203.0.113.5"), "Eve", "e2@example.com", PASSWORD)
        .await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(refused.headers().contains_key("retry-after"));
    assert_eq!(
        register("198.51.100.5", "e3@example.com".into()).await,
        StatusCode::CREATED
    );
}

#[actix_web::test]
async fn a_registration_flood_from_a_few_addresses_does_not_keep_anothers_login_out() {
    let _cpu = cpu_to_myself().await;
    // bcrypt at cost 10 (tens of milliseconds a hash) and no registration
    // limit to speak of: only the fair share of the bcrypt queue protects.
    let app = Arc::new(
        spawn_app_with(|s| {
            behind_a_proxy(s);
            s.bcrypt_cost = 10;
            s.register_max_per_ip = 1_000_000;
        })
        .await,
    );
    let victim = app.new_user().await;
    let victim_done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    // From six addresses: together they could fill the queue many times
    // over; each gets its turns, and so does the victim.
    let flood: Vec<_> = (0..100)
        .map(|n| {
            let (app, taken) = (Arc::clone(&app), victim.email.clone());
            let done = Arc::clone(&victim_done);
            let address = format!("203.0.113.{}", n % 6);
            actix_web::rt::spawn(async move {
                let mut answers = Vec::new();
                while !done.load(std::sync::atomic::Ordering::SeqCst) {
                    let response = app
                        .register_with(from(&address), "Mallory", &taken, PASSWORD)
                        .await;
                    answers.push(response.status());
                }
                answers
            })
        })
        .collect();
    sleep_ms(500).await;
    let started = Instant::now();
    let status = login_from(&app, "198.51.100.1", &victim.email, PASSWORD).await;
    let took = started.elapsed();
    victim_done.store(true, std::sync::atomic::Ordering::SeqCst);
    let mut answers = Vec::new();
    for task in flood {
        answers.extend(task.await.unwrap());
    }
    let busy = answers
        .iter()
        .filter(|s| **s == StatusCode::SERVICE_UNAVAILABLE)
        .count();
    println!(
        "victim's login during a flood of {} registrations ({busy} answered 503): {status} in {took:?}",
        answers.len()
    );
    // The flood went on until the victim was answered: it was answered
    // during the flood, not after it.
    assert_eq!(status, StatusCode::OK, "after {took:?}");
    // Its turn came next, not behind the flood's share of the queue (that
    // took 12 s here, the flood's own client eating the CPU; its turn, 0.5
    // to 2 s). The bound leaves room for a busy test machine.
    assert!(took < Duration::from_secs(10), "{took:?}");
    assert!(busy > 0, "the flood did fill its share");
}

#[actix_web::test]
async fn a_login_answered_503_does_not_count_as_a_failure() {
    let _cpu = cpu_to_myself().await;
    // Cost 12 (a quarter of a second a hash) and one address: a flood of
    // sign-ups holds that address's whole share of the bcrypt queue, so the
    // user's own logins from there are answered 503 meanwhile.
    let app = Arc::new(
        spawn_app_with(|s| {
            s.bcrypt_cost = 12;
            s.login_max_failures = 2;
            s.login_max_failures_per_ip = 2;
            s.register_max_per_ip = 1_000_000;
        })
        .await,
    );
    let user = app.new_user().await;
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let flood: Vec<_> = (0..40)
        .map(|_| {
            let (app, taken, stop) = (Arc::clone(&app), user.email.clone(), Arc::clone(&stop));
            actix_web::rt::spawn(async move {
                while !stop.load(std::sync::atomic::Ordering::SeqCst) {
                    app.register("Mallory", &taken, PASSWORD).await;
                }
            })
        })
        .collect();
    sleep_ms(300).await;
    let mut busy = 0;
    for _ in 0..6 {
        let status = app.login(&user.email, PASSWORD).await.status();
        assert!(
            [StatusCode::SERVICE_UNAVAILABLE, StatusCode::OK].contains(&status),
            "{status}"
        );
        busy += usize::from(status == StatusCode::SERVICE_UNAVAILABLE);
    }
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    for task in flood {
        task.await.unwrap();
    }
    assert!(busy >= 2, "only {busy} of the logins were answered 503");
    // No password was ever wrong: the right one is let in.
    assert_eq!(
        app.login(&user.email, PASSWORD).await.status(),
        StatusCode::OK
    );
}

#[actix_web::test]
async fn several_forwarded_lines_are_one_list_whose_last_hop_counts() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.login_max_failures_per_ip = 1;
    })
    .await;
    // The client wrote the first line itself; the proxy added the second.
    let forged_then_real = Headers::new()
        .forwarded_for("203.0.113.1")
        .forwarded_for("198.51.100.9");
    let first = app
        .login_with(forged_then_real, "nobody1@example.com", "a wrong password")
        .await;
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        login_from(
            &app,
            "198.51.100.9",
            "nobody2@example.com",
            "a wrong password"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "the failure was counted against the real address"
    );
    assert_eq!(
        login_from(
            &app,
            "203.0.113.1",
            "nobody3@example.com",
            "a wrong password"
        )
        .await,
        StatusCode::UNAUTHORIZED
    );
}

#[actix_web::test]
async fn a_forwarded_entry_that_is_not_text_does_not_hide_the_hops_after_it() {
    let app = spawn_app_with(|s| {
        behind_a_proxy(s);
        s.login_max_failures_per_ip = 1;
    })
    .await;
    let mangled = Headers::new().bytes("X-Forwarded-For", b"1.1.1.1\xff, 198.51.100.7");
    let first = app
        .login_with(mangled, "nobody1@example.com", "a wrong password")
        .await;
    assert_eq!(first.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(
        login_from(
            &app,
            "198.51.100.7",
            "nobody2@example.com",
            "a wrong password"
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "counted against the client the proxy saw"
    );
}
