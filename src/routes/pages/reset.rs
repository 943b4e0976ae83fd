use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::{LinkToken, PasswordResets};
use crate::error::AppError;
use crate::pages::{Layout, ResetInvalidPage, ResetPage};
use crate::routes::extract::FormSession;
use crate::routes::html;
use crate::routes::respond::see_other;

#[derive(Deserialize)]
pub struct ResetQuery {
    token: Option<String>,
}

/// `GET /password/reset?token=…` keeps the token in the form session and
/// sends the browser on to `GET /password/reset` at once, so the token
/// leaves the address bar (and history, and any `Referer`). That page shows
/// the new-password form while the link works, else says it does not (400).
pub async fn get(
    query: web::Query<ResetQuery>,
    forms: FormSession,
    resets: web::Data<PasswordResets>,
) -> Result<HttpResponse, AppError> {
    if let Some(token) = &query.token {
        forms.keep_reset_token(token)?;
        return Ok(see_other("/password/reset").finish());
    }
    let kept = forms
        .reset_token()
        .and_then(|token| LinkToken::presented(&token).ok());
    let open = match kept {
        Some(token) => resets.is_open(&token).await?,
        None => false,
    };
    if !open {
        forms.forget_reset_token();
        return invalid_link();
    }
    html::render(StatusCode::OK, &ResetPage::new(forms.context()?, None))
}

/// 400: the link is unknown, used, expired or replaced by a newer one.
pub fn invalid_link() -> Result<HttpResponse, AppError> {
    let page = ResetInvalidPage {
        layout: Layout::new("This link does not work", None),
    };
    html::render(StatusCode::BAD_REQUEST, &page)
}
