//! The caller as the domain sees it (`domain::Client`): its user agent and
//! its address, read from the request in this one place.

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest};

use crate::domain::Client;

impl FromRequest for Client {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        // The TCP peer: behind a reverse proxy, the proxy's address.
        let address = req.peer_addr().map(|a| a.ip());
        ready(Ok(Client::new(user_agent, address)))
    }
}
