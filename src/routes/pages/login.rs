use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};
use serde::Deserialize;

use crate::domain::LocalPath;
use crate::error::AppError;
use crate::pages::LoginPage;
use crate::routes::extract::FormSession;
use crate::routes::html;

/// `?next=/path`, of the sign-in and sign-up pages.
#[derive(Deserialize)]
pub struct LoginQuery {
    next: Option<String>,
}

impl LoginQuery {
    /// `next`, when it is a local path; anything else is dropped.
    pub fn next(self) -> Option<LocalPath> {
        self.next.and_then(LocalPath::parse)
    }
}

/// `GET /login[?next=/path]`
pub async fn get(
    query: web::Query<LoginQuery>,
    forms: FormSession,
) -> Result<HttpResponse, AppError> {
    let next = query.into_inner().next();
    html::render(
        StatusCode::OK,
        &LoginPage::new(forms.context()?, "", next, None),
    )
}
