use actix_web::{web, HttpResponse};
use serde::Serialize;

use crate::auth::Sessions;
use crate::clock::rfc3339;
use crate::error::AppError;
use crate::routes::extract::SignedIn;

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    id: String,
    created_at: String,
    last_used_at: String,
    expires_at: String,
    user_agent: Option<String>,
    /// The app whose sign-in it is (OpenID Connect), by its registered name.
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<String>,
    current: bool,
}

/// `GET /api/sessions`: the user's active sessions, newest first.
pub async fn list(
    SignedIn(principal): SignedIn,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, AppError> {
    let sessions = sessions.active_of_user(&principal.user.id).await?;
    let body: Vec<SessionBody> = sessions
        .into_iter()
        .map(|(session, app)| SessionBody {
            app,
            current: session.id == principal.session_id(),
            created_at: rfc3339(session.created_at),
            last_used_at: rfc3339(session.last_used_at),
            expires_at: rfc3339(session.ends_at()),
            user_agent: session.user_agent,
            id: session.id,
        })
        .collect();
    Ok(HttpResponse::Ok().json(body))
}

/// `DELETE /api/sessions/{id}`: revokes one of the user's sessions.
pub async fn delete(
    SignedIn(principal): SignedIn,
    id: web::Path<String>,
    sessions: web::Data<Sessions>,
) -> Result<HttpResponse, AppError> {
    sessions.revoke(&principal.user.id, &id).await?;
    Ok(HttpResponse::NoContent().finish())
}
