//! The answers that send the browser back to the app: with a code, or with
//! an error (RFC 6749 4.1.2 and 4.1.2.1), always with `state` and `iss`.

use actix_web::HttpResponse;
use url::Url;

use crate::auth::oidc::{AuthorizationRequest, OpenIdProvider};
use crate::auth::Principal;
use crate::error::AppError;
use crate::routes::respond::see_other;

/// A code for the signed-in user, sent to the app.
pub async fn code_redirect(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    principal: &Principal,
) -> Result<HttpResponse, AppError> {
    match oidc.issue_code(request, principal).await {
        Ok(code) => Ok(redirect_with(oidc, request, &[("code", code.expose())])),
        // Their session ended meanwhile: sign in again.
        Err(AppError::Unauthenticated { .. }) => {
            let (code, description) = LOGIN_REQUIRED;
            Ok(error_redirect(oidc, request, code, description))
        }
        Err(other) => Err(other),
    }
}

/// The app told `code` (RFC 6749's, or OpenID Connect's own for
/// `prompt=none`: `login_required`, `consent_required`).
pub fn error_redirect(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    code: &str,
    description: &str,
) -> HttpResponse {
    redirect_with(
        oidc,
        request,
        &[("error", code), ("error_description", description)],
    )
}

pub const LOGIN_REQUIRED: (&str, &str) = ("login_required", "The user is not signed in.");

/// The redirect URI with `pairs`, the request's `state` and the issuer
/// (RFC 9207), as a 303.
fn redirect_with(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    pairs: &[(&str, &str)],
) -> HttpResponse {
    let Ok(mut url) = Url::parse(&request.redirect_uri) else {
        return see_other("/").finish();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", oidc.issuer());
    }
    see_other(url.as_str())
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}
