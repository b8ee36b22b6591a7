//! Agent tasks: listing them, and assigning a new one to an agent.

use sqlx::types::Json;
use sqlx::PgPool;
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::agents::{AgentTask, AssignTask, TaskStatus};
use crate::model::CurrentUser;

/// Most tasks a list returns.
pub const MAX_TASKS: i64 = 200;

/// Which tasks to list (every part optional).
#[derive(Clone, Copy, Debug, Default)]
pub struct TaskFilter {
    pub status: Option<TaskStatus>,
    pub contact: Option<Uuid>,
    pub agent: Option<Uuid>,
}

/// The organization's tasks matching `filter`, newest first, at most `limit`.
pub async fn list(
    db: &mut Snapshot,
    org: Uuid,
    filter: TaskFilter,
    limit: i64,
) -> Result<Vec<AgentTask>, DataError> {
    let rows: Vec<Json<AgentTask>> = sqlx::query_scalar(
        "SELECT to_jsonb(t) FROM agent_tasks t WHERE organization_id = $1 \
         AND ($2::text IS NULL OR status = $2) AND ($3::uuid IS NULL OR contact_id = $3) \
         AND ($4::uuid IS NULL OR agent_id = $4) ORDER BY created_at DESC, id DESC LIMIT $5",
    )
    .bind(org)
    .bind(filter.status.map(|s| s.as_str()))
    .bind(filter.contact)
    .bind(filter.agent)
    .bind(limit.clamp(1, MAX_TASKS))
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// Ask `req.agent_id` to work on `contact` for `actor` (organizers and admins). The contact
/// and the agent must be the actor's organization's (`NotFound` otherwise).
pub async fn assign(
    pool: &PgPool,
    actor: &CurrentUser,
    contact: Uuid,
    req: &AssignTask,
) -> Result<AgentTask, DataError> {
    DataError::require_actor(actor)?;
    let org = actor.organization_id;
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::user(actor, None)).await?;
    let found: Option<bool> = sqlx::query_scalar(
        "SELECT EXISTS (SELECT 1 FROM agents WHERE organization_id = $1 AND id = $3) \
         FROM contacts WHERE organization_id = $1 AND id = $2",
    )
    .bind(org)
    .bind(contact)
    .bind(req.agent_id)
    .fetch_optional(&mut *tx)
    .await?;
    match found {
        None => return Err(DataError::NotFound("contact")),
        Some(false) => return Err(DataError::NotFound("agent")),
        Some(true) => {}
    }
    let task: Json<AgentTask> = sqlx::query_scalar(
        "INSERT INTO agent_tasks (organization_id, contact_id, agent_id, kind, assigned_by) \
         VALUES ($1, $2, $3, $4, $5) RETURNING to_jsonb(agent_tasks.*)",
    )
    .bind(org)
    .bind(contact)
    .bind(req.agent_id)
    .bind(req.kind.as_str())
    .bind(actor.id)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(task.0)
}
