use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// How often expired sessions are removed.
pub const SESSION_PRUNE_INTERVAL: Duration = Duration::from_secs(3600);

/// Remove expired sessions now and every `SESSION_PRUNE_INTERVAL` until cancelled.
pub async fn prune_sessions(pool: PgPool, cancel: CancellationToken) {
    loop {
        match app::data::auth::prune_expired_sessions(&pool).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
            Err(e) => tracing::warn!(error = ?e, "could not prune sessions"),
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(SESSION_PRUNE_INTERVAL) => {}
        }
    }
}
