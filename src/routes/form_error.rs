//! How a form post fails: the page again with the error shown (its status
//! and headers from the error), the 403 page for a missing CSRF token, or,
//! for what is not about the form's content, the JSON error as anywhere else.

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, ResponseError};
use askama::Template;

use super::html;
use crate::error::AppError;

#[derive(thiserror::Error)]
pub enum FormError {
    /// The form again, rendered, with the error that made it fail.
    #[error("{error}")]
    Page { error: AppError, html: String },
    /// No valid CSRF token: nothing was done.
    #[error("The form has no valid CSRF token.")]
    Forbidden { back: &'static str },
    #[error(transparent)]
    Other(#[from] AppError),
}

/// Without the page: it holds the browser's CSRF token, and actix logs an
/// error's `Debug` at debug level.
impl std::fmt::Debug for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FormError::Page { error, .. } => f
                .debug_struct("Page")
                .field("error", error)
                .finish_non_exhaustive(),
            FormError::Forbidden { back } => {
                f.debug_struct("Forbidden").field("back", back).finish()
            }
            FormError::Other(error) => f.debug_tuple("Other").field(error).finish(),
        }
    }
}

impl FormError {
    /// `page` shown again for `error`.
    pub fn page(error: AppError, page: &impl Template) -> FormError {
        match page.render() {
            Ok(html) => FormError::Page { error, html },
            Err(render) => FormError::Other(AppError::unexpected(render)),
        }
    }
}

impl ResponseError for FormError {
    fn status_code(&self) -> StatusCode {
        match self {
            FormError::Page { error, .. } | FormError::Other(error) => error.status_code(),
            FormError::Forbidden { .. } => StatusCode::FORBIDDEN,
        }
    }

    fn error_response(&self) -> HttpResponse {
        match self {
            FormError::Page { error, html } => {
                let mut response = html::page(error.status_code(), html.clone());
                for (name, value) in error.headers() {
                    response.headers_mut().insert(name, value);
                }
                response
            }
            FormError::Forbidden { back } => html::forbidden(back),
            FormError::Other(error) => error.error_response(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::{FormContext, LoginPage};

    #[test]
    fn its_debug_form_leaves_out_the_page_and_its_csrf_token() {
        let context = FormContext {
            csrf: "csrf-token-value".into(),
            flash: None,
        };
        let error = AppError::InvalidCredentials;
        let page = LoginPage::new(context, "ada@example.com", None, Some(&error));
        let failed = FormError::page(error, &page);
        assert!(
            matches!(&failed, FormError::Page { html, .. } if html.contains("csrf-token-value"))
        );
        let logged = format!("{failed:?}");
        assert!(!logged.contains("csrf-token-value"), "{logged}");
        assert!(logged.contains("InvalidCredentials"), "{logged}");
    }
}
