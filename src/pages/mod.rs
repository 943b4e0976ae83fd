//! The structs behind the Askama templates in `templates/`, and what every
//! page shares (`Layout`). Rendering only: no HTTP, no database.

mod admin;
mod device;
mod email;
mod email_change;
mod forms;
mod link_buttons;
mod oauth;
mod oauth_logout;
mod passkeys;
mod profile;
mod second_factor;
mod totp_section;

use askama::Template;

pub use admin::{
    AdminEventRow, AdminEventsPage, AdminRequiredPage, AdminSessionRow, AdminUserPage,
    AdminUserRow, AdminUsersPage,
};
pub use device::describe_device;
pub use email::{EmailNotVerifiedPage, EmailVerifiedPage, RegisterSentPage, VerifyInvalidPage};
pub use email_change::{EmailChangeOutcome, EmailChangePage};
pub use forms::{FieldMessages, ForgotPage, FormContext, LoginPage, RegisterPage, ResetPage};
pub use link_buttons::{ChangeLinkPage, NotMePage, VerifyLinkPage};
pub use oauth::{ConsentPage, OAuthErrorPage};
pub use oauth_logout::{LogoutConfirmPage, LogoutRefusedPage, SignedOutPage};
pub use passkeys::{PasskeyItem, PasskeysSection};
pub use profile::{IdentityForms, ProfileForm, ProfilePage, SessionRow};
pub use second_factor::SecondFactorPage;
pub use totp_section::{PendingTotp, TotpSection};

use crate::assets;

/// What the base layout needs on every page.
pub struct Layout {
    pub title: &'static str,
    /// A one-time message from the previous request ("Signed out").
    pub flash: Option<String>,
    /// Seconds until the access token expires, on signed-in pages: the
    /// script refreshes ahead of it.
    pub access_expires_in: Option<i64>,
    /// On the answer to a failed form post: the page's own address. The
    /// script puts it in the address bar, so a reload asks for the page
    /// instead of posting the form again.
    pub address: Option<String>,
    pub style_url: &'static str,
    pub script_url: &'static str,
    pub icon_url: &'static str,
}

impl Layout {
    pub fn new(title: &'static str, flash: Option<String>) -> Self {
        Layout {
            title,
            flash,
            access_expires_in: None,
            address: None,
            style_url: assets::STYLE.url(),
            script_url: assets::SCRIPT.url(),
            icon_url: assets::ICON.url(),
        }
    }

    /// This layout, on the answer to a form post that failed (`failed`) at
    /// the page `address`.
    pub fn answering_a_post(mut self, address: impl Into<String>, failed: bool) -> Self {
        self.address = failed.then(|| address.into());
        self
    }
}

/// "Check your mail", after a reset link was asked for.
#[derive(Template)]
#[template(path = "forgot_sent.html")]
pub struct ForgotSentPage {
    pub layout: Layout,
    /// How long the link works ("30 minutes").
    pub valid_for: String,
}

/// A reset link that does not work (400).
#[derive(Template)]
#[template(path = "reset_invalid.html")]
pub struct ResetInvalidPage {
    pub layout: Layout,
}

/// A "this wasn't me" link that does not work (400).
#[derive(Template)]
#[template(path = "not_me_invalid.html")]
pub struct NotMeInvalidPage {
    pub layout: Layout,
}

/// The 401 answer to a page that needs a session: the script refreshes
/// silently and reloads; without script the user is sent to sign in.
#[derive(Template)]
#[template(path = "unauthorized.html")]
pub struct UnauthorizedPage {
    pub layout: Layout,
    /// `/login?next=…` for this page: the link, and where a browser without
    /// script goes.
    pub login_url: String,
    /// On the forward-auth page (`/auth/required`), which a proxy serves in
    /// place of the page asked for: the script signs in for the page the
    /// browser is on, or for this path (the query's `next`, else `/`) when
    /// the browser is on `/auth/required` itself.
    pub forward_next: Option<String>,
}

/// A page behind a proxy that asks for a second factor, reached with a
/// session whose sign-in used none (401).
#[derive(Template)]
#[template(path = "mfa_required.html")]
pub struct MfaRequiredPage {
    pub layout: Layout,
    /// `/login?next=…`: sign in again, with the second factor.
    pub login_url: String,
    /// As `UnauthorizedPage::forward_next` (the script first tries a
    /// refresh: an expired access token of a session with a second factor
    /// needs no new sign-in).
    pub forward_next: String,
}

/// A form post refused (403): an expired or missing CSRF token.
#[derive(Template)]
#[template(path = "forbidden.html")]
pub struct ForbiddenPage {
    pub layout: Layout,
    pub back: String,
}
