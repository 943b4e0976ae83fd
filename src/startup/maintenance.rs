use std::time::Duration;

use actix_web::web;

use crate::auth::keys::KeyRing;
use crate::auth::oidc::OpenIdProvider;
use crate::auth::{Accounts, PasswordResets, Sessions, SignInAlerts};

/// The housekeeping tasks, stopped with the server (an in-process restart
/// must not leave a purge running on a database another server now owns).
pub struct Maintenance(Vec<actix_web::rt::task::JoinHandle<()>>);

impl Maintenance {
    pub fn stop(self) {
        for task in self.0 {
            task.abort();
        }
    }
}

/// When the purge runs, and how long audit events are kept.
pub struct Purging {
    pub every: Duration,
    pub audit_retention: Duration,
}

/// Background housekeeping: forget limit states back to full, and delete
/// reset links, "this wasn't me" links and authorization codes that no
/// longer work and devices
/// not seen for 90 days, every minute;
/// purge the database (ended sessions, audit events older than
/// `audit_retention`) every `purge_interval` (first one interval after
/// start, so start-up does no extra work); and, at start and with each
/// purge, set the cost unknown emails are checked at to the one most stored
/// hashes have.
pub fn spawn(
    accounts: web::Data<Accounts>,
    resets: web::Data<PasswordResets>,
    alerts: web::Data<SignInAlerts>,
    oidc: web::Data<OpenIdProvider>,
    sessions: web::Data<Sessions>,
    key_ring: KeyRing,
    purging: Purging,
) -> Maintenance {
    let Purging {
        every: purge_interval,
        audit_retention,
    } = purging;
    // Keys made elsewhere (`sesame keys rotate`, another instance) are in
    // use within a second; a key due is made.
    let keeping_keys = actix_web::rt::spawn(async move {
        let mut every_second = actix_web::rt::time::interval(Duration::from_secs(1));
        every_second.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_second.tick().await;
            if let Err(error) = key_ring.tick().await {
                error.log_if_unexpected();
            }
        }
    });
    let idle = accounts.clone();
    let forgetting = actix_web::rt::spawn(async move {
        let mut every_minute = actix_web::rt::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            if let Err(error) = idle.forget_idle_limits().await {
                error.log_if_unexpected();
            }
            if let Err(error) = resets.tidy().await {
                error.log_if_unexpected();
            }
            if let Err(error) = alerts.tidy().await {
                error.log_if_unexpected();
            }
            if let Err(error) = oidc.tidy_codes().await {
                error.log_if_unexpected();
            }
        }
    });
    let purging = actix_web::rt::spawn(async move {
        if let Err(error) = accounts.match_unknown_emails_to_stored_costs().await {
            error.log_if_unexpected();
        }
        let start = actix_web::rt::time::Instant::now() + purge_interval;
        let mut every_interval = actix_web::rt::time::interval_at(start, purge_interval);
        // A purge that took longer than the interval is not made up for.
        every_interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            every_interval.tick().await;
            if let Err(error) = sessions.purge().await {
                error.log_if_unexpected();
            }
            if let Err(error) = sessions.audit().purge(audit_retention).await {
                error.log_if_unexpected();
            }
            if let Err(error) = accounts.match_unknown_emails_to_stored_costs().await {
                error.log_if_unexpected();
            }
        }
    });
    Maintenance(vec![forgetting, purging, keeping_keys])
}
