use actix_web::{web, HttpResponse};

use super::ForgotFields;
use crate::auth::PasswordResets;
use crate::domain::{Client, Email};
use crate::pages::ForgotPage;
use crate::routes::extract::{CsrfForm, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::see_other;

/// `POST /auth/password/forgot` from the forgot page: 303 to "check your
/// mail", or the page again with the error and the email kept.
pub async fn post(
    CsrfForm(input): CsrfForm<ForgotFields>,
    client: Client,
    forms: FormSession,
    resets: web::Data<PasswordResets>,
) -> Result<HttpResponse, FormError> {
    let requested = match Email::parse(&input.email) {
        Ok(email) => resets.request(email, &client).await,
        Err(invalid) => Err(invalid.into()),
    };
    match requested {
        Ok(()) => Ok(see_other("/password/forgot/sent").finish()),
        Err(error) => {
            let page = ForgotPage::new(forms.context()?, &input.email, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}
