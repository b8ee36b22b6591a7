//! Browser-reported commit → render latency: fixed buckets, quantiles, reports.

use serde::{Deserialize, Serialize};

/// Upper bounds (ms) of the buckets browsers sort commit → render latencies into; a last,
/// open bucket holds everything slower.
pub const LATENCY_BUCKETS_MS: [u32; 11] =
    [10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000];
/// Counts per report: one per bucket of [`LATENCY_BUCKETS_MS`] plus the open one.
pub const LATENCY_COUNTS: usize = LATENCY_BUCKETS_MS.len() + 1;
/// Most samples a browser counts per report (it stops counting there), and so the most any
/// one bucket of a report may hold.
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
    /// [`LATENCY_COUNTS`] counts, one per bucket, each at most [`MAX_LATENCY_SAMPLES`].
    #[cfg_attr(feature = "ssr", schema(schema_with = counts_schema))]
    #[serde(deserialize_with = "whole_numbers")]
    pub counts: Vec<u64>,
}

/// Counts as JSON numbers: `67` or `67.0` (JSON Schema's integers), never `67.5` or `-1`.
fn whole_numbers<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
    use serde::de::Error;
    Vec::<f64>::deserialize(d)?
        .into_iter()
        .map(|n| {
            if n.fract() == 0.0 && (0.0..=u64::MAX as f64).contains(&n) {
                Ok(n as u64)
            } else {
                Err(D::Error::custom(format!(
                    "counts are whole numbers from 0, not {n}"
                )))
            }
        })
        .collect()
}

#[cfg(feature = "ssr")]
fn counts_schema() -> utoipa::openapi::schema::Array {
    use utoipa::openapi::schema::{ArrayBuilder, ObjectBuilder, SchemaType, Type};
    ArrayBuilder::new()
        .items(
            ObjectBuilder::new()
                .schema_type(SchemaType::new(Type::Integer))
                .minimum(Some(0))
                .maximum(Some(MAX_LATENCY_SAMPLES as f64)),
        )
        .min_items(Some(LATENCY_COUNTS))
        .max_items(Some(LATENCY_COUNTS))
        .build()
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
        if let Some(c) = self.counts.iter().find(|c| **c > MAX_LATENCY_SAMPLES) {
            return Some(format!(
                "a bucket holds at most {MAX_LATENCY_SAMPLES} samples, not {c}"
            ));
        }
        None
    }

    /// No sample at all: nothing to record.
    pub fn is_empty(&self) -> bool {
        self.counts.iter().all(|c| *c == 0)
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
        let parsed: LatencyReport =
            serde_json::from_str(r#"{"counts":[1,2.0,3,0,0,0,0,0,0,0,0,0]}"#).unwrap();
        assert_eq!(parsed.counts[1], 2);
        assert!(serde_json::from_str::<LatencyReport>(r#"{"counts":[1.5]}"#).is_err());
        assert!(serde_json::from_str::<LatencyReport>(r#"{"counts":[-1]}"#).is_err());
        let empty = LatencyReport {
            counts: vec![0; LATENCY_COUNTS],
        };
        assert_eq!(empty.problem(), None);
        assert!(empty.is_empty());
    }
}
