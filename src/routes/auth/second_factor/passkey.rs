//! The second step with a passkey: `POST
//! /auth/login/second-factor/passkey/options` `{ticket}` (or the ticket
//! the form session keeps) gives the request options for that account's
//! passkeys; `POST /auth/login/second-factor/passkey` answers them, as
//! JSON `{ticket, credential}` or from the second step's page.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;
use serde_json::Value;

use crate::auth::factors::Proof;
use crate::auth::{Accounts, SignIn};
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::SecondFactorPage;
use crate::routes::auth::passkeys::credential_of;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormFields, FormSession, Json, OptionalJson};
use crate::routes::form_error::FormError;
use crate::routes::respond::{see_other, signed_in, signed_in_redirect, RefreshTransport};

#[derive(Deserialize)]
pub struct TicketJson {
    ticket: Option<String>,
}

/// The ticket in the body, else the one the form session keeps.
fn ticket_of(given: Option<String>, forms: &FormSession) -> Result<String, AppError> {
    given
        .filter(|ticket| !ticket.is_empty())
        .or_else(|| forms.sign_in_ticket().map(|kept| kept.ticket))
        .ok_or(AppError::InvalidTicket)
}

/// `POST /auth/login/second-factor/passkey/options`.
pub async fn options(
    OptionalJson(input): OptionalJson<TicketJson>,
    forms: FormSession,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let ticket = ticket_of(input.and_then(|body| body.ticket), &forms)?;
    let (options, challenge) = accounts.second_step_passkey_options(&ticket).await?;
    forms.keep_passkey_challenge(&challenge)?;
    Ok(HttpResponse::Ok().json(options))
}

/// The second step with `credential`; a wrong passkey is
/// `invalid_passkey`, counted as a wrong code.
async fn second_step(
    ticket: &str,
    credential: Value,
    forms: &FormSession,
    client: &Client,
    accounts: &Accounts,
) -> Result<SignIn, AppError> {
    let credential = credential_of(credential)?;
    let challenge = forms.take_passkey_challenge()?;
    let assertion = accounts.passkey_assertion(challenge, credential)?;
    match accounts
        .second_step(ticket, Proof::Passkey(Box::new(assertion)), client)
        .await
    {
        Err(AppError::InvalidCode) => Err(AppError::InvalidPasskey),
        done => done,
    }
}

#[derive(Deserialize)]
pub struct SecondStepJson {
    ticket: Option<String>,
    #[serde(default)]
    credential: Value,
}

/// `POST /auth/login/second-factor/passkey` with JSON: the sign-in body and
/// cookies.
pub async fn json(
    Json(input): Json<SecondStepJson>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    accounts.passkeys_on()?;
    let ticket = ticket_of(input.ticket, &forms)?;
    let sign_in = second_step(&ticket, input.credential, &forms, &client, &accounts).await?;
    if forms
        .sign_in_ticket()
        .is_some_and(|kept| kept.ticket == ticket)
    {
        forms.forget_sign_in_ticket();
    }
    Ok(signed_in(
        StatusCode::OK,
        &sign_in,
        &cookies,
        RefreshTransport::BodyAndCookie,
    ))
}

/// The second step page's hidden passkey form, filled by `static/passkeys.js`.
#[derive(Deserialize)]
pub struct PasskeyFields {
    #[serde(default)]
    credential: String,
}

impl FormFields for PasskeyFields {
    const PAGE: &'static str = "/login/second-factor";
}

/// `POST /auth/login/second-factor/passkey` from its page: 303 to the
/// sign-in's `next` (or the profile); a refused passkey shows the page
/// again; a ticket that no longer works goes back to `/login`.
pub async fn form(
    CsrfForm(input): CsrfForm<PasskeyFields>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let Some(kept) = forms.sign_in_ticket() else {
        forms.flash(&AppError::InvalidTicket.to_string());
        return Ok(see_other("/login").finish());
    };
    let credential = serde_json::from_str(&input.credential).unwrap_or(Value::Null);
    match second_step(&kept.ticket, credential, &forms, &client, &accounts).await {
        Ok(sign_in) => {
            forms.forget_sign_in_ticket();
            let location = kept.next.as_deref().unwrap_or("/profile");
            Ok(signed_in_redirect(location, &sign_in, &cookies))
        }
        Err(error @ (AppError::InvalidTicket | AppError::TooManyAttempts { .. })) => {
            forms.forget_sign_in_ticket();
            forms.flash(&error.to_string());
            Ok(see_other("/login").finish())
        }
        Err(error) => {
            let page = SecondFactorPage::new(forms.context()?, kept.passkey, Some(&error));
            Err(FormError::page(error, &page))
        }
    }
}
