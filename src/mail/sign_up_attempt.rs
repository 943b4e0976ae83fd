//! The mail to the owner of an address someone tried to sign up with,
//! while `--require-verified-email` keeps sign-up from saying the address
//! is taken (`mail/sign_up_attempt.txt` and `.html`). Only sesame's words,
//! the address, and where to reset the password.

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/sign_up_attempt.txt")]
struct AttemptText<'a> {
    email: &'a str,
    forgot_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sign_up_attempt.html")]
struct AttemptHtml<'a> {
    email: &'a str,
    forgot_link: &'a str,
}

/// What the notice says: to whom, and the page that sends a reset link.
pub struct SignUpAttemptMail<'a> {
    pub email: &'a str,
    /// `<public-url>/password/forgot`
    pub forgot_link: &'a str,
}

impl SignUpAttemptMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let (email, forgot_link) = (self.email, self.forgot_link);
        let text = AttemptText { email, forgot_link }.render();
        let html = AttemptHtml { email, forgot_link }.render();
        Mail::to_address(
            email,
            "Someone tried to sign up to sesame with your address",
            text,
            html,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_says_an_account_exists_and_where_to_reset_the_password() {
        let forgot_link = "https://id.example.com/password/forgot";
        let mail = SignUpAttemptMail {
            email: "ada@example.com",
            forgot_link,
        }
        .render()
        .unwrap();
        assert!(mail.text.contains(forgot_link) && mail.text.contains("already have"));
        assert!(mail.html.contains(&format!("href=\"{forgot_link}\"")));
        assert_eq!(mail.to.to_string(), "ada@example.com");
    }
}
