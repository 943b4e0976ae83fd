use actix_web::{web, HttpResponse};
use serde::{Deserialize, Serialize};

use super::{AdminUserBody, EventBody};
use crate::auth::Administration;
use crate::clock::rfc3339;
use crate::domain::{Client, FieldError, RoleError, Roles};
use crate::error::AppError;
use crate::routes::extract::{Admin, AdminQuery, Json};

#[derive(Serialize)]
struct UsersBody {
    users: Vec<AdminUserBody>,
    page: u32,
    pages: u32,
    total: u64,
}

/// `GET /api/admin/users?query=&page=`: 50 a page, oldest first.
pub async fn list(
    _: Admin,
    query: AdminQuery,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let found = administration.search(&query.query, query.page).await?;
    Ok(HttpResponse::Ok().json(UsersBody {
        users: found.users.iter().map(AdminUserBody::from).collect(),
        page: found.page,
        pages: found.pages,
        total: found.total,
    }))
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SessionBody {
    id: String,
    created_at: String,
    last_used_at: String,
    expires_at: String,
    user_agent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    app: Option<String>,
}

#[derive(Serialize)]
struct UserBody {
    user: AdminUserBody,
    sessions: Vec<SessionBody>,
    events: Vec<EventBody>,
}

/// `GET /api/admin/users/{id}`: the user, their sessions, their latest events.
pub async fn get(
    _: Admin,
    id: web::Path<String>,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let detail = administration.user(&id).await?.ok_or(AppError::NotFound)?;
    Ok(HttpResponse::Ok().json(UserBody {
        user: AdminUserBody::from(&detail.user),
        sessions: detail
            .sessions
            .into_iter()
            .map(|(session, app)| SessionBody {
                created_at: rfc3339(session.created_at),
                last_used_at: rfc3339(session.last_used_at),
                expires_at: rfc3339(session.ends_at()),
                user_agent: session.user_agent,
                id: session.id,
                app,
            })
            .collect(),
        events: detail.events.into_iter().map(EventBody::from).collect(),
    }))
}

#[derive(Deserialize)]
pub struct RolesJson {
    roles: Vec<String>,
}

/// `PUT /api/admin/users/{id}/roles` `{roles: [..]}`: the user as changed.
pub async fn set_roles(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    Json(input): Json<RolesJson>,
    client: Client,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    // Each item is one role: a comma in one is refused, not split.
    if let Some(bad) = input.roles.iter().find(|role| role.contains(',')) {
        return Err(FieldError::from(RoleError::Invalid(bad.clone())).into());
    }
    let roles = Roles::parse(&input.roles.join(",")).map_err(FieldError::from)?;
    let user = administration
        .set_roles(&actor, &id, roles, &client)
        .await?;
    Ok(HttpResponse::Ok().json(AdminUserBody::from(&user)))
}

/// `POST /api/admin/users/{id}/disable`: the user as now stored.
pub async fn disable(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let user = administration
        .set_disabled(&actor, &id, true, &client)
        .await?;
    Ok(HttpResponse::Ok().json(AdminUserBody::from(&user)))
}

/// `POST /api/admin/users/{id}/enable`: the user as now stored.
pub async fn enable(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let user = administration
        .set_disabled(&actor, &id, false, &client)
        .await?;
    Ok(HttpResponse::Ok().json(AdminUserBody::from(&user)))
}

/// `DELETE /api/admin/users/{id}`: 204, the account gone.
pub async fn delete(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    administration.delete(&actor, &id, None, &client).await?;
    Ok(HttpResponse::NoContent().finish())
}

#[derive(Serialize)]
struct EndedBody {
    ended: usize,
}

/// `DELETE /api/admin/users/{id}/sessions`: every session ends; how many.
pub async fn revoke_sessions(
    Admin(actor, ..): Admin,
    id: web::Path<String>,
    client: Client,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let ended = administration.revoke_sessions(&actor, &id, &client).await?;
    Ok(HttpResponse::Ok().json(EndedBody { ended }))
}
