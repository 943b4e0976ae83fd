//! Answers shared by several handlers.

use actix_web::http::header::{self, HeaderValue};
use actix_web::http::StatusCode;
use actix_web::{HttpResponse, HttpResponseBuilder};
use serde::Serialize;

use super::cookies::CookiePolicy;
use crate::auth::{Profile, SignIn};
use crate::clock::rfc3339;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBody {
    pub id: String,
    pub name: String,
    pub email: String,
    pub created_at: String,
}

impl From<&Profile> for UserBody {
    fn from(user: &Profile) -> Self {
        UserBody {
            id: user.id.clone(),
            name: user.name.clone(),
            email: user.email.clone(),
            created_at: rfc3339(user.created_at),
        }
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SignInBody<'a> {
    access_token: &'a str,
    token_type: &'static str,
    expires_in: i64,
    #[serde(skip_serializing_if = "Option::is_none")]
    refresh_token: Option<&'a str>,
    user: UserBody,
}

/// Where the refresh token goes in a token response.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RefreshTransport {
    /// In the body and in the cookie (register, login).
    BodyAndCookie,
    /// Only in the cookie (a browser's refresh).
    Cookie,
    /// Only in the body (a client that sent it in the body).
    Body,
}

/// A token response builder with the headers every token response carries.
fn token_response(status: StatusCode) -> HttpResponseBuilder {
    let mut response = HttpResponse::build(status);
    response.insert_header((header::PRAGMA, HeaderValue::from_static("no-cache")));
    response
}

/// Sets the session's cookies on `response`.
fn set_cookies(
    response: &mut HttpResponseBuilder,
    sign_in: &SignIn,
    policy: &CookiePolicy,
    transport: RefreshTransport,
) {
    response.cookie(policy.access(&sign_in.access.token, sign_in.access.expires_in));
    if transport != RefreshTransport::Body {
        response.cookie(policy.refresh(&sign_in.refresh_token, sign_in.refresh_expires_in));
    }
}

/// The JSON sign-in body with its cookies.
pub fn signed_in(
    status: StatusCode,
    sign_in: &SignIn,
    policy: &CookiePolicy,
    transport: RefreshTransport,
) -> HttpResponse {
    let mut response = token_response(status);
    set_cookies(&mut response, sign_in, policy, transport);
    response.json(SignInBody {
        access_token: &sign_in.access.token,
        token_type: "Bearer",
        expires_in: sign_in.access.expires_in,
        refresh_token: (transport != RefreshTransport::Cookie)
            .then_some(sign_in.refresh_token.as_str()),
        user: UserBody::from(&sign_in.user),
    })
}

/// A form's success: the cookies, then 303 to `location`.
pub fn signed_in_redirect(location: &str, sign_in: &SignIn, policy: &CookiePolicy) -> HttpResponse {
    let mut response = token_response(StatusCode::SEE_OTHER);
    set_cookies(
        &mut response,
        sign_in,
        policy,
        RefreshTransport::BodyAndCookie,
    );
    response
        .insert_header((header::LOCATION, location))
        .finish()
}

/// 303 to `location`.
pub fn see_other(location: &str) -> HttpResponseBuilder {
    let mut response = HttpResponse::SeeOther();
    response.insert_header((header::LOCATION, location));
    response
}

/// The answer to a profile form posted without a valid access token (its
/// CSRF token checked first): 303 to sign in and come back. Not the 401
/// page: reloading it would post the form again.
pub fn sign_in_again() -> HttpResponse {
    see_other("/login?next=/profile").finish()
}

/// Clears both token cookies on `response`.
pub fn clear_cookies(response: &mut HttpResponse, policy: &CookiePolicy) {
    for cookie in policy.cleared() {
        // Adding a cookie only fails for a value that is not a valid header,
        // which these fixed names and empty values never are.
        let _ = response.add_cookie(&cookie);
    }
}

/// `response` with both token cookies cleared: the answer to a sign-out.
pub fn signed_out(mut response: HttpResponse, policy: &CookiePolicy) -> HttpResponse {
    clear_cookies(&mut response, policy);
    response
}
