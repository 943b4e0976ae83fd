//! `/auth/*`: the endpoints that take JSON or a form.

pub mod login;
pub mod logout;
pub mod logout_all;
pub mod refresh;
pub mod register;
