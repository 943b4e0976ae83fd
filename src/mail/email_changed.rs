//! The notice to an account's old address that its address is being
//! changed (`mail/email_changed.txt` and `.html`): if it was not the
//! owner, the way back is a password reset. It never shows the new
//! address: whoever took the account would be telling the owner where
//! their mail now goes, and the owner needs only the warning.

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/email_changed.txt")]
struct ChangedText<'a> {
    email: &'a str,
    forgot_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/email_changed.html")]
struct ChangedHtml<'a> {
    email: &'a str,
    forgot_link: &'a str,
}

/// What the notice says: to whom (the old address), and where to reset
/// the password (`<public-url>/password/forgot`).
pub struct EmailChangedMail<'a> {
    pub email: &'a str,
    pub forgot_link: &'a str,
}

impl EmailChangedMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let (email, forgot_link) = (self.email, self.forgot_link);
        let text = ChangedText { email, forgot_link }.render();
        let html = ChangedHtml { email, forgot_link }.render();
        Mail::to_address(
            email,
            "The address of your sesame account is being changed",
            text,
            html,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_say_where_to_reset_the_password() {
        let forgot_link = "https://id.example.com/password/forgot";
        let mail = EmailChangedMail {
            email: "ada@example.com",
            forgot_link,
        }
        .render()
        .unwrap();
        assert!(mail.text.contains(forgot_link), "{}", mail.text);
        assert!(mail.html.contains(&format!("href=\"{forgot_link}\"")));
        assert_eq!(mail.to.to_string(), "ada@example.com");
    }
}
