use actix_web::{web, HttpResponse};

use crate::db::Db;

/// `GET /healthz`: 200 `ok` when the database answers, else 503.
pub async fn get(db: web::Data<Db>) -> HttpResponse {
    if db.ping().await {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable")
    }
}
