//! The page an address-change link opens: the new address, or why the
//! change did not happen.

use askama::Template;

use super::Layout;

#[derive(Template)]
#[template(path = "email_change.html")]
pub struct EmailChangePage {
    pub layout: Layout,
    pub outcome: EmailChangeOutcome,
}

/// What opening the link did.
pub enum EmailChangeOutcome {
    /// The account's address is now this one (200).
    Changed(String),
    /// Another account has the address now (409).
    Taken,
    /// The link is unknown, used or expired (400).
    InvalidLink,
}

impl EmailChangePage {
    pub fn new(outcome: EmailChangeOutcome) -> Self {
        let title = match outcome {
            EmailChangeOutcome::Changed(_) => "Your address was changed",
            EmailChangeOutcome::Taken => "This address is taken",
            EmailChangeOutcome::InvalidLink => "This link does not work",
        };
        EmailChangePage {
            layout: Layout::new(title, None),
            outcome,
        }
    }
}
