//! Adding a passkey, for the profile's script (JSON): `POST
//! /auth/passkeys/options` `{password, name}` gives the options for
//! `navigator.credentials.create`, their state kept in the form session;
//! `POST /auth/passkeys` `{credential}` adds what the browser made.

use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::auth::{Accounts, PasskeyInfo};
use crate::clock::rfc3339;
use crate::domain::{Client, CurrentPassword, PasskeyName};
use crate::error::AppError;
use crate::routes::extract::{FormSession, Json, SignedIn};

#[derive(Deserialize)]
pub struct OptionsJson {
    #[serde(default)]
    password: String,
    #[serde(default)]
    name: String,
}

/// `POST /auth/passkeys/options`: the creation options, once the password
/// is right (counted by the login limits).
pub async fn options(
    SignedIn(principal): SignedIn,
    Json(input): Json<OptionsJson>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let (name, password) = parse(&input.name, input.password)?;
    let (options, pending) = accounts
        .passkey_options(&principal, password, name, &client)
        .await?;
    forms.keep_pending_passkey(&pending)?;
    Ok(HttpResponse::Ok().json(options))
}

/// The name first: a missing password is told after a bad name.
fn parse(name: &str, password: String) -> Result<(PasskeyName, CurrentPassword), AppError> {
    match (
        PasskeyName::parse(name),
        CurrentPassword::parse("password", password),
    ) {
        (Ok(name), Ok(password)) => Ok((name, password)),
        (Err(invalid), _) | (_, Err(invalid)) => Err(invalid.into()),
    }
}

#[derive(Deserialize)]
pub struct CredentialJson {
    #[serde(default)]
    pub credential: Value,
}

/// `credential` read as what the browser answers, or 400.
pub fn credential_of<T: serde::de::DeserializeOwned>(credential: Value) -> Result<T, AppError> {
    serde_json::from_value(credential)
        .map_err(|_| AppError::MalformedBody("`credential` is not a WebAuthn credential"))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PasskeyBody {
    id: String,
    name: String,
    created_at: String,
    last_used_at: Option<String>,
}

impl From<PasskeyInfo> for PasskeyBody {
    fn from(passkey: PasskeyInfo) -> Self {
        PasskeyBody {
            id: passkey.id,
            name: passkey.name,
            created_at: rfc3339(passkey.created_at),
            last_used_at: passkey.last_used_at.map(rfc3339),
        }
    }
}

/// `POST /auth/passkeys`: 201 with the passkey added.
pub async fn add(
    SignedIn(principal): SignedIn,
    Json(input): Json<CredentialJson>,
    forms: FormSession,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    accounts.passkeys_on()?;
    let credential = credential_of(input.credential)?;
    let pending = forms.take_pending_passkey()?;
    let added = accounts
        .add_passkey(&principal, pending, &credential, &client)
        .await?;
    Ok(HttpResponse::Created().json(PasskeyBody::from(added)))
}
