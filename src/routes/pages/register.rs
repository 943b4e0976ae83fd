use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::{html, register_page};
use crate::error::AppError;

/// `GET /register`
pub async fn get(session: Session) -> Result<HttpResponse, AppError> {
    html(StatusCode::OK, &register_page(&session, "", "", None)?)
}
