use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::me_body::me_json;
use crate::auth::{Accounts, Profile};
use crate::domain::{Client, CurrentPassword, UserName};
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{Json, SignedIn, SignedInOrApp};
use crate::routes::respond::signed_out;

/// `GET /api/me`
pub async fn get(SignedInOrApp(principal): SignedInOrApp) -> HttpResponse {
    me(&principal.user)
}

#[derive(Deserialize)]
pub struct PatchJson {
    #[serde(default)]
    name: String,
}

/// `PATCH /api/me` `{name}`: 200 with the user as now stored.
pub async fn patch(
    SignedIn(principal): SignedIn,
    Json(input): Json<PatchJson>,
    accounts: web::Data<Accounts>,
) -> Result<HttpResponse, AppError> {
    let name = UserName::parse(&input.name)?;
    let user = accounts.rename(&principal, name).await?;
    Ok(me(&user))
}

/// The `/api/me` answer for `user`.
fn me(user: &Profile) -> HttpResponse {
    // As `HttpResponseBuilder::json` would, without making its content type
    // from a `Mime` at each request.
    HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        ))
        .body(me_json(user))
}

#[derive(Deserialize)]
pub struct DeleteJson {
    #[serde(default)]
    password: String,
}

/// `DELETE /api/me` `{password}`: 204, the account gone, cookies cleared.
pub async fn delete(
    SignedIn(principal): SignedIn,
    Json(input): Json<DeleteJson>,
    client: Client,
    accounts: web::Data<Accounts>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let password = CurrentPassword::parse("password", input.password)?;
    accounts.delete(&principal, password, &client).await?;
    Ok(signed_out(HttpResponse::NoContent().finish(), &cookies))
}
