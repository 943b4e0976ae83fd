//! One audit event: what is logged (`event=<name> key=value`) and stored.

use std::fmt::Display;

use crate::clock::{now_ms, Millis};
use crate::domain::{Client, Device};

/// A security event, built as `AuditEvent::new("name").user(id).client(&c)`.
/// Values are ids, emails, addresses, device names and counts: never a
/// token, password or key.
#[derive(Debug, Clone)]
pub struct AuditEvent {
    pub event: String,
    pub at: Millis,
    pub user_id: Option<String>,
    pub email: Option<String>,
    /// The admin who acted, if one did.
    pub actor_id: Option<String>,
    pub address: Option<String>,
    /// The name sesame gives the device (`Device`), never a User-Agent.
    pub device: Option<String>,
    /// Short `key=value` text, space-separated.
    pub detail: Option<String>,
}

impl AuditEvent {
    pub fn new(event: impl Into<String>) -> Self {
        AuditEvent {
            event: event.into(),
            at: now_ms(),
            user_id: None,
            email: None,
            actor_id: None,
            address: None,
            device: None,
            detail: None,
        }
    }

    pub fn user(mut self, user_id: impl Into<String>) -> Self {
        self.user_id = Some(user_id.into());
        self
    }

    pub fn email(mut self, email: impl Into<String>) -> Self {
        self.email = Some(email.into());
        self
    }

    pub fn actor(mut self, actor_id: Option<&str>) -> Self {
        self.actor_id = actor_id.map(str::to_owned);
        self
    }

    /// The client's address and device.
    pub fn client(mut self, client: &Client) -> Self {
        self.address = client.address.map(|ip| ip.to_string());
        self.device = Some(Device::of_user_agent(client.user_agent()).to_string());
        self
    }

    /// Adds `key=value` to the detail.
    pub fn detail(mut self, key: &str, value: impl Display) -> Self {
        let pair = format!("{key}={}", one_word(&value.to_string()));
        self.detail = Some(match self.detail.take() {
            Some(detail) => format!("{detail} {pair}"),
            None => pair,
        });
        self
    }

    /// The event the fields of a log line say: `user`, `email`, `actor`,
    /// `ip` and `device` have columns of their own; the rest is detail.
    pub fn from_fields(name: &str, fields: &[(&str, &dyn Display)]) -> Self {
        let mut event = AuditEvent::new(name);
        for (key, value) in fields {
            let value = value.to_string();
            match *key {
                "user" => event.user_id = Some(value),
                "email" => event.email = Some(value),
                "actor" => event.actor_id = Some(value),
                "ip" if value == "unknown" => {}
                "ip" => event.address = Some(value),
                "device" => event.device = Some(value),
                _ => event = event.detail(key, value),
            }
        }
        event
    }

    /// The log line, as `audit::event` writes it: the named fields, then
    /// the detail's pairs.
    pub fn log(&self) {
        let named = [
            ("user", &self.user_id),
            ("email", &self.email),
            ("actor", &self.actor_id),
            ("ip", &self.address),
            ("device", &self.device),
        ];
        let mut line = format!("event={}", one_word(&self.event));
        for (key, value) in named {
            if let Some(value) = value {
                line.push_str(&format!(" {key}={}", one_word(value)));
            }
        }
        if let Some(detail) = &self.detail {
            line.push_str(&format!(" {detail}"));
        }
        log::info!(target: "sesame::audit", "{line}");
    }
}

/// Keeps one event on one line, whatever a value holds.
pub(super) fn one_word(value: &str) -> String {
    value
        .chars()
        .map(|c| if c.is_control() || c == ' ' { '_' } else { c })
        .collect()
}
