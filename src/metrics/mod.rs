//! What sesame counts for Prometheus, served on `--metrics-bind` alone.
//!
//! One `Metrics` per server, with a registry of its own (not the crate's
//! global one): several servers in one process (the tests) never share a
//! count. It is cheap to clone (an `Arc`) and travels with the `Db` handle
//! every owner holds already (`Db::metrics`), so each event is counted where
//! it happens. Every label takes few values: a route is the pattern that
//! matched, never the path a stranger typed.

mod requests;
mod writes;

use std::sync::Arc;

use prometheus::{
    Encoder, Histogram, HistogramOpts, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
    TextEncoder,
};

use requests::Requests;
pub use writes::WriteMetrics;

/// The counters and histograms of one server.
#[derive(Clone)]
pub struct Metrics {
    families: Arc<Families>,
}

struct Families {
    registry: Registry,
    requests: Requests,
    sign_ins: IntCounterVec,
    refreshes: IntCounterVec,
    reuse_detections: IntCounter,
    limit_refusals: IntCounterVec,
    bcrypt: BcryptMetrics,
    mail_outbox: IntGauge,
    sessions_alive: IntGauge,
    database_errors: IntCounter,
    writes: WriteMetrics,
}

/// The bcrypt pool's: how many jobs wait, and how long each waited.
#[derive(Clone)]
pub struct BcryptMetrics {
    pub queue_depth: IntGauge,
    pub wait: Histogram,
}

/// What is counted at scrape time, read from the database.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    pub mail_outbox: i64,
    pub sessions_alive: i64,
}

/// Waits and latencies in seconds: from a tenth of a millisecond (a cached
/// `/api/me`) to ten seconds (a request waiting for its turn).
const SECONDS_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

impl Metrics {
    pub fn new() -> Self {
        let registry = Registry::new();
        let families = Families {
            requests: Requests::new(histogram_vec(
                &registry,
                "sesame_http_request_duration_seconds",
                "Time to answer an HTTP request on the public listener, by route pattern and status.",
                &["route", "status"],
            )),
            sign_ins: counter_vec(
                &registry,
                "sesame_sign_ins_total",
                "Sign-in attempts, by method (password, passkey, second_factor) and result.",
                &["method", "result"],
            ),
            refreshes: counter_vec(
                &registry,
                "sesame_refreshes_total",
                "Refresh-token presentations, by result (success, refused, reused, error).",
                &["result"],
            ),
            reuse_detections: register(
                &registry,
                IntCounter::new(
                    "sesame_refresh_reuse_detections_total",
                    "Rotated refresh tokens presented again: each ends its session.",
                ),
            ),
            limit_refusals: counter_vec(
                &registry,
                "sesame_limit_refusals_total",
                "Requests refused by a limit (429), by the action refused.",
                &["action"],
            ),
            bcrypt: BcryptMetrics {
                queue_depth: register(
                    &registry,
                    IntGauge::new(
                        "sesame_bcrypt_queue_depth",
                        "bcrypt jobs waiting for a thread.",
                    ),
                ),
                wait: register(
                    &registry,
                    Histogram::with_opts(
                        HistogramOpts::new(
                            "sesame_bcrypt_wait_seconds",
                            "Time a bcrypt job waited in the queue before a thread took it.",
                        )
                        .buckets(SECONDS_BUCKETS.to_vec()),
                    ),
                ),
            },
            mail_outbox: register(
                &registry,
                IntGauge::new(
                    "sesame_mail_outbox_size",
                    "Mail waiting in the outbox to be sent (at scrape time).",
                ),
            ),
            sessions_alive: register(
                &registry,
                IntGauge::new(
                    "sesame_sessions_alive",
                    "Sessions neither revoked nor expired (at scrape time).",
                ),
            ),
            database_errors: register(
                &registry,
                IntCounter::new(
                    "sesame_database_errors_total",
                    "Database queries that failed unexpectedly (not a refusal, not busy).",
                ),
            ),
            writes: WriteMetrics::register(&registry),
            registry,
        };
        families.start_at_zero();
        Metrics {
            families: Arc::new(families),
        }
    }

