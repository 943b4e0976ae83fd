use actix_web::{web, HttpResponse};

use crate::auth::Auth;

/// `GET /healthz`: 200 `ok` when the database answers, else 503.
pub async fn get(auth: web::Data<Auth>) -> HttpResponse {
    if auth.db().ping().await {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable")
    }
}
