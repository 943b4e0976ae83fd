use std::convert::Infallible;

use actix_web::dev::Payload;
use actix_web::http::StatusCode;
use actix_web::{FromRequest, HttpRequest, HttpResponse};
use futures_util::future::{ready, Ready};

use crate::domain::LocalPath;
use crate::error::AppError;
use crate::pages::LoginPage;
use crate::routes::extract::FormSession;
use crate::routes::html;

/// `?next=/path`, of the sign-in and sign-up pages. Read leniently, as
/// `/auth/required` reads it: a query `web::Query` cannot read (`next`
/// twice, a stray `%`) still gets the page, never a plain-text 400.
pub struct LoginQuery {
    next: Option<String>,
}

impl LoginQuery {
    /// The first `next` of a query string.
    fn read(query: &str) -> LoginQuery {
        let next = form_urlencoded::parse(query.as_bytes())
            .find(|(name, _)| name == "next")
            .map(|(_, value)| value.into_owned());
        LoginQuery { next }
    }

    /// `next`, when it is a local path; anything else is dropped.
    pub fn next(self) -> Option<LocalPath> {
        self.next.and_then(LocalPath::parse)
    }
}

impl FromRequest for LoginQuery {
    type Error = Infallible;
    type Future = Ready<Result<LoginQuery, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(LoginQuery::read(req.query_string())))
    }
}

/// `GET /login[?next=/path]`
pub async fn get(query: LoginQuery, forms: FormSession) -> Result<HttpResponse, AppError> {
    let next = query.next();
    html::render(
        StatusCode::OK,
        &LoginPage::new(forms.context()?, "", next, None),
    )
}
