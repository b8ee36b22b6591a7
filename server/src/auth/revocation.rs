//! A stream must not outlive its credentials. When a session ends — a token revoked, a
//! logout, a user deleted (their sessions cascade), an expired session pruned — a trigger
//! NOTIFYs `switchboard_sessions` with its id, and every instance ends the streams opened
//! with it at once. Notifications can be lost (a listener reconnecting), and a session can
//! expire without being deleted, so every heartbeat interval the sessions of all open streams
//! are checked again in one query: a stream ends at most one heartbeat after its session.

use std::collections::HashSet;
use std::time::Duration;

use sqlx::postgres::{PgListener, PgPoolOptions};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use app::data::auth::live_sessions;

use crate::realtime::Realtime;

/// The channel the `sessions_ended` trigger notifies.
pub const CHANNEL: &str = "switchboard_sessions";
const RETRY_BACKOFF: Duration = Duration::from_millis(500);

pub async fn run(rt: Realtime, app_pool: PgPool, cancel: CancellationToken) {
    // A connection of its own: LISTEN holds it for good.
    let listen_pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(Duration::from_secs(5))
        .connect_lazy_with((*app_pool.connect_options()).clone());
    let mut listener: Option<PgListener> = None;
    let mut sweep = tokio::time::interval(rt.config.heartbeat);
    loop {
        if listener.is_none() {
            listener = listen(&listen_pool).await;
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = sweep.tick() => sweep_once(&rt, &app_pool).await,
            note = async { listener.as_mut().expect("checked").try_recv().await }, if listener.is_some() => {
                match note {
                    Ok(Some(n)) => {
                        if let Ok(session) = n.payload().parse::<Uuid>() {
                            end(&rt, session, "session ended");
                        }
                    }
                    Ok(None) => {
                        // Reconnecting: what was sent meanwhile is caught by the next sweep.
                        listener = None;
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "session listener failed; reconnecting");
                        listener = None;
                        tokio::select! {
                            () = cancel.cancelled() => return,
                            () = tokio::time::sleep(RETRY_BACKOFF) => {}
                        }
                    }
                }
            }
        }
    }
}

async fn listen(pool: &PgPool) -> Option<PgListener> {
    let attempt = crate::realtime::listener::connect(pool, &[CHANNEL]);
    match attempt.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "session listener cannot connect; sweeping meanwhile");
            None
        }
    }
}

/// End the streams of every session that is no longer live.
async fn sweep_once(rt: &Realtime, pool: &PgPool) {
    let open = rt.connections.credentials();
    if open.is_empty() {
        return;
    }
    match live_sessions(pool, &open).await {
        Ok(live) => {
            let live: HashSet<Uuid> = live.into_iter().collect();
            for session in open.into_iter().filter(|s| !live.contains(s)) {
                end(rt, session, "session no longer valid");
            }
        }
        Err(e) => tracing::warn!(error = ?e, "cannot re-check the sessions of open streams"),
    }
}

fn end(rt: &Realtime, session: Uuid, why: &str) {
    let n = rt.connections.end_credential(session);
    if n > 0 {
        tracing::info!(%session, streams = n, why, "ending streams of a session");
    }
}
