//! Sign-in alerts, the deciding half: every sign-up and sign-in notes its
//! device and network (`known_devices`), in the transaction that opens
//! its session; a sign-in from a device or a network the account has not
//! used for `REMEMBERED_FOR` puts an alert in the outbox there too, about
//! that session (the mail itself: `auth::sign_in_alerts`).
//!
//! Only a verified address is mailed: an unverified one proves nothing
//! about who reads it, so the alert could go to a stranger (someone who
//! signed up with another's address would have sesame mail them about
//! every sign-in, a way to make sesame send mail to anyone).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

use crate::auth::outbox::{MailKind, Outbox};
use crate::clock::{ms, Millis};
use crate::db::known_devices::{self, Seen};
use crate::db::mail_outbox;
use crate::db::users::User;
use crate::db::Conn;
use crate::domain::{Client, Device, Email, Network};
use crate::error::AppError;

/// How long a device or a network stays known without a sign-in from it.
pub(in crate::auth) const REMEMBERED_FOR: Duration = Duration::from_secs(90 * 24 * 3600);
/// Alerts to one address in the outbox at once, at most: the table stays
/// bounded even for someone who has the password and signs in from ever
/// new places (sign-ins are not limited once the password is right).
const MAX_WAITING: i64 = 10;

/// Whether the owner hears of this sign-in: alerts on, an address that is
/// theirs, and a device or a network not seen lately.
fn alert(alerts_on: bool, email_verified: bool, seen: Seen) -> bool {
    alerts_on && email_verified && !(seen.device && seen.network)
}

/// Notes the device and network a new account signed up from, so that
/// signing in from them again is no news.
pub(super) fn note_sign_up(
    conn: &mut Conn,
    user_id: &str,
    client: &Client,
    now: Millis,
) -> Result<(), AppError> {
    let (device, network) = of(client);
    known_devices::record(conn, user_id, device.as_str(), network.as_str(), now)
}

/// What a sign-in notes, in the transaction that opens its session
/// (`note`), and the wake-up of the outbox once that has committed.
#[derive(Clone)]
pub(super) struct SignInNotes {
    client: Client,
    outbox: Outbox,
    alerts_on: bool,
    /// Whether `note` put an alert in the outbox.
    put: Arc<AtomicBool>,
}

impl SignInNotes {
    pub(super) fn new(client: &Client, outbox: &Outbox, alerts_on: bool) -> SignInNotes {
        SignInNotes {
            client: client.clone(),
            outbox: outbox.clone(),
            alerts_on,
            put: Arc::new(AtomicBool::new(false)),
        }
    }

    /// Notes the device and network of the sign-in into `session_id` and,
    /// when it is news to a verified owner with alerts on, puts the alert
    /// in the outbox, in the caller's transaction.
    pub(super) fn note(
        &self,
        conn: &mut Conn,
        user: &User,
        session_id: &str,
        now: Millis,
    ) -> Result<(), AppError> {
        let (device, network) = of(&self.client);
        let since = now.saturating_sub(ms(REMEMBERED_FOR));
        let (device, network) = (device.as_str(), network.as_str());
        let seen = known_devices::seen_since(conn, &user.id, device, network, since)?;
        known_devices::record(conn, &user.id, device, network, now)?;
        if !alert(self.alerts_on, user.email_verified, seen) {
            return Ok(());
        }
        // An address stored before today's rules may not parse: no alert then.
        let Ok(email) = Email::parse(&user.email) else {
            return Ok(());
        };
        let kind = MailKind::SignInAlert;
        if mail_outbox::count_of_recipient(conn, kind.as_str(), email.as_str())? >= MAX_WAITING {
            return Ok(());
        }
        let from = self.client.address_text();
        self.outbox.put_in(conn, kind, &email, session_id, &from)?;
        self.put.store(true, Ordering::Relaxed);
        Ok(())
    }

    /// Wakes the outbox's sender if `note` put an alert (call it once the
    /// transaction has committed).
    pub(super) fn wake_if_put(&self) {
        if self.put.load(Ordering::Relaxed) {
            self.outbox.wake();
        }
    }
}

fn of(client: &Client) -> (Device, Network) {
    (
        Device::of_user_agent(client.user_agent()),
        Network::of(client.address),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: Seen = Seen {
        device: true,
        network: true,
    };

    #[test]
    fn a_known_device_on_a_known_network_is_no_news() {
        assert!(!alert(true, true, KNOWN));
    }

    #[test]
    fn a_new_device_or_a_new_network_alerts_the_owner() {
        let new_device = Seen {
            device: false,
            ..KNOWN
        };
        let new_network = Seen {
            network: false,
            ..KNOWN
        };
        let both = Seen {
            device: false,
            network: false,
        };
        for seen in [new_device, new_network, both] {
            assert!(alert(true, true, seen), "{seen:?}");
        }
    }

    #[test]
    fn an_unverified_address_or_alerts_turned_off_get_nothing() {
        let new = Seen {
            device: false,
            network: false,
        };
        assert!(!alert(true, false, new));
        assert!(!alert(false, true, new));
    }
}
