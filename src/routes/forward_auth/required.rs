use actix_web::{HttpRequest, HttpResponse};

use crate::domain::LocalPath;
use crate::error::AppError;
use crate::routes::html;

/// `GET /auth/required[?next=/path]`: the 401 page a reverse proxy shows in
/// place of a page `/auth/verify` refused (nginx: `error_page 401 =
/// /auth/required;`, which keeps the browser's address). Its script refreshes
/// silently and reloads the page the browser is on, or sends the user to sign
/// in and back. `next` (a local path only) is that page when the browser is on
/// `/auth/required` itself. With `mfa=1`, the page for a session that
/// `/auth/verify?mfa=1` refused for want of a second factor. The query is read leniently: a proxy's 401 must
/// always find this page.
pub async fn get(req: HttpRequest) -> Result<HttpResponse, AppError> {
    let next = form_urlencoded::parse(req.query_string().as_bytes())
        .find(|(name, _)| name == "next")
        .and_then(|(_, value)| LocalPath::parse(value.into_owned()));
    // Read as `/auth/verify` reads it: the page that refreshes once, not
    // the one that reloads for ever.
    if super::verify::asks_for_mfa(req.query_string()) {
        return html::second_factor_required(next.as_ref());
    }
    html::required(next.as_ref())
}
