//! bcrypt work is bounded: a login flood does not starve other requests.

use std::time::{Duration, Instant};

use reqwest::StatusCode;

use crate::helpers::*;

#[actix_web::test]
async fn api_me_keeps_answering_while_16_clients_hammer_login() {
    let _cpu = cpu_to_myself().await;
    let app = spawn_app_with(|s| {
        s.bcrypt_cost = 10;
        s.login_max_failures = 1_000_000;
        s.login_max_failures_per_ip = 1_000_000;
    })
    .await;
    let user = app.new_user().await;
    let storm_for = Duration::from_secs(4);

    let storm = (0..16).map(|n| {
        let (api, email) = (app.with_own_connections(), user.email.clone());
        async move {
            let started = Instant::now();
            let mut statuses = Vec::new();
            while started.elapsed() < storm_for {
                let password = if n % 2 == 0 {
                    PASSWORD
                } else {
                    "a wrong password"
                };
                let response = api.login(&email, password).await;
                statuses.push(response.status());
            }
            statuses
        }
    });
    let storm = futures::future::join_all(storm);

    let probe = async {
        sleep_ms(300).await; // let the storm build up
        let mut latencies = Vec::new();
        let started = Instant::now();
        while started.elapsed() < storm_for - Duration::from_millis(500) {
            let sent = Instant::now();
            let response = app.me(&user.access_token).await;
            latencies.push(sent.elapsed());
            assert_eq!(
                response.status(),
                StatusCode::OK,
                "/api/me during the storm"
            );
            sleep_ms(50).await;
        }
        latencies
    };
    let (storm, mut latencies) = futures::join!(storm, probe);

    latencies.sort();
    let worst = *latencies.last().unwrap();
    assert!(
        latencies.len() >= 10,
        "only {} probes answered",
        latencies.len()
    );
    assert!(
        worst < Duration::from_secs(2),
        "slowest /api/me took {worst:?}: {latencies:?}"
    );
    let logins: Vec<StatusCode> = storm.into_iter().flatten().collect();
    assert!(logins.contains(&StatusCode::OK), "some logins got through");
    assert!(
        logins.iter().all(|s| [
            StatusCode::OK,
            StatusCode::UNAUTHORIZED,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(s)),
        "no other answer to a login: {logins:?}"
    );
}
