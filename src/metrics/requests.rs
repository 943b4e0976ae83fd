//! The request histogram, with each (route, status) pair's handle kept:
//! after the first request of a pair, timing one is a read lock, two map
//! lookups and the histogram's own atomic adds, no label hashing of the
//! crate's. Routes are the app's patterns and statuses a few dozen
//! numbers, so the map stays small whatever strangers request.

use std::collections::HashMap;
use std::sync::{Arc, PoisonError, RwLock};

use prometheus::{Histogram, HistogramVec};

pub(super) struct Requests {
    family: HistogramVec,
    handles: RwLock<HashMap<Arc<str>, HashMap<u16, Histogram>>>,
}

impl Requests {
    pub(super) fn new(family: HistogramVec) -> Self {
        Requests {
            family,
            handles: RwLock::default(),
        }
    }

    /// The kept route whose pattern is this very path (a static route's
    /// path is its own pattern; a path equal to any kept pattern matches
    /// it), without walking the app's routes to match it again.
    pub(super) fn known_route(&self, path: &str) -> Option<Arc<str>> {
        let handles = self.handles.read().unwrap_or_else(PoisonError::into_inner);
        handles
            .get_key_value(path)
            .map(|(route, _)| Arc::clone(route))
    }

    pub(super) fn observe(&self, route: &str, status: u16, seconds: f64) {
        {
            let handles = self.handles.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(histogram) = handles.get(route).and_then(|of| of.get(&status)) {
                histogram.observe(seconds);
                return;
            }
        }
        self.first_of(route, status).observe(seconds);
    }

    /// The handle of a pair not seen yet, made and kept.
    fn first_of(&self, route: &str, status: u16) -> Histogram {
        let histogram = self
            .family
            .with_label_values(&[route, status.to_string().as_str()]);
        self.handles
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(route.into())
            .or_default()
            .insert(status, histogram.clone());
        histogram
    }
}
