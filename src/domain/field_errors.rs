//! Why input was refused: one field's reason, and the reasons of a whole
//! form, which always hold at least one.

/// Why one input field was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name in forms and JSON (`name`, `email`, `password`).
    pub field: &'static str,
    /// The stable error code (`invalid_email`…).
    pub code: &'static str,
    pub message: String,
}

impl FieldError {
    pub(super) fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}

/// Every field that failed, in input order; never empty, so there is always
/// a first one to name in a JSON error.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldErrors {
    first: FieldError,
    rest: Vec<FieldError>,
}

impl FieldErrors {
    /// The failures among `checks`, or `None` when every field passed.
    pub fn collect(checks: impl IntoIterator<Item = Option<FieldError>>) -> Option<FieldErrors> {
        let mut failures = checks.into_iter().flatten();
        let first = failures.next()?;
        Some(FieldErrors {
            first,
            rest: failures.collect(),
        })
    }

    /// The first field that failed: what a JSON error reports.
    pub fn first(&self) -> &FieldError {
        &self.first
    }

    pub fn iter(&self) -> impl Iterator<Item = &FieldError> {
        std::iter::once(&self.first).chain(&self.rest)
    }
}

impl From<FieldError> for FieldErrors {
    fn from(error: FieldError) -> Self {
        FieldErrors {
            first: error,
            rest: Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn error(field: &'static str) -> FieldError {
        FieldError::new(field, "invalid", "no")
    }

    #[test]
    fn nothing_failed_is_no_errors() {
        assert_eq!(FieldErrors::collect([None, None]), None);
    }

    #[test]
    fn failures_keep_their_input_order() {
        let errors = FieldErrors::collect([None, Some(error("email")), Some(error("password"))])
            .expect("two failed");
        assert_eq!(errors.first().field, "email");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "password"]);
    }
}
