//! The audit trail: one line per security event under the log target
//! `sesame::audit`, as `event=<name>` and `key=value` pairs. Values are ids,
//! emails, addresses and counts: never a token, password or key.

/// Logs one security event.
pub fn event(name: &str, fields: &[(&str, &dyn std::fmt::Display)]) {
    let mut line = format!("event={name}");
    for (key, value) in fields {
        let value = value.to_string();
        // Keep one event on one line, whatever a value holds.
        let value: String = value
            .chars()
            .map(|c| if c.is_control() || c == ' ' { '_' } else { c })
            .collect();
        line.push_str(&format!(" {key}={value}"));
    }
    log::info!(target: "sesame::audit", "{line}");
}
