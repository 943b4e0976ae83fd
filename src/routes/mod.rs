//! The route table (the only one) and the thin handlers behind it.

mod admin_routes;
mod api;
mod auth;
pub mod cookies;
pub mod cross_site;
mod extract;
mod fallback;
mod form_error;
mod forward_auth;
mod health;
mod html;
mod jwks;
mod methods;
pub mod metrics;
mod oauth;
mod pages;
mod respond;
mod static_files;

use actix_web::web;

pub use extract::body::MAX_BODY_BYTES;
pub use html::CONTENT_SECURITY_POLICY;
use methods::{form_post, get, resource, DELETE, GET, GET_POST, POST};

/// Every route of the service.
pub fn configure(cfg: &mut web::ServiceConfig) {
    cfg.service(
        resource("/api/me", "GET, HEAD, PATCH, DELETE")
            .route(get().to(api::me::get))
            .route(web::patch().to(api::me::patch))
            .route(web::delete().to(api::me::delete)),
    )
    .service(resource("/", GET).route(get().to(pages::home::get)))
    .service(resource("/login", GET).route(get().to(pages::login::get)))
    .service(resource("/login/second-factor", GET).route(get().to(pages::second_factor::get)))
    .service(resource("/register", GET).route(get().to(pages::register::get)))
    .service(resource("/profile", GET).route(get().to(pages::profile::get)))
    .service(
        resource("/profile/sessions/{id}/revoke", POST).route(web::post().to(pages::revoke::post)),
    )
    .service(resource("/profile/delete", POST).route(web::post().to(pages::delete::post)))
    .service(resource("/profile/name", POST).route(web::post().to(pages::name::post)))
    .service(resource("/profile/totp", POST).route(web::post().to(pages::totp::start)))
    .service(resource("/profile/totp/confirm", POST).route(web::post().to(pages::totp::confirm)))
    .service(resource("/profile/totp/disable", POST).route(web::post().to(pages::totp::disable)))
    .service(
        resource("/profile/recovery-codes", POST)
            .route(web::post().to(pages::totp::new_recovery_codes)),
    )
    .service(
        resource("/email/change", GET_POST)
            .route(get().to(pages::email_change::get))
            .route(web::post().to(pages::email_change::post)),
    )
    .service(resource("/password/forgot", GET).route(get().to(pages::forgot::get)))
    .service(resource("/password/forgot/sent", GET).route(get().to(pages::forgot::sent)))
    .service(resource("/password/reset", GET).route(get().to(pages::reset::get)))
    .service(
        resource("/email/verify", GET_POST)
            .route(get().to(pages::email_verify::get))
            .route(web::post().to(pages::email_verify::post)),
    )
    .service(resource("/register/sent", GET).route(get().to(pages::email_verify::register_sent)))
    .service(
        resource("/sign-in/not-me", GET_POST)
            .route(get().to(pages::not_me::get))
            .route(web::post().to(pages::not_me::post)),
    )
    .service(
        resource("/oauth/logout", GET_POST)
            .route(get().to(oauth::logout::get))
            .route(web::post().to(oauth::logout::post)),
    )
    .service(resource("/static/{name}", GET).route(get().to(static_files::get)))
    .service(resource("/healthz", GET).route(get().to(health::get)))
    .service(resource("/.well-known/jwks.json", GET).route(get().to(jwks::get)))
    .service(
        resource("/.well-known/openid-configuration", GET).route(get().to(oauth::discovery::get)),
    )
    .service(
        resource("/oauth/authorize", GET_POST)
            .route(get().to(oauth::authorize::get))
            .route(web::post().to(oauth::consent::post)),
    )
    .service(resource("/oauth/token", POST).route(web::post().to(oauth::token::post)))
    .service(
        resource("/oauth/userinfo", GET_POST)
            .route(get().to(oauth::userinfo::get))
            .route(web::post().to(oauth::userinfo::get)),
    )
    .service(
        resource("/auth/register", POST)
            .route(form_post().to(auth::register::form::post))
            .route(web::post().to(auth::register::json::post)),
    )
    .service(
        resource("/auth/login", POST)
            .route(form_post().to(auth::login::form::post))
            .route(web::post().to(auth::login::json::post)),
    )
    .service(
        resource("/auth/login/second-factor", POST)
            .route(form_post().to(auth::second_factor::form::post))
            .route(web::post().to(auth::second_factor::json::post)),
    )
    .service(
        resource("/auth/login/second-factor/passkey/options", POST)
            .route(web::post().to(auth::second_factor::passkey::options)),
    )
    .service(
        resource("/auth/login/second-factor/passkey", POST)
            .route(form_post().to(auth::second_factor::passkey::form))
            .route(web::post().to(auth::second_factor::passkey::json)),
    )
    .service(
        resource("/auth/passkey/login/options", POST)
            .route(web::post().to(auth::passkey_login::options)),
    )
    .service(
        resource("/auth/passkey/login", POST)
            .route(form_post().to(auth::passkey_login::form::post))
            .route(web::post().to(auth::passkey_login::json::post)),
    )
    .service(
        resource("/auth/passkeys/options", POST).route(web::post().to(auth::passkeys::options)),
    )
    .service(resource("/auth/passkeys", POST).route(web::post().to(auth::passkeys::add)))
    .service(
        resource("/auth/totp", "POST, DELETE")
            .route(web::post().to(auth::totp::start))
            .route(web::delete().to(auth::totp::delete)),
    )
    .service(resource("/auth/totp/confirm", POST).route(web::post().to(auth::totp::confirm)))
    .service(
        resource("/auth/recovery-codes", POST)
            .route(web::post().to(auth::totp::new_recovery_codes)),
    )
    .service(
        resource("/auth/password", POST)
            .route(form_post().to(auth::password::form::post))
            .route(web::post().to(auth::password::json::post)),
    )
    .service(
        resource("/auth/password/forgot", POST)
            .route(form_post().to(auth::forgot::form::post))
            .route(web::post().to(auth::forgot::json::post)),
    )
    .service(
        resource("/auth/password/reset", POST)
            .route(form_post().to(auth::reset::form::post))
            .route(web::post().to(auth::reset::json::post)),
    )
    .service(
        resource("/auth/email", POST)
            .route(form_post().to(auth::email_change::form::post))
            .route(web::post().to(auth::email_change::json::post)),
    )
    .service(
        resource("/auth/email/change", POST)
            .route(web::post().to(auth::email_change::confirm::post)),
    )
    .service(
        resource("/auth/email/verify", POST).route(web::post().to(auth::email_verify::json::post)),
    )
    .service(
        resource("/auth/email/verify/resend", POST)
            .route(form_post().to(auth::verify_resend::form::post))
            .route(web::post().to(auth::verify_resend::json::post)),
    )
    .service(resource("/auth/refresh", POST).route(web::post().to(auth::refresh::post)))
    .service(
        resource("/auth/logout", POST)
            .route(form_post().to(auth::logout::form::post))
            .route(web::post().to(auth::logout::json::post)),
    )
    .service(
        resource("/auth/logout-all", POST)
            .route(form_post().to(auth::logout_all::form::post))
            .route(web::post().to(auth::logout_all::json::post)),
    )
    .service(resource("/auth/verify", GET).route(get().to(forward_auth::verify::get)))
    .service(resource("/auth/required", GET).route(get().to(forward_auth::required::get)))
    .service(resource("/api/passkeys", GET).route(get().to(api::passkeys::list)))
    .service(
        resource("/api/passkeys/{id}", "PATCH, DELETE")
            .route(web::patch().to(api::passkeys::rename))
            .route(web::delete().to(api::passkeys::delete)),
    )
    .service(resource("/api/sessions", GET).route(get().to(api::sessions::list)))
    .service(resource("/api/sessions/{id}", DELETE).route(web::delete().to(api::sessions::delete)))
    .service(resource("/oauth/revoke", POST).route(web::post().to(oauth::revoke::post)))
    .service(resource("/oauth/introspect", POST).route(web::post().to(oauth::introspect::post)))
    .configure(admin_routes::pages)
    .configure(admin_routes::api)
    .default_service(web::to(fallback::not_found));
}
