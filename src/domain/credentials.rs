//! What sign-up and sign-in take, parsed as a whole: every field that fails
//! is reported, not just the first.

use super::{Email, FieldError, FieldErrors, Password, UserName};

/// An email and a password that an account could have.
#[derive(Debug)]
pub struct Credentials {
    pub email: Email,
    pub password: Password,
}

impl Credentials {
    /// The same rules as at sign-up: a password no account can have is
    /// refused here (it reveals nothing about any account), never cut.
    pub fn parse(email: &str, password: String) -> Result<Credentials, FieldErrors> {
        let (email, password) = (Email::parse(email), Password::parse(password));
        if let Some(errors) = FieldErrors::collect([failure(&email), failure(&password)]) {
            return Err(errors);
        }
        Ok(Credentials {
            email: email?,
            password: password?,
        })
    }
}

/// A new account's name, email and password.
#[derive(Debug)]
pub struct NewAccount {
    pub name: UserName,
    pub email: Email,
    pub password: Password,
}

impl NewAccount {
    pub fn parse(name: &str, email: &str, password: String) -> Result<NewAccount, FieldErrors> {
        let (name, email, password) = (
            UserName::parse(name),
            Email::parse_new(email),
            Password::parse(password),
        );
        let failures = [failure(&name), failure(&email), failure(&password)];
        if let Some(errors) = FieldErrors::collect(failures) {
            return Err(errors);
        }
        Ok(NewAccount {
            name: name?,
            email: email?,
            password: password?,
        })
    }
}

fn failure<T>(parsed: &Result<T, FieldError>) -> Option<FieldError> {
    parsed.as_ref().err().cloned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_failing_field_is_reported_in_input_order() {
        let errors = NewAccount::parse("", "nope", "short".into()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "email", "password"]);
        let errors = Credentials::parse("ada@example.com", "short".into()).unwrap_err();
        assert_eq!(errors.first().code, "invalid_password");
    }

    #[test]
    fn valid_input_is_parsed_and_normalised() {
        let account = NewAccount::parse(" Ada ", "Ada@Example.com", "12345678".into()).unwrap();
        assert_eq!(account.name.as_str(), "Ada");
        assert_eq!(account.email.as_str(), "ada@example.com");
    }
}
