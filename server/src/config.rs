//! Configuration, read from the environment (see `.env.example`).

use std::net::SocketAddr;
use std::time::Duration;

use anyhow::{bail, Context};

use crate::demo::simulator::SimulatorConfig;
use crate::realtime::RealtimeConfig;

#[derive(Clone, Debug)]
pub struct Settings {
    /// Postgres connection string (`DATABASE_URL`).
    pub database_url: String,
    /// Address to listen on (`SWITCHBOARD_ADDR`, default `127.0.0.1:3000`; port 0 picks one).
    pub addr: SocketAddr,
    /// Where `cargo leptos build` put the compiled site (`LEPTOS_SITE_ROOT`, default `target/site`).
    pub site_root: String,
    /// Largest number of pooled database connections (`DATABASE_MAX_CONNECTIONS`, default 10).
    pub max_connections: u32,
    /// Load the demo organizations, users and campaigns at start (`SWITCHBOARD_SEED_DEMO`).
    pub seed_demo: bool,
    /// Run the demo dialer simulator (`SWITCHBOARD_SIMULATOR`); `None` leaves it off.
    pub simulator: Option<SimulatorConfig>,
    /// Mark the session cookie `Secure` (`SWITCHBOARD_SECURE_COOKIES`; on behind HTTPS).
    pub secure_cookies: bool,
    pub realtime: RealtimeConfig,
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

/// `1/true/yes/on` or `0/false/no/off`.
pub fn parse_flag(name: &str, value: &str) -> anyhow::Result<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        other => bail!("{name} must be on or off (1/0, true/false), not {other:?}"),
    }
}

fn flag(name: &str, default: bool) -> anyhow::Result<bool> {
    var(name).map_or(Ok(default), |v| parse_flag(name, &v))
}

impl Settings {
    pub fn from_env() -> anyhow::Result<Self> {
        let database_url = var("DATABASE_URL").context(
            "DATABASE_URL is not set: use `make run` (which starts a private Postgres) or point it at your database",
        )?;
        let addr = var("SWITCHBOARD_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("SWITCHBOARD_ADDR must be an address like 127.0.0.1:3000")?;
        let max_connections = var("DATABASE_MAX_CONNECTIONS")
            .map(|v| {
                v.parse()
                    .context("DATABASE_MAX_CONNECTIONS must be a number")
            })
            .transpose()?
            .unwrap_or(10);
        let simulator = if flag("SWITCHBOARD_SIMULATOR", false)? {
            let rate = var("SWITCHBOARD_SIMULATOR_RATE")
                .map(|v| {
                    v.parse::<f64>()
                        .context("SWITCHBOARD_SIMULATOR_RATE must be a number")
                })
                .transpose()?
                .unwrap_or(2.0);
            if !(rate > 0.0 && rate <= 100.0) {
                bail!("SWITCHBOARD_SIMULATOR_RATE must be between 0 and 100 calls per second");
            }
            Some(SimulatorConfig {
                calls_per_second: rate,
                ..SimulatorConfig::default()
            })
        } else {
            None
        };
        let mut realtime = RealtimeConfig::default();
        if let Some(secs) = var("SWITCHBOARD_REALTIME_RETENTION_SECS") {
            let secs: u64 = secs.parse().ok().filter(|s| *s >= 60).context(
                "SWITCHBOARD_REALTIME_RETENTION_SECS must be a number of seconds, at least 60",
            )?;
            realtime.retention = Duration::from_secs(secs);
        }
        Ok(Settings {
            database_url,
            addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            max_connections,
            seed_demo: flag("SWITCHBOARD_SEED_DEMO", false)?,
            simulator,
            secure_cookies: flag("SWITCHBOARD_SECURE_COOKIES", false)?,
            realtime,
        })
    }

    /// Settings for tests: an ephemeral port, no demo, no simulator.
    pub fn for_tests(database_url: String) -> Self {
        Settings {
            database_url,
            addr: "127.0.0.1:0".parse().expect("valid address"),
            site_root: "target/site".into(),
            max_connections: 5,
            seed_demo: false,
            simulator: None,
            secure_cookies: false,
            realtime: RealtimeConfig::default(),
        }
    }
}

/// How long a pooled connection may be waited for before a request fails.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::parse_flag;

    #[test]
    fn flags_accept_the_usual_spellings_and_reject_others() {
        assert!(parse_flag("X", "on").unwrap());
        assert!(parse_flag("X", "TRUE").unwrap());
        assert!(!parse_flag("X", "0").unwrap());
        assert!(parse_flag("X", "maybe").is_err());
    }
}
