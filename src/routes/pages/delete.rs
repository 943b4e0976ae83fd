use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::{Accounts, Sessions};
use crate::domain::{Client, CurrentPassword};
use crate::pages::ProfileForm;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormFields, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::pages::profile;
use crate::routes::respond::{see_other, sign_in_again, signed_out};

/// The profile's delete-account form.
#[derive(Deserialize)]
pub struct DeleteFields {
    #[serde(default)]
    password: String,
}

impl FormFields for DeleteFields {
    const PAGE: &'static str = "/profile";
}

/// `POST /profile/delete`: 303 to the sign-in page with a notice, cookies
/// cleared; or the profile again with the error on the form.
pub async fn post(
    CsrfForm(input): CsrfForm<DeleteFields>,
    req: HttpRequest,
    client: Client,
    forms: FormSession,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let Some(principal) = principal else {
        return Ok(sign_in_again());
    };
    let deleted = match CurrentPassword::parse("password", input.password) {
        Ok(password) => accounts.delete(&principal, password, &client).await,
        Err(invalid) => Err(invalid.into()),
    };
    match deleted {
        Ok(()) => {
            forms.flash("Your account was deleted.");
            Ok(signed_out(see_other("/login").finish(), &cookies))
        }
        Err(error) => Err(profile::failed(
            &principal,
            &sessions,
            &accounts,
            &forms,
            ProfileForm::DeleteAccount,
            error,
        )
        .await),
    }
}
