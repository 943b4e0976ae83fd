//! The request checked: the client and redirect URI first (their errors are
//! pages, never a redirect to an address sesame does not know), then the
//! rest (its errors redirected to the app).

use actix_web::http::StatusCode;
use actix_web::HttpResponse;
use url::Url;

use crate::auth::oidc::{AuthorizationRequest, AuthorizeParams, OpenIdProvider};
use crate::error::{AppError, OAuthCode, OAuthError};
use crate::pages::OAuthErrorPage;
use crate::routes::html;
use crate::routes::respond::see_other;

/// A checked request, or what to answer instead (an error page or an
/// error redirect).
pub enum Checked {
    Request(AuthorizationRequest),
    Answer(HttpResponse),
}

/// The client and redirect URI first (their errors are pages), then the rest.
pub async fn checked(
    oidc: &OpenIdProvider,
    params: &AuthorizeParams,
    repeated: bool,
) -> Result<Checked, AppError> {
    let page = |message| -> Result<Checked, AppError> {
        let page = html::render(StatusCode::BAD_REQUEST, &OAuthErrorPage::new(message))?;
        Ok(Checked::Answer(page))
    };
    let Some(client_id) = params.client_id.as_deref() else {
        return page("The link names no app (client_id is missing).");
    };
    let Some(client) = oidc.client(client_id).await? else {
        return page("The app this link names is not registered with sesame.");
    };
    let Some(redirect_uri) = params.redirect_uri.clone() else {
        return page("The link does not say where to send you back (redirect_uri is missing).");
    };
    if !client.has_redirect_uri(&redirect_uri) {
        return page("The address this link would send you back to is not one the app registered.");
    }
    let error_to = |error: OAuthError| {
        let mut url = Url::parse(&redirect_uri).ok()?;
        url.query_pairs_mut()
            .append_pair("error", error.code.as_str())
            .append_pair("error_description", error.description);
        if let Some(state) = &params.state {
            url.query_pairs_mut().append_pair("state", state);
        }
        url.query_pairs_mut().append_pair("iss", oidc.issuer());
        Some(Checked::Answer(see_other(url.as_str()).finish()))
    };
    if repeated {
        let error = OAuthError::new(OAuthCode::InvalidRequest, "A parameter was sent twice.");
        return Ok(error_to(error).unwrap_or_else(|| Checked::Answer(see_other("/").finish())));
    }
    match AuthorizationRequest::check(params, client, redirect_uri.clone()) {
        Ok(request) => Ok(Checked::Request(request)),
        Err(error) => {
            Ok(error_to(error).unwrap_or_else(|| Checked::Answer(see_other("/").finish())))
        }
    }
}
