//! The mail that proves an account's address, from the templates
//! `mail/verify.txt` and `mail/verify.html`: sesame's own words, the link
//! and the address it goes to, never the account's name.

use std::time::Duration;

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/verify.txt")]
struct VerifyText<'a> {
    email: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

#[derive(Template)]
#[template(path = "mail/verify.html")]
struct VerifyHtml<'a> {
    email: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

/// What the verification mail says: to whom, and the link.
pub struct VerifyMail<'a> {
    pub email: &'a str,
    pub link: &'a str,
    pub valid_for: Duration,
}

impl VerifyMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let valid_for = crate::clock::readable(self.valid_for);
        let (email, link, valid_for) = (self.email, self.link, valid_for.as_str());
        let text = VerifyText {
            email,
            link,
            valid_for,
        }
        .render();
        let html = VerifyHtml {
            email,
            link,
            valid_for,
        }
        .render();
        Mail::to_address(email, "Verify your email address for sesame", text, html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_link_the_address_and_how_long_it_works() {
        let link = "https://id.example.com/email/verify?token=abc_DEF-123";
        let mail = VerifyMail {
            email: "ada@example.com",
            link,
            valid_for: Duration::from_secs(24 * 3600),
        }
        .render()
        .unwrap();
        assert!(mail.text.contains(link) && mail.text.contains("24 hours"));
        assert!(mail.text.contains("ada@example.com"));
        assert!(mail.html.contains(&format!("href=\"{link}\"")));
        assert_eq!(mail.to.to_string(), "ada@example.com");
    }
}
