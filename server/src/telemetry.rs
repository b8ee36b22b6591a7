//! Logging: `tracing` to stderr, filtered by `RUST_LOG`.

use tracing_subscriber::{fmt, EnvFilter};

pub fn init() {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=info"));
    // A second init (tests) is harmless: keep the first subscriber.
    let _ = fmt().with_env_filter(filter).with_target(false).try_init();
}
