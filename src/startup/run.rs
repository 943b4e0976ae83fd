//! A built server's life: its addresses, a handle to stop it, and serving
//! until stopped, then stopping what runs beside it in order.

use std::net::SocketAddr;

use actix_web::dev::ServerHandle;

use super::Application;

impl Application {
    /// The address actually bound.
    pub fn address(&self) -> SocketAddr {
        self.address
    }

    /// The metrics listener's address, when `--metrics-bind` gave one.
    pub fn metrics_address(&self) -> Option<SocketAddr> {
        self.metrics.as_ref().map(|(address, _)| *address)
    }

    /// A handle to stop the server (as SIGTERM or Ctrl-C do).
    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Serves until stopped; the database is free for another server once
    /// this returns, and not before its last write is over (a request cut
    /// short by the shutdown timeout may have left one running).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        let Application {
            server,
            lock,
            listener,
            db,
            maintenance,
            sending,
            backchannel,
            metrics,
            ..
        } = self;
        // A server runs only while polled: the metrics one beside this one.
        let metrics = metrics.map(|(_, metrics)| {
            let handle = metrics.handle();
            (handle, actix_web::rt::spawn(metrics))
        });
        let stopped = server.await;
        if let Some((handle, serving)) = metrics {
            handle.stop(true).await;
            serving.await.ok();
        }
        maintenance.stop();
        sending.stop().await;
        backchannel.stop().await;
        drop(listener);
        db.until_idle().await;
        // The connections close before the lock's file does: closing any of a
        // file's descriptors drops the `fcntl` locks SQLite holds on it.
        drop(db);
        drop(lock);
        stopped
    }
}
