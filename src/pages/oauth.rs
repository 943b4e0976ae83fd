//! The pages of an app's sign-in through sesame: the consent page (which
//! app, what it will know) and the error page shown where RFC 6749 forbids
//! a redirect (an unknown app, or an address it did not register).

use askama::Template;

use super::{FormContext, Layout};

#[derive(Template)]
#[template(path = "oauth_consent.html")]
pub struct ConsentPage {
    pub layout: Layout,
    pub csrf: String,
    pub app_name: String,
    /// Where the app is (the redirect URI's origin), so a look-alike name
    /// does not hide it.
    pub app_origin: String,
    pub email: String,
    /// What each scope lets the app know, in words.
    pub scopes: Vec<&'static str>,
    /// The authorization request, sent again with the answer.
    pub fields: Vec<(&'static str, String)>,
}

impl ConsentPage {
    pub fn new(
        context: FormContext,
        app_name: String,
        app_origin: String,
        email: String,
        scopes: Vec<&'static str>,
        fields: Vec<(&'static str, String)>,
    ) -> Self {
        ConsentPage {
            layout: Layout::new("Allow access?", context.flash),
            csrf: context.csrf,
            app_name,
            app_origin,
            email,
            scopes,
            fields,
        }
    }
}

#[derive(Template)]
#[template(path = "oauth_error.html")]
pub struct OAuthErrorPage {
    pub layout: Layout,
    pub message: &'static str,
}

impl OAuthErrorPage {
    pub fn new(message: &'static str) -> Self {
        OAuthErrorPage {
            layout: Layout::new("This sign-in link does not work", None),
            message,
        }
    }
}
