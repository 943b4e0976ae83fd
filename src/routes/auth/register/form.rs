use actix_web::{web, HttpResponse};

use super::RegisterFields;
use crate::auth::{Accounts, Registered};
use crate::domain::{Client, LocalPath};
use crate::pages::RegisterPage;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_in_redirect};

/// `POST /auth/register` from the sign-up page: 303 to `next` (or the
/// profile), or to "check your mail" when a verified address is needed
/// before signing in; or the page again with the errors and what the user typed (but the password).
pub async fn post(
    CsrfForm(mut input): CsrfForm<RegisterFields>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let next = input.next.take().and_then(LocalPath::parse);
    let registered = match input.account() {
        Ok(account) => accounts.register(account, &client).await,
        Err(invalid) => Err(invalid),
    };
    match registered {
        Ok(Registered::SignedIn(sign_in)) => {
            let location = next.as_ref().map_or("/profile", LocalPath::as_str);
            Ok(signed_in_redirect(location, &sign_in, &cookies))
        }
        Ok(Registered::CheckYourMail) => Ok(see_other("/register/sent").finish()),
        Err(error) => {
            let (name, email) = (&input.name, &input.email);
            let page = RegisterPage::new(forms.context()?, name, email, next, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}
