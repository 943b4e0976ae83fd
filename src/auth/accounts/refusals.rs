//! How a refused sign-in or a limit is answered, each with its audit line
//! (and a limit's refusal counted, by the action it limits).

use crate::auth::audit;
use crate::auth::limits::Refusal;
use crate::domain::Client;
use crate::error::{retry_after_secs, AppError};
use crate::metrics::Metrics;

/// 401, with its audit line.
pub(super) fn sign_in_failed(email: &crate::domain::Email, address: &str) -> AppError {
    audit::event(
        "sign_in_failed",
        &[("email", &email.as_str()), ("ip", &address)],
    );
    AppError::InvalidCredentials
}

/// 429, with its audit line (or 503 when the shared limits cannot be reached).
pub(in crate::auth) fn rate_limited(
    metrics: &Metrics,
    action: &str,
    email: Option<&str>,
    client: &Client,
    refusal: Refusal,
) -> AppError {
    let retry_after = match refusal {
        Refusal::Wait(wait) => wait,
        Refusal::Unavailable(error) => return error,
    };
    metrics.limit_refused(action);
    let (address, wait) = (client.address_text(), retry_after_secs(retry_after));
    let mut fields: Vec<(&str, &dyn std::fmt::Display)> = vec![("action", &action)];
    if let Some(email) = &email {
        fields.push(("email", email));
    }
    fields.extend([
        ("ip", &address as &dyn std::fmt::Display),
        ("retry_after_s", &wait),
    ]);
    audit::event("rate_limited", &fields);
    AppError::TooManyAttempts { retry_after }
}
