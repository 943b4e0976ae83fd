//! What sesame counts for Prometheus, served on `--metrics-bind` alone.
//!
//! One `Metrics` per server, with a registry of its own (not the crate's
//! global one): several servers in one process (the tests) never share a
//! count. It is cheap to clone (an `Arc`) and travels with the `Db` handle
//! every owner holds already (`Db::metrics`), so each event is counted where
//! it happens. Every label takes few values: a route is the pattern that
//! matched, never the path a stranger typed.

mod families;
mod requests;
#[cfg(test)]
mod tests;
mod writes;

use std::sync::Arc;

use prometheus::{Encoder, TextEncoder};

pub use families::BcryptMetrics;
use families::Families;
pub use writes::WriteMetrics;

/// The counters and histograms of one server.
#[derive(Clone)]
pub struct Metrics {
    families: Arc<Families>,
}

/// What is counted at scrape time, read from the database.
#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    pub mail_outbox: i64,
    pub sessions_alive: i64,
}

impl Metrics {
    pub fn new() -> Self {
        Metrics {
            families: Arc::new(Families::new()),
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
