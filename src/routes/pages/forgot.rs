use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use crate::auth::PasswordResets;
use crate::clock::readable;
use crate::error::AppError;
use crate::pages::{ForgotPage, ForgotSentPage, Layout};
use crate::routes::extract::FormSession;
use crate::routes::html;

/// `GET /password/forgot`: the form asking for a reset link.
pub async fn get(forms: FormSession) -> Result<HttpResponse, AppError> {
    html::render(StatusCode::OK, &ForgotPage::new(forms.context()?, "", None))
}

/// `GET /password/forgot/sent`: "check your mail".
pub async fn sent(resets: web::Data<PasswordResets>) -> Result<HttpResponse, AppError> {
    let page = ForgotSentPage {
        layout: Layout::new("Check your mail", None),
        valid_for: readable(resets.valid_for()),
    };
    html::render(StatusCode::OK, &page)
}
