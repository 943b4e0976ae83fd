//! What the form session keeps while an app's authorization request waits
//! for the user to sign in again (`prompt=login`, `max_age`): which request
//! (its fingerprint) and when it sent them to the sign-in page. Encrypted
//! and signed with the rest of the form session: the browser can drop it
//! (and is asked again) but not make one up.

use serde::{Deserialize, Serialize};

use super::FormSession;
use crate::clock::Millis;
use crate::error::AppError;

#[derive(Serialize, Deserialize)]
struct SignInTrip {
    request: String,
    sent_at: Millis,
}

const TRIP_KEY: &str = "oauth_sign_in_trip";

impl FormSession {
    /// Remembers that `request` sent the user to sign in again at `sent_at`
    /// (one request at a time: the last one wins).
    pub fn keep_sign_in_trip(&self, request: &str, sent_at: Millis) -> Result<(), AppError> {
        let trip = SignInTrip {
            request: request.to_owned(),
            sent_at,
        };
        self.0
            .insert(TRIP_KEY, trip)
            .map_err(|e| AppError::unexpected(e.to_string()))
    }

    /// When `request` sent the user to sign in again, if it did.
    pub fn sign_in_trip(&self, request: &str) -> Option<Millis> {
        let trip = self.0.get::<SignInTrip>(TRIP_KEY).ok().flatten()?;
        (trip.request == request).then_some(trip.sent_at)
    }

    pub fn forget_sign_in_trip(&self) {
        self.0.remove(TRIP_KEY);
    }
}
