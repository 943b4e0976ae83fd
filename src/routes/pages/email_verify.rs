use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Addresses, LinkToken};
use crate::clock::readable;
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::{EmailVerifiedPage, Layout, RegisterSentPage, VerifyInvalidPage};
use crate::routes::extract::FormSession;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct VerifyQuery {
    token: Option<String>,
}

/// `GET /email/verify?token=…` keeps the token in the form session and
/// sends the browser on to `GET /email/verify` at once, so the token leaves
/// the address bar (as a reset link's). That page uses the link up and says
/// the address is verified, or that the link does not work (400).
pub async fn get(
    query: web::Query<VerifyQuery>,
    forms: FormSession,
    client: Client,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_verify_token(token)?;
        return Ok(see_other("/email/verify").finish());
    }
    let Some(token) = forms
        .take_verify_token()
        .and_then(|token| LinkToken::presented(&token).ok())
    else {
        return invalid_link();
    };
    match addresses.verify(&token, &client).await {
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
