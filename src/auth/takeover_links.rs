//! The mailed links that could take an account out of its owner's hands
//! (a reset link, a link that moves the account to another address, a
//! "this wasn't me" link, which makes a reset link), voided together.
//!
//! Why: whoever set a new password, or moved the account to a new
//! address, means to shut out whoever had the old password or reads the
//! old mailbox. A link mailed before, or a mail still waiting to carry
//! one, would let them back in: an attacker with a phished password asks
//! to move the account to their address, the owner resets the password,
//! and the attacker's link would still work. So a password change, a
//! reset, a "this wasn't me" and a change of address each call `void` in
//! their own transaction. Sign-in tickets go too: each proves a password
//! that may be the old one, and must not finish signing in after it.

use super::outbox::MailKind;
use crate::db::email_links::{self, CHANGE};
use crate::db::{mail_outbox, password_resets, sign_in_alerts, sign_in_tickets, Conn};
use crate::error::AppError;

/// Deletes the user's reset link, change link and "this wasn't me" links,
/// and the reset and change mails still waiting for them (`email`: the
/// account's address, which reset mails are kept by), and the sign-in
/// tickets waiting for a second step.
pub(in crate::auth) fn void(conn: &mut Conn, user_id: &str, email: &str) -> Result<(), AppError> {
    password_resets::delete_of_user(conn, user_id)?;
    mail_outbox::delete_of_recipient(conn, MailKind::PasswordReset.as_str(), email)?;
    email_links::delete_of_user(conn, user_id, CHANGE)?;
    mail_outbox::delete_about(conn, MailKind::ConfirmNewEmail.as_str(), user_id)?;
    sign_in_alerts::delete_of_user(conn, user_id)?;
    sign_in_tickets::delete_of_user(conn, user_id)
}
