//! Follow-ups: listing them, cancelling and rescheduling the ones still scheduled.

use sqlx::types::Json;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::agents::{FollowUp, FollowUpStatus, RescheduleFollowUp};
use crate::model::CurrentUser;

/// Most follow-ups a list returns.
pub const MAX_FOLLOW_UPS: i64 = 200;

/// The organization's follow-ups (in `status` when given): scheduled ones soonest first,
/// others latest first; of one contact when `contact` is given.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    status: Option<FollowUpStatus>,
    contact: Option<Uuid>,
    limit: i64,
) -> Result<Vec<FollowUp>, DataError> {
    let order = if status == Some(FollowUpStatus::Scheduled) {
        "scheduled_for, id"
    } else {
        "COALESCE(executed_at, cancelled_at, scheduled_for) DESC, id DESC"
    };
    let rows: Vec<Json<FollowUp>> = sqlx::query_scalar(&format!(
        "SELECT to_jsonb(f) FROM follow_ups f WHERE organization_id = $1 \
         AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR contact_id = $3) \
         ORDER BY {order} LIMIT $4"
    ))
    .bind(org)
    .bind(status.map(|s| s.as_str()))
    .bind(contact)
    .bind(limit.clamp(1, MAX_FOLLOW_UPS))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// Lock the follow-up and check it is still scheduled.
async fn lock_scheduled(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    id: Uuid,
) -> Result<(), DataError> {
    let current: Option<Json<FollowUp>> = sqlx::query_scalar(
        "SELECT to_jsonb(f) FROM follow_ups f WHERE organization_id = $1 AND id = $2 FOR UPDATE",
    )
    .bind(org)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    let current = current.ok_or(DataError::NotFound("follow-up"))?.0;
    if current.status != FollowUpStatus::Scheduled {
        return Err(DataError::Conflict {
            message: format!(
                "This follow-up was already {}.",
                current.status.label().to_lowercase()
            ),
            details: serde_json::json!({ "follow_up": current }),
        });
    }
    Ok(())
}

/// Cancel a scheduled follow-up.
pub async fn cancel(pool: &PgPool, actor: &CurrentUser, id: Uuid) -> Result<FollowUp, DataError> {
    DataError::require_actor(actor)?;
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::user(actor, None)).await?;
    lock_scheduled(&mut tx, actor.organization_id, id).await?;
    let row: Json<FollowUp> = sqlx::query_scalar(
        "UPDATE follow_ups SET status = 'cancelled', cancelled_by = $3, cancelled_at = now() \
         WHERE organization_id = $1 AND id = $2 RETURNING to_jsonb(follow_ups.*)",
    )
    .bind(actor.organization_id)
    .bind(id)
    .bind(actor.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.0)
}

/// Move a scheduled follow-up to another time (in the future, within a year).
pub async fn reschedule(
    pool: &PgPool,
    actor: &CurrentUser,
    id: Uuid,
    req: &RescheduleFollowUp,
) -> Result<FollowUp, DataError> {
    DataError::require_actor(actor)?;
    if let Some(problem) = req.problem(chrono::Utc::now()) {
        return Err(DataError::Invalid(problem));
    }
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::user(actor, None)).await?;
    lock_scheduled(&mut tx, actor.organization_id, id).await?;
    let row: Json<FollowUp> = sqlx::query_scalar(
        "UPDATE follow_ups SET scheduled_for = $3 WHERE organization_id = $1 AND id = $2 \
         RETURNING to_jsonb(follow_ups.*)",
    )
    .bind(actor.organization_id)
    .bind(id)
    .bind(req.scheduled_for)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(row.0)
}
