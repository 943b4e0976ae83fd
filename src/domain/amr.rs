//! What a sign-in proved: the `amr` claim's values (RFC 8176). A session
//! keeps what its sign-in proved, and every access token it issues (its
//! refreshes too) says so.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Amr {
    /// A password alone.
    Password,
    /// A password, then a one-time code (TOTP or a recovery code).
    PasswordAndCode,
    /// A passkey alone (a discoverable credential, the user verified by
    /// the authenticator).
    Passkey,
    /// A password, then a passkey.
    PasswordAndPasskey,
}

impl Amr {
    /// The claim's values. `mfa` whenever two factors or a passkey were used.
    pub fn values(self) -> &'static [&'static str] {
        match self {
            Amr::Password => &["pwd"],
            Amr::PasswordAndCode => &["pwd", "otp", "mfa"],
            Amr::Passkey => &["hwk", "mfa"],
            Amr::PasswordAndPasskey => &["pwd", "hwk", "mfa"],
        }
    }

    /// How the `sessions.amr` column keeps it: the values, space-separated.
    pub fn stored(self) -> &'static str {
        match self {
            Amr::Password => "pwd",
            Amr::PasswordAndCode => "pwd otp mfa",
            Amr::Passkey => "hwk mfa",
            Amr::PasswordAndPasskey => "pwd hwk mfa",
        }
    }

    /// The stored form read back. Anything else claims the least: a
    /// password alone (never more than was proven).
    pub fn from_stored(stored: &str) -> Amr {
        [Amr::PasswordAndCode, Amr::Passkey, Amr::PasswordAndPasskey]
            .into_iter()
            .find(|amr| amr.stored() == stored)
            .unwrap_or(Amr::Password)
    }

    pub fn is_multi_factor(self) -> bool {
        self != Amr::Password
    }
}

#[cfg(test)]
mod tests {
    use super::Amr;

    #[test]
    fn every_value_reads_back_as_itself() {
        for amr in [
            Amr::Password,
            Amr::PasswordAndCode,
            Amr::Passkey,
            Amr::PasswordAndPasskey,
        ] {
            assert_eq!(Amr::from_stored(amr.stored()), amr);
            assert_eq!(amr.values().join(" "), amr.stored());
            assert_eq!(amr.is_multi_factor(), amr.values().contains(&"mfa"));
        }
    }

    #[test]
    fn an_unknown_stored_value_claims_a_password_alone() {
        assert_eq!(Amr::from_stored("mfa"), Amr::Password);
        assert_eq!(Amr::from_stored(""), Amr::Password);
    }
}
