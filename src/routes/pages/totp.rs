//! The profile's authenticator-app forms: set up, turn on, turn off, and
//! new recovery codes. What must be shown once (the key, the recovery
//! codes) is the answer to the post itself (200, `no-store`), never kept
//! for a later page.

use actix_web::http::StatusCode;
use actix_web::{web, FromRequest, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::{Accounts, Principal, Sessions};
use crate::domain::{Client, CurrentPassword};
use crate::error::AppError;
use crate::pages::{PendingTotp, ProfileForm, ProfilePage};
use crate::routes::extract::{CsrfForm, FormFields, FormSession, MaybeSignedIn};
use crate::routes::form_error::FormError;
use crate::routes::html;
use crate::routes::pages::profile;
use crate::routes::respond::{see_other, sign_in_again};

#[derive(Deserialize)]
pub struct PasswordFields {
    #[serde(default)]
    password: String,
}

impl FormFields for PasswordFields {
    const PAGE: &'static str = "/profile";
}

#[derive(Deserialize)]
pub struct CodeFields {
    #[serde(default)]
    code: String,
}

impl FormFields for CodeFields {
    const PAGE: &'static str = "/profile";
}

/// `POST /profile/totp` (password): the profile with the QR code, the key
/// and the confirm form.
pub async fn start(
    CsrfForm(input): CsrfForm<PasswordFields>,
    req: HttpRequest,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let Some(principal) = signed_in(&req).await? else {
        return Ok(sign_in_again());
    };
    let started = match CurrentPassword::parse("password", input.password) {
        Ok(password) => accounts.start_totp(&principal, &password, &client).await,
        Err(invalid) => Err(AppError::Invalid(invalid.into())),
    };
    match started {
        Ok(enrolment) => {
            forms.keep_pending_totp(&principal.user.id, &enrolment.secret, &enrolment.uri)?;
            let mut page = profile::page(&principal, &sessions, &accounts, &forms).await?;
            page.totp.pending = Some(PendingTotp::new(&enrolment.secret, &enrolment.uri));
            Ok(shown(page)?)
        }
        Err(error) => Err(failed(&principal, &sessions, &accounts, &forms, error).await),
    }
}

/// `POST /profile/totp/confirm` (code): the profile with the ten recovery
/// codes; a wrong code shows the QR code again with the error.
pub async fn confirm(
    CsrfForm(input): CsrfForm<CodeFields>,
    req: HttpRequest,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let Some(principal) = signed_in(&req).await? else {
        return Ok(sign_in_again());
    };
    match accounts
        .confirm_totp(&principal, &input.code, &client)
        .await
    {
        Ok(codes) => {
            forms.forget_pending_totp();
            let mut page = profile::page(&principal, &sessions, &accounts, &forms).await?;
            page.totp.on = true;
            page.totp.recovery_codes_left = codes.len() as u32;
            page.totp.new_codes = codes;
            Ok(shown(page)?)
        }
        Err(error) => {
            let mut page = match profile::page(&principal, &sessions, &accounts, &forms).await {
                Ok(page) => page.failed(ProfileForm::Totp, &error),
                Err(other) => return Err(other.into()),
            };
            if matches!(error, AppError::InvalidConfirmCode) {
                page.totp.pending = forms
                    .pending_totp(&principal.user.id)
                    .map(|(secret, uri)| PendingTotp::new(&secret, &uri));
            }
            Err(FormError::page(error, &page))
        }
    }
}

/// `POST /profile/totp/disable` (password): 303 to the profile with a notice.
pub async fn disable(
    CsrfForm(input): CsrfForm<PasswordFields>,
    req: HttpRequest,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let Some(principal) = signed_in(&req).await? else {
        return Ok(sign_in_again());
    };
    let disabled = match CurrentPassword::parse("password", input.password) {
        Ok(password) => accounts.disable_totp(&principal, &password, &client).await,
        Err(invalid) => Err(AppError::Invalid(invalid.into())),
    };
    match disabled {
        Ok(()) => {
            forms.flash("Two-step sign-in is off: your password alone signs you in.");
            Ok(see_other("/profile").finish())
        }
        Err(error) => Err(failed(&principal, &sessions, &accounts, &forms, error).await),
    }
}

/// `POST /profile/recovery-codes` (password): the profile with ten new codes.
pub async fn new_recovery_codes(
    CsrfForm(input): CsrfForm<PasswordFields>,
    req: HttpRequest,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, FormError> {
    let Some(principal) = signed_in(&req).await? else {
        return Ok(sign_in_again());
    };
    let made = match CurrentPassword::parse("password", input.password) {
        Ok(password) => {
            accounts
                .new_recovery_codes(&principal, &password, &client)
                .await
        }
        Err(invalid) => Err(AppError::Invalid(invalid.into())),
    };
    match made {
        Ok(codes) => {
            let mut page = profile::page(&principal, &sessions, &accounts, &forms).await?;
            page.totp.recovery_codes_left = codes.len() as u32;
            page.totp.new_codes = codes;
            Ok(shown(page)?)
        }
        Err(error) => Err(failed(&principal, &sessions, &accounts, &forms, error).await),
    }
}

async fn signed_in(req: &HttpRequest) -> Result<Option<Principal>, AppError> {
    let MaybeSignedIn(principal) = MaybeSignedIn::extract(req).await?;
    Ok(principal)
}

/// The profile as the answer to a post that worked: a reload asks for
/// `/profile` again instead of posting once more.
fn shown(mut page: ProfilePage) -> Result<HttpResponse, AppError> {
    page.layout.address = Some("/profile".to_owned());
    html::render(StatusCode::OK, &page)
}

async fn failed(
    principal: &Principal,
    sessions: &Sessions,
    accounts: &Accounts,
    forms: &FormSession,
    error: AppError,
) -> FormError {
    profile::failed(
        principal,
        sessions,
        accounts,
        forms,
        ProfileForm::Totp,
        error,
    )
    .await
}
