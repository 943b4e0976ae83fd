use actix_web::{web, HttpResponse};

use super::ResetFields;
use crate::auth::PasswordResets;
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::ResetPage;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::pages::reset::invalid_link;
use crate::routes::respond::{see_other, signed_out};

/// `POST /auth/password/reset` from the reset page: 303 to sign in with a
/// notice; the page again for a password that breaks the rules; the
/// invalid-link page (400) when the link no longer works.
pub async fn post(
    CsrfForm(input): CsrfForm<ResetFields>,
    client: Client,
    forms: FormSession,
    resets: web::Data<PasswordResets>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let Some(token) = forms.reset_token() else {
        return Ok(invalid_link()?);
    };
    match super::reset(&resets, &token, input.password, &client).await {
        Ok(()) => {
            forms.forget_reset_token();
            forms.flash("Your password was reset. Sign in with your new password.");
            Ok(signed_out(see_other("/login").finish(), &cookies))
        }
        Err(AppError::InvalidResetToken) => {
            forms.forget_reset_token();
            Ok(invalid_link()?)
        }
        Err(error) => {
            let page = ResetPage::new(forms.context()?, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}
