use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::Auth;
use crate::domain::{Email, Password, UserName};
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::user_agent;
use crate::routes::respond::{signed_in, signed_in_redirect, RefreshTransport};

#[derive(Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /auth/register`
pub async fn post(
    req: HttpRequest,
    body: Body<RegisterInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
) -> Result<HttpResponse, AppError> {
    let (input, via_form) = body.required()?;
    let (name, email, password) = match (
        UserName::parse(&input.name),
        Email::parse(&input.email),
        Password::parse(input.password),
    ) {
        (Ok(name), Ok(email), Ok(password)) => (name, email, password),
        (name, email, password) => {
            let errors = [name.err(), email.err(), password.err()];
            return Err(AppError::Invalid(errors.into_iter().flatten().collect()));
        }
    };
    let sign_in = auth
        .register(name, email, password, user_agent(&req))
        .await?;
    Ok(if via_form {
        signed_in_redirect("/profile", &sign_in, &cookies)
    } else {
        signed_in(
            StatusCode::CREATED,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        )
    })
}
