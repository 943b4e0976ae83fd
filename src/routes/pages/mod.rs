//! The HTML pages a browser asks for (the forms they post are under
//! `routes::auth`, and the profile's revoke button here).

pub mod home;
pub mod login;
pub mod profile;
pub mod register;
pub mod revoke;
