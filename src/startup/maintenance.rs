use std::time::Duration;

use actix_web::web;

use crate::auth::{Accounts, Sessions};

/// Background housekeeping: forget idle login-failure counts every minute,
/// purge the database every `purge_interval` (first one interval after start,
/// so start-up does no extra work).
pub fn spawn(
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
    purge_interval: Duration,
) {
    actix_web::rt::spawn(async move {
        let mut every_minute = actix_web::rt::time::interval(Duration::from_secs(60));
        loop {
            every_minute.tick().await;
            accounts.forget_idle_login_failures();
        }
    });
    actix_web::rt::spawn(async move {
        let start = actix_web::rt::time::Instant::now() + purge_interval;
        let mut every_interval = actix_web::rt::time::interval_at(start, purge_interval);
        loop {
            every_interval.tick().await;
            if let Err(error) = sessions.purge().await {
                error.log_if_unexpected();
            }
        }
    });
}
