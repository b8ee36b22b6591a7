//! A LISTEN connection for a loop that polls it inside `tokio::select!`.

use sqlx::postgres::PgListener;
use sqlx::PgPool;

/// A listener on `channels` that reports a lost connection (`try_recv` returns `Ok(None)`)
/// instead of reconnecting inside `try_recv`: `select!` drops that future whenever another
/// branch is ready first, and a drop midway through sqlx's eager reconnect left the listener
/// to reconnect silently on its next call, so its owner never learned of the loss (nor read
/// back what it missed). Owners reconnect on their loop's next turn, outside `select!`.
pub async fn connect(pool: &PgPool, channels: &[&str]) -> Result<PgListener, sqlx::Error> {
    let mut l = PgListener::connect_with(pool).await?;
    l.eager_reconnect(false);
    l.listen_all(channels.iter().copied()).await?;
    Ok(l)
}
