//! What an app registered with sesame is called: shown on the consent page
//! and on the profile's list of sessions. 1 to 100 characters after
//! trimming, no control characters.

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientName(String);

const MAX_CHARS: usize = 100;

impl ClientName {
    pub fn parse(raw: &str) -> Result<ClientName, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.chars().count() > MAX_CHARS {
            return Err(format!("an app's name must be 1 to {MAX_CHARS} characters"));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("an app's name must not contain control characters".to_owned());
        }
        Ok(ClientName(trimmed.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::ClientName;

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(ClientName::parse("  Grafana ").unwrap().as_str(), "Grafana");
        assert!(ClientName::parse(" ").is_err());
        assert!(ClientName::parse(&"a".repeat(101)).is_err());
        assert!(ClientName::parse("a\nb").is_err());
    }
}
