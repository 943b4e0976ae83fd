//! Moving an account to a new address. A request (password confirmed as
//! for a password change, limited like a forgot request) puts two mails
//! in the outbox in one transaction: the link to the new address, and a
//! notice to the old one. Nothing changes until the link is opened; then,
//! in one write, the link is used up and the address proven by it becomes
//! the account's, verified. Whether the new address is taken is said only
//! to whoever opens the link (409), never to the one who asks.
//!
//! The password is checked by `Accounts::confirm` (its hasher and the
//! login limits): `Addresses` depends on `Accounts`, never the reverse.

use super::Addresses;
use crate::auth::accounts::{rate_limited, still_in_force, Accounts};
use crate::auth::outbox::MailKind;
use crate::auth::takeover_links;
use crate::auth::{LinkToken, Principal};
use crate::db::email_links::{self, CHANGE, VERIFY};
use crate::db::{mail_outbox, users};
use crate::domain::{Client, Email, EmailChange};
use crate::error::AppError;
use crate::mail::{ConfirmNewEmailMail, EmailChangedMail, Mail};

/// What opening a change link did.
#[derive(Debug, PartialEq, Eq)]
pub enum OpenedChange {
    /// The account's address is now this one, verified.
    Changed(String),
    /// Another account took the address meanwhile; the link is used up.
    Taken,
}

impl Addresses {
    /// Confirms the password (under the login limits: 401 counted, 429
    /// past them), counts the request like a forgot request (per new
    /// address and per client address), then puts the link's mail to the
    /// new address and the notice to the old one in the outbox, together.
    pub async fn change(
        &self,
        accounts: &Accounts,
        principal: &Principal,
        change: EmailChange,
        client: &Client,
    ) -> Result<(), AppError> {
        let user = &principal.user;
        let checked = accounts
            .confirm(
                &user.id,
                &user.email,
                &change.password,
                client,
                "change_email",
            )
            .await?;
        let new_email = change.new_email;
        self.0
            .limits
            .take(new_email.as_str(), client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.0.sessions.audit(),
                    self.0.db.metrics(),
                    "change_email",
                    Some(new_email.as_str()),
                    client,
                    refusal,
                )
            })?;
        let (inner, id, from) = (self.0.clone(), user.id.clone(), client.address_text());
        let to = new_email.clone();
        self.0
            .db
            .write(move |conn| {
                let now = users::lock(conn, &id)?;
                still_in_force(now.as_ref(), &checked)?;
                let Some(old) = now.map(|user| user.email) else {
                    return Err(AppError::InvalidCredentials);
                };
                let old = Email::parse(&old)?;
                let outbox = &inner.outbox;
                outbox.put_in(conn, MailKind::ConfirmNewEmail, &to, &id, &from)?;
                outbox.put_in(conn, MailKind::EmailChanged, &old, &id, &from)
            })
            .await?;
        self.0.outbox.wake();
        self.0.sessions.audit().event(
            "email_change_requested",
            &[
                ("user", &user.id),
                ("new_email", &new_email.as_str()),
                ("ip", &client.address_text()),
            ],
        );
        Ok(())
    }

    /// Uses the link up and makes the address it proves the account's,
    /// verified, in one write; the account's open reset and verification
    /// links (made for the old address) stop working, and the sessions of
    /// the account show the new address at once. `Taken` (and the link
    /// used up all the same) when another account has the address now.
    pub async fn open_change_link(&self, token: &str) -> Result<OpenedChange, AppError> {
        let token = LinkToken::presented(token).map_err(|_| AppError::InvalidChangeToken)?;
        let (user_id, opened) = self
            .use_link(
                &token,
                CHANGE,
                || AppError::InvalidChangeToken,
                |conn, link| {
                    let owner = &link.user_id;
                    let old_email = users::find_by_id(conn, owner)?
                        .map(|user| user.email)
                        .unwrap_or_default();
                    match users::set_verified_email(conn, owner, &link.email) {
                        Ok(()) => {}
                        Err(AppError::EmailTaken) => return Ok(OpenedChange::Taken),
                        Err(other) => return Err(other),
                    }
                    // Links mailed to the old address lose their power.
                    takeover_links::void(conn, owner, &old_email)?;
                    email_links::delete_of_user(conn, owner, VERIFY)?;
                    Ok(OpenedChange::Changed(link.email))
                },
            )
            .await?;
        let outcome = match &opened {
            OpenedChange::Changed(_) => "changed",
            OpenedChange::Taken => "taken",
        };
        self.0.sessions.audit().event(
            "email_changed",
            &[("user", &user_id), ("outcome", &outcome)],
        );
        Ok(opened)
    }

    /// The link's mail to `new_email` for the user `user_id`, with a new
    /// link that replaces their open one (the outbox's sender calls it at
    /// each attempt); none when the account is gone or has that address
    /// already.
    pub async fn change_mail(
        &self,
        row_id: &str,
        user_id: &str,
        new_email: &str,
    ) -> Result<Option<Mail>, AppError> {
        let (inner, id, email) = (self.0.clone(), user_id.to_owned(), new_email.to_owned());
        let row = row_id.to_owned();
        let token = self
            .0
            .db
            .write(move |conn| {
                // A new password voided this mail (its row is gone) while
                // this attempt was under way: no link is made after it.
                if !mail_outbox::still_there(conn, &row)? {
                    return Ok(None);
                }
                match users::find_by_id(conn, &id)? {
                    Some(user) if user.email != email => {
                        inner.new_link(conn, &user.id, CHANGE, &email).map(Some)
                    }
                    _ => Ok(None),
                }
            })
            .await?;
        let Some(token) = token else {
            return Ok(None);
        };
        let link = self.0.link("/email/change", &token);
        let mail = ConfirmNewEmailMail {
            email: new_email,
            link: &link,
            valid_for: self.0.ttl,
        };
        Ok(built(mail.render()))
    }

    /// The notice to `old_email` that the address of the user `user_id`
    /// is being changed; none when the account is gone.
    pub async fn changed_notice(
        &self,
        user_id: &str,
        old_email: &str,
    ) -> Result<Option<Mail>, AppError> {
        let id = user_id.to_owned();
        let user = self
            .0
            .db
            .read(move |conn| users::find_by_id(conn, &id))
            .await?;
        if user.is_none() {
            return Ok(None);
        }
        let forgot_link = format!("{}/password/forgot", self.0.public_url);
        let mail = EmailChangedMail {
            email: old_email,
            forgot_link: &forgot_link,
        };
        Ok(built(mail.render()))
    }
}

/// A mail that cannot be built (an address lettre refuses) is not sent.
fn built(mail: Result<Mail, crate::mail::MailError>) -> Option<Mail> {
    mail.inspect_err(|e| log::warn!("a mail about an address change: {e}"))
        .ok()
}