    /// One answered request: `route` is the matched pattern or `unmatched`.
    /// The route a request to `path` is timed under, if that is known
    /// from the path alone (`/api/me`): see `Requests::known_route`.
    pub fn known_route(&self, path: &str) -> Option<std::sync::Arc<str>> {
        self.families.requests.known_route(path)
    }

    pub fn request(&self, route: &str, status: u16, seconds: f64) {
        self.families.requests.observe(route, status, seconds);
    }

    /// A sign-in attempt's outcome.
    pub fn sign_in(&self, method: &str, result: &str) {
        self.families
            .sign_ins
            .with_label_values(&[method, result])
            .inc();
    }

    /// A refresh's outcome.
    pub fn refresh(&self, result: &str) {
        self.families.refreshes.with_label_values(&[result]).inc();
    }

    /// A rotated refresh token presented again.
    pub fn reuse_detected(&self) {
        self.families.reuse_detections.inc();
    }

    /// A request refused by a limit (429): `action` is what it tried
    /// (`login`, `register`, `forgot`, `change_password`…).
    pub fn limit_refused(&self, action: &str) {
        self.families
            .limit_refusals
            .with_label_values(&[action])
            .inc();
    }

    /// A query that failed unexpectedly.
    pub fn database_error(&self) {
        self.families.database_errors.inc();
    }

    /// The commits and the writes they held.
    pub fn writes(&self) -> WriteMetrics {
        self.families.writes.clone()
    }

    /// The bcrypt pool's gauge and histogram.
    pub fn bcrypt(&self) -> BcryptMetrics {
        self.families.bcrypt.clone()
    }

    /// Every family in Prometheus' text format, with the gauges read at
    /// scrape time set first.
    pub fn render(&self, gauges: Gauges) -> String {
        let families = &self.families;
        families.mail_outbox.set(gauges.mail_outbox);
        families.sessions_alive.set(gauges.sessions_alive);
        let mut text = Vec::new();
        // Writing to a Vec fails only on a malformed family, which ours are not.
        if let Err(error) = TextEncoder::new().encode(&families.registry.gather(), &mut text) {
            log::error!("cannot encode the metrics: {error}");
        }
        String::from_utf8(text).unwrap_or_default()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics::new()
    }
}

/// The label values every scrape shows from the start, at 0, so that a
/// rate over them works before the first event (others appear when seen).
const SIGN_IN_METHODS: &[&str] = &["password", "passkey", "second_step"];
const SIGN_IN_RESULTS: &[&str] = &[
    "success",
    "failure",
    "limited",
    "unverified",
    "busy",
    "error",
];
const REFRESH_RESULTS: &[&str] = &["success", "refused", "busy", "error"];
const LIMITED_ACTIONS: &[&str] = &["login", "register", "forgot", "second_factor"];

impl Families {
    fn start_at_zero(&self) {
        for method in SIGN_IN_METHODS {
            for result in SIGN_IN_RESULTS {
                self.sign_ins.with_label_values(&[method, result]);
            }
        }
        self.sign_ins
            .with_label_values(&["password", "second_factor_asked"]);
        for result in REFRESH_RESULTS {
            self.refreshes.with_label_values(&[result]);
        }
        for action in LIMITED_ACTIONS {
            self.limit_refusals.with_label_values(&[action]);
        }
    }
}

/// Registers `metric` in `registry`; names are constants, unique here.
fn register<M: prometheus::core::Collector + Clone + 'static>(
    registry: &Registry,
    metric: prometheus::Result<M>,
) -> M {
    let metric = metric.expect("a valid metric name and help");
    registry
        .register(Box::new(metric.clone()))
        .expect("each metric registered once");
    metric
}

fn counter_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> IntCounterVec {
    register(registry, IntCounterVec::new(Opts::new(name, help), labels))
}

fn histogram_vec(
    registry: &Registry,
    name: &str,
    help: &str,
    labels: &[&str],
) -> prometheus::HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(SECONDS_BUCKETS.to_vec());
    register(registry, prometheus::HistogramVec::new(opts, labels))
}

#[cfg(test)]
mod tests {
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
}
