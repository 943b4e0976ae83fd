use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Addresses, OpenedChange};
use crate::error::AppError;
use crate::pages::{EmailChangeOutcome, EmailChangePage};
use crate::routes::extract::FormSession;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct ChangeQuery {
    token: Option<String>,
}

/// `GET /email/change?token=…` keeps the token in the form session and
/// sends the browser on to `GET /email/change` at once, so the token
/// leaves the address bar (and history, and any `Referer`). That page uses
/// the link up: the new address (200), taken meanwhile (409), or a link
/// that does not work (400).
pub async fn get(
    query: web::Query<ChangeQuery>,
    forms: FormSession,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_change_token(token)?;
        return Ok(see_other("/email/change").finish());
    }
    let opened = match forms.take_change_token() {
        Some(token) => addresses.open_change_link(&token).await,
        None => Err(AppError::InvalidChangeToken),
    };
    let (status, outcome) = match opened {
        Ok(OpenedChange::Changed(email)) => (StatusCode::OK, EmailChangeOutcome::Changed(email)),
        Ok(OpenedChange::Taken) => (StatusCode::CONFLICT, EmailChangeOutcome::Taken),
        Err(AppError::InvalidChangeToken) => {
            (StatusCode::BAD_REQUEST, EmailChangeOutcome::InvalidLink)
        }
        Err(other) => return Err(other),
    };
    html::render(status, &EmailChangePage::new(outcome))
}
