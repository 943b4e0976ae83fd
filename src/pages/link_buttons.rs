//! The pages behind the mailed links that change something: verify an
//! address, make a new one the account's, end a session. Opening the link
//! (GET or HEAD) only shows the page: its one button, posted with the CSRF
//! token, does the work. Mail link scanners follow links; they do not
//! press buttons.

use askama::Template;

use super::{FormContext, Layout};

/// "Verify my address", for the address the link proves.
#[derive(Template)]
#[template(path = "email_verify.html")]
pub struct VerifyLinkPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
}

/// "Make it my address", for the new address the link proves.
#[derive(Template)]
#[template(path = "email_change_confirm.html")]
pub struct ChangeLinkPage {
    pub layout: Layout,
    pub csrf: String,
    pub email: String,
}

/// "End that session and choose a new password".
#[derive(Template)]
#[template(path = "not_me.html")]
pub struct NotMePage {
    pub layout: Layout,
    pub csrf: String,
}

impl VerifyLinkPage {
    pub fn new(context: FormContext, email: String) -> Self {
        VerifyLinkPage {
            layout: Layout::new("Verify your address", context.flash),
            csrf: context.csrf,
            email,
        }
    }
}

impl ChangeLinkPage {
    pub fn new(context: FormContext, email: String) -> Self {
        ChangeLinkPage {
            layout: Layout::new("Change your address", context.flash),
            csrf: context.csrf,
            email,
        }
    }
}

impl NotMePage {
    pub fn new(context: FormContext) -> Self {
        NotMePage {
            layout: Layout::new("This wasn't me", context.flash),
            csrf: context.csrf,
        }
    }
}
