//! `/api/passkeys`: the user's passkeys, listed, renamed and removed.

use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::auth::Accounts;
use crate::domain::{Client, CurrentPassword, PasskeyName};
use crate::error::AppError;
use crate::routes::auth::passkeys::PasskeyBody;
use crate::routes::extract::{Json, SignedIn};

/// `GET /api/passkeys`: `[{id, name, createdAt, lastUsedAt}]`, oldest first.
pub async fn list(
    SignedIn(principal): SignedIn,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let passkeys = accounts.passkeys_of(&principal.user.id).await?;
    let body: Vec<PasskeyBody> = passkeys.into_iter().map(PasskeyBody::from).collect();
    Ok(HttpResponse::Ok().json(body))
}

#[derive(Deserialize)]
pub struct RenameJson {
    #[serde(default)]
    name: String,
}

/// `PATCH /api/passkeys/{id}` `{name}`: the passkey renamed; 404 when it
/// is not one of the user's.
pub async fn rename(
    SignedIn(principal): SignedIn,
    id: web::Path<String>,
    Json(input): Json<RenameJson>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let name = PasskeyName::parse(&input.name)?;
    let renamed = accounts
        .rename_passkey(&principal.user.id, &id, name)
        .await?;
    Ok(HttpResponse::Ok().json(PasskeyBody::from(renamed)))
}

#[derive(Deserialize)]
pub struct RemoveJson {
    #[serde(default)]
    password: String,
}

/// `DELETE /api/passkeys/{id}` `{password}`: 204; 404 when it is not one
/// of the user's.
pub async fn delete(
    SignedIn(principal): SignedIn,
    id: web::Path<String>,
    Json(input): Json<RemoveJson>,
    client: Client,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let password = CurrentPassword::parse("password", input.password)?;
    accounts
        .remove_passkey(&principal, &id, password, &client)
        .await?;
    Ok(HttpResponse::NoContent().finish())
}
