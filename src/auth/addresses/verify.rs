//! Verifying an account's address: the link mailed at sign-up or on
//! request (`resend`), made by the outbox's sender (`verification_mail`),
//! and used up by `verify`. While `--require-verified-email` hides that an
//! address is taken, its owner is told of the attempt instead
//! (`sign_up_attempt_mail`).

use super::Addresses;
use crate::auth::accounts::rate_limited;
use crate::auth::link_token::LinkToken;
use crate::auth::outbox::MailKind;
use crate::db::email_links::VERIFY;
use crate::db::users;
use crate::domain::{Client, Email};
use crate::error::AppError;
use crate::mail::{Mail, MailError, SignUpAttemptMail, VerifyMail};

impl Addresses {
    /// The verification mail for the user `user_id`, to `recipient`, with a
    /// new link (the outbox's sender calls it at each attempt); none when
    /// the account is gone, its address is no longer `recipient`, or it is
    /// verified already.
    pub async fn verification_mail(
        &self,
        user_id: &str,
        recipient: &str,
    ) -> Result<Option<Mail>, AppError> {
        // An address made before sign-up refused the forms a mail system
        // may read two ways (`"a@corp"@evil`) is never verified: the one
        // who opens its link may not be the one it names.
        if crate::domain::Email::parse_new(recipient).is_err() {
            return Ok(None);
        }
        let inner = std::sync::Arc::clone(&self.0);
        let (id, to) = (user_id.to_owned(), recipient.to_owned());
        // The lookup and the link in one write: a change of address comes
        // wholly before or after.
        let token = self
            .0
            .db
            .write(move |conn| {
                let still_wanted = users::find_by_id(conn, &id)?
                    .is_some_and(|user| user.email == to && !user.email_verified);
                if !still_wanted {
                    return Ok(None);
                }
                inner.new_link(conn, &id, VERIFY, &to).map(Some)
            })
            .await?;
        let Some(token) = token else {
            return Ok(None);
        };
        let link = self.0.link("/email/verify", &token);
        let mail = VerifyMail {
            email: recipient,
            link: &link,
            valid_for: self.0.ttl,
        }
        .render();
        Ok(made("verification", user_id, mail))
    }

    /// The notice to the owner of `recipient` that someone tried to sign up
    /// with it; none when no account has it (any more).
    pub async fn sign_up_attempt_mail(&self, recipient: &str) -> Result<Option<Mail>, AppError> {
        let lookup = recipient.to_owned();
        let owner = self
            .0
            .db
            .read(move |conn| users::find_by_email(conn, &lookup))
            .await?;
        let Some(owner) = owner else {
            return Ok(None);
        };
        let forgot_link = format!("{}/password/forgot", self.0.public_url);
        let mail = SignUpAttemptMail {
            email: recipient,
            forgot_link: &forgot_link,
        }
        .render();
        Ok(made("sign-up attempt", &owner.id, mail))
    }

    /// Marks the address the link proves verified, using the link up, in
    /// one write; the user's remembered sessions are forgotten with it, so
    /// the next request sees the address verified. An unknown, used or
    /// expired link, or one for an address the account no longer has, is
    /// `InvalidVerifyToken`. Gives the address verified.
    pub async fn verify(&self, token: &LinkToken, client: &Client) -> Result<String, AppError> {
        let (user_id, email) = self
            .use_link(
                token,
                VERIFY,
                || AppError::InvalidVerifyToken,
                |conn, link| {
                    if !users::set_email_verified(conn, &link.user_id, &link.email)? {
                        // The account's address is another now: the link proves nothing.
                        return Err(AppError::InvalidVerifyToken);
                    }
                    Ok(link.email)
                },
            )
            .await?;
        self.0.sessions.audit().event(
            "email_verified",
            &[("user", &user_id), ("ip", &client.address_text())],
        );
        Ok(email)
    }

    /// Sends the user a new link, limited like a forgot request (per
    /// address of the account, per client address). The answer is the
    /// same when the address is verified already; nothing is sent then.
    pub async fn resend(&self, user_id: &str, client: &Client) -> Result<(), AppError> {
        let id = user_id.to_owned();
        let user = self
            .0
            .db
            .read(move |conn| users::find_by_id(conn, &id))
            .await?;
        let Some(user) = user else {
            return Ok(());
        };
        self.0
            .limits
            .take(&user.email, client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.0.sessions.audit(),
                    self.0.db.metrics(),
                    "verify_resend",
                    Some(&user.email),
                    client,
                    refusal,
                )
            })?;
        if user.email_verified {
            return Ok(());
        }
        let email = Email::parse(&user.email)?;
        self.0
            .outbox
            .put_about(
                MailKind::VerifyEmail,
                &email,
                &user.id,
                &client.address_text(),
            )
            .await
    }
}

/// The mail, or none (logged) when it cannot be made: trying again would
/// not make it.
fn made(what: &str, user_id: &str, mail: Result<Mail, MailError>) -> Option<Mail> {
    mail.inspect_err(|error| {
        log::warn!("the {what} mail for user {user_id} cannot be made: {error}");
    })
    .ok()
}
