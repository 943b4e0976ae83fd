use actix_web::http::header::{self, HeaderValue};
use actix_web::{web, HttpRequest, HttpResponse};

use crate::assets;
use crate::error::AppError;

/// `GET /static/{name}`: the built-in CSS, scripts and icon. Asked for by the
/// URL the pages use, which carries a hash of the content (`?v=`), a file is
/// cached for a year; asked for otherwise, it is revalidated each time.
pub async fn get(req: HttpRequest, name: web::Path<String>) -> Result<HttpResponse, AppError> {
    let asset = assets::find(&name).ok_or(AppError::NotFound)?;
    let current = req
        .query_string()
        .split('&')
        .any(|pair| pair.strip_prefix("v=") == Some(asset.version().as_str()));
    let caching = if current {
        "public, max-age=31536000, immutable"
    } else {
        "no-cache"
    };
    Ok(HttpResponse::Ok()
        .insert_header((
            header::CONTENT_TYPE,
            HeaderValue::from_static(asset.content_type),
        ))
        .insert_header((header::CACHE_CONTROL, HeaderValue::from_static(caching)))
        .body(asset.body))
}
