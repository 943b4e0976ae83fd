//! `GET /oauth/authorize` (RFC 6749 4.1.1, OpenID Connect Core 3.1.2): an
//! unknown app or an unregistered `redirect_uri` gets an error page and is
//! never redirected to; any other error is redirected with (4.1.2.1). Not
//! signed in: the 401 page, whose script refreshes silently or leads to
//! the sign-in (second factor included) and back here. Then the consent
//! page, once per app and scopes, or the code at once.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use url::Url;

use crate::auth::oidc::{AuthorizationRequest, AuthorizeParams, OpenIdProvider, Prompt};
use crate::auth::Principal;
use crate::domain::Scope;
use crate::error::{AppError, OAuthCode, OAuthError};
use crate::pages::{ConsentPage, OAuthErrorPage};
use crate::routes::extract::{FormSession, MaybeSignedIn};
use crate::routes::html;
use crate::routes::html::policy_with_form_action;
use crate::routes::respond::see_other;

pub async fn get(
    req: HttpRequest,
    MaybeSignedIn(principal): MaybeSignedIn,
    oidc: web::Data<OpenIdProvider>,
    forms: FormSession,
) -> Result<HttpResponse, AppError> {
    let (params, repeated) = read_params(req.query_string());
    let request = match checked(&oidc, &params, repeated).await? {
        Checked::Request(request) => request,
        Checked::Answer(answer) => return Ok(answer),
    };
    // An app's own token is no sign-in to sesame.
    let Some(principal) = principal.filter(|p| p.claims.client_id.is_none()) else {
        if request.prompt == Prompt::None {
            let (code, description) = LOGIN_REQUIRED;
            return Ok(error_redirect(&oidc, &request, code, description));
        }
        return html::unauthorized(&format!("/oauth/authorize?{}", req.query_string()));
    };
    let ask = request.prompt == Prompt::Consent;
    if ask || oidc.needs_consent(&principal.user.id, &request).await? {
        if request.prompt == Prompt::None {
            return Ok(error_redirect(
                &oidc,
                &request,
                "consent_required",
                "The user has not allowed this app yet.",
            ));
        }
        let page = ConsentPage::new(
            forms.context()?,
            request.client.name.clone(),
            origin_of(&request.redirect_uri),
            principal.user.email.clone(),
            request.scopes.iter().map(Scope::describe).collect(),
            hidden_fields(&params),
        );
        let mut page = html::render(StatusCode::OK, &page)?;
        // "Allow" is answered with a redirect to the app, which browsers
        // hold to the page's `form-action` too.
        let policy = policy_with_form_action(&csp_source_of(&request.redirect_uri));
        let policy = HeaderValue::from_str(&policy).map_err(AppError::unexpected)?;
        page.headers_mut()
            .insert(header::CONTENT_SECURITY_POLICY, policy);
        return Ok(page);
    }
    code_redirect(&oidc, &request, &principal).await
}

/// A checked request, or what to answer instead (an error page or an
/// error redirect).
pub(super) enum Checked {
    Request(AuthorizationRequest),
    Answer(HttpResponse),
}

/// The client and redirect URI first (their errors are pages), then the rest.
pub(super) async fn checked(
    oidc: &OpenIdProvider,
    params: &AuthorizeParams,
    repeated: bool,
) -> Result<Checked, AppError> {
    let page = |message| -> Result<Checked, AppError> {
        let page = html::render(StatusCode::BAD_REQUEST, &OAuthErrorPage::new(message))?;
        Ok(Checked::Answer(page))
    };
    let Some(client_id) = params.client_id.as_deref() else {
        return page("The link names no app (client_id is missing).");
    };
    let Some(client) = oidc.client(client_id).await? else {
        return page("The app this link names is not registered with sesame.");
    };
    let Some(redirect_uri) = params.redirect_uri.clone() else {
        return page("The link does not say where to send you back (redirect_uri is missing).");
    };
    if !client.has_redirect_uri(&redirect_uri) {
        return page("The address this link would send you back to is not one the app registered.");
    }
    let error_to = |error: OAuthError| {
        let mut url = Url::parse(&redirect_uri).ok()?;
        url.query_pairs_mut()
            .append_pair("error", error.code.as_str())
            .append_pair("error_description", error.description);
        if let Some(state) = &params.state {
            url.query_pairs_mut().append_pair("state", state);
        }
        url.query_pairs_mut().append_pair("iss", oidc.issuer());
        Some(Checked::Answer(see_other(url.as_str()).finish()))
    };
    if repeated {
        let error = OAuthError::new(OAuthCode::InvalidRequest, "A parameter was sent twice.");
        return Ok(error_to(error).unwrap_or_else(|| Checked::Answer(see_other("/").finish())));
    }
    match AuthorizationRequest::check(params, client, redirect_uri.clone()) {
        Ok(request) => Ok(Checked::Request(request)),
        Err(error) => {
            Ok(error_to(error).unwrap_or_else(|| Checked::Answer(see_other("/").finish())))
        }
    }
}

