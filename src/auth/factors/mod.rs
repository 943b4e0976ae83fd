//! Second factors: TOTP codes (`totp`), recovery codes (`recovery`) and
//! passkeys (`passkeys`). What an account has decides what its sign-in asks
//! for after the password (`accounts::steps`).

pub mod passkeys;
pub mod recovery;
pub mod totp;

use crate::db::users::User;

/// A way to pass the second step of a sign-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Totp,
    Recovery,
    Passkey,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Totp => "totp",
            Method::Recovery => "recovery",
            Method::Passkey => "passkey",
        }
    }
}

/// What proves the second step.
pub enum Proof {
    /// A TOTP code or a recovery code, as typed.
    Code(String),
    /// A passkey's answer to the challenge the ticket's page was given.
    Passkey(Box<passkeys::SecondStepAssertion>),
}

/// What the second step of the user's sign-in accepts, as the user's
/// (locked) row says: nothing (no second step) unless TOTP is on; then a
/// TOTP code, a recovery code while any is left, and any of the user's
/// passkeys. A passkey alone is a whole sign-in of its own (`/login`'s
/// passkey button), not a step after a password.
pub fn methods_of(user: &User) -> Vec<Method> {
    if !user.totp_on {
        return Vec::new();
    }
    let mut methods = vec![Method::Totp];
    if user.recovery_codes_left > 0 {
        methods.push(Method::Recovery);
    }
    if user.passkey_count > 0 {
        methods.push(Method::Passkey);
    }
    methods
}
