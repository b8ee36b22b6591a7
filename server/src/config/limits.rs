//! The limits that keep one client (or one tenant) from taking the server down: sign-in rate
//! limits and password-check concurrency, timeouts, connection and stream caps.

use std::time::Duration;

use anyhow::{bail, Context};

use app::data::throttle::Rate;

use super::Source;
use crate::realtime::connections::StreamLimits;

#[derive(Clone, Debug)]
pub struct Limits {
    /// Failed sign-in attempts per account (`SWITCHBOARD_SIGN_IN_LIMIT_ACCOUNT`, default
    /// `10/300`: 10 at once, refilled at 10 per 300 s). Only that account waits; others are
    /// untouched.
    pub sign_in_per_account: Rate,
    /// Sign-in attempts per client address (`SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS`, default
    /// `30/60`; IPv6 counts per /64).
    pub sign_in_per_address: Rate,
    /// Password checks (Argon2, ~19 MiB each) running at once
    /// (`SWITCHBOARD_PASSWORD_CHECKS`, default: the number of cores).
    pub password_checks: usize,
    /// How long a sign-in waits for a free password check before a 429.
    pub password_check_wait: Duration,
    /// Use the last `X-Forwarded-For` address as the client's (`SWITCHBOARD_TRUST_FORWARDED_FOR`,
    /// default off): only behind a proxy that sets it.
    pub trust_forwarded_for: bool,
    /// A request (other than an event stream) must be answered within this
    /// (`SWITCHBOARD_REQUEST_TIMEOUT_SECS`, default 30): 408 otherwise.
    pub request_timeout: Duration,
    /// A client must send its request headers within this (`SWITCHBOARD_HEADER_TIMEOUT_SECS`,
    /// default 30), or the connection is closed.
    pub header_read_timeout: Duration,
    /// Open connections at once (`SWITCHBOARD_MAX_CONNECTIONS`, default 12,000); beyond it a
    /// new connection gets a 429 and is closed.
    pub max_connections: usize,
}

/// Largest request body (JSON, forms, server-function arguments).
pub const MAX_REQUEST_BODY: usize = 64 * 1024;

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            sign_in_per_account: Rate {
                burst: 10,
                window_secs: 300,
            },
            sign_in_per_address: Rate {
                burst: 30,
                window_secs: 60,
            },
            password_checks: cores(),
            password_check_wait: Duration::from_millis(500),
            trust_forwarded_for: false,
            request_timeout: Duration::from_secs(30),
            header_read_timeout: Duration::from_secs(30),
            max_connections: 12_000,
        }
    }
}

fn rate(env: &Source, name: &str, default: Rate) -> anyhow::Result<Rate> {
    env.var(name).map_or(Ok(default), |v| {
        Rate::parse(&v)
            .with_context(|| format!("{name} must read attempts/seconds, e.g. 10/300, not {v:?}"))
    })
}

fn seconds(env: &Source, name: &str, default: Duration) -> anyhow::Result<Duration> {
    let secs: u64 = env.number(name, default.as_secs())?;
    if secs == 0 {
        bail!("{name} must be at least 1 second");
    }
    Ok(Duration::from_secs(secs))
}

fn at_least_one(env: &Source, name: &str, default: usize) -> anyhow::Result<usize> {
    let n: usize = env.number(name, default)?;
    if n == 0 {
        bail!("{name} must be at least 1");
    }
    Ok(n)
}

impl Limits {
    pub fn from_source(env: &Source) -> anyhow::Result<Self> {
        let d = Limits::default();
        Ok(Limits {
            sign_in_per_account: rate(
                env,
                "SWITCHBOARD_SIGN_IN_LIMIT_ACCOUNT",
                d.sign_in_per_account,
            )?,
            sign_in_per_address: rate(
                env,
                "SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS",
                d.sign_in_per_address,
            )?,
            password_checks: at_least_one(env, "SWITCHBOARD_PASSWORD_CHECKS", d.password_checks)?,
            password_check_wait: d.password_check_wait,
            trust_forwarded_for: env.flag("SWITCHBOARD_TRUST_FORWARDED_FOR", false)?,
            request_timeout: seconds(env, "SWITCHBOARD_REQUEST_TIMEOUT_SECS", d.request_timeout)?,
            header_read_timeout: seconds(
                env,
                "SWITCHBOARD_HEADER_TIMEOUT_SECS",
                d.header_read_timeout,
            )?,
            max_connections: at_least_one(env, "SWITCHBOARD_MAX_CONNECTIONS", d.max_connections)?,
        })
    }

    /// How long an idle sign-in bucket is kept: long enough for any of them to refill.
    pub fn sign_in_idle_secs(&self) -> u64 {
        u64::from(
            self.sign_in_per_account
                .window_secs
                .max(self.sign_in_per_address.window_secs),
        )
    }
}

/// Open event streams (`SWITCHBOARD_STREAMS_PER_USER`, `..._PER_ORGANIZATION`,
/// `..._PER_INSTANCE`); the realtime engine enforces them.
pub fn stream_limits(env: &Source) -> anyhow::Result<StreamLimits> {
    let d = StreamLimits::default();
    Ok(StreamLimits {
        per_user: at_least_one(env, "SWITCHBOARD_STREAMS_PER_USER", d.per_user)?,
        per_organization: at_least_one(
            env,
            "SWITCHBOARD_STREAMS_PER_ORGANIZATION",
            d.per_organization,
        )?,
        per_instance: at_least_one(env, "SWITCHBOARD_STREAMS_PER_INSTANCE", d.per_instance)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_read_from_the_environment_and_refuse_nonsense() {
        let env = Source::from_pairs(&[
            ("SWITCHBOARD_SIGN_IN_LIMIT_ACCOUNT", "3/60"),
            ("SWITCHBOARD_STREAMS_PER_USER", "2"),
            ("SWITCHBOARD_REQUEST_TIMEOUT_SECS", "5"),
        ]);
        let l = Limits::from_source(&env).unwrap();
        assert_eq!(l.sign_in_per_account.burst, 3);
        assert_eq!(stream_limits(&env).unwrap().per_user, 2);
        assert_eq!(l.request_timeout, Duration::from_secs(5));
        assert_eq!(l.sign_in_per_address, Limits::default().sign_in_per_address);
        for bad in [
            ("SWITCHBOARD_SIGN_IN_LIMIT_ADDRESS", "lots"),
            ("SWITCHBOARD_STREAMS_PER_USER", "0"),
            ("SWITCHBOARD_HEADER_TIMEOUT_SECS", "0"),
        ] {
            let env = Source::from_pairs(&[bad]);
            assert!(
                Limits::from_source(&env).is_err() || stream_limits(&env).is_err(),
                "{bad:?}"
            );
        }
    }
}
