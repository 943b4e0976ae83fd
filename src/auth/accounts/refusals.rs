//! How a refused sign-in or a limit is answered, each with its audit line
//! (and a limit's refusal counted, by the action it limits).

use crate::auth::audit::Audit;
use crate::auth::limits::Refusal;
use crate::domain::{Client, Device};
use crate::error::{retry_after_secs, AppError};
use crate::metrics::Metrics;

/// 401, with its audit line.
pub(super) fn sign_in_failed(
    audit: &Audit,
    user: Option<&str>,
    email: &crate::domain::Email,
    client: &Client,
) -> AppError {
    let address = client.address_text();
    let device = Device::of_user_agent(client.user_agent());
    let mut fields: Vec<(&str, &dyn std::fmt::Display)> = Vec::new();
    if let Some(user) = &user {
        fields.push(("user", user));
    }
    let email = email.as_str();
    fields.extend([
        ("email", &email as &dyn std::fmt::Display),
        ("ip", &address),
        ("device", &device),
    ]);
    audit.event("sign_in_failed", &fields);
    AppError::InvalidCredentials
}

/// 403 for a disabled account's right password (or passkey, or second
/// step), with its audit line.
pub(super) fn account_disabled(
    audit: &Audit,
    user: Option<&str>,
    email: Option<&crate::domain::Email>,
    address: &str,
) -> AppError {
    let mut fields: Vec<(&str, &dyn std::fmt::Display)> = Vec::new();
    if let Some(user) = &user {
        fields.push(("user", user));
    }
    let email = email.map(|e| e.as_str());
    if let Some(email) = &email {
        fields.push(("email", email));
    }
    fields.push(("ip", &address));
    audit.event("sign_in_refused_disabled", &fields);
    AppError::AccountDisabled
}

/// 429, with its audit line (or 503 when the shared limits cannot be reached).
pub(in crate::auth) fn rate_limited(
    audit: &Audit,
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
    audit.event("rate_limited", &fields);
    AppError::TooManyAttempts { retry_after }
}
