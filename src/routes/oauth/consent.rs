//! `POST /oauth/authorize`: the consent page's answer. The request comes
//! back in the form and is checked again, as is who is signed in: the page
//! counts only for the browser session it was shown to (another account
//! signed in since, in another tab, gets its own page, and nothing is
//! granted). "Allow" is remembered and gets the code, "Deny" sends
//! `access_denied`.

use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Deserialize;

use super::authorize::{
    asking_consent, authorize_path, checked, code_given, code_redirect, error_redirect,
    sign_in_again_first, Checked,
};
use crate::auth::oidc::{AuthorizeParams, OpenIdProvider};
use crate::routes::extract::{CsrfForm, FormFields, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, sign_in_again};

#[derive(Deserialize)]
pub struct ConsentForm {
    #[serde(flatten)]
    params: AuthorizeParams,
    decision: Option<String>,
    /// The browser session the page was shown to.
    shown_to: Option<String>,
}

impl FormFields for ConsentForm {
    const PAGE: &'static str = "/profile";
}

pub async fn post(
    CsrfForm(form): CsrfForm<ConsentForm>,
    req: HttpRequest,
    oidc: web::Data<OpenIdProvider>,
    forms: FormSession,
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
    if form.shown_to.as_deref() != Some(principal.session_id()) {
        forms.flash(
            "Another account is signed in than the one that page was shown to: nothing was \
             allowed. This page is for the account signed in now.",
        );
        let again = authorize_path(&asking_consent(&form.params));
        return Ok(see_other(&again).finish());
    }
    if form.decision.as_deref() != Some("allow") {
        return Ok(error_redirect(
            &oidc,
            &request,
            "access_denied",
            "The user did not allow it.",
        ));
    }
    // `prompt=login` and `max_age` hold for the "Allow" as for the request.
    if let Some(answer) =
        sign_in_again_first(&oidc, &request, &form.params, &principal, &forms).await?
    {
        return Ok(answer);
    }
    oidc.grant_consent(&principal.user.id, &request).await?;
    code_given(&forms);
    Ok(code_redirect(&oidc, &request, &principal).await?)
}
