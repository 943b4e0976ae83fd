//! The pages of `/oauth/logout` (RP-initiated logout): the question asked
//! when the request proves nothing (a stranger's link must not sign anyone
//! out), the answer once signed out, and a refused request.

use askama::Template;

use super::{FormContext, Layout};

/// "Sign out?" with one button; the request's app, return address and
/// state go back with it, unchecked until the post.
#[derive(Template)]
#[template(path = "oauth_logout_confirm.html")]
pub struct LogoutConfirmPage {
    pub layout: Layout,
    pub csrf: String,
    pub client_id: String,
    pub post_logout_redirect_uri: String,
    pub state: String,
}

impl LogoutConfirmPage {
    pub fn new(
        context: FormContext,
        client_id: Option<String>,
        post_logout_redirect_uri: Option<String>,
        state: Option<String>,
    ) -> Self {
        LogoutConfirmPage {
            layout: Layout::new("Sign out", context.flash),
            csrf: context.csrf,
            client_id: client_id.unwrap_or_default(),
            post_logout_redirect_uri: post_logout_redirect_uri.unwrap_or_default(),
            state: state.unwrap_or_default(),
        }
    }
}

/// "You are signed out".
#[derive(Template)]
#[template(path = "oauth_signed_out.html")]
pub struct SignedOutPage {
    pub layout: Layout,
}

impl SignedOutPage {
    pub fn new() -> Self {
        SignedOutPage {
            layout: Layout::new("You are signed out", None),
        }
    }
}

impl Default for SignedOutPage {
    fn default() -> Self {
        Self::new()
    }
}

/// A request that cannot be carried out: sesame's words only.
#[derive(Template)]
#[template(path = "oauth_logout_refused.html")]
pub struct LogoutRefusedPage {
    pub layout: Layout,
    pub reason: &'static str,
}

impl LogoutRefusedPage {
    pub fn new(reason: &'static str) -> Self {
        LogoutRefusedPage {
            layout: Layout::new("This sign-out request cannot be used", None),
            reason,
        }
    }
}
