//! The consent page: which app, at which address, what it will know, for
//! which account; its form carries the request back, and the sign-in it
//! was shown to (`shown_to`), so that its "Allow" counts for no other.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use url::Url;

use super::params::hidden_fields;
use crate::auth::oidc::{AuthorizationRequest, AuthorizeParams};
use crate::auth::Principal;
use crate::domain::Scope;
use crate::error::AppError;
use crate::pages::ConsentPage;
use crate::routes::extract::FormSession;
use crate::routes::html;
use crate::routes::html::policy_with_form_action;

/// The page for `principal`, answering `request` (sent as `params`).
pub fn consent_page(
    forms: &FormSession,
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    principal: &Principal,
) -> Result<HttpResponse, AppError> {
    let mut fields = hidden_fields(params);
    // Read back by `consent.rs` (`ConsentForm::shown_to`).
    fields.push(("shown_to", principal.session_id().to_owned()));
    let page = ConsentPage::new(
        forms.context()?,
        request.client.name.clone(),
        origin_of(&request.redirect_uri),
        principal.user.email.clone(),
        request.scopes.iter().map(Scope::describe).collect(),
        fields,
    );
    let mut page = html::render(StatusCode::OK, &page)?;
    // "Allow" is answered with a redirect to the app, which browsers
    // hold to the page's `form-action` too.
    let policy = policy_with_form_action(&csp_source_of(&request.redirect_uri));
    let policy = HeaderValue::from_str(&policy).map_err(AppError::unexpected)?;
    page.headers_mut()
        .insert(header::CONTENT_SECURITY_POLICY, policy);
    Ok(page)
}

/// `scheme://host[:port]` of a URI, or the URI itself for an app's own scheme.
fn origin_of(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(url) if url.host().is_some() => url.origin().ascii_serialization(),
        _ => uri.to_owned(),
    }
}

/// The CSP source naming where a redirect URI leads: its origin, or
/// `scheme:` for an app's own scheme (a registered URI holds no space or
/// `;`, and a scheme only letters, digits, `+`, `-` and `.`).
fn csp_source_of(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(url) if url.host().is_some() => url.origin().ascii_serialization(),
        Ok(url) => format!("{}:", url.scheme()),
        Err(_) => "'none'".to_owned(),
    }
}
