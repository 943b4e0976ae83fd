use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::Addresses;
use crate::domain::Client;
use crate::error::AppError;
use crate::routes::extract::SignedIn;

#[derive(Serialize)]
struct Sent {
    status: &'static str,
}

/// `POST /auth/email/verify/resend` with JSON: 202 `{"status": "sent"}`,
/// the same when the address is verified already (nothing is sent then).
pub async fn post(
    SignedIn(principal): SignedIn,
    client: Client,
    addresses: web::Data<Addresses>,
) -> Result<HttpResponse, AppError> {
    addresses.resend(&principal.user.id, &client).await?;
    Ok(HttpResponse::Accepted().json(Sent { status: "sent" }))
}
