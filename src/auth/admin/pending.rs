//! PROVISIONAL STAND-IN (issue 23): the names the `accounts` branch brings
//! (`Audit`, `AuditEvent`, `StoredEvent`, `EventFilter`, `insert_in`,
//! `Accounts::set_disabled`, `Profile.disabled`, `Profile.last_sign_in_at`),
//! written here only so the admin console builds before that branch lands.
//! Deleted once `git merge main` brings the real ones.

use crate::auth::{audit, Ending, Profile, Sessions};
use crate::clock::Millis;
use crate::db::{Conn, Db};
use crate::error::AppError;

/// One event to store.
#[derive(Debug, Clone, Default)]
pub struct AuditEvent {
    pub event: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub actor_id: Option<String>,
    pub address: Option<String>,
    pub device: Option<String>,
    pub detail: Option<String>,
}

/// One stored event.
#[derive(Debug, Clone)]
pub struct StoredEvent {
    pub id: i64,
    pub at: Millis,
    pub event: String,
    pub user_id: Option<String>,
    pub email: Option<String>,
    pub actor_id: Option<String>,
    pub address: Option<String>,
    pub device: Option<String>,
    pub detail: Option<String>,
    pub count: i64,
}

/// Which events to list (newest first, `before` an event id).
#[derive(Debug, Clone, Default)]
pub struct EventFilter {
    pub user_id: Option<String>,
    pub event: Option<String>,
    pub before: Option<i64>,
}

#[derive(Clone)]
pub struct Audit {
    _db: Db,
}

impl Audit {
    pub fn new(db: Db) -> Self {
        Audit { _db: db }
    }

    pub async fn record(&self, event: AuditEvent) -> Result<(), AppError> {
        log_only(&event);
        Ok(())
    }

    pub async fn list(
        &self,
        _filter: EventFilter,
        _limit: usize,
    ) -> Result<Vec<StoredEvent>, AppError> {
        Ok(Vec::new())
    }
}

pub fn insert_in(_conn: &mut Conn, event: &AuditEvent) -> Result<(), AppError> {
    log_only(event);
    Ok(())
}

fn log_only(event: &AuditEvent) {
    let none = String::new();
    audit::event(
        &event.event,
        &[
            ("user", event.user_id.as_ref().unwrap_or(&none)),
            ("actor", event.actor_id.as_ref().unwrap_or(&none)),
        ],
    );
}

/// `Profile.disabled` and `Profile.last_sign_in_at`, until they exist.
pub trait ProfileStatus {
    fn is_disabled(&self) -> bool;
    fn last_sign_in(&self) -> Option<Millis>;
}

impl ProfileStatus for Profile {
    fn is_disabled(&self) -> bool {
        false
    }
    fn last_sign_in(&self) -> Option<Millis> {
        None
    }
}

/// `Accounts::set_disabled` until it exists: ends the sessions only.
pub async fn set_disabled(
    sessions: &Sessions,
    user_id: &str,
    _disabled: bool,
    actor: Option<&str>,
) -> Result<Option<Profile>, AppError> {
    let event = AuditEvent {
        event: "account_disabled".into(),
        user_id: Some(user_id.to_owned()),
        actor_id: actor.map(str::to_owned),
        ..AuditEvent::default()
    };
    let (user, _) = sessions
        .end_of_user_with(user_id, Ending::All, move |conn, now| {
            insert_in(conn, &event)?;
            Ok(now.map(Profile::from))
        })
        .await?;
    Ok(user)
}
