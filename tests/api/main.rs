//! Black-box tests: each spawns the real service on port 0 with its own
//! database and talks HTTP to it. One binary, so the suite links once.
//!
//! The database is a SQLite file, or with `SESAME_TEST_BACKEND=postgres` a
//! new database in the PostgreSQL cluster at `SESAME_TEST_POSTGRES`
//! (`tests/run.sh` runs the suite both ways; see `helpers::app`).

mod abuse;
mod access_tokens;
mod account;
mod admin;
mod audit;
mod audit_events;
mod binary;
mod cluster;
mod crash;
mod disabled;
mod email;
mod email_change;
mod errors;
mod exit_status;
mod first_use;
mod forms;
mod forward_auth;
mod group_commit;
mod health;
mod helpers;
mod hostile;
mod hostile_2fa;
mod hostile_passkeys;
mod instances;
mod keys;
mod limits;
mod load;
mod login;
mod logout;
mod mail_tls;
mod metrics;
mod oidc;
mod pages;
mod passkeys;
mod process;
mod purge;
mod refresh;
mod register;
mod reset;
mod restart;
mod revocation;
mod roles;
mod second_factor;
mod sessions;
mod sign_in_alerts;
mod storage;
mod system_libraries;
mod timing;
