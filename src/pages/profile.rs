//! The profile page, and how its account forms show what went wrong.

use askama::Template;

use super::forms::feedback;
use super::{FieldMessages, Layout, PasskeysSection, TotpSection};
use crate::error::AppError;

/// One row of the profile's session list. Times come twice: RFC 3339 for
/// `<time datetime>` (the script shows it in the browser's time zone), and
/// readable in UTC (what a browser without script shows).
pub struct SessionRow {
    pub id: String,
    pub device: String,
    pub created_at: String,
    pub created: String,
    pub last_used_at: String,
    pub last_used: String,
    pub current: bool,
}

#[derive(Template)]
#[template(path = "profile.html")]
pub struct ProfilePage {
    pub layout: Layout,
    pub csrf: String,
    pub name: String,
    pub email: String,
    /// Whether the address was proven by a mailed link; if not, the page
    /// has a button that sends a new one.
    pub email_verified: bool,
    /// RFC 3339, for `<time datetime>`.
    pub member_since_at: String,
    /// The same day, readable (UTC).
    pub member_since: String,
    /// Empty: the page says "none".
    pub roles: Vec<String>,
    pub sessions: Vec<SessionRow>,
    pub profile_script_url: &'static str,
    /// RFC 3339, for `<time datetime>`.
    pub access_expires_at: String,
    /// The same instant, readable.
    pub access_expires_at_text: String,
    /// The change-password form's message, and its fields'.
    pub password_error: Option<String>,
    pub password_errors: FieldMessages,
    /// The delete-account form's message.
    pub delete_error: Option<String>,
    /// The change-name and change-address forms (`profile_identity.html`).
    pub identity: IdentityForms,
    /// The authenticator-app section (`profile_totp.html`).
    pub totp: TotpSection,
    /// The passkeys (`profile_passkeys.html`).
    pub passkeys: PasskeysSection,
}

impl ProfilePage {
    /// Whether the user has the `admin` role: the page links to `/admin`.
    pub fn is_admin(&self) -> bool {
        self.roles.iter().any(|role| role == "admin")
    }
}

/// The profile's change-name and change-address forms: what they show in
/// their fields (the current name, or what was typed), and their errors.
pub struct IdentityForms {
    pub name: String,
    pub name_error: Option<String>,
    pub name_errors: FieldMessages,
    pub new_email: String,
    pub email_error: Option<String>,
    pub email_errors: FieldMessages,
}

impl IdentityForms {
    /// The forms as first shown: the name as it is, no new address.
    pub fn new(name: &str) -> Self {
        IdentityForms {
            name: name.to_owned(),
            name_error: None,
            name_errors: FieldMessages::default(),
            new_email: String::new(),
            email_error: None,
            email_errors: FieldMessages::default(),
        }
    }
}

/// The profile's forms that can fail, with what was typed in the fields
/// that are shown again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProfileForm {
    ChangePassword,
    DeleteAccount,
    ChangeName {
        typed: String,
    },
    ChangeEmail {
        typed: String,
    },
    /// Any form of the authenticator-app section.
    Totp,
}

impl ProfilePage {
    /// Shows `error` on `form`.
    pub fn failed(mut self, form: ProfileForm, error: &AppError) -> Self {
        self.layout = self.layout.answering_a_post("/profile", true);
        let (fields, general) = match error {
            AppError::InvalidCredentials => (
                FieldMessages::default(),
                Some("Your current password is incorrect.".to_owned()),
            ),
            other => feedback(other),
        };
        match form {
            ProfileForm::ChangePassword => {
                self.password_errors = fields;
                self.password_error = general;
            }
            ProfileForm::DeleteAccount => {
                let field = fields.get("password").map(str::to_owned);
                self.delete_error = general.or(field);
            }
            ProfileForm::ChangeName { typed } => {
                self.identity.name = typed;
                self.identity.name_errors = fields;
                self.identity.name_error = general;
            }
            ProfileForm::Totp => {
                let field = fields.get("password").or(fields.get("code"));
                self.totp.error = general.or(field.map(str::to_owned));
            }
            ProfileForm::ChangeEmail { typed } => {
                self.identity.new_email = typed;
                self.identity.email_errors = fields;
                self.identity.email_error = general;
            }
        }
        self
    }
}
