//! The route table (the only one) and the thin handlers behind it.

mod api;
mod auth;
pub mod body;
pub mod cookies;
pub mod cross_site;
mod extract;
mod fallback;
mod form_session;
mod health;
mod pages;
mod respond;
mod static_files;

use actix_web::{guard, web, Resource, Route};

/// Every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/api/me", GET).route(get().to(api::me::get)))
        .service(resource("/", GET).route(get().to(pages::home::get)))
        .service(resource("/login", GET).route(get().to(pages::login::get)))
        .service(resource("/register", GET).route(get().to(pages::register::get)))
        .service(resource("/profile", GET).route(get().to(pages::profile::get)))
        .service(
            resource("/profile/sessions/{id}/revoke", POST)
                .route(web::post().to(pages::revoke::post)),
        )
        .service(resource("/static/{name}", GET).route(get().to(static_files::get)))
        .service(resource("/healthz", GET).route(get().to(health::get)))
        .service(resource("/auth/register", POST).route(web::post().to(auth::register::post)))
        .service(resource("/auth/login", POST).route(web::post().to(auth::login::post)))
        .service(resource("/auth/refresh", POST).route(web::post().to(auth::refresh::post)))
        .service(resource("/auth/logout", POST).route(web::post().to(auth::logout::post)))
        .service(resource("/auth/logout-all", POST).route(web::post().to(auth::logout_all::post)))
        .service(resource("/api/sessions", GET).route(get().to(api::sessions::list)))
        .service(
            resource("/api/sessions/{id}", DELETE).route(web::delete().to(api::sessions::delete)),
        )
        .default_service(web::to(fallback::not_found));
}

const GET: &str = "GET, HEAD";
const POST: &str = "POST";
const DELETE: &str = "DELETE";

/// A resource that answers 405, as JSON with `Allow`, to other methods.
fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move || fallback::method_not_allowed(allow)))
}

/// GET, and HEAD (the same answer without its body).
fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}
