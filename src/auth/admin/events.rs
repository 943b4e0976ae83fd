//! The stored audit events as the console lists them, and the events its
//! own actions write (each naming the admin who acted).

use super::Administration;
use crate::auth::audit::{AuditEvent, EventFilter, StoredEvent};
use crate::auth::Profile;
use crate::domain::Client;
use crate::error::AppError;

pub const EVENTS_PER_PAGE: usize = 50;

/// One page of events, newest first.
pub struct EventsPage {
    pub events: Vec<StoredEvent>,
    /// The `before` of the next (older) page, if there may be one.
    pub older: Option<i64>,
}

impl Administration {
    /// Events matching `filter`, newest first, `EVENTS_PER_PAGE` at most.
    pub async fn events(&self, filter: EventFilter) -> Result<EventsPage, AppError> {
        let events = self.audit.list(filter, EVENTS_PER_PAGE).await?;
        let older = (events.len() == EVENTS_PER_PAGE)
            .then(|| events.last().map(|event| event.id))
            .flatten();
        Ok(EventsPage { events, older })
    }
}

/// The event of an admin's action on `target`, from the admin's client.
pub(super) fn admin_event(
    name: &str,
    actor: &Profile,
    target: &Profile,
    client: &Client,
) -> AuditEvent {
    AuditEvent::new(name)
        .user(target.id.clone())
        .email(target.email.clone())
        .actor(Some(&actor.id))
        .client(client)
}
