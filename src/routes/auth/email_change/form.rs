use actix_web::{web, FromRequest, HttpRequest, HttpResponse};

use super::EmailFields;
use crate::auth::{Accounts, Addresses, Sessions};
use crate::domain::{Client, EmailChange};
use crate::pages::ProfileForm;
use crate::routes::extract::{CsrfForm, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::pages::profile;
use crate::routes::respond::{see_other, sign_in_again};

/// `POST /auth/email` from the profile: 303 back to it with a notice, or
/// the profile again with the error on the form (the typed address kept).
pub async fn post(
    CsrfForm(input): CsrfForm<EmailFields>,
    req: HttpRequest,
    client: Client,
    forms: FormSession,
    accounts: web::Data<Accounts>,
    addresses: web::Data<Addresses>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(&req).await?;
    let Some(principal) = principal else {
        return Ok(sign_in_again());
    };
    let EmailFields {
        password,
        new_email,
    } = input;
    let requested = match EmailChange::parse(password, &new_email, &principal.user.email) {
        Ok(change) => {
            let to = change.new_email.clone();
            let sent = addresses.change(&accounts, &principal, change, &client);
            sent.await.map(|()| to)
        }
        Err(invalid) => Err(invalid.into()),
    };
    match requested {
        Ok(to) => {
            forms.flash(&format!(
                "A link went to {}. Open it to make it your address.",
                to.as_str()
            ));
            Ok(see_other("/profile").finish())
        }
        Err(error) => Err(profile::failed(
            &principal,
            &sessions,
            &accounts,
            &forms,
            ProfileForm::ChangeEmail { typed: new_email },
            error,
        )
        .await),
    }
}
