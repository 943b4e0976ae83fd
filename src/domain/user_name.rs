use super::FieldError;

/// A display name: 1 to 100 characters after trimming, no control characters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserName(String);

const MAX_CHARS: usize = 100;

impl UserName {
    pub fn parse(raw: &str) -> Result<UserName, FieldError> {
        let invalid = |message: &str| FieldError::new("name", "invalid_name", message);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(invalid("Name is required."));
        }
        if trimmed.chars().count() > MAX_CHARS {
            return Err(invalid("Name must be at most 100 characters."));
        }
        if trimmed.chars().any(char::is_control) {
            return Err(invalid("Name must not contain control characters."));
        }
        Ok(UserName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_keeps_up_to_a_hundred_characters() {
        assert_eq!(
            UserName::parse("  Ada Lovelace ").unwrap().as_str(),
            "Ada Lovelace"
        );
        assert!(UserName::parse(&"é".repeat(100)).is_ok());
    }

    #[test]
    fn refuses_empty_overlong_and_control_characters() {
        assert!(UserName::parse("   ").is_err());
        assert!(UserName::parse(&"é".repeat(101)).is_err());
        assert!(UserName::parse("Ada\nLovelace").is_err());
    }
}
