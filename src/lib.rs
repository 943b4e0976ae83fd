//! sesame: sign-up, sign-in and sign-out for web apps, with short-lived JWT
//! access tokens and rotating refresh tokens over SQLite.

pub mod assets;
pub mod auth;
pub mod clock;
pub mod config;
pub mod db;
pub mod domain;
pub mod error;
pub mod mail;
pub mod metrics;
pub mod offload;
pub mod pages;
pub mod routes;
pub mod startup;
