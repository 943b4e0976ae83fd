//! `--metrics-bind`: Prometheus' text on that address only, parsed by
//! Prometheus' own Python client (`prometheus_client.parser`), its counters
//! moving with the requests the public listener answers.

use std::collections::HashMap;
use std::process::Stdio;
use std::time::Duration;

use reqwest::StatusCode;
use serde::Deserialize;
use tokio::io::AsyncWriteExt;

use crate::helpers::*;
use crate::process::run;

/// Every family the contract names ("Administration", metrics), as the
/// parser names them (a counter without its `_total`).
const FAMILIES: &[&str] = &[
    "sesame_http_request_duration_seconds",
    "sesame_sign_ins",
    "sesame_refreshes",
    "sesame_refresh_reuse_detections",
    "sesame_limit_refusals",
    "sesame_bcrypt_queue_depth",
    "sesame_bcrypt_wait_seconds",
    "sesame_mail_outbox_size",
    "sesame_sessions_alive",
    "sesame_database_errors",
];

/// Debian's Python, where `python3-prometheus-client` installs (tests/run.sh).
const PYTHON: &str = "/usr/bin/python3";

/// The parser's view of a scrape: each family's type and samples.
const PARSE: &str = r#"
import json, sys
from prometheus_client.parser import text_string_to_metric_families
print(json.dumps({
    f.name: {"type": f.type, "samples": [[s.name, s.labels, s.value] for s in f.samples]}
    for f in text_string_to_metric_families(sys.stdin.read())
}))
"#;

#[derive(Deserialize)]
struct Family {
    #[serde(rename = "type")]
    kind: String,
    samples: Vec<(String, HashMap<String, String>, f64)>,
}

pub(crate) struct Scraped(HashMap<String, Family>);

impl Scraped {
    /// The value of sample `name` whose labels include `labels`; 0 if none.
    pub(crate) fn value(&self, name: &str, labels: &[(&str, &str)]) -> f64 {
        self.0
            .values()
            .flat_map(|family| &family.samples)
            .filter(|(sample, of, _)| {
                sample == name
                    && labels
                        .iter()
                        .all(|(k, v)| of.get(*k).map(String::as_str) == Some(v))
            })
            .map(|(_, _, value)| *value)
            .sum()
    }
}

pub(crate) fn with_metrics(settings: &mut sesame::config::Settings) {
    settings.metrics_bind = Some("127.0.0.1:0".into());
}

/// `GET /metrics` on the app's metrics address, parsed.
pub(crate) async fn scrape(app: &TestApp) -> Scraped {
    let address = app.metrics_address.expect("a metrics address");
    let response = reqwest::get(format!("http://{address}/metrics"))
        .await
        .expect("the metrics answer");
    assert_eq!(response.status(), StatusCode::OK);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert!(
        content_type.starts_with("text/plain; version=0.0.4"),
        "{content_type}"
    );
    parse(&response.text().await.unwrap()).await
}

async fn parse(text: &str) -> Scraped {
    let mut python = tokio::process::Command::new(PYTHON)
        .args(["-c", PARSE])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .unwrap_or_else(|e| panic!("{PYTHON} runs (is python3-prometheus-client installed?): {e}"));
    let mut stdin = python.stdin.take().unwrap();
    stdin.write_all(text.as_bytes()).await.unwrap();
    drop(stdin);
    let output = tokio::time::timeout(Duration::from_secs(30), python.wait_with_output())
        .await
        .expect("the parser answers within 30 s")
        .unwrap();
    assert!(
        output.status.success(),
        "the parser refused the scrape: {}\n{text}",
        String::from_utf8_lossy(&output.stderr)
    );
    Scraped(serde_json::from_slice(&output.stdout).expect("the parser's JSON"))
}

#[actix_web::test]
async fn every_contract_family_is_served_in_prometheus_text_format() {
    let app = spawn_app_with(with_metrics).await;
    let user = app.new_user().await;
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);

    let scraped = scrape(&app).await;
    for family in FAMILIES {
        assert!(scraped.0.contains_key(*family), "{family} missing");
    }
    assert_eq!(
        scraped.0["sesame_http_request_duration_seconds"].kind,
        "histogram"
    );
    assert_eq!(scraped.0["sesame_sign_ins"].kind, "counter");
    assert_eq!(scraped.0["sesame_sessions_alive"].kind, "gauge");
    assert!(scraped.value("sesame_sessions_alive", &[]) >= 1.0);
    // sign-up's bcrypt job waited, however briefly, and none waits now.
    assert!(scraped.value("sesame_bcrypt_wait_seconds_count", &[]) >= 1.0);
    assert_eq!(scraped.value("sesame_bcrypt_queue_depth", &[]), 0.0);
}

