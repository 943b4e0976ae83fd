//! The admin console: who gets in (`access`), what an admin does and may
//! not do to themselves (`actions`), finding users (`search`).

mod access;
mod actions;
mod events;
mod hostile;
mod search;
