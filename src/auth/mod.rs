//! The domain rules of accounts, sessions and tokens. No HTTP here: routes
//! call these with parsed input and turn the results into answers.
//!
//! Two owners: `Sessions` (every session and refresh-token row, the tokens,
//! the in-memory session cache) and `Accounts` (users, passwords, the login
//! limits), which opens and ends sessions through `Sessions`; and
//! `PasswordResets` (reset links by mail), which ends them likewise; and
//! `SignInAlerts` (the alert mail and its "this wasn't me" link, which
//! ends one session through `Sessions`).

pub mod access_token;
mod accounts;
mod addresses;
mod admin;
pub(crate) mod audit;
pub mod factors;
mod generations;
pub mod keys;
mod limits;
mod link_token;
pub mod oidc;
pub mod outbox;
pub mod password;
mod profile;
pub mod refresh_token;
mod resets;
mod retry_pause;
mod scrape;
mod sessions;
mod sign_in_alerts;
pub mod signing_keys;
mod takeover_links;
pub mod users;

pub(crate) use accounts::set_disabled;
pub use accounts::{
    Accounts, LoginStep, PasskeyChallenge, PasskeyInfo, PendingPasskey, Registered, SecondStep,
    TotpEnrolment, MAX_PASSKEYS,
};
pub use addresses::{Addresses, OpenedChange};
pub use admin::{
    is_admin, Administration, EventsPage, UserDetail, UsersPage, EVENTS_PER_PAGE, USERS_PER_PAGE,
};
pub use audit::{Audit, AuditEvent, EventFilter, StoredEvent};
pub use limits::LimitStore;
pub use link_token::LinkToken;
pub use profile::Profile;
pub use resets::PasswordResets;
pub use scrape::Scrape;
pub use sessions::{
    AppSession, AppSessionFacts, Ending, FromMemory, Principal, Purged, Sessions, SignIn,
};
pub use sign_in_alerts::SignInAlerts;
