use actix_web::{web, HttpResponse};

use crate::auth::Sessions;

/// `GET /healthz`: 200 `ok` when the database answers, else 503.
pub async fn get(sessions: web::Data<Sessions>) -> HttpResponse {
    if sessions.database_answers().await {
        HttpResponse::Ok()
            .content_type("text/plain; charset=utf-8")
            .body("ok")
    } else {
        HttpResponse::ServiceUnavailable()
            .content_type("text/plain; charset=utf-8")
            .body("database unavailable")
    }
}
