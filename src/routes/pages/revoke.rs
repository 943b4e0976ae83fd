use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use crate::auth::Sessions;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession, MaybeSignedIn, ProfileButton};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, sign_in_again, signed_out};

/// `POST /profile/sessions/{id}/revoke`: the profile's revoke button.
pub async fn post(
    _: CsrfForm<ProfileButton>,
    req: HttpRequest,
    id: web::Path<String>,
    forms: FormSession,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    // Only once the form's CSRF token has been checked (extractors in the
    // signature run together): a forged form learns nothing and costs nothing.
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let Some(principal) = principal else {
        return Ok(sign_in_again());
    };
    sessions.revoke(&principal.user.id, &id).await?;
    if *id == principal.session_id() {
        forms.flash("This device is signed out.");
        return Ok(signed_out(see_other("/login").finish(), &cookies));
    }
    forms.flash("Session revoked.");
    Ok(see_other("/profile").finish())
}
