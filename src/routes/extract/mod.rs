//! Extractors: everything a handler needs from a request, read in one
//! place: bodies, tokens, who is signed in, the client, the forms' session.

mod admin;
mod admin_query;
pub mod body;
mod client;
pub mod form;
mod signed_in;
mod tokens;

pub use admin::{admin_gate, Admin};
pub use admin_query::AdminQuery;
pub use body::{Json, OptionalJson};
pub use form::{CsrfForm, FormFields, FormSession, ProfileButton};
pub use signed_in::{MaybeSignedIn, SignedIn, SignedInOrApp};
pub use tokens::{bearer_token, PresentedTokens};
