//! Signing up: the account, its verification mail and (unless
//! `--require-verified-email`) its first session, in one transaction.

use super::{alerts, rate_limited, Accounts};
use crate::auth::outbox::MailKind;
use crate::auth::SignIn;
use crate::db::users::{self, NewUser, User};
use crate::domain::{Amr, Client, NewAccount};
use crate::error::AppError;

/// What a sign-up leads to.
pub enum Registered {
    /// The account and its first session (`--require-verified-email` off).
    SignedIn(Box<SignIn>),
    /// "Check your mail": the answer whether the email was new (the
    /// account was made) or taken (its owner is told), while
    /// `--require-verified-email` is on.
    CheckYourMail,
}

impl Accounts {
    /// Creates the account and its first session in one transaction, with
    /// the mail that verifies its address. Each address may register
    /// `--register-max-per-ip` times per window, and a taken email costs
    /// the same bcrypt work as a new one. With `--require-verified-email`
    /// no session is opened (`sign_up_quietly`).
    pub async fn register(
        &self,
        account: NewAccount,
        client: &Client,
    ) -> Result<Registered, AppError> {
        let registration = self
            .register_limits
            .begin(client.address_key())
            .await
            .map_err(|refusal| {
                rate_limited(
                    &self.audit,
                    self.db.metrics(),
                    "register",
                    None,
                    client,
                    refusal,
                )
            })?;
        let NewAccount {
            name,
            email,
            password,
        } = account;
        let password_hash = self.hasher.hash(password, client.address_key()).await?;
        registration.done();
        if self.require_verified {
            return self
                .sign_up_quietly(name, email, password_hash, client)
                .await;
        }
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let known = client.clone();
        let signed_in = self
            .sessions
            .open(client, Amr::Password, move |conn, now, _| {
                let user = insert_user(conn, &name, &email, &password_hash, now)?
                    .ok_or(AppError::EmailTaken)?;
                alerts::note_sign_up(conn, &user.id, &known, now)?;
                outbox.put_in(conn, MailKind::VerifyEmail, &email, &user.id, &from)?;
                Ok(user)
            })
            .await?;
        self.outbox.wake();
        self.audit.event(
            "sign_up",
            &[
                ("user", &signed_in.user.id),
                ("session", &signed_in.session_id),
            ],
        );
        Ok(Registered::SignedIn(Box::new(signed_in)))
    }

    /// Sign-up while `--require-verified-email` is on: a new email gets the
    /// user row and its verification mail, a taken one a notice to its
    /// owner, each in one transaction of the same shape (an insert, then
    /// one outbox row), so both answers are alike, in the same time.
    async fn sign_up_quietly(
        &self,
        name: crate::domain::UserName,
        email: crate::domain::Email,
        password_hash: String,
        client: &Client,
    ) -> Result<Registered, AppError> {
        let (outbox, from) = (self.outbox.clone(), client.address_text());
        let known = client.clone();
        let notify = self.register_limits.notice_allowed(email.as_str()).await;
        let made = self
            .db
            .write(move |conn| {
                let now = crate::clock::now_ms();
                match insert_user(conn, &name, &email, &password_hash, now)? {
                    Some(user) => {
                        // The device that signed up is known: its first
                        // sign-in, once verified, is no news.
                        alerts::note_sign_up(conn, &user.id, &known, now)?;
                        outbox.put_in(conn, MailKind::VerifyEmail, &email, &user.id, &from)?;
                        Ok(Some(user.id))
                    }
                    None => {
                        if notify {
                            outbox.put_in(conn, MailKind::SignUpAttempt, &email, "", &from)?;
                        }
                        Ok(None)
                    }
                }
            })
            .await?;
        self.outbox.wake();
        let address = client.address_text();
        match made {
            Some(user) => self
                .audit
                .event("sign_up", &[("user", &user), ("ip", &address)]),
            None => self.audit.event("sign_up_email_taken", &[("ip", &address)]),
        }
        Ok(Registered::CheckYourMail)
    }
}

/// Inserts a new account's row; `None` when the email is taken.
fn insert_user(
    conn: &mut crate::db::Conn,
    name: &crate::domain::UserName,
    email: &crate::domain::Email,
    password_hash: &str,
    now: crate::clock::Millis,
) -> Result<Option<User>, AppError> {
    let new_user = NewUser {
        id: &uuid::Uuid::new_v4().to_string(),
        name: name.as_str(),
        email: email.as_str(),
        password_hash,
        created_at: now,
    };
    users::insert(conn, &new_user)
}
