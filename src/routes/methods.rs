//! How a route answers methods: 405 with `Allow` to the others, HEAD with
//! GET, and a form's POST told from a JSON one at the same address.

use actix_web::guard::{self, GuardContext};
use actix_web::http::header::ContentType;
use actix_web::{web, Resource, Route};

use super::extract::body::Kind;
use super::fallback;

pub(super) const GET: &str = "GET, HEAD";
pub(super) const POST: &str = "POST";
/// A mailed link's page: shown on GET, its button posted.
pub(super) const GET_POST: &str = "GET, HEAD, POST";
pub(super) const DELETE: &str = "DELETE";

/// A resource that answers 405, as JSON with `Allow`, to other methods.
pub(super) fn resource(path: &str, allow: &'static str) -> Resource {
    web::resource(path).default_service(web::to(move || fallback::method_not_allowed(allow)))
}

/// GET, and HEAD (the same answer without its body).
pub(super) fn get() -> Route {
    web::route().guard(guard::Any(guard::Get()).or(guard::Head()))
}

/// A POST with a form body (from a page); other POSTs fall through to the
/// JSON handler of the same URL.
pub(super) fn form_post() -> Route {
    web::post().guard(guard::fn_guard(is_form))
}

fn is_form(ctx: &GuardContext) -> bool {
    let mime = ctx.header::<ContentType>().map(|ContentType(mime)| mime);
    Kind::of(mime.as_ref()) == Kind::Form
}
