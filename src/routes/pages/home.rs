use actix_web::HttpResponse;

use crate::routes::extract::MaybeSignedIn;
use crate::routes::respond::see_other;

/// `GET /`: to the profile when the access token is valid, else to sign in.
pub async fn get(MaybeSignedIn(principal): MaybeSignedIn) -> HttpResponse {
    see_other(if principal.is_some() {
        "/profile"
    } else {
        "/login"
    })
    .finish()
}
