//! The notice that an account's second factors changed, made for the
//! outbox's sender at each attempt (the row holds only what changed and
//! the address). Here because `Addresses` holds `--public-url`, which the
//! notice's reset link is made of.

use super::Addresses;
use crate::mail::{Mail, SecondFactorChangedMail};

impl Addresses {
    /// The notice that the second factors of the account at `email`
    /// changed (`change`); none for a change this build does not know, or
    /// an address the mail library refuses.
    pub fn second_factor_notice(&self, change: &str, email: &str) -> Option<Mail> {
        let forgot_link = format!("{}/password/forgot", self.0.public_url);
        let mail = SecondFactorChangedMail {
            email,
            change,
            forgot_link: &forgot_link,
        };
        mail.render()?
            .inspect_err(|e| log::warn!("a mail about a second factor: {e}"))
            .ok()
    }
}
