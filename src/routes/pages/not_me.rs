//! `/sign-in/not-me`: the "this wasn't me" link of a sign-in alert.

use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{LinkToken, SignInAlerts};
use crate::domain::Client;
use crate::error::AppError;
use crate::pages::{Layout, NotMeInvalidPage, NotMePage};
use crate::routes::extract::{CsrfForm, FormFields, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct NotMeQuery {
    token: Option<String>,
}

/// The page's one button: no field but its CSRF token.
#[derive(Deserialize)]
pub struct NotMeButton {}

impl FormFields for NotMeButton {
    const PAGE: &'static str = "/sign-in/not-me";
}

/// `GET /sign-in/not-me?token=…` keeps the token in the form session and
/// sends the browser on to `GET /sign-in/not-me` at once, so the token
/// leaves the address bar. That page changes nothing (mail scanners follow
/// links, HEAD included): while the link works it says what its button
/// does, else that the link does not work (400).
pub async fn get(
    query: web::Query<NotMeQuery>,
    forms: FormSession,
    alerts: web::Data<SignInAlerts>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_not_me_token(token)?;
        return Ok(see_other("/sign-in/not-me").finish());
    }
    let open = match forms.not_me_token().as_deref().map(LinkToken::presented) {
        Some(Ok(token)) => alerts.is_open(&token).await?,
        _ => false,
    };
    if !open {
        forms.take_not_me_token();
        return invalid_link();
    }
    html::render(StatusCode::OK, &NotMePage::new(forms.context()?))
}

/// `POST /sign-in/not-me`: the button. Uses the kept link up: its session
/// ends, and the browser goes on to the reset page's form with a new reset
/// link kept for it; a link that does not work gets the 400 page.
pub async fn post(
    _: CsrfForm<NotMeButton>,
    forms: FormSession,
    client: Client,
    alerts: web::Data<SignInAlerts>,
) -> Result<HttpResponse, FormError> {
    let Some(token) = forms
        .take_not_me_token()
        .and_then(|token| LinkToken::presented(&token).ok())
    else {
        return Ok(invalid_link()?);
    };
    match alerts.disown(&token, &client).await {
        Ok(reset) => {
            forms.keep_reset_token(reset.expose())?;
            Ok(see_other("/password/reset").finish())
        }
        Err(AppError::InvalidResetToken) => Ok(invalid_link()?),
        Err(error) => Err(error.into()),
    }
}

/// 400: the link is unknown, used or expired.
fn invalid_link() -> Result<HttpResponse, AppError> {
    let page = NotMeInvalidPage {
        layout: Layout::new("This link does not work", None),
    };
    html::render(StatusCode::BAD_REQUEST, &page)
}
