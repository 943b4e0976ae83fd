use actix_web::{web, HttpResponse};

use super::CodeFields;
use crate::auth::factors::Proof;
use crate::auth::Accounts;
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::SecondFactorPage;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_in_redirect};

/// `POST /auth/login/second-factor` from its page: 303 to the sign-in's
/// `next` (or the profile); a wrong code shows the page again; a ticket
/// that no longer works (or none) goes back to `/login` with a notice.
pub async fn post(
    CsrfForm(input): CsrfForm<CodeFields>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let Some(kept) = forms.sign_in_ticket() else {
        return Ok(start_again(&forms, &AppError::InvalidTicket));
    };
    match accounts
        .second_step(&kept.ticket, Proof::Code(input.code), &client)
        .await
    {
        Ok(sign_in) => {
            forms.forget_sign_in_ticket();
            let location = kept.next.as_deref().unwrap_or("/profile");
            Ok(signed_in_redirect(location, &sign_in, &cookies))
        }
        Err(error @ (AppError::InvalidTicket | AppError::TooManyAttempts { .. })) => {
            forms.forget_sign_in_ticket();
            Ok(start_again(&forms, &error))
        }
        Err(error) => {
            let page = SecondFactorPage::new(forms.context()?, kept.passkey, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}

/// 303 to `/login`, saying why.
fn start_again(forms: &FormSession, error: &AppError) -> HttpResponse {
    forms.flash(&error.to_string());
    see_other("/login").finish()
}