/// A code for the signed-in user, sent to the app.
pub(super) async fn code_redirect(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    principal: &Principal,
) -> Result<HttpResponse, AppError> {
    match oidc.issue_code(request, principal).await {
        Ok(code) => Ok(redirect_with(oidc, request, &[("code", code.expose())])),
        // Their session ended meanwhile: sign in again.
        Err(AppError::Unauthenticated { .. }) => {
            let (code, description) = LOGIN_REQUIRED;
            Ok(error_redirect(oidc, request, code, description))
        }
        Err(other) => Err(other),
    }
}

/// The app told `code` (RFC 6749's, or OpenID Connect's own for
/// `prompt=none`: `login_required`, `consent_required`).
pub(super) fn error_redirect(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    code: &str,
    description: &str,
) -> HttpResponse {
    redirect_with(
        oidc,
        request,
        &[("error", code), ("error_description", description)],
    )
}

const LOGIN_REQUIRED: (&str, &str) = ("login_required", "The user is not signed in.");

/// The redirect URI with `pairs`, the request's `state` and the issuer
/// (RFC 9207), as a 303.
fn redirect_with(
    oidc: &OpenIdProvider,
    request: &AuthorizationRequest,
    pairs: &[(&str, &str)],
) -> HttpResponse {
    let Ok(mut url) = Url::parse(&request.redirect_uri) else {
        return see_other("/").finish();
    };
    {
        let mut query = url.query_pairs_mut();
        for (name, value) in pairs {
            query.append_pair(name, value);
        }
        if let Some(state) = &request.state {
            query.append_pair("state", state);
        }
        query.append_pair("iss", oidc.issuer());
    }
    see_other(url.as_str())
        .insert_header(("Cache-Control", "no-store"))
        .finish()
}

/// `scheme://host[:port]` of a URI, or the URI itself for an app's own scheme.
fn origin_of(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(url) if url.host().is_some() => url.origin().ascii_serialization(),
        _ => uri.to_owned(),
    }
}

/// The CSP source naming where a redirect URI leads: its origin, or
/// `scheme:` for an app's own scheme (a registered URI holds no space or
/// `;`, and a scheme only letters, digits, `+`, `-` and `.`).
fn csp_source_of(uri: &str) -> String {
    match Url::parse(uri) {
        Ok(url) if url.host().is_some() => url.origin().ascii_serialization(),
        Ok(url) => format!("{}:", url.scheme()),
        Err(_) => "'none'".to_owned(),
    }
}

/// The request's parameters, and whether one of them came twice (RFC 6749
/// 3.1: an error).
pub(super) fn read_params(query: &str) -> (AuthorizeParams, bool) {
    let mut params = AuthorizeParams::default();
    let mut repeated = false;
    for (name, value) in form_urlencoded::parse(query.as_bytes()) {
        let slot = match name.as_ref() {
            "response_type" => &mut params.response_type,
            "client_id" => &mut params.client_id,
            "redirect_uri" => &mut params.redirect_uri,
            "scope" => &mut params.scope,
            "state" => &mut params.state,
            "nonce" => &mut params.nonce,
            "code_challenge" => &mut params.code_challenge,
            "code_challenge_method" => &mut params.code_challenge_method,
            "prompt" => &mut params.prompt,
            _ => continue,
        };
        repeated |= slot.is_some();
        *slot = Some(value.into_owned());
    }
    (params, repeated)
}

/// The request as hidden fields of the consent form.
fn hidden_fields(params: &AuthorizeParams) -> Vec<(&'static str, String)> {
    [
        ("response_type", &params.response_type),
        ("client_id", &params.client_id),
        ("redirect_uri", &params.redirect_uri),
        ("scope", &params.scope),
        ("state", &params.state),
        ("nonce", &params.nonce),
        ("code_challenge", &params.code_challenge),
        ("code_challenge_method", &params.code_challenge_method),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.clone().map(|v| (name, v)))
    .collect()
}
