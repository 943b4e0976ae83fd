//! How `sesame serve` stops: the signals, caught early.

/// SIGTERM and SIGINT, caught from before the `listening on` line: actix
/// only starts catching them once the server runs, and one sent as soon as
/// the line was printed ended the process by the signal instead of a
/// graceful stop and status 0.
pub struct StopSignals {
    terminate: actix_web::rt::signal::unix::Signal,
    interrupt: actix_web::rt::signal::unix::Signal,
}

impl StopSignals {
    pub fn listen() -> std::io::Result<StopSignals> {
        use actix_web::rt::signal::unix::{signal, SignalKind};
        Ok(StopSignals {
            terminate: signal(SignalKind::terminate())?,
            interrupt: signal(SignalKind::interrupt())?,
        })
    }

    /// Stops the server as actix would: SIGTERM lets requests finish,
    /// SIGINT does not.
    pub fn stop(mut self, server: actix_web::dev::ServerHandle) {
        actix_web::rt::spawn(async move {
            let terminate = std::pin::pin!(self.terminate.recv());
            let interrupt = std::pin::pin!(self.interrupt.recv());
            let graceful = matches!(
                futures_util::future::select(terminate, interrupt).await,
                futures_util::future::Either::Left(_)
            );
            server.stop(graceful).await;
        });
    }
}
