use actix_web::{web, HttpResponse};
use serde::Serialize;

use super::EventBody;
use crate::auth::Administration;
use crate::error::AppError;
use crate::routes::extract::{Admin, AdminQuery};

#[derive(Serialize)]
struct EventsBody {
    events: Vec<EventBody>,
    /// The `before` of the next (older) page, if there may be one.
    older: Option<i64>,
}

/// `GET /api/admin/events?user=&type=&before=`: newest first, 50 at most.
pub async fn list(
    _: Admin,
    query: AdminQuery,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let found = administration.events(query.event_filter()).await?;
    Ok(HttpResponse::Ok().json(EventsBody {
        events: found.events.into_iter().map(EventBody::from).collect(),
        older: found.older,
    }))
}
