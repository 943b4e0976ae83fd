use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use super::login::LoginQuery;
use crate::error::AppError;
use crate::pages::RegisterPage;
use crate::routes::extract::FormSession;
use crate::routes::html;

/// `GET /register[?next=/path]`: `next` as on the sign-in page, so signing
/// up from there lands where signing in would have.
pub async fn get(query: LoginQuery, forms: FormSession) -> Result<HttpResponse, AppError> {
    let next = query.next();
    html::render(
        StatusCode::OK,
        &RegisterPage::new(forms.context()?, "", "", next, None),
    )
}
