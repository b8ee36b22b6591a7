//! Building and running the application (zero2prod style: `build`, then `run_until_stopped`).

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use axum::Router;
use leptos::config::LeptosOptions;
use sqlx::postgres::PgPoolOptions;
use sqlx::PgPool;
use tokio::net::TcpListener;
use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

use crate::auth::sign_in::SignInGate;
use crate::config::{Settings, ACQUIRE_TIMEOUT, MAX_REQUEST_BODY};
use crate::realtime::{self, Realtime};
use crate::state::AppState;
use crate::{api, auth, demo, error, http, operations, pages};

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
}

/// Bring the schema up to date, as the schema's owner (`DATABASE_MIGRATION_URL` when set).
pub async fn migrate(url: &str) -> anyhow::Result<()> {
    let pool = PgPoolOptions::new()
        .max_connections(1)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect(url)
        .await
        .context("connecting to Postgres to migrate (is the URL right and the server up?)")?;
    sqlx::migrate!("../migrations")
        .run(&pool)
        .await
        .context("applying database migrations")?;
    pool.close().await;
    Ok(())
}

/// A pool for a background worker whose writes the change log and history credit to `actor`
/// (a session setting the capture triggers read), connecting on first use.
fn acting_as(pool: &PgPool, actor: &str, max_connections: u32) -> PgPool {
    let options = pool
        .connect_options()
        .as_ref()
        .clone()
        // Spaces separate startup options unless escaped.
        .options([("switchboard.actor", actor.replace(' ', "\\ "))]);
    PgPoolOptions::new()
        .max_connections(max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect_lazy_with(options)
}

/// Migrate, then connect to Postgres (one pool for the process).
pub async fn connect(settings: &Settings) -> anyhow::Result<PgPool> {
    migrate(settings.migration_url()).await?;
    PgPoolOptions::new()
        .max_connections(settings.max_connections)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .connect(&settings.database_url)
        .await
        .context("connecting to Postgres (is DATABASE_URL right and the server up?)")
}

impl Application {
    pub async fn build(settings: Settings) -> anyhow::Result<Self> {
        operations::metrics::handle();
        let pool = connect(&settings).await?;
        if settings.seed_demo {
            let outcome = demo::seed::seed(&pool)
                .await
                .context("loading the demo data")?;
            tracing::info!(?outcome, "demo data");
        }
        let listener = TcpListener::bind(settings.addr)
            .await
            .with_context(|| format!("listening on {}", settings.addr))?;
        let addr = listener.local_addr().context("reading the bound address")?;
        let leptos = LeptosOptions::builder()
            .output_name(http::assets::OUTPUT_NAME)
            .site_root(settings.site_root.as_str())
            .site_pkg_dir("pkg")
            // Hashed file names (`hash-files`): the pages link the names this build wrote.
            .hash_files(http::assets::hash_file().is_some())
            .site_addr(addr)
            .build();
        let realtime = Realtime::new(settings.realtime.clone());
        realtime
            .registry
            .refresh(&pool)
            .await
            .context("reading the realtime tables from the catalog")?;
        let state = AppState {
            pool,
            leptos,
            sign_in: Arc::new(SignInGate::new(&settings.limits)),
            presence: Arc::new(crate::presence::Presence::new(settings.presence.clone())),
            settings: Arc::new(settings),
            realtime,
        };
        let router = router(state.clone());
        Ok(Application {
            listener,
            router,
            state,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener
            .local_addr()
            .expect("bound listener has an address")
    }

    pub fn pool(&self) -> PgPool {
        self.state.pool.clone()
    }

    /// Serve until `shutdown` resolves, then stop background work and close the pool.
    pub async fn run_until_stopped(
        self,
        shutdown: impl Future<Output = ()> + Send + 'static,
    ) -> anyhow::Result<()> {
        let cancel = CancellationToken::new();
        let mut background = JoinSet::new();
        background.spawn(demo::housekeeping::prune_sessions(
            self.state.pool.clone(),
            self.state.settings.limits.sign_in_idle_secs(),
            cancel.clone(),
        ));
        background.spawn(auth::revocation::run(
            self.state.realtime.clone(),
            self.state.pool.clone(),
            cancel.clone(),
        ));
        let rt = self.state.realtime.clone();
        let (handoff, intake) = realtime::handoff::channel();
        background.spawn(realtime::tail::run(
            rt.clone(),
            self.state.pool.clone(),
            intake,
            cancel.clone(),
        ));
        background.spawn(realtime::sequencer::run(
            rt.clone(),
            self.state.pool.clone(),
            handoff,
            cancel.clone(),
        ));
        background.spawn(realtime::retention::run(
            self.state.pool.clone(),
            rt.config.retention,
            rt.config.prune_interval,
            cancel.clone(),
        ));
        background.spawn(sample_stats(rt.clone(), cancel.clone()));
        let presence = self.state.presence.clone();
        background.spawn(crate::presence::bus::listen(
            presence.clone(),
            self.state.pool.clone(),
            cancel.clone(),
        ));
        background.spawn(crate::presence::bus::send(
            presence.clone(),
            self.state.pool.clone(),
            cancel.clone(),
        ));
        background.spawn(crate::presence::bus::maintain(
            presence,
            self.state.pool.clone(),
            cancel.clone(),
        ));
        let ops = self.state.settings.operations.clone();
        background.spawn(operations::sampler::run(
            rt.clone(),
            self.state.pool.clone(),
            ops.sample_interval,
            cancel.clone(),
        ));
        background.spawn(operations::timeouts::run(
            acting_as(&self.state.pool, "timeout sweep", 2),
            ops,
            cancel.clone(),
        ));
        if let Some(mut sim) = self.state.settings.simulator.clone() {
            if sim.webhooks {
                // Post to our own listener; sign for the URL the server checks against.
                let mut local = self.address();
                if local.ip().is_unspecified() {
                    local.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                let send_to = format!("http://{local}");
                let signed_origin = self
                    .state
                    .settings
                    .public_url
                    .clone()
                    .unwrap_or_else(|| send_to.clone());
                sim.target = Some(demo::simulator::WebhookTarget {
                    send_to,
                    signed_origin,
                });
            }
            background.spawn(demo::simulator::run(
                acting_as(&self.state.pool, "simulator", 4),
                sim,
                cancel.clone(),
            ));
        }
        if let Some(worker) = self.state.settings.agent_worker.clone() {
            // No leader: every instance works, and row locks keep them from doubling work.
            background.spawn(demo::agent_worker::run(
                acting_as(&self.state.pool, "agent worker", 3),
                worker,
                cancel.clone(),
            ));
        }
        tracing::info!(addr = %self.address(), "Switchboard listening on http://{}", self.address());
        let stop = cancel.clone();
        http::serve::serve(
            self.listener,
            self.router,
            &self.state.settings.limits,
            self.state.settings.secure_cookies,
            async move {
                tokio::select! {
                    () = shutdown => {}
                    () = stop.cancelled() => {}
                }
            },
            // Open event streams end now, or the server would wait for them forever.
            move || rt.shutdown.cancel(),
        )
        .await;
        cancel.cancel();
        let drained = tokio::time::timeout(Duration::from_secs(5), async {
            while background.join_next().await.is_some() {}
        })
        .await;
        if drained.is_err() {
            tracing::warn!("background tasks did not stop within 5 s; aborting them");
            background.abort_all();
        }
        self.state.pool.close().await;
        tracing::info!("stopped");
        Ok(())
    }
}

fn router(state: AppState) -> Router {
    Router::new()
        .merge(api::router())
        .route("/auth/login", axum::routing::post(auth::login_form))
        .route("/auth/logout", axum::routing::post(auth::logout))
        .route("/healthz", axum::routing::get(operations::probes::healthz))
        .route("/readyz", axum::routing::get(operations::probes::readyz))
        .route("/metrics", axum::routing::get(operations::metrics::scrape))
        .merge(http::assets::router(&state.settings.site_root))
        .merge(pages::router(&state))
        // gzip for clients that ask (the WASM bundle shrinks ~4x) unless a file was served
        // precompressed; never for event streams, which the default predicate leaves alone so
        // events are not held in a buffer.
        .layer(CompressionLayer::new())
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            auth::resolve_user,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::timeout::limit,
        ))
        .layer(RequestBodyLimitLayer::new(MAX_REQUEST_BODY))
        .merge(
            api::webhook_router().layer(axum::middleware::from_fn_with_state(
                state.clone(),
                http::timeout::limit,
            )),
        )
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            http::headers::secure,
        ))
        .layer(axum::middleware::from_fn(error::log_errors))
        .layer(axum::middleware::from_fn(operations::metrics::track))
        .layer(
            TraceLayer::new_for_http().make_span_with(|req: &axum::http::Request<_>| {
                tracing::info_span!(
                    "request",
                    method = %req.method(),
                    path = %req.uri().path(),
                    user = tracing::field::Empty,
                )
            }),
        )
        .with_state(state)
}

/// Turn the delivery counter into a per-second rate, once a second.
async fn sample_stats(rt: Realtime, cancel: CancellationToken) {
    let mut tick = tokio::time::interval(Duration::from_secs(1));
    loop {
        tokio::select! {
            () = cancel.cancelled() => return,
            _ = tick.tick() => rt.stats.sample(),
        }
    }
}
