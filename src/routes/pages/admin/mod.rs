//! The admin console's pages (`/admin…`), behind `admin_gate`: the users,
//! one user and the buttons of their page (`actions.rs`), the events.

pub mod actions;
pub mod events;
pub mod user;
pub mod users;

use super::profile::{readable_date, readable_time};
use crate::auth::{Profile, StoredEvent};
use crate::clock::rfc3339;
use crate::db::sessions::Session;
use crate::pages::{describe_device, AdminEventRow, AdminSessionRow, AdminUserRow};

/// A user as the console's tables show them.
fn user_row(user: &Profile) -> AdminUserRow {
    let factors = &user.second_factor;
    let mut second_factors = Vec::new();
    if factors.totp {
        second_factors.push("authenticator app".to_owned());
    }
    match factors.passkeys {
        0 => {}
        1 => second_factors.push("1 passkey".to_owned()),
        n => second_factors.push(format!("{n} passkeys")),
    }
    AdminUserRow {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        created_at: rfc3339(user.created_at),
        created: readable_date(user.created_at),
        last_sign_in: user
            .last_sign_in_at
            .map(|at| (rfc3339(at), readable_time(at))),
        roles: user.roles.join(", "),
        second_factors: second_factors.join(", "),
        verified: user.email_verified,
        disabled: user.disabled,
    }
}

fn session_row((session, app): (Session, Option<String>)) -> AdminSessionRow {
    AdminSessionRow {
        device: match app {
            Some(app) => format!("{app} (an app signed in through sesame)"),
            None => describe_device(session.user_agent.as_deref()),
        },
        created_at: rfc3339(session.created_at),
        created: readable_time(session.created_at),
        last_used_at: rfc3339(session.last_used_at),
        last_used: readable_time(session.last_used_at),
        id: session.id,
    }
}

fn event_row(event: StoredEvent) -> AdminEventRow {
    AdminEventRow {
        at: rfc3339(event.at),
        at_text: readable_time(event.at),
        event: event.event,
        user_id: event.user_id.unwrap_or_default(),
        email: event.email.unwrap_or_default(),
        actor_id: event.actor_id.unwrap_or_default(),
        address: event.address.unwrap_or_default(),
        device: event.device.unwrap_or_default(),
        detail: event.detail.unwrap_or_default(),
        count: event.count,
    }
}

/// `path?name=value&…`, the values encoded, empty ones left out.
fn link(path: &str, pairs: &[(&str, String)]) -> String {
    let mut query = form_urlencoded::Serializer::new(String::new());
    for (name, value) in pairs.iter().filter(|(_, value)| !value.is_empty()) {
        query.append_pair(name, value);
    }
    match query.finish() {
        query if query.is_empty() => path.to_owned(),
        query => format!("{path}?{query}"),
    }
}
