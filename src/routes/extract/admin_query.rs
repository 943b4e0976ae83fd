//! The console's query strings (`?query=&page=`, `?user=&type=&before=`),
//! read leniently as the sign-in page reads `next`: what cannot be read
//! is left out, never a plain-text 400.

use std::convert::Infallible;
use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};

use crate::auth::EventFilter;

#[derive(Default)]
pub struct AdminQuery {
    /// The users' search text.
    pub query: String,
    /// 1-based; 1 when absent or unreadable.
    pub page: u32,
    /// The events' filters.
    pub user: Option<String>,
    pub event: Option<String>,
    pub before: Option<i64>,
}

impl AdminQuery {
    fn read(text: &str) -> AdminQuery {
        let mut query = AdminQuery {
            page: 1,
            ..AdminQuery::default()
        };
        let non_empty = |value: &str| Some(value.trim().to_owned()).filter(|v| !v.is_empty());
        // The first of each name counts.
        let mut seen: Vec<String> = Vec::new();
        for (name, value) in form_urlencoded::parse(text.as_bytes()) {
            if seen.iter().any(|s| *s == name) {
                continue;
            }
            seen.push(name.clone().into_owned());
            match &*name {
                "query" => query.query = value.trim().to_owned(),
                "page" => query.page = value.parse().unwrap_or(1).max(1),
                "user" => query.user = non_empty(&value),
                "type" => query.event = non_empty(&value),
                "before" => query.before = value.parse().ok(),
                _ => {}
            }
        }
        query
    }

    /// The events' filter this query names.
    pub fn event_filter(&self) -> EventFilter {
        EventFilter {
            user_id: self.user.clone(),
            event: self.event.clone(),
            before: self.before,
        }
    }
}

impl FromRequest for AdminQuery {
    type Error = Infallible;
    type Future = Ready<Result<AdminQuery, Infallible>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(Ok(AdminQuery::read(req.query_string())))
    }
}

#[cfg(test)]
mod tests {
    use super::AdminQuery;

    #[test]
    fn an_unreadable_page_is_the_first_and_the_first_of_a_name_counts() {
        let query = AdminQuery::read("page=x&query=Ada%20&query=bob&before=12&type=");
        assert_eq!(query.page, 1);
        assert_eq!(query.query, "Ada");
        assert_eq!(query.before, Some(12));
        assert_eq!(query.event, None);
        assert_eq!(AdminQuery::read("page=0").page, 1);
        assert_eq!(AdminQuery::read("page=2").page, 2);
    }
}
