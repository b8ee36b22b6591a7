//! Accepting connections with hyper-util's server: a header-read timeout (a client that
//! trickles its request headers is disconnected), a cap on open connections (past it a new
//! connection gets a 429 and is closed), TCP_NODELAY, the peer's address for per-address
//! limits, and graceful shutdown.

use std::convert::Infallible;
use std::future::Future;
use std::io;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::ConnectInfo;
use axum::http::{header, HeaderValue, Request};
use axum::response::IntoResponse;
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1::Builder;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;

use crate::config::Limits;
use crate::error::ApiError;

/// How long open connections get to finish after shutdown begins.
const DRAIN: Duration = Duration::from_secs(10);
/// How long a refused connection may take to read its 429.
const REFUSAL_TIMEOUT: Duration = Duration::from_secs(5);

/// Serve `router` on `listener` until `shutdown` resolves; then `on_shutdown` runs (it ends
/// open event streams) and open connections get [`DRAIN`] to finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: &Limits,
    secure_cookies: bool,
    shutdown: impl Future<Output = ()>,
    on_shutdown: impl FnOnce(),
) {
    // HTTP/1 only: browsers speak HTTP/2 only over TLS, which a proxy in front terminates.
    // Guessing the version would first wait for the client's first bytes with no timeout;
    // this way the header-read timeout runs from the moment a connection is accepted, so even
    // a connection that never sends a byte is closed. hyper's own HTTP/1 connection, not
    // hyper-util's either-version one: every open connection is a task holding that future,
    // and the HTTP/2 state the other carries would be paid by every idle event stream.
    let mut builder = Builder::new();
    builder
        .timer(TokioTimer::new())
        .header_read_timeout(limits.header_read_timeout);
    let builder = Arc::new(builder);
    let graceful = GracefulShutdown::new();
    let open = Arc::new(Semaphore::new(limits.max_connections));
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (tcp, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(a) => a,
                Err(e) => { accept_failed(e).await; continue; }
            },
            () = &mut shutdown => break,
        };
        // Events are small writes that must leave at once: no Nagle delay.
        if let Err(e) = tcp.set_nodelay(true) {
            tracing::debug!(error = %e, "cannot set TCP_NODELAY");
        }
        let io = TokioIo::new(tcp);
        let Ok(permit) = open.clone().try_acquire_owned() else {
            tokio::spawn(refuse(
                builder.clone(),
                io,
                limits.max_connections,
                secure_cookies,
            ));
            continue;
        };
        let service = router
            .clone()
            .map_request(move |mut req: Request<Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            });
        let conn = builder.serve_connection(io, TowerToHyperService::new(service));
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, %peer, "connection ended with an error");
            }
            drop(permit);
        });
    }
    on_shutdown();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep(DRAIN) => tracing::warn!("connections still open after {DRAIN:?}; stopping anyway"),
    }
}

/// Past the connection cap: answer 429 and close, rather than leave the client hanging.
async fn refuse(
    builder: Arc<Builder>,
    io: TokioIo<tokio::net::TcpStream>,
    cap: usize,
    secure_cookies: bool,
) {
    tracing::warn!(cap, "connection refused: too many open connections");
    let service = hyper::service::service_fn(move |_req: Request<Incoming>| async move {
        let mut res = ApiError::TooManyRequests {
            message: format!(
                "this server holds {cap} connections, the most it allows; retry shortly"
            ),
            retry_after: Some(1),
        }
        .into_response();
        super::headers::apply(res.headers_mut(), secure_cookies);
        res.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        Ok::<_, Infallible>(res)
    });
    let conn = builder.serve_connection(io, service);
    let _ = tokio::time::timeout(REFUSAL_TIMEOUT, conn).await;
}

async fn accept_failed(e: io::Error) {
    if matches!(
        e.kind(),
        io::ErrorKind::ConnectionRefused
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
    ) {
        return;
    }
    // Out of file descriptors, most likely: wait for some to close.
    tracing::error!(error = %e, "accept failed");
    tokio::time::sleep(Duration::from_millis(100)).await;
}
