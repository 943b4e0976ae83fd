//! A small HTTP/1.1 load generator: each connection is one keep-alive TCP
//! connection sending its requests one after another, as fast as answered.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use tokio::net::TcpStream;

/// What one run measured.
#[derive(Default, Clone)]
pub struct Stats {
    pub ok: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Every successful request's latency, sorted.
    pub latencies: Vec<Duration>,
}

impl Stats {
    pub fn throughput(&self) -> f64 {
        self.ok as f64 / self.elapsed.as_secs_f64()
    }

    pub fn p99(&self) -> f64 {
        self.percentile(0.99).as_secs_f64()
    }

    pub fn percentile(&self, p: f64) -> Duration {
        if self.latencies.is_empty() {
            return Duration::ZERO;
        }
        let at = ((self.latencies.len() as f64 - 1.0) * p).round() as usize;
        self.latencies[at]
    }
}

/// The round with the median `key` of several, with every round's errors:
/// these machines are noisy, so each figure is the middle of a few runs.
pub fn median_by(mut rounds: Vec<Stats>, key: impl Fn(&Stats) -> f64) -> Stats {
    let errors = rounds.iter().map(|r| r.errors).sum();
    rounds.sort_by(|a, b| key(a).total_cmp(&key(b)));
    let mut median = rounds.swap_remove(rounds.len() / 2);
    median.errors = errors;
    median
}

/// One connection's requests: `next` builds the request from the state,
/// `answered` updates the state from the status and body.
pub trait Client: Send + 'static {
    fn next(&mut self, host: &str) -> Request<Full<Bytes>>;
    fn answered(&mut self, _status: StatusCode, _body: &[u8]) {}
    /// True once it has sent all it means to: its connection then stops
    /// before the deadline (for a fixed number of requests).
    fn done(&self) -> bool {
        false
    }
}

/// Drives every client on its own connection for `duration`, or until every
/// client is `done`.
pub async fn drive<C: Client>(address: SocketAddr, clients: Vec<C>, duration: Duration) -> Stats {
    drive_over(&[address], clients, duration).await
}

/// `drive`, with the clients' connections shared out in turn over
/// `addresses` (instances of one service): one run, one `Stats`.
pub async fn drive_over<C: Client>(
    addresses: &[SocketAddr],
    clients: Vec<C>,
    duration: Duration,
) -> Stats {
    let started = Instant::now();
    let deadline = started + duration;
    let tasks: Vec<_> = clients
        .into_iter()
        .zip(addresses.iter().cycle())
        .map(|(client, &address)| tokio::spawn(run_connection(address, client, deadline)))
        .collect();
    let mut total = Stats::default();
    for task in tasks {
        let stats = task.await.expect("a connection task");
        total.ok += stats.ok;
        total.errors += stats.errors;
        total.latencies.extend(stats.latencies);
    }
    total.elapsed = started.elapsed();
    total.latencies.sort();
    total
}

async fn run_connection<C: Client>(address: SocketAddr, mut client: C, deadline: Instant) -> Stats {
    let mut stats = Stats::default();
    let host = address.to_string();
    'reconnect: while Instant::now() < deadline && !client.done() {
        let Ok(stream) = TcpStream::connect(address).await else {
            stats.errors += 1;
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let Ok((mut sender, connection)) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await
        else {
            stats.errors += 1;
            continue;
        };
        tokio::spawn(connection);
        while Instant::now() < deadline && !client.done() {
            let request = client.next(&host);
            let sent = Instant::now();
            let Ok(response) = sender.send_request(request).await else {
                stats.errors += 1;
                continue 'reconnect;
            };
            let status = response.status();
            let Ok(body) = response.into_body().collect().await else {
                stats.errors += 1;
                continue 'reconnect;
            };
            let latency = sent.elapsed();
            let body = body.to_bytes();
            if status.is_success() {
                stats.ok += 1;
                stats.latencies.push(latency);
            } else {
                stats.errors += 1;
            }
            client.answered(status, &body);
        }
    }
    stats
}

/// One keep-alive connection for requests sent one by one, each answer
/// read whole; opened again if the server closed it.
pub struct KeepAlive {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    address: SocketAddr,
    pub host: String,
}

impl KeepAlive {
    pub async fn open(address: SocketAddr) -> KeepAlive {
        let stream = TcpStream::connect(address).await.expect("connects");
        let _ = stream.set_nodelay(true);
        let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .expect("handshake");
        tokio::spawn(connection);
        KeepAlive {
            sender,
            address,
            host: address.to_string(),
        }
    }

    pub async fn send(&mut self, request: Request<Full<Bytes>>) -> (StatusCode, Bytes) {
        let (status, _, body) = self.send_for_headers(request).await;
        (status, body)
    }

    /// `send`, with the answer's headers.
    pub async fn send_for_headers(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> (StatusCode, hyper::HeaderMap, Bytes) {
        // The connection takes a moment after an answer to be ready again.
        if self.sender.ready().await.is_err() {
            *self = KeepAlive::open(self.address).await;
        }
        let response = self.sender.send_request(request).await.expect("an answer");
        let (parts, body) = response.into_parts();
        let body = body.collect().await.expect("a body");
        (parts.status, parts.headers, body.to_bytes())
    }
}

/// A request with an optional JSON body and Bearer token.
pub fn request(
    method: &str,
    host: &str,
    path: &str,
    bearer: Option<&str>,
    json: Option<String>,
) -> Request<Full<Bytes>> {
    let mut builder = Request::builder()
        .method(method)
        .uri(path)
        .header("host", host);
    if let Some(token) = bearer {
        builder = builder.header("authorization", format!("Bearer {token}"));
    }
    let body = match json {
        Some(json) => {
            builder = builder.header("content-type", "application/json");
            Bytes::from(json)
        }
        None => Bytes::new(),
    };
    builder.body(Full::new(body)).expect("a valid request")
}
