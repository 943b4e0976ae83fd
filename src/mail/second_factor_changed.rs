//! The notice to an account's (verified) address that its second factors
//! changed (`mail/second_factor_changed.txt` and `.html`): turned on or
//! off, new recovery codes, a passkey added or removed. If it was not the
//! owner, someone has their password, and a reset alone may not get them
//! back in (it keeps the factors): the mail says so.

use askama::Template;

use super::{Mail, MailError};

#[derive(Template)]
#[template(path = "mail/second_factor_changed.txt")]
struct ChangedText<'a> {
    email: &'a str,
    what: &'a str,
    forgot_link: &'a str,
}

#[derive(Template)]
#[template(path = "mail/second_factor_changed.html")]
struct ChangedHtml<'a> {
    email: &'a str,
    what: &'a str,
    forgot_link: &'a str,
}

pub struct SecondFactorChangedMail<'a> {
    pub email: &'a str,
    /// What changed, as stored in the outbox (`totp_enabled`, …).
    pub change: &'a str,
    pub forgot_link: &'a str,
}

impl SecondFactorChangedMail<'_> {
    /// `None` for a change this build does not know (a row of a newer one).
    pub fn render(&self) -> Option<Result<Mail, MailError>> {
        let what = match self.change {
            "totp_enabled" => "two-step sign-in with an authenticator app was turned on",
            "totp_disabled" => "two-step sign-in with an authenticator app was turned off",
            "recovery_codes_made" => "new recovery codes were made (the old ones stopped working)",
            "passkey_added" => "a passkey was added",
            "passkey_removed" => "a passkey was removed",
            _ => return None,
        };
        let (email, forgot_link) = (self.email, self.forgot_link);
        let text = ChangedText {
            email,
            what,
            forgot_link,
        }
        .render();
        let html = ChangedHtml {
            email,
            what,
            forgot_link,
        }
        .render();
        Some(Mail::to_address(
            email,
            "The sign-in of your sesame account changed",
            text,
            html,
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_what_changed_and_where_to_reset() {
        let forgot_link = "https://id.example.com/password/forgot";
        let mail = SecondFactorChangedMail {
            email: "ada@example.com",
            change: "totp_enabled",
            forgot_link,
        }
        .render()
        .unwrap()
        .unwrap();
        assert!(
            mail.text.contains("authenticator app was turned on"),
            "{}",
            mail.text
        );
        assert!(mail.text.contains(forgot_link));
        assert!(mail.html.contains(&format!("href=\"{forgot_link}\"")));
    }

    #[test]
    fn an_unknown_change_makes_no_mail() {
        let mail = SecondFactorChangedMail {
            email: "ada@example.com",
            change: "something_else",
            forgot_link: "x",
        };
        assert!(mail.render().is_none());
    }
}
