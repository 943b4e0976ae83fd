//! The families one server counts in, each registered once in the server's
//! own registry, and the label values every scrape shows from the start.

use prometheus::{
    Histogram, HistogramOpts, HistogramVec, IntCounter, IntCounterVec, IntGauge, Opts, Registry,
};

use super::requests::Requests;
use super::writes::WriteMetrics;

/// The registry and every family in it.
pub(super) struct Families {
    pub(super) registry: Registry,
    pub(super) requests: Requests,
    pub(super) sign_ins: IntCounterVec,
    pub(super) refreshes: IntCounterVec,
    pub(super) reuse_detections: IntCounter,
    pub(super) limit_refusals: IntCounterVec,
    pub(super) bcrypt: BcryptMetrics,
    pub(super) mail_outbox: IntGauge,
    pub(super) sessions_alive: IntGauge,
    pub(super) database_errors: IntCounter,
    pub(super) writes: WriteMetrics,
}

/// The bcrypt pool's: how many jobs wait, and how long each waited.
#[derive(Clone)]
pub struct BcryptMetrics {
    pub queue_depth: IntGauge,
    pub wait: Histogram,
}

/// Waits and latencies in seconds: from a tenth of a millisecond (a cached
/// `/api/me`) to ten seconds (a request waiting for its turn).
const SECONDS_BUCKETS: &[f64] = &[
    0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5,
    5.0, 10.0,
];

impl Families {
    /// Every family, registered, its usual label values at 0.
    pub(super) fn new() -> Families {
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
        families
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
pub(super) fn register<M: prometheus::core::Collector + Clone + 'static>(
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

fn histogram_vec(registry: &Registry, name: &str, help: &str, labels: &[&str]) -> HistogramVec {
    let opts = HistogramOpts::new(name, help).buckets(SECONDS_BUCKETS.to_vec());
    register(registry, HistogramVec::new(opts, labels))
}
