//! The admin console's gate: a request of sesame's own sign-in (never an
//! app's token) whose user, read again from the database on every request,
//! has the `admin` role. `admin_gate` wraps the `/admin` and `/api/admin`
//! scopes, so no handler there can forget it; `Admin` hands a handler the
//! acting admin, and checks again if it is ever used outside those scopes.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use futures_util::future::LocalBoxFuture;

use super::SignedIn;
use crate::auth::{Administration, Profile};
use crate::error::AppError;
use crate::routes::html;

/// The admin making the request, as now stored.
#[derive(Clone)]
pub struct Admin(pub Profile);

/// Who the request is from: `Unauthenticated` (401), `AdminRequired`
/// (403), or the admin.
async fn check(req: HttpRequest) -> Result<Admin, AppError> {
    let SignedIn(principal) = SignedIn::extract(&req).await?;
    let administration = req
        .app_data::<web::Data<Administration>>()
        .ok_or_else(|| AppError::unexpected("Administration is not registered"))?;
    match administration.admin_of(&principal.user.id).await? {
        Some(user) => Ok(Admin(user)),
        None => Err(AppError::AdminRequired),
    }
}

impl FromRequest for Admin {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let checked = req.extensions().get::<Admin>().cloned();
        let req = req.clone();
        Box::pin(async move {
            match checked {
                Some(admin) => Ok(admin),
                None => check(req).await,
            }
        })
    }
}

/// Lets through only an admin's requests; the others get the JSON error
/// under `/api/`, else the 401 page (sign in, then come back) or the 403 page.
pub async fn admin_gate(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    match check(req.request().clone()).await {
        Ok(admin) => {
            req.extensions_mut().insert(admin);
            next.call(req)
                .await
                .map(ServiceResponse::map_into_left_body)
        }
        Err(refusal) => {
            let response = refused(req.request(), &refusal);
            Ok(req.into_response(response).map_into_right_body())
        }
    }
}

fn refused(req: &HttpRequest, refusal: &AppError) -> HttpResponse {
    if req.path().starts_with("/api/") {
        return refusal.error_response();
    }
    let page = match refusal {
        AppError::Unauthenticated { .. } => {
            let next = match req.query_string() {
                "" => req.path().to_owned(),
                query => format!("{}?{query}", req.path()),
            };
            html::unauthorized(&next)
        }
        AppError::AdminRequired => html::admin_required(),
        other => return other.error_response(),
    };
    page.unwrap_or_else(|error| error.error_response())
}
