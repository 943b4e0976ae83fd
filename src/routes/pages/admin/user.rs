use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{event_row, session_row, user_row};
use crate::auth::{Administration, Profile};
use crate::error::AppError;
use crate::pages::{AdminUserPage, Layout};
use crate::routes::extract::{Admin, FormSession};
use crate::routes::form_error::FormError;
use crate::routes::html;

/// `GET /admin/users/{id}`: the user, their sessions, roles, events, and
/// the actions; 404 for an unknown id.
pub async fn get(
    admin: Admin,
    id: web::Path<String>,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let mut page = page(&admin.0, &id, &forms, &administration).await?;
    page.layout.access_expires_in = Some(admin.access_expires_in());
    html::render(StatusCode::OK, &page)
}

/// The user's page, its forms as first shown.
pub async fn page(
    actor: &Profile,
    id: &str,
    forms: &FormSession,
    administration: &Administration,
) -> Result<AdminUserPage, AppError> {
    let detail = administration.user(id).await?.ok_or(AppError::NotFound)?;
    let context = forms.context()?;
    Ok(AdminUserPage {
        layout: Layout::new("A user", context.flash),
        csrf: context.csrf,
        user: user_row(&detail.user),
        roles_text: detail.user.roles.join(","),
        roles_error: None,
        delete_error: None,
        error: None,
        is_self: detail.user.id == actor.id,
        sessions: detail.sessions.into_iter().map(session_row).collect(),
        events: detail.events.into_iter().map(event_row).collect(),
    })
}

/// Which of the page's forms failed.
pub enum Failed {
    Roles { typed: String },
    Delete,
    Other,
}

/// A form of the user's page that failed: the page again, the error on it.
pub async fn failed(
    actor: &Profile,
    id: &str,
    forms: &FormSession,
    administration: &Administration,
    form: Failed,
    error: AppError,
) -> FormError {
    if matches!(
        error,
        AppError::NotFound | AppError::Unexpected(_) | AppError::Busy
    ) {
        return error.into();
    }
    let mut page = match page(actor, id, forms, administration).await {
        Ok(page) => page,
        Err(other) => return other.into(),
    };
    page.layout = page
        .layout
        .answering_a_post(format!("/admin/users/{id}"), true);
    let message = Some(error.to_string());
    match form {
        Failed::Roles { typed } => {
            page.roles_text = typed;
            page.roles_error = message;
        }
        Failed::Delete => page.delete_error = message,
        Failed::Other => page.error = message,
    }
    FormError::page(error, &page)
}
