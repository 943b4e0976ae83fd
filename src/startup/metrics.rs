//! The metrics (`--metrics-bind`): each public request timed by route
//! pattern and status (a middleware), and the second listener, in the same
//! process, that serves them.

use std::net::{SocketAddr, TcpListener};
use std::time::Instant;

use actix_web::body::MessageBody;
use actix_web::dev::{Server, ServiceRequest, ServiceResponse};
use actix_web::middleware::Next;
use actix_web::{web, App, HttpServer};

use super::StartupError;
use crate::auth::Scrape;
use crate::metrics::Metrics;

/// The label of a request no route matched: strangers' paths never
/// become labels.
const UNMATCHED: &str = "unmatched";

/// Times each request into `sesame_http_request_duration_seconds`, under
/// the pattern that matched (`/api/passkeys/{id}`) and the status.
pub async fn time_requests(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, actix_web::Error> {
    let started = Instant::now();
    // Read before the call: a failure gives no request back. The pattern
    // comes from the app's resource map, whatever the routing does.
    let Some(metrics) = req.app_data::<web::Data<Metrics>>().cloned() else {
        return next.call(req).await;
    };
    // A static route is known by its path; others walk the routes.
    let route = metrics.known_route(req.path()).unwrap_or_else(|| {
        req.match_pattern()
            .map_or_else(|| UNMATCHED.into(), std::sync::Arc::from)
    });
    let answered = next.call(req).await;
    let status = match &answered {
        Ok(response) => response.status(),
        Err(error) => error.as_response_error().status_code(),
    };
    metrics.request(&route, status.as_u16(), started.elapsed().as_secs_f64());
    answered
}

/// `--metrics-bind`'s listener, bound before anything else starts (as the
/// public one is), or none.
pub fn bind(address: Option<&str>) -> Result<Option<(TcpListener, SocketAddr)>, StartupError> {
    let Some(address) = address else {
        return Ok(None);
    };
    let bind_error = |e| StartupError::MetricsBind(address.to_owned(), e);
    let listener = TcpListener::bind(address).map_err(bind_error)?;
    let bound = listener.local_addr().map_err(bind_error)?;
    Ok(Some((listener, bound)))
}

/// Serves `GET /metrics` on `listener`, one worker, without signal
/// handlers of its own: `Application` stops it after the public server.
pub fn serve(listener: TcpListener, scrape: Scrape) -> Result<Server, StartupError> {
    let address = listener
        .local_addr()
        .map(|a| a.to_string())
        .unwrap_or_default();
    let scrape = web::Data::new(scrape);
    let server = HttpServer::new(move || {
        App::new()
            .app_data(scrape.clone())
            .configure(crate::routes::metrics::configure)
    })
    .workers(1)
    .disable_signals()
    .listen(listener)
    .map_err(|e| StartupError::MetricsBind(address.clone(), e))?
    .run();
    log::info!("metrics on http://{address}/metrics");
    Ok(server)
}
