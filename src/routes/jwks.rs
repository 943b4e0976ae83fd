use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::signing_keys::Jwk;
use crate::auth::Sessions;

#[derive(Serialize)]
struct KeySet {
    keys: Vec<Jwk>,
}

/// `GET /.well-known/jwks.json`: the public keys whose tokens may still be
/// valid, for other services to verify access tokens with.
pub async fn get(sessions: web::Data<Sessions>) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        ))
        .json(KeySet {
            keys: sessions.published_keys(),
        })
}
