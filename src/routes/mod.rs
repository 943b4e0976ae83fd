//! The route table (the only one) and the thin handlers behind it.

mod api;
mod auth;
pub mod body;
pub mod cookies;
pub mod cross_site;
mod extract;
mod fallback;
mod health;
mod respond;

use actix_web::{web, Resource};

/// Every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(resource("/healthz").route(web::get().to(health::get)))
        .service(resource("/auth/register").route(web::post().to(auth::register::post)))
        .service(resource("/auth/login").route(web::post().to(auth::login::post)))
        .service(resource("/auth/refresh").route(web::post().to(auth::refresh::post)))
        .service(resource("/auth/logout").route(web::post().to(auth::logout::post)))
        .service(resource("/auth/logout-all").route(web::post().to(auth::logout_all::post)))
        .service(resource("/api/me").route(web::get().to(api::me::get)))
        .service(resource("/api/sessions").route(web::get().to(api::sessions::list)))
        .service(resource("/api/sessions/{id}").route(web::delete().to(api::sessions::delete)))
        .default_service(web::to(fallback::not_found));
}

/// A resource that answers 405 (as JSON) to methods it has no route for.
fn resource(path: &str) -> Resource {
    web::resource(path).default_service(web::to(fallback::method_not_allowed))
}
