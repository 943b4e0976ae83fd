//! The audit trail: one line per security event under the log target
//! `sesame::audit`, as `event=<name>` and `key=value` pairs, and the same
//! event kept in the database (`store`, read back by `Audit::list`).
//! Values are ids, emails, addresses and counts: never a token, password
//! or key.

mod event;
mod store;

pub use crate::db::audit_events::StoredEvent;
pub use event::AuditEvent;
pub(crate) use store::insert_in;
pub use store::{Audit, EventFilter};

/// Logs one security event (not stored: `Audit::event` does both).
pub fn event(name: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    log_line(&format!("event={}", event::one_word(name)), fields);
}

fn log_line(start: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    let mut line = start.to_owned();
    for (key, value) in fields {
        let value = event::one_word(&value.to_string());
        line.push_str(&format!(" {key}={value}"));
    }
    log::info!(target: "sesame::audit", "{line}");
}
