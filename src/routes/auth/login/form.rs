use actix_web::{web, HttpResponse};

use super::LoginFields;
use crate::auth::factors::Method;
use crate::auth::{Accounts, LoginStep};
use crate::domain::{Client, Credentials, LocalPath};
use crate::error::AppError;
use crate::pages::{EmailNotVerifiedPage, Layout, LoginPage};
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::form::KeptTicket;
use crate::routes::extract::{CsrfForm, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_in_redirect};

/// `POST /auth/login` from the sign-in page: 303 to `next` (or the
/// profile), or to `/login/second-factor` (the ticket kept in the form
/// session) on an account with a second factor, or the page again with the error and the email kept; for an
/// unverified address (`--require-verified-email`), the 403 page that says
/// to open the link, with a button for a new one.
pub async fn post(
    CsrfForm(input): CsrfForm<LoginFields>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let next = input.next.and_then(LocalPath::parse);
    let signed_in = match Credentials::parse(&input.email, input.password) {
        Ok(credentials) => accounts.login(credentials, &client).await,
        Err(invalid) => Err(invalid.into()),
    };
    match signed_in {
        Ok(LoginStep::SignedIn(sign_in)) => {
            let location = next.as_ref().map_or("/profile", LocalPath::as_str);
            Ok(signed_in_redirect(location, &sign_in, &cookies))
        }
        Ok(LoginStep::SecondFactor(step)) => {
            forms.keep_sign_in_ticket(&KeptTicket {
                ticket: step.ticket.expose().to_owned(),
                next: next.map(|path| path.as_str().to_owned()),
                passkey: step.methods.contains(&Method::Passkey),
            })?;
            Ok(see_other("/login/second-factor").finish())
        }
        Err(AppError::EmailNotVerified { user }) => {
            forms.remember_unverified(&user);
            let error = AppError::EmailNotVerified { user };
            let page = EmailNotVerifiedPage {
                layout: Layout::new("Verify your address", None).answering_a_post("/login", true),
                csrf: forms.context()?.csrf,
                message: error.to_string(),
            };
            Err(FormError::page(error, &page))
        }
        Err(error) => {
            let page = LoginPage::new(forms.context()?, &input.email, next, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}
