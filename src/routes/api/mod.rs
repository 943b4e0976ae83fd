//! `/api/*`: JSON, access token required.

pub mod admin;
pub mod me;
pub mod passkeys;
pub mod sessions;
