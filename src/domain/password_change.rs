//! What a password change and an account deletion take: the current
//! password, to confirm who asks, and for a change the new one.

use super::{FieldError, FieldErrors, Password};

/// The password given to confirm who asks. Any text but none: it is only
/// compared with the stored hash (a text no account can have simply does
/// not match, and counts as a wrong password). `Debug` never shows it.
pub struct CurrentPassword(String);

impl CurrentPassword {
    /// `field` names the input in forms (`password`, `current_password`).
    pub fn parse(field: &'static str, raw: String) -> Result<CurrentPassword, FieldError> {
        if raw.is_empty() {
            return Err(FieldError::new(
                field,
                "invalid_password",
                "Your current password is required.",
            ));
        }
        Ok(CurrentPassword(raw))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for CurrentPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CurrentPassword(redacted)")
    }
}

/// The current password and a new one that keeps the rules.
#[derive(Debug)]
pub struct PasswordChange {
    pub current: CurrentPassword,
    pub new: Password,
}

impl PasswordChange {
    pub fn parse(current: String, new: String) -> Result<PasswordChange, FieldErrors> {
        let current = CurrentPassword::parse("current_password", current);
        let new = Password::parse(new).map_err(|e| FieldError {
            field: "new_password",
            message: e.message.replacen("Password", "The new password", 1),
            ..e
        });
        let failures = [current.as_ref().err().cloned(), new.as_ref().err().cloned()];
        if let Some(errors) = FieldErrors::collect(failures) {
            return Err(errors);
        }
        Ok(PasswordChange {
            current: current?,
            new: new?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_fields_are_reported_by_their_form_names() {
        let errors = PasswordChange::parse(String::new(), "short".into()).unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["current_password", "new_password"]);
        assert!(errors
            .iter()
            .all(|e| e.code == "invalid_password" && !e.message.is_empty()));
        let errors = PasswordChange::parse("anything".into(), "x".repeat(73)).unwrap_err();
        assert_eq!(errors.first().field, "new_password");
        assert!(errors.first().message.starts_with("The new password"));
    }

    #[test]
    fn any_current_password_is_taken_as_it_is_and_never_shown() {
        let change = PasswordChange::parse("short".into(), "a new password".into()).unwrap();
        assert_eq!(change.current.expose(), "short");
        let shown = format!("{change:?}");
        assert!(
            !shown.contains("short") && !shown.contains("a new password"),
            "{shown}"
        );
    }
}
