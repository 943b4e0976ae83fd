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
            // Several header lines are one list, in order (RFC 9110); an
            // entry that is not text is kept as an entry that is not an
            // address, without losing the ones after it.
            let forwarded: Vec<String> = req
                .headers()
                .get_all("x-forwarded-for")
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .collect();
            let forwarded = (!forwarded.is_empty()).then(|| forwarded.join(","));
            match req.app_data::<web::Data<TrustedProxies>>() {
                Some(proxies) => proxies.client(peer.ip(), forwarded.as_deref()),
                None => peer.ip(),
            }
        });
        ready(Ok(Client::new(user_agent, address)))
    }
}
