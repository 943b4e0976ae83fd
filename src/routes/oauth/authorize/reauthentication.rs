//! `prompt=login` and `max_age` at the route (the rule is
//! `auth::oidc::reauthentication`): a sign-in too old for the request sends
//! the browser to the sign-in page (its second step included) and back
//! here, the trip kept in the form session; `prompt=none` gets
//! `login_required` instead. A browser not signed in at all keeps the trip
//! too, so that the sign-in it is about to make is not asked for twice.
//! The consent page's answer is checked the same way (the trip kept until a
//! code is given), so a form posted with a request's parameters never gets
//! a code of a sign-in older than the request allows.

use actix_web::HttpResponse;

use super::params::{authorize_path, fingerprint};
use super::redirects::{error_redirect, LOGIN_REQUIRED};
use crate::auth::oidc::{AuthorizationRequest, AuthorizeParams, OpenIdProvider, Prompt, SignInAge};
use crate::auth::Principal;
use crate::clock::now_ms;
use crate::error::AppError;
use crate::routes::extract::FormSession;
use crate::routes::html::login_url;
use crate::routes::respond::see_other;

/// What to answer instead of going on, when the browser's sign-in does not
/// do for `request`.
pub async fn sign_in_again_first(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    principal: &Principal,
    forms: &FormSession,
) -> Result<Option<HttpResponse>, AppError> {
    if !request.fresh_sign_in.asked() {
        return Ok(None);
    }
    let this_request = fingerprint(params);
    let sent_at = forms.sign_in_trip(&this_request);
    let session = (principal.session_id(), principal.user.id.as_str());
    let age = oidc
        .sign_in_age(request.fresh_sign_in, session, sent_at)
        .await?;
    if age == Some(SignInAge::Fresh) {
        // The trip stays until a code is given (`code_given`): the consent
        // page's answer is checked again with it.
        return Ok(None);
    }
    if request.prompt == Prompt::None {
        let (code, description) = LOGIN_REQUIRED;
        return Ok(Some(error_redirect(oidc, request, code, description)));
    }
    note_sign_in_trip(request, params, forms)?;
    forms.flash("The app asks you to sign in again.");
    let back = authorize_path(params);
    Ok(Some(see_other(&login_url(Some(&back))).finish()))
}

/// A code is given for the request: its trip, if any, is over.
pub fn code_given(forms: &FormSession) {
    forms.forget_sign_in_trip();
}

/// Keeps the trip of a request that asks for a fresh sign-in and is about
/// to send the browser to sign in (a sign-in from before now will not do).
pub fn note_sign_in_trip(
    request: &AuthorizationRequest,
    params: &AuthorizeParams,
    forms: &FormSession,
) -> Result<(), AppError> {
    if request.fresh_sign_in.asked() {
        forms.keep_sign_in_trip(&fingerprint(params), now_ms())?;
    }
    Ok(())
}
