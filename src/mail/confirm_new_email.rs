//! The mail to a new address, with the link that makes it the account's
//! (`mail/confirm_new_email.txt` and `.html`). Like every mail of sesame's
//! it says only sesame's words, the link and the address it goes to.

use std::time::Duration;

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/confirm_new_email.txt")]
struct ConfirmText<'a> {
    email: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

#[derive(Template)]
#[template(path = "mail/confirm_new_email.html")]
struct ConfirmHtml<'a> {
    email: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

/// What the mail says: to whom (the new address), and the link.
pub struct ConfirmNewEmailMail<'a> {
    pub email: &'a str,
    pub link: &'a str,
    pub valid_for: Duration,
}

impl ConfirmNewEmailMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let valid_for = crate::clock::readable(self.valid_for);
        let (email, link, valid_for) = (self.email, self.link, valid_for.as_str());
        let text = ConfirmText {
            email,
            link,
            valid_for,
        }
        .render();
        let html = ConfirmHtml {
            email,
            link,
            valid_for,
        }
        .render();
        Mail::to_address(
            email,
            "Confirm the new address of your sesame account",
            text,
            html,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_link_as_it_is_and_how_long_it_works() {
        let link = "https://id.example.com/email/change?token=abc_DEF-123";
        let mail = ConfirmNewEmailMail {
            email: "ada@new.example.com",
            link,
            valid_for: Duration::from_secs(86_400),
        }
        .render()
        .unwrap();
        assert!(mail.text.contains(link) && mail.text.contains("24 hours"));
        assert!(mail.html.contains(&format!("href=\"{link}\"")));
        assert_eq!(mail.to.to_string(), "ada@new.example.com");
    }
}
