//! The caller as the domain sees it (`domain::Client`): its user agent and
//! its address, read from the request in this one place. The address is the
//! TCP peer's, or, when the peer is one of `--trusted-proxies`, the client
//! its `X-Forwarded-For` names (see `config::TrustedProxies`).

use std::future::{ready, Ready};

use actix_web::dev::Payload;
use actix_web::http::header;
use actix_web::{web, FromRequest, HttpRequest};

use crate::config::TrustedProxies;
use crate::domain::Client;

impl FromRequest for Client {
    type Error = actix_web::Error;
    type Future = Ready<Result<Self, Self::Error>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        let user_agent = req
            .headers()
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok());
        let address = req.peer_addr().map(|peer| {
            let forwarded = req
                .headers()
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok());
            match req.app_data::<web::Data<TrustedProxies>>() {
                Some(proxies) => proxies.client(peer.ip(), forwarded),
                None => peer.ip(),
            }
        });
        ready(Ok(Client::new(user_agent, address)))
    }
}
