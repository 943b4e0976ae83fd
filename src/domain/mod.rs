//! Input types that can only hold valid values, parsed once at the edge.

mod email;
pub mod password;
mod user_name;

pub use email::Email;
pub use password::Password;
pub use user_name::UserName;

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
    fn new(field: &'static str, code: &'static str, message: impl Into<String>) -> Self {
        FieldError {
            field,
            code,
            message: message.into(),
        }
    }
}
