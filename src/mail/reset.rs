//! The password-reset mail, from the templates `mail/reset.txt` and
//! `mail/reset.html`. It says only sesame's own words, the link and the
//! address it goes to: never the account's name, which anyone could have
//! typed at sign-up ("Support: call …").

use std::time::Duration;

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/reset.txt")]
struct ResetText<'a> {
    link: &'a str,
    valid_for: &'a str,
}

#[derive(Template)]
#[template(path = "mail/reset.html")]
struct ResetHtml<'a> {
    link: &'a str,
    valid_for: &'a str,
}

/// What the reset mail says: to whom, and the link.
pub struct ResetMail<'a> {
    pub email: &'a str,
    pub link: &'a str,
    pub valid_for: Duration,
}

impl ResetMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let valid_for = crate::clock::readable(self.valid_for);
        let (link, valid_for) = (self.link, valid_for.as_str());
        let text = ResetText { link, valid_for }.render();
        let html = ResetHtml { link, valid_for }.render();
        Mail::to_address(self.email, "Reset your sesame password", text, html)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_carry_the_link_as_it_is_and_the_address_alone() {
        let link = "https://id.example.com/password/reset?token=abc_DEF-123";
        let mail = ResetMail {
            email: "ada@example.com",
            link,
            valid_for: Duration::from_secs(1800),
        }
        .render()
        .unwrap();
        assert!(mail.text.contains(link) && mail.text.contains("30 minutes"));
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{}",
            mail.html
        );
        assert_eq!(mail.to.to_string(), "ada@example.com");
    }
}
