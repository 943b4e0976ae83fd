//! The admin console's gate: a request of sesame's own sign-in (never an
//! app's token) whose user, read again from the database on every request,
//! has the `admin` role. `admin_gate` wraps the `/admin` and `/api/admin`
//! scopes, so no handler there can forget it; `Admin` hands a handler the
//! acting admin, and checks again if it is ever used outside those scopes.

use actix_web::body::MessageBody;
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::http::Method;
use actix_web::middleware::Next;
use actix_web::{web, FromRequest, HttpMessage, HttpRequest, HttpResponse, ResponseError};
use futures_util::future::LocalBoxFuture;

use super::SignedIn;
use crate::auth::{Administration, Profile};
use crate::clock::{now_ms, Millis};
use crate::error::AppError;
use crate::routes::html;
use crate::routes::respond::see_other;

/// The admin making the request, as now stored, and when their access
/// token expires (the pages' script refreshes ahead of it).
#[derive(Clone)]
pub struct Admin(pub Profile, pub AccessExpiry);

#[derive(Clone, Copy)]
pub struct AccessExpiry(Millis);

impl Admin {
    /// Whole seconds until the access token expires, for `Layout`.
    pub fn access_expires_in(&self) -> i64 {
        (self.1 .0 - now_ms()).div_euclid(1000).max(0)
    }
}

/// Who the request is from: `Unauthenticated` (401), `AdminRequired`
/// (403), or the admin.
async fn check(req: HttpRequest) -> Result<Admin, AppError> {
    let SignedIn(principal) = SignedIn::extract(&req).await?;
    let administration = req
        .app_data::<web::Data<Administration>>()
        .ok_or_else(|| AppError::unexpected("Administration is not registered"))?;
    let expiry = AccessExpiry(principal.claims.exp * 1000);
    match administration.admin_of(&principal.user.id).await? {
        Some(user) => Ok(Admin(user, expiry)),
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
/// A form posted without a session is sent to sign in (303), as the
/// profile's forms are: the 401 page, reloaded, would post it again.
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
        AppError::Unauthenticated { .. }
            if !matches!(*req.method(), Method::GET | Method::HEAD) =>
        {
            let login = format!("/login?next={}", page_of(req.path()));
            return see_other(&login).finish();
        }
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

/// The page a console form is on: `/admin/users/{id}` for its actions.
fn page_of(path: &str) -> &str {
    let user_page_end = path
        .strip_prefix("/admin/users/")
        .and_then(|rest| rest.find('/').map(|end| "/admin/users/".len() + end));
    match user_page_end {
        Some(end) => &path[..end],
        None => "/admin",
    }
}

#[cfg(test)]
mod tests {
    use super::page_of;

    #[test]
    fn a_form_without_a_session_comes_back_to_its_page() {
        assert_eq!(page_of("/admin/users/u1/roles"), "/admin/users/u1");
        assert_eq!(
            page_of("/admin/users/u1/sessions/s1/revoke"),
            "/admin/users/u1"
        );
        assert_eq!(page_of("/admin/users/u1"), "/admin");
        assert_eq!(page_of("/admin/other"), "/admin");
    }
}
