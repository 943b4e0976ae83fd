//! Extractors: everything a handler needs from a request, read in one
//! place: bodies, tokens, who is signed in, the client, the forms' session.

pub mod body;
mod client;
pub mod form;
mod signed_in;
mod tokens;

pub use body::{Json, OptionalJson};
pub use form::{CsrfForm, FormFields, FormSession, ProfileButton};
pub use signed_in::{MaybeSignedIn, SignedIn, SignedInOrApp};
pub use tokens::{bearer_token, PresentedTokens};
