use actix_web::{web, HttpResponse};

use super::LogoutForm;
use crate::auth::Sessions;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession, PresentedTokens};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_out};

/// `POST /auth/logout` from the profile's button: 303 to the sign-in page.
pub async fn post(
    CsrfForm(input): CsrfForm<LogoutForm>,
    tokens: PresentedTokens,
    forms: FormSession,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let tokens = tokens.with_body(input.refresh_token);
    sessions
        .logout(&tokens.every_refresh(), tokens.access())
        .await?;
    forms.flash("You have signed out.");
    Ok(signed_out(see_other("/login").finish(), &cookies))
}
