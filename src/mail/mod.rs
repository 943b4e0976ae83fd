//! Mail: through the SMTP server of `--smtp-url`, or, without one, printed
//! whole to standard output (never to the log), so a local demo shows its
//! links in the terminal. `deliver` is one attempt: the outbox
//! (`auth::outbox`) keeps the mail and tries again. Nothing here logs a
//! mail's body: it may hold a link that works as a password.

mod confirm_new_email;
mod email_changed;
mod message;
mod reset;
mod second_factor_changed;
mod sign_in_alert;
mod sign_up_attempt;
mod smtp;
mod verify;

use lettre::message::Mailbox;

pub use confirm_new_email::ConfirmNewEmailMail;
pub use email_changed::EmailChangedMail;
pub use message::Mail;
pub use reset::ResetMail;
pub use second_factor_changed::SecondFactorChangedMail;
pub use sign_in_alert::SignInAlertMail;
pub use sign_up_attempt::SignUpAttemptMail;
pub use verify::VerifyMail;

use crate::config::Settings;

/// Where mail goes.
pub struct Mailer {
    from: Mailbox,
    way: Way,
}

enum Way {
    Smtp(Box<smtp::Transport>),
    Stdout,
}

#[derive(Debug, thiserror::Error)]
pub enum MailError {
    #[error("--mail-from (SESAME_MAIL_FROM): {0}")]
    From(String),
    #[error("--smtp-url (SESAME_SMTP_URL): {0}")]
    Smtp(String),
    /// A mail that could not be built (an address lettre refuses).
    #[error("the mail could not be built: {0}")]
    Build(String),
    #[error("the SMTP server refused the mail: {0}")]
    Refused(String),
    #[error("the SMTP server could not be reached or failed: {0}")]
    Failed(String),
}

impl Mailer {
    pub fn new(settings: &Settings) -> Result<Mailer, MailError> {
        let from = settings
            .mail_from
            .parse::<Mailbox>()
            .map_err(|e| MailError::From(e.to_string()))?;
        let way = match &settings.smtp_url {
            Some(url) => Way::Smtp(Box::new(smtp::Transport::new(url)?)),
            None => Way::Stdout,
        };
        Ok(Mailer { from, way })
    }

    /// One line for the start-up log: where mail goes.
    pub fn describe(&self) -> String {
        match &self.way {
            Way::Smtp(transport) => format!("mail goes through {}", transport.url()),
            Way::Stdout => "no --smtp-url: mail is printed to standard output, not sent".into(),
        }
    }

    /// One attempt to deliver `mail`: a refusal (5xx) is `Refused`, a
    /// failure that may pass (a server down, a 4xx answer) `Failed`.
    pub async fn deliver(&self, mail: &Mail) -> Result<(), MailError> {
        let message = mail.build(self.from.clone())?;
        match &self.way {
            Way::Smtp(transport) => transport.send(&message).await,
            Way::Stdout => {
                // A pipe nobody reads would block the write: not on a worker.
                let shown = message::printed(&self.from, mail);
                tokio::task::spawn_blocking(move || message::print(&shown))
                    .await
                    .map_err(|e| MailError::Failed(e.to_string()))?
            }
        }
    }
}
