use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::{Accounts, Sessions};
use crate::domain::UserName;
use crate::pages::ProfileForm;
use crate::routes::extract::{CsrfForm, FormFields, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::pages::profile;
use crate::routes::respond::{see_other, sign_in_again};

/// The profile's change-name form.
#[derive(Deserialize)]
pub struct NameFields {
    #[serde(default)]
    name: String,
}

impl FormFields for NameFields {
    const PAGE: &'static str = "/profile";
}

/// `POST /profile/name`: 303 back to the profile with a notice, or the
/// profile again with the error beside the name (what was typed kept).
pub async fn post(
    CsrfForm(input): CsrfForm<NameFields>,
    req: HttpRequest,
    forms: FormSession,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let Some(principal) = principal else {
        return Ok(sign_in_again());
    };
    let renamed = match UserName::parse(&input.name) {
        Ok(name) => accounts.rename(&principal, name).await,
        Err(invalid) => Err(invalid.into()),
    };
    match renamed {
        Ok(_) => {
            forms.flash("Your name was changed.");
            Ok(see_other("/profile").finish())
        }
        Err(error) => Err(profile::failed(
            &principal,
            &sessions,
            &accounts,
            &forms,
            ProfileForm::ChangeName { typed: input.name },
            error,
        )
        .await),
    }
}
