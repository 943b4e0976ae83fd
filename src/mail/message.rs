//! One mail: its recipient, subject and two bodies, built into a MIME
//! message for SMTP or printed whole for a terminal.

use std::io::Write;

use lettre::message::{Mailbox, MultiPart};
use lettre::Message;

use super::MailError;

/// A mail to send: plain text and HTML bodies of the same content.
pub struct Mail {
    pub to: Mailbox,
    pub subject: String,
    pub text: String,
    pub html: String,
}

impl Mail {
    /// A mail to `email` alone (never with a name: a name is what a
    /// stranger typed), from its two rendered bodies.
    pub(super) fn to_address(
        email: &str,
        subject: &str,
        text: askama::Result<String>,
        html: askama::Result<String>,
    ) -> Result<Mail, MailError> {
        let address = email
            .parse()
            .map_err(|e: lettre::address::AddressError| MailError::Build(e.to_string()))?;
        Ok(Mail {
            to: Mailbox::new(None, address),
            subject: subject.to_owned(),
            text: text.map_err(|e| MailError::Build(e.to_string()))?,
            html: html.map_err(|e| MailError::Build(e.to_string()))?,
        })
    }

    pub(super) fn build(&self, from: Mailbox) -> Result<Message, MailError> {
        Message::builder()
            .from(from)
            .to(self.to.clone())
            .subject(self.subject.clone())
            .multipart(MultiPart::alternative_plain_html(
                self.text.clone(),
                self.html.clone(),
            ))
            .map_err(|e| MailError::Build(e.to_string()))
    }
}

/// The mail, readable, as standard output shows it.
pub(super) fn printed(from: &Mailbox, mail: &Mail) -> String {
    format!(
        "======== mail (no --smtp-url: printed here, not sent) ========\n\
         From: {from}\nTo: {to}\nSubject: {subject}\n\n{text}\n\n\
         -------- the same, as HTML --------\n{html}\n\
         ======== end of mail ========\n",
        to = mail.to,
        subject = mail.subject,
        text = mail.text.trim_end(),
        html = mail.html.trim_end(),
    )
}

/// Writes `shown` to standard output in one write, so two mails printed at
/// once never mix their lines.
pub(super) fn print(shown: &str) -> Result<(), MailError> {
    let mut out = std::io::stdout().lock();
    out.write_all(shown.as_bytes())
        .and_then(|()| out.flush())
        .map_err(|e| MailError::Failed(format!("standard output: {e}")))
}
