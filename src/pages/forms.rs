//! The two form pages, and how an error is shown on them: beside its field,
//! or as one message for the whole form.

use askama::Template;

use super::Layout;
use crate::domain::LocalPath;
use crate::error::{retry_after_secs, AppError};

/// Messages to show next to form fields, by field name.
#[derive(Default)]
pub struct FieldMessages(Vec<(&'static str, String)>);

impl FieldMessages {
    pub fn push(&mut self, field: &'static str, message: impl Into<String>) {
        self.0.push((field, message.into()));
    }

    pub fn get(&self, field: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(f, _)| *f == field)
            .map(|(_, m)| m.as_str())
    }
}

/// What every form page carries from the browser's form session.
pub struct FormContext {
    /// This browser's CSRF token, put in every form.
    pub csrf: String,
    /// A one-time message from the previous request ("Signed out").
    pub flash: Option<String>,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub next: Option<String>,
    /// "Create an account", keeping `next`.
    pub register_link: String,
    /// A message about the whole form (wrong credentials, too many attempts).
    pub error: Option<String>,
    pub errors: FieldMessages,
}

#[derive(Template)]
#[template(path = "register.html")]
pub struct RegisterPage {
    pub layout: Layout,
    pub csrf: String,
    pub name: String,
    pub email: String,
    /// Where signing up leads (a local path), as on the sign-in page.
    pub next: Option<String>,
    /// "Sign in", keeping `next`.
    pub login_link: String,
    pub error: Option<String>,
    pub errors: FieldMessages,
}

#[derive(Template)]
#[template(path = "forgot.html")]
pub struct ForgotPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
    pub error: Option<String>,
    pub errors: FieldMessages,
}

#[derive(Template)]
#[template(path = "reset.html")]
pub struct ResetPage {
    pub layout: Layout,
    pub csrf: String,
    pub error: Option<String>,
    pub errors: FieldMessages,
}

impl ForgotPage {
    pub fn new(context: FormContext, email: &str, failure: Option<&AppError>) -> Self {
        let (errors, error) = match failure {
            // Every request counts here, not only failed ones.
            Some(AppError::TooManyAttempts { retry_after }) => (
                FieldMessages::default(),
                Some(format!(
                    "Too many links were asked for. Please wait {} before asking again.",
                    readable_wait(*retry_after)
                )),
            ),
            other => other.map(feedback).unwrap_or_default(),
        };
        ForgotPage {
            layout: Layout::new("Forgot your password?", context.flash)
                .answering_a_post("/password/forgot", failure.is_some()),
            csrf: context.csrf,
            email: email.to_owned(),
            error,
            errors,
        }
    }
}

impl ResetPage {
    pub fn new(context: FormContext, failure: Option<&AppError>) -> Self {
        let (errors, error) = failure.map(feedback).unwrap_or_default();
        ResetPage {
            layout: Layout::new("Choose a new password", context.flash)
                .answering_a_post("/password/reset", failure.is_some()),
            csrf: context.csrf,
            error,
            errors,
        }
    }
}

impl LoginPage {
    /// The sign-in page, with what the user typed (never the password) and
    /// what went wrong, if anything.
    pub fn new(
        context: FormContext,
        email: &str,
        next: Option<LocalPath>,
        failure: Option<&AppError>,
    ) -> Self {
        let (errors, error) = failure.map(feedback).unwrap_or_default();
        LoginPage {
            layout: Layout::new("Sign in", context.flash)
                .answering_a_post(with_next("/login", next.as_ref()), failure.is_some()),
            csrf: context.csrf,
            email: email.to_owned(),
            register_link: with_next("/register", next.as_ref()),
            next: next.map(|path| path.as_str().to_owned()),
            error,
            errors,
        }
    }
}

impl RegisterPage {
    /// The sign-up page, likewise.
    pub fn new(
        context: FormContext,
        name: &str,
        email: &str,
        next: Option<LocalPath>,
        failure: Option<&AppError>,
    ) -> Self {
        let (errors, error) = failure.map(feedback).unwrap_or_default();
        RegisterPage {
            layout: Layout::new("Create an account", context.flash)
                .answering_a_post(with_next("/register", next.as_ref()), failure.is_some()),
            csrf: context.csrf,
            name: name.to_owned(),
            email: email.to_owned(),
            login_link: with_next("/login", next.as_ref()),
            next: next.map(|path| path.as_str().to_owned()),
            error,
            errors,
        }
    }
}

/// `page`, carrying `next` on in its query: the way from sign-in to
/// sign-up and back keeps where the user was going.
fn with_next(page: &str, next: Option<&LocalPath>) -> String {
    match next {
        Some(next) => {
            let encoded: String =
                form_urlencoded::byte_serialize(next.as_str().as_bytes()).collect();
            format!("{page}?next={encoded}")
        }
        None => page.to_owned(),
    }
}

/// What a form shows for an error: messages by field, and one for the form.
pub(super) fn feedback(error: &AppError) -> (FieldMessages, Option<String>) {
    let mut fields = FieldMessages::default();
    let general = match error {
        AppError::Invalid(errors) => {
            for e in errors.iter() {
                fields.push(e.field, e.message.clone());
            }
            None
        }
        AppError::EmailTaken => {
            fields.push("email", "An account with this email already exists.");
            None
        }
        AppError::InvalidCredentials => Some("The email or password is incorrect.".to_owned()),
        AppError::Busy => Some("The server is busy. Please try again in a moment.".to_owned()),
        AppError::TooManyAttempts { retry_after } => Some(format!(
            "Too many failed attempts. For your safety, please wait {} before trying again.",
            readable_wait(*retry_after)
        )),
        AppError::Unexpected(_) => {
            error.log_if_unexpected();
            Some("Something went wrong on our side. Please try again.".to_owned())
        }
        other => Some(other.to_string()),
    };
    (fields, general)
}

/// "3 minutes", "40 seconds".
fn readable_wait(wait: std::time::Duration) -> String {
    let seconds = retry_after_secs(wait);
    match seconds {
        1 => "1 second".to_owned(),
        s if s < 60 => format!("{s} seconds"),
        s if s < 120 => "1 minute".to_owned(),
        s => format!("{} minutes", s.div_ceil(60)),
    }
}
