//! `/api/*`: JSON, access token required.

pub mod admin;
pub mod me;
mod me_body;
pub mod passkeys;
pub mod sessions;
