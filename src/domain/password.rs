use super::FieldError;

/// A new password: at least 8 characters and at most 72 bytes, bcrypt's
/// limit. A longer one is refused, never cut. `Debug` never shows it.
#[derive(Clone)]
pub struct Password(String);

pub const MIN_CHARS: usize = 8;
pub const MAX_BYTES: usize = 72;

impl Password {
    pub fn parse(raw: String) -> Result<Password, FieldError> {
        let invalid = |message: &str| FieldError::new("password", "invalid_password", message);
        if raw.is_empty() {
            return Err(invalid("Password is required."));
        }
        if raw.chars().count() < MIN_CHARS {
            return Err(invalid("Password must be at least 8 characters."));
        }
        if raw.len() > MAX_BYTES {
            return Err(invalid(
                "Password must be at most 72 bytes: about 72 letters, fewer with accents or emoji.",
            ));
        }
        Ok(Password(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(redacted)")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_eight_characters_to_seventy_two_bytes() {
        assert!(Password::parse("12345678".into()).is_ok());
        assert!(Password::parse("x".repeat(72)).is_ok());
    }

    #[test]
    fn refuses_short_and_overlong_passwords() {
        assert!(Password::parse("1234567".into()).is_err());
        assert!(Password::parse("x".repeat(73)).is_err());
        // 24 three-byte characters are 72 bytes; 25 are over the limit.
        assert!(Password::parse("€".repeat(24)).is_ok());
        assert!(Password::parse("€".repeat(25)).is_err());
    }

    #[test]
    fn debug_hides_the_password() {
        let password = Password::parse("hunter2hunter2".into()).unwrap();
        assert!(!format!("{password:?}").contains("hunter2"));
    }
}
