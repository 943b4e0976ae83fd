use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Addresses, LinkToken};
use crate::clock::readable;
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::{
    EmailVerifiedPage, Layout, RegisterSentPage, VerifyInvalidPage, VerifyLinkPage,
};
use crate::routes::extract::{CsrfForm, FormFields, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct VerifyQuery {
    token: Option<String>,
}

/// The page's one button: no field but its CSRF token.
#[derive(Deserialize)]
pub struct VerifyButton {}

impl FormFields for VerifyButton {
    const PAGE: &'static str = "/email/verify";
}

/// `GET /email/verify?token=…` keeps the token in the form session and
/// sends the browser on to `GET /email/verify` at once, so the token leaves
/// the address bar (as a reset link's). That page changes nothing (mail
/// scanners follow links, HEAD included): while the link works it shows
/// the address and the button that verifies it, else that the link does
/// not work (400).
pub async fn get(
    query: web::Query<VerifyQuery>,
    forms: FormSession,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_verify_token(token)?;
        return Ok(see_other("/email/verify").finish());
    }
    let email = match forms.verify_token().as_deref().map(LinkToken::presented) {
        Some(Ok(token)) => addresses.verify_link_address(&token).await?,
        _ => None,
    };
    let Some(email) = email else {
        forms.take_verify_token();
        return invalid_link();
    };
    html::render(
        StatusCode::OK,
        &VerifyLinkPage::new(forms.context()?, email),
    )
}

/// `POST /email/verify`: the button. Uses the kept link up and says the
/// address is verified, or that the link does not work (400).
pub async fn post(
    _: CsrfForm<VerifyButton>,
    forms: FormSession,
    client: Client,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, FormError> {
    Ok(verify(&forms, &client, &addresses).await?)
}

async fn verify(
    forms: &FormSession,
    client: &Client,
    addresses: &Addresses,
) -> Result<HttpResponse, AppError> {
    let Some(token) = forms
        .take_verify_token()
        .and_then(|token| LinkToken::presented(&token).ok())
    else {
        return invalid_link();
    };
    match addresses.verify(&token, client).await {
        Ok(email) => {
            let page = EmailVerifiedPage {
                layout: Layout::new("Address verified", None),
                email,
            };
            html::render(StatusCode::OK, &page)
        }
        Err(AppError::InvalidVerifyToken) => invalid_link(),
        Err(error) => Err(error),
    }
}

/// `GET /register/sent`: "check your mail", after a sign-up that needs a
/// verified address.
pub async fn register_sent(addresses: web::Data<Addresses>) -> Result<HttpResponse, AppError> {
    let page = RegisterSentPage {
        layout: Layout::new("Check your mail", None),
        valid_for: readable(addresses.valid_for()),
    };
    html::render(StatusCode::OK, &page)
}

/// 400: the link is unknown, used, expired or replaced by a newer one.
fn invalid_link() -> Result<HttpResponse, AppError> {
    let page = VerifyInvalidPage {
        layout: Layout::new("This link does not work", None),
    };
    html::render(StatusCode::BAD_REQUEST, &page)
}
