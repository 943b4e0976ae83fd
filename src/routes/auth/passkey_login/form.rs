use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::Accounts;
use crate::domain::{Client, LocalPath};
use crate::error::AppError;
use crate::pages::{EmailNotVerifiedPage, Layout};
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormFields, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_in_redirect};

/// The sign-in page's hidden passkey form, filled by `static/passkeys.js`.
#[derive(Deserialize)]
pub struct PasskeyLoginFields {
    /// The browser's answer, as JSON.
    #[serde(default)]
    credential: String,
    next: Option<String>,
}

impl FormFields for PasskeyLoginFields {
    const PAGE: &'static str = "/login";
}

/// `POST /auth/passkey/login` from the sign-in page: 303 to `next` (or the
/// profile); a refused passkey goes back to `/login`, saying why.
pub async fn post(
    CsrfForm(input): CsrfForm<PasskeyLoginFields>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let next = input.next.and_then(LocalPath::parse);
    let signed_in = match serde_json::from_str(&input.credential) {
        Ok(credential) => match forms.take_passkey_challenge() {
            Ok(challenge) => {
                accounts
                    .sign_in_with_passkey(challenge, credential, &client)
                    .await
            }
            Err(error) => Err(error),
        },
        Err(_) => Err(AppError::InvalidPasskey),
    };
    match signed_in {
        Ok(sign_in) => {
            let location = next.as_ref().map_or("/profile", LocalPath::as_str);
            Ok(signed_in_redirect(location, &sign_in, &cookies))
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
            error.log_if_unexpected();
            forms.flash(&error.to_string());
            let back = match next {
                Some(next) => format!("/login?next={}", urlencoding(next.as_str())),
                None => "/login".to_owned(),
            };
            Ok(see_other(&back).finish())
        }
    }
}

fn urlencoding(path: &str) -> String {
    form_urlencoded::byte_serialize(path.as_bytes()).collect()
}
