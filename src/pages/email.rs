//! The pages of address verification: the link opened, a link that does
//! not work, the refusal of an unverified address, and "check your mail"
//! after a sign-up that needs one.

use askama::Template;

use super::Layout;

/// A verification link opened: the address is verified.
#[derive(Template)]
#[template(path = "email_verified.html")]
pub struct EmailVerifiedPage {
    pub layout: Layout,
    pub email: String,
}

/// A verification link that does not work (400).
#[derive(Template)]
#[template(path = "verify_invalid.html")]
pub struct VerifyInvalidPage {
    pub layout: Layout,
}

/// The right password of an unverified address, refused (403), or a new
/// link that could not be sent (429): what to do, and the resend button.
#[derive(Template)]
#[template(path = "email_not_verified.html")]
pub struct EmailNotVerifiedPage {
    pub layout: Layout,
    pub csrf: String,
    pub message: String,
}

/// "Check your mail", after a sign-up while a verified address is required.
#[derive(Template)]
#[template(path = "register_sent.html")]
pub struct RegisterSentPage {
    pub layout: Layout,
    /// How long the link works ("24 hours").
    pub valid_for: String,
}
