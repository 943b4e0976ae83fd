use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{event_row, link};
use crate::auth::Administration;
use crate::error::AppError;
use crate::pages::{AdminEventsPage, Layout};
use crate::routes::extract::{Admin, AdminQuery};
use crate::routes::html;

/// `GET /admin/events?type=&user=&before=`: events, newest first, paged
/// backwards (`before` an event's id).
pub async fn get(
    admin: Admin,
    query: AdminQuery,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let found = administration.events(query.event_filter()).await?;
    let event_filter = query.event.clone().unwrap_or_default();
    let user_filter = query.user.clone().unwrap_or_default();
    let older_url = found.older.map(|before| {
        link(
            "/admin/events",
            &[
                ("type", event_filter.clone()),
                ("user", user_filter.clone()),
                ("before", before.to_string()),
            ],
        )
    });
    let mut layout = Layout::new("Events", None);
    layout.access_expires_in = Some(admin.access_expires_in());
    let page = AdminEventsPage {
        layout,
        events: found.events.into_iter().map(event_row).collect(),
        event_filter,
        user_filter,
        older_url,
    };
    html::render(StatusCode::OK, &page)
}
