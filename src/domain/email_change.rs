//! What a change of address takes: the password, to confirm who asks, and
//! the new address, which must be one an account may have from now on
//! (`Email::parse_new`) and not the one it has.

use super::{CurrentPassword, Email, FieldError, FieldErrors};

/// The form's field for the new address (`newEmail` in JSON).
const NEW_EMAIL: &str = "new_email";

#[derive(Debug)]
pub struct EmailChange {
    pub password: CurrentPassword,
    pub new_email: Email,
}

impl EmailChange {
    /// `current` is the account's address now.
    pub fn parse(
        password: String,
        new_email: &str,
        current: &str,
    ) -> Result<EmailChange, FieldErrors> {
        let password = CurrentPassword::parse("password", password);
        let new_email = Email::parse_new(new_email)
            .map_err(|e| FieldError {
                field: NEW_EMAIL,
                ..e
            })
            .and_then(|email| match email.as_str() == current {
                true => Err(FieldError::new(
                    NEW_EMAIL,
                    "invalid_email",
                    "This is already your address.",
                )),
                false => Ok(email),
            });
        let failures = [
            new_email.as_ref().err().cloned(),
            password.as_ref().err().cloned(),
        ];
        if let Some(errors) = FieldErrors::collect(failures) {
            return Err(errors);
        }
        Ok(EmailChange {
            password: password?,
            new_email: new_email?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refusal(password: &str, new_email: &str) -> FieldError {
        EmailChange::parse(password.into(), new_email, "ada@example.com")
            .unwrap_err()
            .first()
            .clone()
    }

    #[test]
    fn a_new_plain_address_is_taken_lower_cased() {
        let change =
            EmailChange::parse("pw".into(), " Ada@New.Example.com ", "ada@example.com").unwrap();
        assert_eq!(change.new_email.as_str(), "ada@new.example.com");
    }

    #[test]
    fn the_current_address_is_refused_whatever_its_case() {
        let error = refusal("pw", "ADA@example.com");
        assert_eq!((error.field, error.code), (NEW_EMAIL, "invalid_email"));
    }

    #[test]
    fn a_quoted_local_part_is_refused_on_the_new_email_field() {
        let error = refusal("pw", r#""x@corp"@evil.example.com"#);
        assert_eq!((error.field, error.code), (NEW_EMAIL, "invalid_email"));
    }

    #[test]
    fn a_missing_password_is_refused_too() {
        let errors = EmailChange::parse(String::new(), "bad", "ada@example.com").unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, [NEW_EMAIL, "password"]);
    }
}
