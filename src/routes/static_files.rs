use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpResponse};

use crate::assets;
use crate::error::AppError;

/// `GET /static/{name}`: the built-in CSS and scripts. Their URLs carry a
/// hash of their content, so they may be cached for a year.
pub async fn get(name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = assets::find(&name).ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        ))
        .insert_header((
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=31536000, immutable"),
        ))
        .body(asset.body))
}
