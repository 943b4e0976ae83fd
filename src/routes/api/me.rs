use actix_web::HttpResponse;

use crate::routes::extract::SignedIn;
use crate::routes::respond::UserBody;

/// `GET /api/me`
pub async fn get(SignedIn(principal): SignedIn) -> HttpResponse {
    HttpResponse::Ok().json(UserBody::from(principal.user.as_ref()))
}
