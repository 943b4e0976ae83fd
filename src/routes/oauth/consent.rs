//! `POST /oauth/authorize`: the consent page's answer. The request comes
//! back in the form and is checked again, as is who is signed in; "Allow"
//! is remembered and gets the code, "Deny" sends `access_denied`.

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorize::{checked, code_redirect, error_redirect, Checked};
use crate::auth::oidc::{AuthorizeParams, OpenIdProvider};
use crate::routes::extract::{CsrfForm, FormFields, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::respond::sign_in_again;

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    decision: Option<String>,
}

impl FormFields for ConsentForm {
    const PAGE: &'static str = "/profile";
}

pub async fn post(
    CsrfForm(form): CsrfForm<ConsentForm>,
    req: HttpRequest,
    oidc: web::Data<OpenIdProvider>,
) -> Result<HttpResponse, FormError> {
    // Only once the form's CSRF token has been checked.
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let request = match checked(&oidc, &form.params, false).await? {
        Checked::Request(request) => request,
        Checked::Answer(answer) => return Ok(answer),
    };
    let Some(principal) = principal.filter(|p| p.claims.client_id.is_none()) else {
        return Ok(sign_in_again());
    };
    if form.decision.as_deref() != Some("allow") {
        return Ok(error_redirect(
            &oidc,
            &request,
            "access_denied",
            "The user did not allow it.",
        ));
    }
    oidc.grant_consent(&principal.user.id, &request).await?;
    Ok(code_redirect(&oidc, &request, &principal).await?)
}
