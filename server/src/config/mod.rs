//! Configuration, read from the environment (see `.env.example`).

mod limits;
mod operations;
mod source;

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::demo::agent_worker::AgentWorkerConfig;
use crate::demo::simulator::SimulatorConfig;
use crate::operations::OperationsConfig;
use crate::realtime::RealtimeConfig;

pub use limits::{Limits, MAX_REQUEST_BODY};
pub use source::{parse_flag, Source};

#[derive(Clone, Debug)]
pub struct Settings {
    /// Postgres connection string (`DATABASE_URL`).
    pub database_url: String,
    /// Run migrations with this connection instead (`DATABASE_MIGRATION_URL`): the owner of
    /// the schema, so the server itself can use a role that owns nothing.
    pub migration_url: Option<String>,
    /// Address to listen on (`SWITCHBOARD_ADDR`, default `127.0.0.1:3000`; port 0 picks one).
    pub addr: SocketAddr,
    /// The origin users reach us at, e.g. `https://switchboard.example` (`SWITCHBOARD_PUBLIC_URL`);
    /// without it the request's `Host` is ours.
    pub public_url: Option<String>,
    /// Where `cargo leptos build` put the compiled site (`LEPTOS_SITE_ROOT`, default `target/site`).
    pub site_root: String,
    /// Largest number of pooled database connections (`DATABASE_MAX_CONNECTIONS`, default 10).
    pub max_connections: u32,
    /// Load the demo organizations, users and campaigns at start (`SWITCHBOARD_SEED_DEMO`).
    pub seed_demo: bool,
    /// Run the demo dialer simulator (`SWITCHBOARD_SIMULATOR`); `None` leaves it off.
    pub simulator: Option<SimulatorConfig>,
    /// Run the demo agent worker (`SWITCHBOARD_AGENT_WORKER`); `None` leaves it off.
    pub agent_worker: Option<AgentWorkerConfig>,
    /// Production cookies (`SWITCHBOARD_SECURE_COOKIES`; on behind HTTPS): `Secure`,
    /// `__Host-` prefixed, and HSTS on every response.
    pub secure_cookies: bool,
    /// Rate limits, timeouts and caps.
    pub limits: Limits,
    pub realtime: RealtimeConfig,
    /// Call timeouts, health thresholds, metrics access.
    pub operations: OperationsConfig,
    pub presence: crate::presence::PresenceConfig,
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        Self::from_source(&Source::env())
    }

    pub fn from_source(env: &Source) -> anyhow::Result<Self> {
        let database_url = env.var("DATABASE_URL").context(
            "DATABASE_URL is not set: use `make run` (which starts a private Postgres) or point it at your database",
        )?;
        let addr = env
            .var("SWITCHBOARD_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("SWITCHBOARD_ADDR must be an address like 127.0.0.1:3000")?;
        let public_url = env
            .var("SWITCHBOARD_PUBLIC_URL")
            .map(|u| {
                let u = u.trim_end_matches('/').to_owned();
                let host = u.strip_prefix("https://").or_else(|| u.strip_prefix("http://"));
                if host.is_none_or(|h| h.is_empty() || h.contains(['/', '?', '#'])) {
                    bail!("SWITCHBOARD_PUBLIC_URL must be an origin like https://switchboard.example (no path), not {u:?}");
                }
                Ok(u)
            })
            .transpose()?;
        let simulator = if env.flag("SWITCHBOARD_SIMULATOR", false)? {
            let rate: f64 = env.number("SWITCHBOARD_SIMULATOR_RATE", 2.0)?;
            if !(rate > 0.0 && rate <= 100.0) {
                bail!("SWITCHBOARD_SIMULATOR_RATE must be between 0 and 100 calls per second");
            }
            Some(SimulatorConfig {
                calls_per_second: rate,
                // Like a real provider: signed status callbacks over HTTP, unless told not to.
                webhooks: match env.var("SWITCHBOARD_SIMULATOR_TRANSPORT").as_deref() {
                    None | Some("webhooks") => true,
                    Some("direct") => false,
                    Some(other) => bail!(
                        "SWITCHBOARD_SIMULATOR_TRANSPORT must be webhooks or direct, not {other:?}"
                    ),
                },
                ..SimulatorConfig::default()
            })
        } else {
            None
        };
        let mut realtime = RealtimeConfig::default();
        let retention: u64 = env.number("SWITCHBOARD_REALTIME_RETENTION_SECS", 86_400)?;
        if retention < 60 {
            bail!("SWITCHBOARD_REALTIME_RETENTION_SECS must be at least 60");
        }
        realtime.retention = Duration::from_secs(retention);
        realtime.max_replay_pages = env.number("SWITCHBOARD_REALTIME_MAX_REPLAY_PAGES", 20)?;
        let every: u64 = env.number("SWITCHBOARD_REALTIME_SEQUENCE_INTERVAL_MS", 3)?;
        if !(1..=1000).contains(&every) {
            bail!("SWITCHBOARD_REALTIME_SEQUENCE_INTERVAL_MS must be between 1 and 1000");
        }
        realtime.sequence_interval = Duration::from_millis(every);
        let idle: u64 = env.number("SWITCHBOARD_REALTIME_SEQUENCE_IDLE_INTERVAL_MS", 20)?;
        if !(1..=1000).contains(&idle) {
            bail!("SWITCHBOARD_REALTIME_SEQUENCE_IDLE_INTERVAL_MS must be between 1 and 1000");
        }
        realtime.sequence_idle_interval = Duration::from_millis(idle);
        let mut presence = crate::presence::PresenceConfig::default();
        let ttl: u64 = env.number("SWITCHBOARD_PRESENCE_TTL_SECS", 45)?;
        if !(5..=3600).contains(&ttl) {
            bail!("SWITCHBOARD_PRESENCE_TTL_SECS must be between 5 and 3600");
        }
        presence.ttl = Duration::from_secs(ttl);
        let limits = Limits::from_source(env)?;
        realtime.limits = limits::stream_limits(env)?;
        let settings = Settings {
            database_url,
            migration_url: env.var("DATABASE_MIGRATION_URL"),
            addr,
            public_url,
            site_root: env
                .var("LEPTOS_SITE_ROOT")
                .unwrap_or_else(|| "target/site".into()),
            max_connections: env.number("DATABASE_MAX_CONNECTIONS", 10)?,
            seed_demo: env.flag("SWITCHBOARD_SEED_DEMO", false)?,
            simulator,
            agent_worker: env
                .flag("SWITCHBOARD_AGENT_WORKER", false)?
                .then(AgentWorkerConfig::default),
            secure_cookies: env.flag("SWITCHBOARD_SECURE_COOKIES", false)?,
            limits,
            realtime,
            operations: operations::from_source(env)?,
            presence,
        };
        settings.check_production()?;
        Ok(settings)
    }

    /// Where migrations run from: the schema owner's URL when set, else the server's own.
    pub fn migration_url(&self) -> &str {
        self.migration_url.as_deref().unwrap_or(&self.database_url)
    }

    /// Secure cookies mean production: the demo data (known passwords) and the simulator
    /// (fake calls) have no place there.
    fn check_production(&self) -> anyhow::Result<()> {
        if self.secure_cookies && self.seed_demo {
            bail!(
                "SWITCHBOARD_SEED_DEMO is on together with SWITCHBOARD_SECURE_COOKIES: the demo \
                 data signs anyone in with a published password, so it is refused in production. \
                 Turn the demo off and create your first admin with `server create-admin`."
            );
        }
        if self.secure_cookies && self.simulator.is_some() {
            bail!(
                "SWITCHBOARD_SIMULATOR is on together with SWITCHBOARD_SECURE_COOKIES: the demo \
                 dialer writes fake calls into real campaigns, so it is refused in production."
            );
        }
        if self.secure_cookies && self.agent_worker.is_some() {
            bail!(
                "SWITCHBOARD_AGENT_WORKER is on together with SWITCHBOARD_SECURE_COOKIES: the demo \
                 agent worker writes made-up drafts and sends them, so it is refused in production."
            );
        }
        Ok(())
    }

    /// Settings for tests: an ephemeral port, no demo, no simulator, no agent worker.
    pub fn for_tests(database_url: String) -> Self {
        Settings {
            database_url,
            migration_url: None,
            addr: "127.0.0.1:0".parse().expect("valid address"),
            public_url: None,
            site_root: "target/site".into(),
            max_connections: 5,
            seed_demo: false,
            simulator: None,
            agent_worker: None,
            secure_cookies: false,
            limits: Limits::default(),
            realtime: RealtimeConfig::default(),
            operations: OperationsConfig::default(),
            presence: crate::presence::PresenceConfig::default(),
        }
    }
}

