use actix_web::{web, HttpRequest, HttpResponse};

use crate::auth::Auth;
use crate::routes::extract::access_token;
use crate::routes::respond::see_other;

/// `GET /`: to the profile when the access token is valid, else to sign in.
pub async fn get(req: HttpRequest, auth: web::Data<Auth>) -> HttpResponse {
    let signed_in = match access_token(&req) {
        Some(token) => auth.authenticate(&token).await.is_ok(),
        None => false,
    };
    see_other(if signed_in { "/profile" } else { "/login" }).finish()
}
