use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::auth::Accounts;
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::auth::passkeys::{credential_of, CredentialJson};
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{FormSession, Json};
use crate::routes::respond::{signed_in, RefreshTransport};

/// `POST /auth/passkey/login` `{credential}`: the sign-in body and
/// cookies, as a login; 401 `invalid_passkey`.
pub async fn post(
    Json(input): Json<CredentialJson>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    accounts.passkeys_on()?;
    let credential = credential_of(input.credential)?;
    let challenge = forms.take_passkey_challenge()?;
    let sign_in = accounts
        .sign_in_with_passkey(challenge, credential, &client)
        .await?;
    Ok(signed_in(
        StatusCode::OK,
        &sign_in,
        &cookies,
        RefreshTransport::BodyAndCookie,
    ))
}
