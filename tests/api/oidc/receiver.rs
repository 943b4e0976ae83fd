//! A small HTTP server standing for an app's back-channel logout endpoint:
//! it answers 500 to the first `failures` requests and 200 after, and hands
//! every request it got to the test.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

/// One POST the app got, and whether it answered 200.
#[derive(Debug)]
pub struct Delivery {
    pub content_type: String,
    pub logout_token: String,
    pub accepted: bool,
}

pub struct Receiver {
    pub uri: String,
    got: mpsc::UnboundedReceiver<Delivery>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Receiver {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Receiver {
    pub async fn start(failures: usize) -> Receiver {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let uri = format!("http://{}/backchannel", listener.local_addr().unwrap());
        let (tx, got) = mpsc::unbounded_channel();
        let task = tokio::spawn(async move {
            let mut left = failures;
            while let Ok((stream, _)) = listener.accept().await {
                let accepted = left == 0;
                left = left.saturating_sub(1);
                if let Some(delivery) = answer(stream, accepted).await {
                    let _ = tx.send(delivery);
                }
            }
        });
        Receiver { uri, got, task }
    }

    /// The next request, within `within`.
    pub async fn next(&mut self, within: Duration) -> Option<Delivery> {
        tokio::time::timeout(within, self.got.recv())
            .await
            .ok()
            .flatten()
    }
}

async fn answer(mut stream: TcpStream, accepted: bool) -> Option<Delivery> {
    let mut bytes = Vec::new();
    let mut chunk = [0u8; 4096];
    let (head, body_start) = loop {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..n]);
        if let Some(at) = bytes.windows(4).position(|w| w == b"\r\n\r\n") {
            break (String::from_utf8_lossy(&bytes[..at]).to_lowercase(), at + 4);
        }
    };
    let header = |name: &str| {
        head.lines()
            .find_map(|line| line.strip_prefix(&format!("{name}:")))
            .map(|value| value.trim().to_owned())
    };
    let length: usize = header("content-length")?.parse().ok()?;
    while bytes.len() < body_start + length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        bytes.extend_from_slice(&chunk[..n]);
    }
    let body = &bytes[body_start..body_start + length];
    let status = if accepted {
        "200 OK"
    } else {
        "500 Internal Server Error"
    };
    let reply = format!("HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n");
    stream.write_all(reply.as_bytes()).await.ok()?;
    let logout_token = form_urlencoded::parse(body)
        .find(|(name, _)| name == "logout_token")
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default();
    Some(Delivery {
        content_type: header("content-type").unwrap_or_default(),
        logout_token,
        accepted,
    })
}
