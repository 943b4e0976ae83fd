use actix_web::HttpResponse;
use serde::Serialize;

use crate::routes::extract::SignedIn;
use crate::routes::respond::UserBody;

/// The user as the sign-in body gives it, and their roles.
#[derive(Serialize)]
struct MeBody<'a> {
    #[serde(flatten)]
    user: UserBody,
    roles: &'a [String],
}

/// `GET /api/me`
pub async fn get(SignedIn(principal): SignedIn) -> HttpResponse {
    let user = principal.user.as_ref();
    HttpResponse::Ok().json(MeBody {
        user: UserBody::from(user),
        roles: &user.roles,
    })
}