#[actix_web::test]
async fn sign_ins_refreshes_reuse_limits_and_requests_move_their_counters() {
    let app = spawn_app_with(|settings| {
        with_metrics(settings);
        settings.reuse_grace = Duration::ZERO;
        settings.login_max_failures = 2;
    })
    .await;
    let user = app.new_user().await;
    let before = scrape(&app).await;
    let sign_ins = |scraped: &Scraped, result| {
        scraped.value(
            "sesame_sign_ins_total",
            &[("method", "password"), ("result", result)],
        )
    };

    let wrong = app.login(&user.email, "not the password").await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
    let right = app.login(&user.email, PASSWORD).await;
    assert_eq!(right.status(), StatusCode::OK);
    let signed_in = TestUser::from_sign_in(&user.email, right).await;
    let refreshed = app.refresh_with_body(&signed_in.refresh_token).await;
    assert_eq!(refreshed.status(), StatusCode::OK);
    let replayed = app.refresh_with_body(&signed_in.refresh_token).await;
    assert_eq!(replayed.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(app.me(&user.access_token).await.status(), StatusCode::OK);
    // Wrong passwords for another email until the limit answers 429.
    let mut refused = false;
    for _ in 0..5 {
        let answer = app.login("nobody@example.com", "not the password").await;
        if answer.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = true;
            break;
        }
    }
    assert!(refused, "the login limit never answered 429");

    let after = scrape(&app).await;
    assert_eq!(
        sign_ins(&after, "success") - sign_ins(&before, "success"),
        1.0
    );
    assert!(sign_ins(&after, "failure") - sign_ins(&before, "failure") >= 2.0);
    assert_eq!(
        sign_ins(&after, "limited") - sign_ins(&before, "limited"),
        1.0
    );
    let refreshes =
        |scraped: &Scraped, result| scraped.value("sesame_refreshes_total", &[("result", result)]);
    assert_eq!(
        refreshes(&after, "success") - refreshes(&before, "success"),
        1.0
    );
    assert_eq!(
        refreshes(&after, "refused") - refreshes(&before, "refused"),
        1.0
    );
    assert_eq!(
        after.value("sesame_refresh_reuse_detections_total", &[])
            - before.value("sesame_refresh_reuse_detections_total", &[]),
        1.0
    );
    assert_eq!(
        after.value("sesame_limit_refusals_total", &[("action", "login")])
            - before.value("sesame_limit_refusals_total", &[("action", "login")]),
        1.0
    );
    let me = |scraped: &Scraped| {
        scraped.value(
            "sesame_http_request_duration_seconds_count",
            &[("route", "/api/me"), ("status", "200")],
        )
    };
    assert_eq!(me(&after) - me(&before), 1.0);
    assert!(
        after.value(
            "sesame_http_request_duration_seconds_count",
            &[("route", "/auth/login"), ("status", "401")],
        ) >= 2.0
    );
}

#[actix_web::test]
async fn a_strangers_paths_are_counted_as_unmatched_not_as_labels() {
    let app = spawn_app_with(with_metrics).await;
    let raw = reqwest::get(format!("{}/no/such/path-7f3a", app.origin()))
        .await
        .unwrap();
    assert_eq!(raw.status(), StatusCode::NOT_FOUND);

    let address = app.metrics_address.unwrap();
    let text = reqwest::get(format!("http://{address}/metrics"))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(!text.contains("7f3a"), "{text}");
    assert!(
        parse(&text).await.value(
            "sesame_http_request_duration_seconds_count",
            &[("route", "unmatched"), ("status", "404")],
        ) >= 1.0
    );
}

#[actix_web::test]
async fn metrics_on_the_public_port_are_the_ordinary_404() {
    let app = spawn_app_with(with_metrics).await;
    let metrics = reqwest::get(format!("{}/metrics", app.origin()))
        .await
        .unwrap();
    let elsewhere = reqwest::get(format!("{}/no-such-page", app.origin()))
        .await
        .unwrap();
    assert_eq!(metrics.status(), StatusCode::NOT_FOUND);
    assert_eq!(metrics.status(), elsewhere.status());
    assert!(!metrics.text().await.unwrap().contains("sesame_"));
    // And the metrics listener serves nothing but GET /metrics.
    let address = app.metrics_address.unwrap();
    let other = reqwest::get(format!("http://{address}/api/me"))
        .await
        .unwrap();
    assert_eq!(other.status(), StatusCode::NOT_FOUND);
    let posted = reqwest::Client::new()
        .post(format!("http://{address}/metrics"))
        .send()
        .await
        .unwrap();
    assert_eq!(posted.status(), StatusCode::NOT_FOUND);
}

#[actix_web::test]
async fn without_the_setting_nothing_listens_for_metrics() {
    let app = spawn_app().await;
    assert_eq!(app.settings.metrics_bind, None);
    assert_eq!(app.metrics_address, None);
}

#[actix_web::test]
async fn a_bad_metrics_bind_exits_2_with_one_line_naming_the_flag() {
    let folder = tempfile::tempdir().unwrap();
    for (args, env) in [
        (vec!["--metrics-bind", "not an address"], vec![]),
        (vec![], vec![("SESAME_METRICS_BIND", "localhost")]),
    ] {
        let output = run(folder.path(), &args, &env).await;
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?} {env:?}: {stderr}");
        // clap's message goes on with the usage; its first line names the flag.
        let first = stderr.lines().next().unwrap_or_default();
        assert!(first.contains("--metrics-bind"), "{stderr}");
    }
}
