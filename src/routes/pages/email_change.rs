use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{Addresses, LinkToken, OpenedChange};
use crate::error::AppError;
use crate::pages::{ChangeLinkPage, EmailChangeOutcome, EmailChangePage};
use crate::routes::extract::{CsrfForm, FormFields, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct ChangeQuery {
    token: Option<String>,
}

/// The page's one button: no field but its CSRF token.
#[derive(Deserialize)]
pub struct ChangeButton {}

impl FormFields for ChangeButton {
    const PAGE: &'static str = "/email/change";
}

/// `GET /email/change?token=…` keeps the token in the form session and
/// sends the browser on to `GET /email/change` at once, so the token
/// leaves the address bar (and history, and any `Referer`). That page
/// changes nothing (mail scanners follow links, HEAD included): while the
/// link works it shows the new address and the button that makes it the
/// account's, else that the link does not work (400).
pub async fn get(
    query: web::Query<ChangeQuery>,
    forms: FormSession,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_change_token(token)?;
        return Ok(see_other("/email/change").finish());
    }
    let email = match forms.change_token().as_deref().map(LinkToken::presented) {
        Some(Ok(token)) => addresses.change_link_address(&token).await?,
        _ => None,
    };
    let Some(email) = email else {
        forms.take_change_token();
        return html::render(
            StatusCode::BAD_REQUEST,
            &EmailChangePage::new(EmailChangeOutcome::InvalidLink),
        );
    };
    html::render(
        StatusCode::OK,
        &ChangeLinkPage::new(forms.context()?, email),
    )
}

/// `POST /email/change`: the button. Uses the kept link up: the new
/// address (200), taken meanwhile (409), or a link that does not work (400).
pub async fn post(
    _: CsrfForm<ChangeButton>,
    forms: FormSession,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, FormError> {
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
        Err(other) => return Err(other.into()),
    };
    Ok(html::render(status, &EmailChangePage::new(outcome))?)
}
