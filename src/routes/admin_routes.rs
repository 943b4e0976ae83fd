//! The admin console's routes, pages and JSON, each scope behind the admin
//! gate as a whole.

use actix_web::middleware::from_fn;
use actix_web::web;

use super::extract::admin_gate;
use super::methods::{get, resource, DELETE, GET, POST};
use super::{api, pages};

/// `/admin…`: the console's pages, every one behind the admin gate.
pub(super) fn pages(cfg: &mut web::ServiceConfig) {
    use pages::admin::{actions, events, user, users};
    cfg.service(
        web::scope("/admin")
            .wrap(from_fn(admin_gate))
            .service(resource("", GET).route(get().to(users::get)))
            .service(resource("/events", GET).route(get().to(events::get)))
            .service(resource("/users/{id}", GET).route(get().to(user::get)))
            .service(resource("/users/{id}/roles", POST).route(web::post().to(actions::roles)))
            .service(resource("/users/{id}/disable", POST).route(web::post().to(actions::disable)))
            .service(resource("/users/{id}/enable", POST).route(web::post().to(actions::enable)))
            .service(resource("/users/{id}/delete", POST).route(web::post().to(actions::delete)))
            .service(resource("/users/{id}/reset", POST).route(web::post().to(actions::reset)))
            .service(
                resource("/users/{id}/sessions/revoke", POST)
                    .route(web::post().to(actions::revoke_all)),
            )
            .service(
                resource("/users/{id}/sessions/{session}/revoke", POST)
                    .route(web::post().to(actions::revoke)),
            ),
    );
}

/// `/api/admin/*`: the console as JSON, every route behind the admin gate.
pub(super) fn api(cfg: &mut web::ServiceConfig) {
    use api::admin::{events, users};
    cfg.service(
        web::scope("/api/admin")
            .wrap(from_fn(admin_gate))
            .service(resource("/users", GET).route(get().to(users::list)))
            .service(
                resource("/users/{id}", "GET, HEAD, DELETE")
                    .route(get().to(users::get))
                    .route(web::delete().to(users::delete)),
            )
            .service(resource("/users/{id}/roles", "PUT").route(web::put().to(users::set_roles)))
            .service(resource("/users/{id}/disable", POST).route(web::post().to(users::disable)))
            .service(resource("/users/{id}/enable", POST).route(web::post().to(users::enable)))
            .service(
                resource("/users/{id}/sessions", DELETE)
                    .route(web::delete().to(users::revoke_sessions)),
            )
            .service(resource("/events", GET).route(get().to(events::list))),
    );
}
