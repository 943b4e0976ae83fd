//! The sign-in alert, from the templates `mail/sign_in_alert.txt` and
//! `.html`: when, from which device (as sesame names it: browser and
//! system, never the User-Agent's text) and which address, and the "this
//! wasn't me" link. Only sesame's own words, the link and addresses: never
//! the account's name, nor anything else a stranger could have typed.

use std::time::Duration;

use askama::Template;
use time::OffsetDateTime;

use super::{Mail, MailError};
use crate::clock::Millis;

#[derive(Template)]
#[template(path = "mail/sign_in_alert.txt")]
struct AlertText<'a> {
    when: &'a str,
    device: &'a str,
    address: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

#[derive(Template)]
#[template(path = "mail/sign_in_alert.html")]
struct AlertHtml<'a> {
    when: &'a str,
    device: &'a str,
    address: &'a str,
    link: &'a str,
    valid_for: &'a str,
}

/// What the alert says: to whom, about which sign-in, and the link.
pub struct SignInAlertMail<'a> {
    pub email: &'a str,
    /// When the session was opened.
    pub at: Millis,
    /// The device's name (`domain::Device`).
    pub device: &'a str,
    /// The client's address, as the audit trail writes it.
    pub address: &'a str,
    pub link: &'a str,
    pub valid_for: Duration,
}

impl SignInAlertMail<'_> {
    pub fn render(&self) -> Result<Mail, MailError> {
        let (when, valid_for) = (readable_utc(self.at), readable_days(self.valid_for));
        let (device, address, link) = (self.device, self.address, self.link);
        let (when, valid_for) = (when.as_str(), valid_for.as_str());
        let text = AlertText {
            when,
            device,
            address,
            link,
            valid_for,
        }
        .render();
        let html = AlertHtml {
            when,
            device,
            address,
            link,
            valid_for,
        }
        .render();
        Mail::to_address(self.email, "New sign-in to your sesame account", text, html)
    }
}

/// "7 days", or as `clock::readable` says it when not whole days.
fn readable_days(duration: Duration) -> String {
    match duration.as_secs() {
        86_400 => "1 day".to_owned(),
        s if s % 86_400 == 0 && s > 0 => format!("{} days", s / 86_400),
        _ => crate::clock::readable(duration),
    }
}

/// "6 December 2026, 19:40 UTC".
fn readable_utc(at: Millis) -> String {
    match OffsetDateTime::from_unix_timestamp(at.div_euclid(1000)) {
        Ok(t) => format!(
            "{} {} {}, {:02}:{:02} UTC",
            t.day(),
            t.month(),
            t.year(),
            t.hour(),
            t.minute()
        ),
        Err(_) => crate::clock::rfc3339(at),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_bodies_say_when_from_where_and_carry_the_link() {
        let link = "https://id.example.com/sign-in/not-me?token=abc_DEF-123";
        let mail = SignInAlertMail {
            email: "ada@example.com",
            at: 1_796_586_000_000,
            device: "Chrome on Android",
            address: "2001:db8::7",
            link,
            valid_for: Duration::from_secs(7 * 24 * 3600),
        }
        .render()
        .unwrap();
        for body in [&mail.text, &mail.html] {
            assert!(body.contains("6 December 2026, 19:40 UTC"), "{body}");
            assert!(body.contains("Chrome on Android") && body.contains("2001:db8::7"));
            assert!(body.contains("7 days"), "{body}");
        }
        assert!(mail.text.contains(link));
        assert!(
            mail.html.contains(&format!("href=\"{link}\"")),
            "{}",
            mail.html
        );
        assert_eq!(mail.to.to_string(), "ada@example.com");
    }
}
