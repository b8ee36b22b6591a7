//! Token buckets in Postgres (table `auth_throttle`), shared by every server instance: the
//! sign-in limits per account and per client address.

use sqlx::PgPool;

use super::DataError;

/// A bucket's shape: `burst` attempts at once, refilled at `burst` per `window_secs`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Rate {
    pub burst: u32,
    pub window_secs: u32,
}

impl Rate {
    pub fn per_second(self) -> f64 {
        f64::from(self.burst) / f64::from(self.window_secs.max(1))
    }

    /// `"10/300"`: 10 attempts per 300 seconds.
    pub fn parse(s: &str) -> Option<Rate> {
        let (burst, window) = s.trim().split_once('/')?;
        let rate = Rate {
            burst: burst.trim().parse().ok()?,
            window_secs: window.trim().parse().ok()?,
        };
        (rate.burst >= 1 && rate.window_secs >= 1).then_some(rate)
    }
}

/// Take one token from `key`'s bucket: `None` if taken, else the seconds until one is free.
pub async fn take(pool: &PgPool, key: &str, rate: Rate) -> Result<Option<u64>, DataError> {
    let wait: f64 = sqlx::query_scalar("SELECT auth_throttle_take($1, $2, $3)")
        .bind(key)
        .bind(f64::from(rate.burst))
        .bind(rate.per_second())
        .fetch_one(pool)
        .await?;
    Ok((wait > 0.0).then(|| wait.ceil().max(1.0) as u64))
}

/// Give back a token taken from `key`'s bucket (a sign-in that succeeded).
pub async fn refund(pool: &PgPool, key: &str, rate: Rate) -> Result<(), DataError> {
    sqlx::query("SELECT auth_throttle_refund($1, $2)")
        .bind(key)
        .bind(f64::from(rate.burst))
        .execute(pool)
        .await?;
    Ok(())
}

/// Forget buckets untouched for `idle_secs` (by then every bucket is full again).
pub async fn prune(pool: &PgPool, idle_secs: u64) -> Result<u64, DataError> {
    let done = sqlx::query(
        "DELETE FROM auth_throttle WHERE updated_at < now() - make_interval(secs => $1)",
    )
    .bind(idle_secs as f64)
    .execute(pool)
    .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_read_as_attempts_per_seconds() {
        assert_eq!(
            Rate::parse("10/300"),
            Some(Rate {
                burst: 10,
                window_secs: 300
            })
        );
        assert!((Rate::parse(" 6 / 60 ").unwrap().per_second() - 0.1).abs() < 1e-9);
        for bad in ["", "10", "0/60", "10/0", "a/b", "-1/60"] {
            assert_eq!(Rate::parse(bad), None, "{bad:?}");
        }
    }
}
