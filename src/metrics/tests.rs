//! One server's metrics, apart from another's, and what a scrape shows.

use super::*;

#[test]
fn two_servers_in_one_process_count_apart() {
    let (one, two) = (Metrics::new(), Metrics::new());
    one.sign_in("password", "success");
    let gauges = Gauges {
        mail_outbox: 0,
        sessions_alive: 0,
    };
    assert!(one
        .render(gauges)
        .contains("sesame_sign_ins_total{method=\"password\",result=\"success\"} 1"));
    assert!(!two.render(gauges).contains("result=\"success\"} 1"));
}

#[test]
fn a_timed_route_is_known_by_its_own_path_alone() {
    let metrics = Metrics::new();
    assert!(metrics.known_route("/api/me").is_none());
    metrics.request("/api/me", 200, 0.001);
    metrics.request("/api/passkeys/{id}", 204, 0.001);
    assert_eq!(metrics.known_route("/api/me").as_deref(), Some("/api/me"));
    assert!(metrics.known_route("/api/passkeys/a").is_none());
}

#[test]
fn every_family_has_help_text() {
    let metrics = Metrics::new();
    metrics.request("/api/me", 200, 0.001);
    let text = metrics.render(Gauges {
        mail_outbox: 2,
        sessions_alive: 3,
    });
    assert!(text.contains("# HELP sesame_http_request_duration_seconds "));
    assert!(text.contains("sesame_mail_outbox_size 2"));
    assert!(text.contains("sesame_sessions_alive 3"));
}
