//! Who is signed in: `SignedIn` for handlers that need a valid access token
//! of sesame's own sign-in (401 otherwise), `MaybeSignedIn` for pages that
//! answer either way, `SignedInOrApp` for the few reads an app's token may
//! make too (`/api/me`, `/auth/verify`).

use actix_web::dev::Payload;
use actix_web::{web, FromRequest, HttpRequest};
use futures_util::future::{Either, LocalBoxFuture};
use std::future::{ready, Ready};

use super::tokens::{access_token, bearer};
use crate::auth::{FromMemory, Principal, Sessions};
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
    type Future =
        Either<Ready<Result<Self, AppError>>, LocalBoxFuture<'static, Result<Self, AppError>>>;

    /// Answered at once when memory knows the token and its session (no
    /// copy of the token, no boxed future); else the session is read.
    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let Some(sessions) = req.app_data::<web::Data<Sessions>>() else {
            let missing = AppError::unexpected("Sessions is not registered");
            return Either::Left(ready(Err(missing)));
        };
        let from_memory = match bearer(req) {
            Some(token) => sessions.authenticate_from_memory(token),
            None => match access_token(req) {
                Some(token) => sessions.authenticate_from_memory(&token),
                None => FromMemory::Answer(Err(AppError::Unauthenticated { token_sent: false })),
            },
        };
        match from_memory {
            FromMemory::Answer(answer) => Either::Left(ready(answer.map(SignedInOrApp))),
            FromMemory::ReadSession { claims, epoch } => {
                let sessions = sessions.clone();
                Either::Right(Box::pin(async move {
                    sessions
                        .read_session(claims, epoch)
                        .await
                        .map(SignedInOrApp)
                }))
            }
        }
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
