//! Browser-reported commit → render latency: fixed buckets, quantiles, reports.

use serde::{Deserialize, Serialize};

/// Upper bounds (ms) of the buckets browsers sort commit → render latencies into; a last,
/// open bucket holds everything slower.
pub const LATENCY_BUCKETS_MS: [u32; 11] =
    [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
/// Counts per report: one per bucket of [`LATENCY_BUCKETS_MS`] plus the open one.
pub const LATENCY_COUNTS: usize = LATENCY_BUCKETS_MS.len() + 1;
/// Most samples one report may carry (browsers sample; more is a bug or abuse).
pub const MAX_LATENCY_SAMPLES: u64 = 10_000;

/// Bucket index of a latency in ms.
pub fn latency_bucket(ms: f64) -> usize {
    LATENCY_BUCKETS_MS
        .iter()
        .position(|&b| ms <= b as f64)
        .unwrap_or(LATENCY_BUCKETS_MS.len())
}

/// The `q` quantile (0..1) of a bucketed histogram, as the bucket's upper bound in ms
/// (the open bucket reports twice the last bound). `None` when empty.
pub fn latency_quantile(counts: &[i64], q: f64) -> Option<f64> {
    let total: i64 = counts.iter().sum();
    if total <= 0 {
        return None;
    }
    let rank = ((q * total as f64).ceil() as i64).clamp(1, total);
    let mut seen = 0;
    for (i, c) in counts.iter().enumerate() {
        seen += c;
        if seen >= rank {
            return Some(LATENCY_BUCKETS_MS.get(i).map_or(
                LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.len() - 1] as f64 * 2.0,
                |b| *b as f64,
            ));
        }
    }
    None
}

/// `POST /api/telemetry/latency`: commit → render latencies a browser measured since its last
/// report, counted into [`LATENCY_BUCKETS_MS`].
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct LatencyReport {
    /// [`LATENCY_COUNTS`] counts, one per bucket.
    pub counts: Vec<u64>,
}

impl LatencyReport {
    /// Why the report cannot be accepted, if it cannot.
    pub fn problem(&self) -> Option<String> {
        if self.counts.len() != LATENCY_COUNTS {
            return Some(format!(
                "counts must have {LATENCY_COUNTS} entries (one per bucket), not {}",
                self.counts.len()
            ));
        }
        let total: u64 = self.counts.iter().fold(0u64, |a, c| a.saturating_add(*c));
        if total == 0 || total > MAX_LATENCY_SAMPLES {
            return Some(format!(
                "a report carries 1 to {MAX_LATENCY_SAMPLES} samples, not {total}"
            ));
        }
        None
    }
}

/// `GET /api/telemetry/clock`: the server's clock, so a browser can measure latencies against
/// commit times whatever its own clock says.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ServerClock {
    pub now_ms: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latency_buckets_and_quantiles_agree() {
        assert_eq!(latency_bucket(3.0), 0);
        assert_eq!(latency_bucket(10.0), 0);
        assert_eq!(latency_bucket(11.0), 1);
        assert_eq!(latency_bucket(1e9), LATENCY_BUCKETS_MS.len());
        let mut counts = vec![0i64; LATENCY_COUNTS];
        counts[latency_bucket(40.0)] = 98;
        counts[latency_bucket(800.0)] = 2;
        assert_eq!(latency_quantile(&counts, 0.5), Some(50.0));
        assert_eq!(latency_quantile(&counts, 0.99), Some(1000.0));
        assert_eq!(latency_quantile(&[0; LATENCY_COUNTS], 0.5), None);
    }

    #[test]
    fn latency_reports_are_bounded() {
        let ok = LatencyReport {
            counts: vec![1; LATENCY_COUNTS],
        };
        assert_eq!(ok.problem(), None);
        let short = LatencyReport { counts: vec![1; 3] };
        assert!(short.problem().unwrap().contains("entries"));
        let mut huge = vec![0; LATENCY_COUNTS];
        huge[0] = u64::MAX;
        huge[1] = 5;
        assert!(LatencyReport { counts: huge }.problem().is_some());
        let empty = LatencyReport {
            counts: vec![0; LATENCY_COUNTS],
        };
        assert!(empty.problem().is_some());
    }
}
