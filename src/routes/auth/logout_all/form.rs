use actix_web::{web, HttpResponse};

use crate::auth::Sessions;
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession, PresentedTokens, ProfileButton};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_out};

/// `POST /auth/logout-all` from the profile's button: 303 to the sign-in
/// page, also when the session had ended meanwhile (with a word saying so).
pub async fn post(
    _: CsrfForm<ProfileButton>,
    tokens: PresentedTokens,
    forms: FormSession,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    match sessions.owner(tokens.access(), tokens.refresh()).await {
        Ok(user_id) => {
            sessions.logout_all(&user_id).await?;
            forms.flash("You have signed out on every device.");
        }
        Err(AppError::Unauthenticated { .. }) => {
            forms.flash("Your session had already ended. Please sign in.");
        }
        Err(other) => return Err(other.into()),
    }
    Ok(signed_out(see_other("/login").finish(), &cookies))
}
