use actix_web::http::StatusCode;
use actix_web::HttpResponse;

use crate::error::AppError;
use crate::pages::SecondFactorPage;
use crate::routes::extract::FormSession;
use crate::routes::html;
use crate::routes::respond::see_other;

/// `GET /login/second-factor`: the second step's form, while the form
/// session holds a sign-in's ticket; else back to `/login`.
pub async fn get(forms: FormSession) -> Result<HttpResponse, AppError> {
    let Some(kept) = forms.sign_in_ticket() else {
        return Ok(see_other("/login").finish());
    };
    html::render(
        StatusCode::OK,
        &SecondFactorPage::new(forms.context()?, kept.passkey, None),
    )
}