/// How long a pooled connection may be waited for before a request fails.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(pairs: &[(&str, &str)]) -> anyhow::Result<Settings> {
        let mut all = vec![("DATABASE_URL", "postgres://localhost/x")];
        all.extend_from_slice(pairs);
        Settings::from_source(&Source::from_pairs(&all))
    }

    #[test]
    fn the_demo_and_the_simulator_refuse_to_start_with_secure_cookies() {
        let err = settings(&[
            ("SWITCHBOARD_SECURE_COOKIES", "on"),
            ("SWITCHBOARD_SEED_DEMO", "on"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("create-admin"), "{err}");
        let err = settings(&[
            ("SWITCHBOARD_SECURE_COOKIES", "on"),
            ("SWITCHBOARD_SIMULATOR", "on"),
        ])
        .unwrap_err();
        assert!(err.to_string().contains("refused in production"), "{err}");
        assert!(settings(&[("SWITCHBOARD_SECURE_COOKIES", "on")]).is_ok());
        assert!(settings(&[
            ("SWITCHBOARD_SEED_DEMO", "on"),
            ("SWITCHBOARD_SIMULATOR", "on")
        ])
        .is_ok());
    }

    #[test]
    fn the_agent_worker_is_off_unless_set_and_refuses_to_start_with_secure_cookies() {
        assert!(settings(&[]).unwrap().agent_worker.is_none());
        assert!(settings(&[("SWITCHBOARD_AGENT_WORKER", "off")])
            .unwrap()
            .agent_worker
            .is_none());
        let on = settings(&[("SWITCHBOARD_AGENT_WORKER", "on")]).unwrap();
        assert_eq!(
            on.agent_worker.unwrap().tick,
            std::time::Duration::from_millis(250)
        );
        let err = settings(&[
            ("SWITCHBOARD_SECURE_COOKIES", "on"),
            ("SWITCHBOARD_AGENT_WORKER", "on"),
        ])
        .unwrap_err();
        assert!(
            err.to_string().contains("SWITCHBOARD_AGENT_WORKER")
                && err.to_string().contains("refused in production"),
            "{err}"
        );
        assert!(settings(&[("SWITCHBOARD_AGENT_WORKER", "maybe")]).is_err());
    }

    #[test]
    fn the_public_url_is_an_origin() {
        let s = settings(&[("SWITCHBOARD_PUBLIC_URL", "https://sb.example/")]).unwrap();
        assert_eq!(s.public_url.as_deref(), Some("https://sb.example"));
        assert!(settings(&[("SWITCHBOARD_PUBLIC_URL", "sb.example")]).is_err());
        assert!(settings(&[("SWITCHBOARD_PUBLIC_URL", "https://sb.example/app")]).is_err());
    }
}
