//! Who is signed in: `SignedIn` for handlers that need a valid access token
//! of sesame's own sign-in (401 otherwise), `MaybeSignedIn` for pages that
//! answer either way, `SignedInOrApp` for the few reads an app's token may
//! make too (`/api/me`, `/auth/verify`).

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::LocalBoxFuture;

use super::tokens::access_token;
use crate::auth::{Principal, Sessions};
use crate::error::AppError;

/// A request with a valid access token of an active session of sesame's
/// own: an app's token (`client_id`) proves the user let the app know who
/// they are, never that they act on sesame (sessions, profile, factors).
pub struct SignedIn(pub Principal);

/// A request with a valid access token of an active session, sesame's own
/// or an app's.
pub struct SignedInOrApp(pub Principal);

/// The signed-in user, or `None` for a request with no valid access token;
/// other failures (a busy database) are still errors.
pub struct MaybeSignedIn(pub Option<Principal>);

impl FromRequest for SignedInOrApp {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let token = access_token(req);
        let sessions = req.app_data::<web::Data<Sessions>>().cloned();
        Box::pin(async move {
            let token = token.ok_or(AppError::Unauthenticated { token_sent: false })?;
            let sessions =
                sessions.ok_or_else(|| AppError::unexpected("Sessions is not registered"))?;
            sessions.authenticate(&token).await.map(SignedInOrApp)
        })
    }
}

impl FromRequest for SignedIn {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let any = SignedInOrApp::from_request(req, payload);
        Box::pin(async move {
            let SignedInOrApp(principal) = any.await?;
            if principal.claims.client_id.is_some() {
                return Err(AppError::Unauthenticated { token_sent: true });
            }
            Ok(SignedIn(principal))
        })
    }
}

impl FromRequest for MaybeSignedIn {
    type Error = AppError;
    type Future = LocalBoxFuture<'static, Result<Self, AppError>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let signed_in = SignedIn::from_request(req, payload);
        Box::pin(async move {
            match signed_in.await {
                Ok(SignedIn(principal)) => Ok(MaybeSignedIn(Some(principal))),
                Err(AppError::Unauthenticated { .. }) => Ok(MaybeSignedIn(None)),
                Err(other) => Err(other),
            }
        })
    }
}
