use email_address::{EmailAddress, Options};

use super::FieldError;

/// An email address, trimmed and lower-cased so that comparing two is
/// comparing their text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

/// The longest address SMTP can carry (RFC 5321 path limit less the brackets).
const MAX_LEN: usize = 254;

impl Email {
    pub fn parse(raw: &str) -> Result<Email, FieldError> {
        let invalid = |message: &str| FieldError::new("email", "invalid_email", message);
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(invalid("Email is required."));
        }
        if trimmed.len() > MAX_LEN {
            return Err(invalid("Email must be at most 254 characters."));
        }
        let options = Options {
            minimum_sub_domains: 2,
            allow_domain_literal: false,
            allow_display_text: false,
            ..Options::default()
        };
        EmailAddress::parse_with_options(trimmed, options)
            .map_err(|_| invalid("Enter an email address like name@example.com."))?;
        Ok(Email(trimmed.to_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_lowercases() {
        assert_eq!(
            Email::parse("  Ada@Example.COM ").unwrap().as_str(),
            "ada@example.com"
        );
    }

    #[test]
    fn refuses_what_is_not_an_address() {
        for raw in [
            "",
            "   ",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "Ada <ada@example.com>",
            "a b@example.com",
        ] {
            let error = Email::parse(raw).unwrap_err();
            assert_eq!(error.code, "invalid_email", "{raw:?}");
        }
    }

    #[test]
    fn refuses_overlong_addresses() {
        let raw = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&raw).is_err());
    }
}
