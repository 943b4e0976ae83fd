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

    /// An address for an account to have from now on (sign-up, a change):
    /// besides being an address, one that every mail system reads as the
    /// same mailbox. `parse` alone is for finding an account, so one made
    /// before this rule can still sign in and ask for a reset.
    pub fn parse_new(raw: &str) -> Result<Email, FieldError> {
        let email = Email::parse(raw)?;
        if !is_read_one_way(email.as_str()) {
            return Err(FieldError::new(
                "email",
                "invalid_email",
                "Enter a plain address: letters, digits and . _ + - ' before the @, \
                 no quotes, comments, % or !, and the domain in ASCII (its xn-- form).",
            ));
        }
        Ok(email)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whether every mail system reads the address as the same mailbox. RFC
/// 5322 allows forms that they do not: a quoted local part
/// (`"x@corp"@evil.example`), comments, escapes, the old source routes
/// (`user%corp@relay`, `relay!user`), and non-ASCII text, which systems
/// fold and normalise differently (and a domain has an `xn--` twin). An
/// address that passes is a dot-atom of ASCII, with `%` and `!` left out
/// of its local part: what people's addresses are.
fn is_read_one_way(address: &str) -> bool {
    let Some((local, domain)) = address.rsplit_once('@') else {
        return false;
    };
    let atom_char = |c: char| c.is_ascii_alphanumeric() || "#$&'*+-/=?^_`{|}~".contains(c);
    let dot_atom = |text: &str, allowed: &dyn Fn(char) -> bool| {
        !text.is_empty()
            && text
                .split('.')
                .all(|atom| !atom.is_empty() && atom.chars().all(allowed))
    };
    let domain_char = |c: char| c.is_ascii_alphanumeric() || c == '-';
    dot_atom(local, &atom_char) && dot_atom(domain, &domain_char)
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
    fn keeps_the_plain_addresses_people_have() {
        for raw in [
            "ada@example.com",
            "ada.lovelace+sesame@mail.example.co.uk",
            "o'brien@example.ie",
            "first_last-2@xn--bcher-kva.example",
        ] {
            assert!(Email::parse_new(raw).is_ok(), "{raw:?}");
        }
    }

    #[test]
    fn refuses_addresses_a_mail_system_may_read_two_ways() {
        for raw in [
            r#""x@corp"@evil.example"#,
            r#""ada"@example.com"#,
            r#""a\"b"@example.com"#,
            "ada(comment)@example.com",
            "user%corp.example@relay.example",
            "relay!user@example.com",
            "zoë@example.com",
            "ada@bücher.example",
        ] {
            let error = Email::parse_new(raw).unwrap_err();
            assert_eq!(error.code, "invalid_email", "{raw:?}");
        }
    }

    #[test]
    fn refuses_overlong_addresses() {
        let raw = format!("{}@example.com", "a".repeat(250));
        assert!(Email::parse(&raw).is_err());
    }
}
