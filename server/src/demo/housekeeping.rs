use std::time::Duration;

use sqlx::PgPool;
use tokio_util::sync::CancellationToken;

/// How often expired sessions and idle sign-in buckets are removed.
pub const PRUNE_INTERVAL: Duration = Duration::from_secs(600);

/// Remove expired sessions (their streams end: the delete notifies every instance) and sign-in
/// buckets idle for `throttle_idle_secs`, now and every `PRUNE_INTERVAL` until cancelled.
pub async fn prune_sessions(pool: PgPool, throttle_idle_secs: u64, cancel: CancellationToken) {
    loop {
        match app::data::auth::prune_expired_sessions(&pool).await {
            Ok(0) => {}
            Ok(n) => tracing::info!(removed = n, "expired sessions removed"),
            Err(e) => tracing::warn!(error = ?e, "could not prune sessions"),
        }
        if let Err(e) = app::data::throttle::prune(&pool, throttle_idle_secs).await {
            tracing::warn!(error = ?e, "could not prune sign-in buckets");
        }
        if let Err(e) = app::data::idempotency::prune(&pool).await {
            tracing::warn!(error = ?e, "could not prune idempotency keys");
        }
        tokio::select! {
            () = cancel.cancelled() => return,
            () = tokio::time::sleep(PRUNE_INTERVAL) => {}
        }
    }
}
