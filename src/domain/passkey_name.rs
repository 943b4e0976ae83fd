use super::FieldError;

/// What a user calls one of their passkeys: 1 to 64 characters after
/// trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PasskeyName(String);

const MAX_CHARS: usize = 64;

impl PasskeyName {
    pub fn parse(raw: &str) -> Result<PasskeyName, FieldError> {
        let invalid = |message: &str| FieldError::new("name", "invalid_passkey_name", message);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(invalid("Give the passkey a name."));
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(invalid("A passkey's name must be at most 64 characters."));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(invalid(
                "A passkey's name must not contain control characters.",
            ));
        }
        Ok(PasskeyName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_up_to_sixty_four_characters() {
        assert_eq!(PasskeyName::parse("  Laptop ").unwrap().as_str(), "Laptop");
        assert!(PasskeyName::parse(&"é".repeat(64)).is_ok());
    }

    #[test]
    fn refuses_empty_overlong_and_control_characters() {
        assert!(PasskeyName::parse("  ").is_err());
        assert!(PasskeyName::parse(&"é".repeat(65)).is_err());
        assert!(PasskeyName::parse("a\u{7}b").is_err());
    }
}
