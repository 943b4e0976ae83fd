//! The outbox: mail accepted for sending is a row in the database
//! (`mail_outbox`) before the request that asked for it is answered, and a
//! task on every instance (`Sender`) sends what is due.
//!
//! Why a table rather than tasks in memory: a mail accepted survives a
//! restart; an instance claims a row (a lease, `FOR UPDATE SKIP LOCKED` on
//! PostgreSQL) so one sends it; retries wait in the table, not in memory,
//! so a flood cannot push mail out. A row holds what the mail is about
//! (its kind and the address), never a link: the sender makes a fresh one
//! at each attempt, so nothing that works as a password is stored in clear.
//! At most one row per kind and address waits (another request adds
//! nothing), and each lives at most `--mail-retry-for`: with the forgot
//! limits (per address, per email) that bounds the table.

mod sender;

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Notify;

use crate::clock::{ms, now_ms};
use crate::db::mail_outbox::{self, OutboxRow};
use crate::db::Db;
use crate::domain::Email;
use crate::error::AppError;

pub use sender::{Sender, Sending};

/// What a mail is; each kind is built by one arm of `Sender::build`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MailKind {
    /// A password-reset link, to the address a forgot request gave.
    PasswordReset,
    /// A link that makes the new address the account's, to that address
    /// (subject: the user's id).
    ConfirmNewEmail,
    /// A notice that the address is being changed, to the old address
    /// (subject: the user's id); it never shows the new one.
    EmailChanged,
    /// A link proving an account's address, to that address; about the
    /// user's id.
    VerifyEmail,
    /// To the owner of an address someone tried to sign up with (while
    /// `--require-verified-email` hides that it is taken).
    SignUpAttempt,
    /// A sign-in from a new device or network, to the account's verified
    /// address; its subject is the session's id.
    SignInAlert,
    /// A second factor turned on or off, new recovery codes, a passkey
    /// added or removed, to the account's verified address; its subject is
    /// what changed (`totp_enabled`, …).
    SecondFactorChanged,
}

impl MailKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MailKind::PasswordReset => "password_reset",
            MailKind::ConfirmNewEmail => "confirm_new_email",
            MailKind::EmailChanged => "email_changed",
            MailKind::VerifyEmail => "verify_email",
            MailKind::SignUpAttempt => "sign_up_attempt",
            MailKind::SignInAlert => "sign_in_alert",
            MailKind::SecondFactorChanged => "second_factor_changed",
        }
    }

    fn parse(text: &str) -> Option<MailKind> {
        match text {
            "password_reset" => Some(MailKind::PasswordReset),
            "confirm_new_email" => Some(MailKind::ConfirmNewEmail),
            "email_changed" => Some(MailKind::EmailChanged),
            "verify_email" => Some(MailKind::VerifyEmail),
            "sign_up_attempt" => Some(MailKind::SignUpAttempt),
            "sign_in_alert" => Some(MailKind::SignInAlert),
            "second_factor_changed" => Some(MailKind::SecondFactorChanged),
            _ => None,
        }
    }
}

/// Where mail is put to be sent.
#[derive(Clone)]
pub struct Outbox {
    db: Db,
    /// Wakes this instance's sender when a row is added.
    added: Arc<Notify>,
    retry_for: Duration,
}

impl Outbox {
    pub fn new(db: Db, retry_for: Duration) -> Outbox {
        Outbox {
            db,
            added: Arc::new(Notify::new()),
            retry_for,
        }
    }

    /// Puts a mail of `kind` to `to` in the outbox (one write, whatever
    /// the mail), unless the same one is waiting already; `from` is the
    /// client's address, for the audit trail.
    pub async fn put(&self, kind: MailKind, to: &Email, from: &str) -> Result<(), AppError> {
        self.put_about(kind, to, "", from).await
    }

    /// As `put`, for a mail about `subject` (a user's or a session's id)
    /// as well as its recipient: mails of one kind to one address about
    /// different subjects wait side by side.
    pub async fn put_about(
        &self,
        kind: MailKind,
        to: &Email,
        subject: &str,
        from: &str,
    ) -> Result<(), AppError> {
        let row = self.row(kind, to, subject, from);
        self.db
            .write(move |conn| mail_outbox::enqueue(conn, &row))
            .await?;
        self.added.notify_one();
        Ok(())
    }

    /// Puts the mail in the outbox as part of the caller's transaction (a
    /// mail that must go if and only if that write commits); call
    /// `wake` once it has.
    pub fn put_in(
        &self,
        conn: &mut crate::db::Conn,
        kind: MailKind,
        to: &Email,
        subject: &str,
        from: &str,
    ) -> Result<(), AppError> {
        mail_outbox::enqueue(conn, &self.row(kind, to, subject, from)).map(|_| ())
    }

    /// Tells this instance's sender that a row was added by `put_in`.
    pub fn wake(&self) {
        self.added.notify_one();
    }

    fn row(&self, kind: MailKind, to: &Email, subject: &str, from: &str) -> OutboxRow {
        let now = now_ms();
        let to = to.as_str();
        OutboxRow {
            id: uuid::Uuid::new_v4().to_string(),
            kind: kind.as_str().to_owned(),
            recipient: to.to_owned(),
            recipient_domain: to.rsplit_once('@').map_or(to, |(_, d)| d).to_owned(),
            requested_from: from.to_owned(),
            created_at: now,
            next_attempt_at: now,
            attempts: 0,
            give_up_at: now.saturating_add(ms(self.retry_for)),
            claimed_until: None,
            subject: subject.to_owned(),
        }
    }
}
