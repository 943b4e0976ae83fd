//! The HTML pages a browser asks for (the forms they post are under
//! `routes::auth`, and the profile's revoke and delete buttons and its
//! change-name form here).

pub mod admin;
pub mod delete;
pub mod email_change;
pub mod email_verify;
pub mod forgot;
pub mod home;
pub mod login;
pub mod name;
pub mod not_me;
pub mod profile;
pub mod register;
pub mod reset;
pub mod revoke;
pub mod second_factor;
pub mod totp;
