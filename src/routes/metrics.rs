//! The metrics listener's one route (`--metrics-bind`): `GET /metrics` in
//! Prometheus' text format; anything else there is 404. The public
//! listener has no such route.

use actix_web::{web, HttpResponse};

use crate::auth::Scrape;
use crate::error::AppError;

/// Prometheus' text exposition format.
const CONTENT_TYPE: &str = "text/plain; version=0.0.4; charset=utf-8";

/// The metrics listener's route table.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        web::resource("/metrics")
            .route(web::get().to(get))
            .default_service(web::to(HttpResponse::NotFound)),
    );
}

async fn get(scrape: web::Data<Scrape>) -> Result<HttpResponse, AppError> {
    let text = scrape.text().await?;
    Ok(HttpResponse::Ok().content_type(CONTENT_TYPE).body(text))
}
