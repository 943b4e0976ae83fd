use actix_web::http::StatusCode;
use actix_web::{web, HttpResponse};

use super::{link, user_row};
use crate::auth::Administration;
use crate::error::AppError;
use crate::pages::{AdminUsersPage, Layout};
use crate::routes::extract::{Admin, AdminQuery, FormSession};
use crate::routes::html;

/// `GET /admin?query=&page=`: the users, searched and paged.
pub async fn get(
    admin: Admin,
    query: AdminQuery,
    forms: FormSession,
    administration: web::Data<Administration>,
) -> Result<HttpResponse, AppError> {
    let found = administration.search(&query.query, query.page).await?;
    let page_link = |page: u32| {
        link(
            "/admin",
            &[("query", query.query.clone()), ("page", page.to_string())],
        )
    };
    let mut layout = Layout::new("Users", forms.context()?.flash);
    layout.access_expires_in = Some(admin.access_expires_in());
    let page = AdminUsersPage {
        layout,
        previous_url: (found.page > 1).then(|| page_link(found.page.min(found.pages + 1) - 1)),
        next_url: (found.page < found.pages).then(|| page_link(found.page + 1)),
        users: found.users.iter().map(user_row).collect(),
        query: query.query,
        page: found.page,
        pages: found.pages,
        total: found.total,
    };
    html::render(StatusCode::OK, &page)
}
