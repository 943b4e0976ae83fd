use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::auth::{Accounts, Profile};
use crate::domain::{Client, CurrentPassword, UserName};
use crate::error::AppError;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::{Json, SignedIn, SignedInOrApp};
use crate::routes::respond::{signed_out, UserBody};

/// The user as the sign-in body gives it, and their roles.
#[derive(Serialize)]
struct MeBody<'a> {
    #[serde(flatten)]
    user: UserBody,
    roles: &'a [String],
    #[serde(rename = "emailVerified")]
    email_verified: bool,
    #[serde(rename = "secondFactor")]
    second_factor: SecondFactorBody,
}

#[derive(Serialize)]
struct SecondFactorBody {
    totp: bool,
    passkeys: u32,
    #[serde(rename = "recoveryCodesLeft")]
    recovery_codes_left: u32,
}

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

/// The `/api/me` body of `user`.
fn me(user: &Profile) -> HttpResponse {
    HttpResponse::Ok().json(MeBody {
        user: UserBody::from(user),
        roles: &user.roles,
        email_verified: user.email_verified,
        second_factor: SecondFactorBody {
            totp: user.second_factor.totp,
            passkeys: user.second_factor.passkeys,
            recovery_codes_left: user.second_factor.recovery_codes_left,
        },
    })
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
