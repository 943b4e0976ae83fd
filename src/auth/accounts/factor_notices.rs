//! The notice mailed when an account's second factors change, put in the
//! outbox by the transaction that changes them (so it goes if and only if
//! the change is made). Only to a verified address, as sign-in alerts:
//! mailing an address nobody proved would be abuse.

use crate::auth::outbox::{MailKind, Outbox};
use crate::db::users::User;
use crate::db::Conn;
use crate::domain::Email;
use crate::error::AppError;

/// What changed, as the notice names it.
#[derive(Clone, Copy)]
pub enum FactorChange {
    TotpEnabled,
    TotpDisabled,
    RecoveryCodesMade,
    PasskeyAdded,
    PasskeyRemoved,
}

impl FactorChange {
    fn as_str(self) -> &'static str {
        match self {
            FactorChange::TotpEnabled => "totp_enabled",
            FactorChange::TotpDisabled => "totp_disabled",
            FactorChange::RecoveryCodesMade => "recovery_codes_made",
            FactorChange::PasskeyAdded => "passkey_added",
            FactorChange::PasskeyRemoved => "passkey_removed",
        }
    }
}

/// Puts the notice for `user` in the outbox, in the caller's transaction;
/// whether it did (then `Outbox::wake` once the transaction committed).
pub fn put_notice(
    outbox: &Outbox,
    conn: &mut Conn,
    user: Option<&User>,
    change: FactorChange,
    from: &str,
) -> Result<bool, AppError> {
    let Some(user) = user.filter(|user| user.email_verified) else {
        return Ok(false);
    };
    // An address from before today's rules may not parse: no notice then.
    let Ok(email) = Email::parse(&user.email) else {
        return Ok(false);
    };
    outbox.put_in(
        conn,
        MailKind::SecondFactorChanged,
        &email,
        change.as_str(),
        from,
    )?;
    Ok(true)
}
