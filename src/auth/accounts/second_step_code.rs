//! The second step's code: a TOTP code of a step not used before, or one of
//! the user's recovery codes, used up in the sign-in's transaction.

use crate::auth::factors::{recovery, totp};
use crate::clock::Millis;
use crate::db::users::User;
use crate::db::{recovery_codes, totp_secrets, Conn};
use crate::error::AppError;

/// Which code passed the second step (for its audit line).
#[derive(Clone, Copy)]
pub(super) enum CodeUsed {
    Totp,
    Recovery,
    Passkey,
}

/// A TOTP code of a step not used before, or one of the user's recovery
/// codes (used up); else `InvalidCode`.
pub(super) fn use_code(
    conn: &mut Conn,
    user: &User,
    code: &str,
    at: Millis,
) -> Result<CodeUsed, AppError> {
    if let Some(secret) = totp_secrets::find(conn, &user.id)?.filter(|s| s.is_on()) {
        if let Some(step) = totp::matching_step(&secret.secret, code, at) {
            // A replay (this step or an older one used already) is wrong.
            return if totp_secrets::use_step(conn, &user.id, step)? {
                Ok(CodeUsed::Totp)
            } else {
                Err(AppError::InvalidCode)
            };
        }
    }
    match recovery::hash(code) {
        Some(hash) if recovery_codes::take(conn, &user.id, &hash)? => Ok(CodeUsed::Recovery),
        _ => Err(AppError::InvalidCode),
    }
}
