//! `GET /oauth/logout` (OpenID Connect RP-Initiated Logout 1.0; the rules
//! are `auth::oidc::logout`'s) and `POST /oauth/logout`, the button of the
//! page asked when the request carries no valid `id_token_hint`.

use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::oidc::{CheckedLogout, LogoutError, LogoutRefusal, LogoutRequest, OpenIdProvider};
use crate::auth::Sessions;
use crate::error::AppError;
use crate::pages::{LogoutConfirmPage, LogoutRefusedPage, SignedOutPage};
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{CsrfForm, FormFields, FormSession, MaybeSignedIn, PresentedTokens};
use crate::routes::form_error::FormError;
use crate::routes::html;
use crate::routes::respond::{see_other, signed_out};

/// The question's button: what the request asked, sent back.
#[derive(Deserialize)]
pub struct LogoutButton {
    client_id: Option<String>,
    post_logout_redirect_uri: Option<String>,
    state: Option<String>,
}

impl FormFields for LogoutButton {
    const PAGE: &'static str = "/oauth/logout";
}

/// With a valid hint: the app's session ends, and this browser's sesame
/// session too when it is the same user's; then the redirect or the
/// signed-out page. Without one: the question. A request that cannot be
/// used: the 400 page, never a redirect.
pub async fn get(
    req: HttpRequest,
    signed_in: MaybeSignedIn,
    tokens: PresentedTokens,
    forms: FormSession,
    oidc: web::Data<OpenIdProvider>,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let request = parse_query(req.query_string());
    let checked = match oidc.check_logout(&request).await {
        Ok(checked) => checked,
        Err(error) => return refused(error),
    };
    let Some(hint) = &checked.hint else {
        let page = LogoutConfirmPage::new(
            forms.context()?,
            request.client_id,
            request.post_logout_redirect_uri,
            request.state,
        );
        return html::render(StatusCode::OK, &page);
    };
    oidc.end_hinted_session(hint).await?;
    let MaybeSignedIn(principal) = signed_in;
    let same_user = principal.is_some_and(|p| p.user.id == hint.user_id);
    if same_user {
        sessions.logout(&[], tokens.access()).await?;
    }
    let answer = after(&checked)?;
    Ok(if same_user {
        signed_out(answer, &cookies)
    } else {
        answer
    })
}

/// The question's button: this browser's session ends, cookies cleared,
/// then the redirect (if registered for the app named) or the page.
pub async fn post(
    CsrfForm(button): CsrfForm<LogoutButton>,
    tokens: PresentedTokens,
    oidc: web::Data<OpenIdProvider>,
    sessions: web::Data<Sessions>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, FormError> {
    let given = |field: Option<String>| field.filter(|value| !value.is_empty());
    let request = LogoutRequest {
        id_token_hint: None,
        client_id: given(button.client_id),
        post_logout_redirect_uri: given(button.post_logout_redirect_uri),
        state: given(button.state),
    };
    let checked = match oidc.check_logout(&request).await {
        Ok(checked) => checked,
        Err(error) => return Ok(refused(error)?),
    };
    sessions
        .logout(&tokens.every_refresh(), tokens.access())
        .await?;
    Ok(signed_out(after(&checked)?, &cookies))
}

/// The first of each parameter; anything else in the query is ignored
/// (no framework's plain-text 400 for a repeated one).
fn parse_query(query: &str) -> LogoutRequest {
    let mut request = LogoutRequest::default();
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "id_token_hint" => &mut request.id_token_hint,
            "client_id" => &mut request.client_id,
            "post_logout_redirect_uri" => &mut request.post_logout_redirect_uri,
            "state" => &mut request.state,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(value.into_owned());
        }
    }
    request
}

/// Where the browser goes once signed out.
fn after(checked: &CheckedLogout) -> Result<HttpResponse, AppError> {
    match &checked.redirect {
        Some(uri) => Ok(see_other(uri).finish()),
        None => html::render(StatusCode::OK, &SignedOutPage::new()),
    }
}

/// 400 and what is wrong, in sesame's words; a database failure as any.
fn refused(error: LogoutError) -> Result<HttpResponse, AppError> {
    let reason = match error {
        LogoutError::Failed(error) => return Err(error),
        LogoutError::Refused(LogoutRefusal::UnknownClient) => {
            "The app that sent you here is not known to sesame."
        }
        LogoutError::Refused(LogoutRefusal::WrongClient) => {
            "The app named is not the one you are signed in to."
        }
        LogoutError::Refused(LogoutRefusal::UnregisteredRedirect) => {
            "The address to return to is not one registered for this app."
        }
    };
    html::render(StatusCode::BAD_REQUEST, &LogoutRefusedPage::new(reason))
}
