use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use super::PasswordFields;
use crate::auth::{Accounts, Sessions};
use crate::domain::{Client, PasswordChange};
use crate::pages::ProfileForm;
use crate::routes::extract::{CsrfForm, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::pages::profile;
use crate::routes::respond::{see_other, sign_in_again};

/// `POST /auth/password` from the profile: 303 back to it with a notice, or
/// the profile again with the error on the form.
pub async fn post(
    CsrfForm(input): CsrfForm<PasswordFields>,
    req: HttpRequest,
    client: Client,
    forms: FormSession,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let Some(principal) = principal else {
        return Ok(sign_in_again());
    };
    let changed = match PasswordChange::parse(input.current_password, input.new_password) {
        Ok(change) => accounts.change_password(&principal, change, &client).await,
        Err(invalid) => Err(invalid.into()),
    };
    match changed {
        Ok(_) => {
            forms.flash("Your password was changed. Every other device was signed out.");
            Ok(see_other("/profile").finish())
        }
        Err(error) => Err(profile::failed(
            &principal,
            &sessions,
            &accounts,
            &forms,
            ProfileForm::ChangePassword,
            error,
        )
        .await),
    }
}
