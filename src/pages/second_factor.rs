//! The second step of a form sign-in: a code from the authenticator app
//! or a recovery code, or a passkey.

use askama::Template;

use super::forms::feedback;
use super::{FormContext, Layout};
use crate::error::AppError;

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct SecondFactorPage {
    pub layout: Layout,
    pub csrf: String,
    /// Whether to offer "Use a passkey" (the account has one).
    pub passkey: bool,
    pub error: Option<String>,
}

impl SecondFactorPage {
    pub fn new(context: FormContext, passkey: bool, failure: Option<&AppError>) -> Self {
        let error = failure.and_then(|failure| feedback(failure).1);
        SecondFactorPage {
            layout: Layout::new("Second step", context.flash)
                .answering_a_post("/login/second-factor", failure.is_some()),
            csrf: context.csrf,
            passkey,
            error,
        }
    }
}
