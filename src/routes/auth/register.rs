use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpRequest, HttpResponse};
use serde::Deserialize;

use crate::auth::{Auth, SignIn};
use crate::domain::{Email, Password, UserName};
use crate::error::AppError;
use crate::routes::body::Body;
use crate::routes::cookies::CookiePolicy;
use crate::routes::extract::user_agent;
use crate::routes::form_session::csrf_is_valid;
use crate::routes::pages::{error_page, forbidden, register_page};
use crate::routes::respond::{signed_in, signed_in_redirect, RefreshTransport};

#[derive(Deserialize)]
pub struct RegisterInput {
    #[serde(default)]
    name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    /// Forms only.
    csrf: Option<String>,
}

/// `POST /auth/register`: JSON gets JSON; a form gets 303 to the profile, or
/// the page again with the errors and what the user typed (but the password).
pub async fn post(
    req: HttpRequest,
    body: Body<RegisterInput>,
    auth: web::Data<Auth>,
    cookies: web::Data<CookiePolicy>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let (input, via_form) = body.required()?;
    if !via_form {
        let sign_in = register(&auth, &req, input).await?;
        return Ok(signed_in(
            StatusCode::CREATED,
            &sign_in,
            &cookies,
            RefreshTransport::BodyAndCookie,
        ));
    }
    if !csrf_is_valid(&session, input.csrf.as_deref()) {
        return forbidden("/register");
    }
    let (name, email) = (input.name.clone(), input.email.clone());
    match register(&auth, &req, input).await {
        Ok(sign_in) => Ok(signed_in_redirect("/profile", &sign_in, &cookies)),
        Err(error) => error_page(
            &error,
            &register_page(&session, &name, &email, Some(&error))?,
        ),
    }
}

async fn register(
    auth: &Auth,
    req: &HttpRequest,
    input: RegisterInput,
) -> Result<SignIn, AppError> {
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
    auth.register(name, email, password, user_agent(req)).await
}
