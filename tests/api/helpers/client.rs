//! The HTTP client every test talks through, in process (`TestApp`) or to the
//! real binary (`Running`): the service's address and a `reqwest` client that
//! follows no redirects and keeps no cookies (tests look at both).
//!
//! One method per endpoint is in `endpoints.rs`; here is the transport they
//! share, and the escape hatches for requests a test sends malformed on
//! purpose.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use reqwest::header::{HeaderName, HeaderValue, AUTHORIZATION, COOKIE};
use reqwest::{Body, Client, Method, RequestBuilder, Response};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// The service at one address.
#[derive(Clone)]
pub struct Api {
    /// `http://host:port`
    origin: String,
    http: Client,
}

impl Api {
    /// `origin` is `http://host:port`.
    pub fn new(origin: String) -> Api {
        let http = Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("an HTTP client");
        Api { origin, http }
    }

    /// The same service through a client of its own: its own connections,
    /// as a separate program would have.
    pub fn with_own_connections(&self) -> Api {
        Api::new(self.origin.clone())
    }

    /// `http://host:port`, as a browser sends it in `Origin`.
    pub fn origin(&self) -> &str {
        &self.origin
    }

    /// A request to `path` with these headers, in their order.
    pub(super) fn request(&self, method: Method, path: &str, headers: Headers) -> RequestBuilder {
        let mut request = self.http.request(method, format!("{}{path}", self.origin));
        for (name, value) in headers.0 {
            request = request.header(name, value);
        }
        request
    }

    /// Escape hatch for a request no client of the contract sends, sent so on
    /// purpose (a wrong method, an unknown path, an odd content type, a body
    /// the endpoint cannot read, a token in the query string): exactly this
    /// method, path, headers and body, nothing added. `None`: no body at all.
    pub fn send_raw(
        &self,
        method: Method,
        path: &str,
        headers: Headers,
        body: Option<Body>,
    ) -> Request {
        let request = self.request(method, path, headers);
        Request(match body {
            Some(body) => request.body(body),
            None => request,
        })
    }

    /// Escape hatch below HTTP: writes these bytes on a new connection and
    /// gives the status line answered, or `None` when the server closed the
    /// connection instead. A server that hangs fails the test.
    pub async fn send_raw_bytes(&self, bytes: &[u8]) -> Option<String> {
        let address = self.origin.trim_start_matches("http://");
        let mut stream = TcpStream::connect(address)
            .await
            .expect("the server accepts connections");
        // The server may close before reading everything (an oversized header).
        let _ = stream.write_all(bytes).await;
        let mut answer = vec![0u8; 4096];
        let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
            .await
            .expect("the server answers or closes within 10 s")
            .unwrap_or(0);
        let text = String::from_utf8_lossy(&answer[..read]).to_string();
        text.lines().next().map(str::to_owned)
    }
}

/// The headers a request carries besides those its endpoint method adds:
/// credentials, cookies, `Origin`, `User-Agent`... Sent in the order given,
/// each as its own header line.
#[derive(Debug, Clone, Default)]
pub struct Headers(Vec<(HeaderName, HeaderValue)>);

impl Headers {
    /// No header.
    pub fn new() -> Headers {
        Headers::default()
    }

    /// `Authorization: Bearer {token}`.
    pub fn bearer(self, token: &str) -> Headers {
        let mut value = HeaderValue::try_from(format!("Bearer {token}")).expect("a header value");
        value.set_sensitive(true);
        self.with(AUTHORIZATION, value)
    }

    /// `Cookie: {cookies}`, the whole header as given.
    pub fn cookie(self, cookies: &str) -> Headers {
        self.header(COOKIE.as_str(), cookies)
    }

    /// `Cookie: accessToken={token}`.
    pub fn access_cookie(self, token: &str) -> Headers {
        self.cookie(&format!("accessToken={token}"))
    }

    /// `Cookie: refreshToken={token}`.
    pub fn refresh_cookie(self, token: &str) -> Headers {
        self.cookie(&format!("refreshToken={token}"))
    }

    /// Any header, its value text.
    pub fn header(self, name: &str, value: &str) -> Headers {
        self.with(
            header_name(name),
            HeaderValue::from_str(value).expect("a header value"),
        )
    }

    /// Any header, its value any bytes (not necessarily text).
    pub fn bytes(self, name: &str, value: &[u8]) -> Headers {
        self.with(
            header_name(name),
            HeaderValue::from_bytes(value).expect("a header value"),
        )
    }

    /// `X-Forwarded-For: <address>`: a client behind a trusted proxy (the
    /// tests' own address, 127.0.0.1, made one with `--trusted-proxies`).
    pub fn forwarded_for(self, address: &str) -> Headers {
        self.header("X-Forwarded-For", address)
    }

    fn with(mut self, name: HeaderName, value: HeaderValue) -> Headers {
        self.0.push((name, value));
        self
    }
}

fn header_name(name: &str) -> HeaderName {
    HeaderName::from_bytes(name.as_bytes()).expect("a header name")
}

/// A request ready to go. Awaiting it sends it and gives the response (a
/// request that cannot be sent fails the test); `try_send` gives the
/// transport error instead, for tests where the server may be gone.
#[must_use = "a request is only sent when awaited"]
pub struct Request(pub(super) RequestBuilder);

impl Request {
    pub fn try_send(self) -> impl Future<Output = reqwest::Result<Response>> + Send + 'static {
        self.0.send()
    }
}

impl IntoFuture for Request {
    type Output = Response;
    type IntoFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.0.send().await.expect("request sent") })
    }
}
