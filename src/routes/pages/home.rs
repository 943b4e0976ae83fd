use actix_web::HttpResponse;

use crate::error::AppError;
use crate::routes::extract::MaybeSignedIn;
use crate::routes::respond::see_other;

/// `GET /`: to the profile when the access token is valid, else to sign in
/// (also when it could not be checked: the sign-in page says more).
pub async fn get(signed_in: Result<MaybeSignedIn, AppError>) -> HttpResponse {
    let signed_in = matches!(signed_in, Ok(MaybeSignedIn(Some(_))));
    see_other(if signed_in { "/profile" } else { "/login" }).finish()
}
