use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::error::AppError;
use crate::pages::RegisterPage;
use crate::routes::extract::FormSession;
use crate::routes::html;

/// `GET /register`
pub async fn get(forms: FormSession) -> Result<HttpResponse, AppError> {
    html::render(
        StatusCode::OK,
        &RegisterPage::new(forms.context()?, "", "", None),
    )
}
