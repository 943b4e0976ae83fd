use actix_session::Session;
use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use super::{html, login_page};
use crate::error::AppError;
use crate::routes::auth::login::is_local_path;

#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

/// `GET /login[?next=/path]`
pub async fn get(
    query: web::Query<LoginQuery>,
    session: Session,
) -> Result<HttpResponse, AppError> {
    let next = query.into_inner().next.filter(|p| is_local_path(p));
    html(StatusCode::OK, &login_page(&session, "", next, None)?)
}
