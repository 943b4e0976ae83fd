//! `GET /oauth/authorize` (RFC 6749 4.1.1, OpenID Connect Core 3.1.2): an
//! unknown app or an unregistered `redirect_uri` gets an error page and is
//! never redirected to; any other error is redirected with (4.1.2.1;
//! `checked.rs`, the answers to the app in `redirects.rs`). Not signed in:
//! the 401 page, whose script refreshes silently or leads to the sign-in
//! (second factor included) and back here. Signed in too long ago for
//! `prompt=login` or `max_age`: the sign-in page, and back
//! (`reauthentication.rs`). Then the consent page (`consent_page.rs`), once
//! per app and scopes, or the code at once.

mod checked;
mod consent_page;
mod params;
mod reauthentication;
mod redirects;

use actix_web::{web, HttpRequest, HttpResponse};

pub(super) use checked::{checked, Checked};
pub(super) use params::{asking_consent, authorize_path};
pub(super) use reauthentication::{code_given, sign_in_again_first};
pub(super) use redirects::{code_redirect, error_redirect};

use crate::auth::oidc::{OpenIdProvider, Prompt};
use crate::error::AppError;
use crate::routes::extract::{FormSession, MaybeSignedIn};
use crate::routes::html;
use consent_page::consent_page;
use params::read_params;
use reauthentication::note_sign_in_trip;
use redirects::LOGIN_REQUIRED;

pub async fn get(
    req: HttpRequest,
    MaybeSignedIn(principal): MaybeSignedIn,
    oidc: web::Data<OpenIdProvider>,
    forms: FormSession,
) -> Result<HttpResponse, AppError> {
    let (params, repeated) = read_params(req.query_string());
    let request = match checked(&oidc, &params, repeated).await? {
        Checked::Request(request) => request,
        Checked::Answer(answer) => return Ok(answer),
    };
    // An app's own token is no sign-in to sesame.
    let Some(principal) = principal.filter(|p| p.claims.client_id.is_none()) else {
        if request.prompt == Prompt::None {
            let (code, description) = LOGIN_REQUIRED;
            return Ok(error_redirect(&oidc, &request, code, description));
        }
        // Its script may refresh a session that is too old: it is asked again then.
        note_sign_in_trip(&request, &params, &forms)?;
        return html::unauthorized(&format!("/oauth/authorize?{}", req.query_string()));
    };
    if let Some(answer) = sign_in_again_first(&oidc, &request, &params, &principal, &forms).await? {
        return Ok(answer);
    }
    let ask = request.prompt == Prompt::Consent;
    if ask || oidc.needs_consent(&principal.user.id, &request).await? {
        if request.prompt == Prompt::None {
            return Ok(error_redirect(
                &oidc,
                &request,
                "consent_required",
                "The user has not allowed this app yet.",
            ));
        }
        return consent_page(&forms, &request, &params, &principal);
    }
    code_given(&forms);
    code_redirect(&oidc, &request, &principal).await
}
