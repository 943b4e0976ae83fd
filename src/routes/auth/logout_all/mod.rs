//! `POST /auth/logout-all`: ends every session of the signed-in user.
//!
//! Signed in means a valid access token; failing that, the session's current
//! refresh token also proves it (`Sessions::owner`), so the button works on
//! a page whose access token expired a moment ago.

pub mod form;
pub mod json;
