//! One attempt at a row: the mail it stands for, made now, sent once, and
//! what follows (deleted, or put back to wait).

use super::Sender;
use crate::auth::retry_pause::{after_failure, AfterFailure};

use crate::auth::outbox::MailKind;
use crate::clock::now_ms;
use crate::db::mail_outbox::{self, OutboxRow};
use crate::error::AppError;
use crate::mail::{Mail, MailError};

/// A mail waits at most this long between attempts.
const LONGEST_PAUSE: crate::clock::Millis = 10 * 60 * 1_000;

impl Sender {
    pub(super) async fn attempt(&self, row: &OutboxRow) -> Result<(), Failure> {
        let Some(mail) = self.build(row).await.map_err(|e| match e {
            AppError::Busy => Failure::MayPass("the database is busy".into()),
            other => Failure::MayPass(other.to_string()),
        })?
        else {
            return Ok(());
        };
        self.mailer.deliver(&mail).await.map_err(|e| match e {
            MailError::Failed(_) => Failure::MayPass(e.to_string()),
            _ => Failure::Final(e.to_string()),
        })
    }

    /// The mail the row stands for, made now (one arm per kind); none when
    /// there is nothing to send (no account has that address, or the mail
    /// cannot be made): the row is then deleted.
    async fn build(&self, row: &OutboxRow) -> Result<Option<Mail>, AppError> {
        let Some(kind) = MailKind::parse(&row.kind) else {
            log::warn!("the outbox holds a mail of unknown kind {:?}", row.kind);
            return Ok(None);
        };
        match kind {
            MailKind::PasswordReset => {
                self.resets
                    .link_mail(&row.recipient, &row.requested_from)
                    .await
            }
            MailKind::ConfirmNewEmail => {
                self.addresses
                    .change_mail(&row.id, &row.subject, &row.recipient)
                    .await
            }
            MailKind::EmailChanged => {
                self.addresses
                    .changed_notice(&row.subject, &row.recipient)
                    .await
            }
            MailKind::VerifyEmail => {
                self.addresses
                    .verification_mail(&row.subject, &row.recipient)
                    .await
            }
            MailKind::SignUpAttempt => self.addresses.sign_up_attempt_mail(&row.recipient).await,
            MailKind::SignInAlert => self.alerts.mail(row).await,
            MailKind::SecondFactorChanged => Ok(self
                .addresses
                .second_factor_notice(&row.subject, &row.recipient)),
        }
    }

    /// Deletes the row, or puts it back to wait after a failure that may pass.
    pub(super) async fn settle(
        &self,
        row: &OutboxRow,
        sent: Result<(), Failure>,
    ) -> Result<(), AppError> {
        let (kind, domain) = (row.kind.clone(), row.recipient_domain.clone());
        let attempts = row.attempts.saturating_add(1);
        let next = match sent {
            Ok(()) => None,
            Err(Failure::Final(error)) => {
                log::warn!("a {kind} mail to a recipient at {domain} was refused: {error}");
                None
            }
            Err(Failure::MayPass(error)) => {
                match after_failure(attempts, now_ms(), row.give_up_at, LONGEST_PAUSE) {
                    AfterFailure::RetryAt(at) => {
                        log::warn!(
                            "a {kind} mail to a recipient at {domain} failed (attempt \
                             {attempts}), trying again in {} s: {error}",
                            (at - now_ms()).max(0) / 1000
                        );
                        Some(at)
                    }
                    AfterFailure::GiveUp => {
                        log::warn!(
                            "a {kind} mail to a recipient at {domain} is given up after \
                             {attempts} attempts: {error}"
                        );
                        None
                    }
                }
            }
        };
        let row = row.clone();
        self.outbox
            .db
            .write(move |conn| match next {
                None => mail_outbox::delete(conn, &row.id),
                Some(at) => mail_outbox::retry_later(conn, &row, attempts, at),
            })
            .await
    }
}

/// Why an attempt did not send.
pub(super) enum Failure {
    /// Tried again later (a 4xx, a server down or slow, the database busy).
    MayPass(String),
    /// Never tried again (a 5xx refusal, a mail that cannot be built).
    Final(String),
}
