use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::{Activity, MinuteCount, ACTIVITY_MINUTES};

/// Calls of the organization (or one campaign) that finished in each minute of the last hour.
pub async fn last_hour(
    db: &mut Snapshot,
    org: Uuid,
    campaign: Option<Uuid>,
) -> Result<Activity, DataError> {
    let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
        "SELECT (extract(epoch FROM date_trunc('minute', ended_at)) / 60)::bigint AS minute, \
                count(*) FILTER (WHERE status = 'ENDED'), count(*) FILTER (WHERE status = 'FAILED') \
         FROM calls \
         WHERE organization_id = $1 AND ($2::uuid IS NULL OR campaign_id = $2) \
           AND ended_at >= date_trunc('minute', now()) - make_interval(mins => $3::int - 1) \
           AND status IN ('ENDED', 'FAILED') \
         GROUP BY 1 ORDER BY 1",
    )
    .bind(org)
    .bind(campaign)
    .bind(ACTIVITY_MINUTES as i32)
    .fetch_all(db.conn())
    .await?;
    Ok(Activity {
        minutes: rows
            .into_iter()
            .map(|(minute, ended, failed)| MinuteCount {
                minute,
                ended,
                failed,
            })
            .collect(),
    })
}
