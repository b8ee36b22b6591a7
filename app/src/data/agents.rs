//! Agents, their figures for today, and their activity log.

use sqlx::types::Json;
use uuid::Uuid;

use super::{DataError, Snapshot};
use crate::model::agents::{Agent, AgentActivity, AgentMetrics, AgentSummary};

/// Newest activity entries a feed shows.
pub const FEED_LENGTH: i64 = 50;

#[derive(sqlx::FromRow)]
struct SummaryRow {
    agent: Json<Agent>,
    completed_today: i64,
    failed_today: i64,
    work_seconds_today: f64,
    pending: i64,
    in_progress: i64,
}

impl From<SummaryRow> for AgentSummary {
    fn from(r: SummaryRow) -> Self {
        AgentSummary {
            agent: r.agent.0,
            metrics: AgentMetrics {
                completed_today: r.completed_today,
                failed_today: r.failed_today,
                work_seconds_today: r.work_seconds_today,
                pending: r.pending,
                in_progress: r.in_progress,
            },
        }
    }
}

const SUMMARY_SQL: &str = r#"
SELECT to_jsonb(a) AS agent, m.*
FROM agents a
CROSS JOIN LATERAL (
    SELECT count(*) FILTER (WHERE status = 'completed' AND completed_at >= date_trunc('day', now(), 'UTC')) AS completed_today,
           count(*) FILTER (WHERE status = 'failed' AND completed_at >= date_trunc('day', now(), 'UTC'))    AS failed_today,
           COALESCE(sum(extract(epoch FROM completed_at - started_at)::float8)
               FILTER (WHERE status = 'completed' AND completed_at >= date_trunc('day', now(), 'UTC')), 0)  AS work_seconds_today,
           count(*) FILTER (WHERE status = 'pending')     AS pending,
           count(*) FILTER (WHERE status = 'in_progress') AS in_progress
    FROM agent_tasks t WHERE t.agent_id = a.id
) m
WHERE a.organization_id = $1
"#;

/// The organization's agents with today's figures, by name.
pub async fn list(db: &mut Snapshot, org: Uuid) -> Result<Vec<AgentSummary>, DataError> {
    let sql = format!("{SUMMARY_SQL} ORDER BY a.name, a.id");
    let rows: Vec<SummaryRow> = sqlx::query_as(&sql).bind(org).fetch_all(db.conn()).await?;
    Ok(rows.into_iter().map(AgentSummary::from).collect())
}

/// One agent with its figures; `NotFound` for an id of another organization.
pub async fn get(db: &mut Snapshot, org: Uuid, id: Uuid) -> Result<AgentSummary, DataError> {
    let sql = format!("{SUMMARY_SQL} AND a.id = $2");
    let row: Option<SummaryRow> = sqlx::query_as(&sql)
        .bind(org)
        .bind(id)
        .fetch_optional(db.conn())
        .await?;
    row.map(AgentSummary::from)
        .ok_or(DataError::NotFound("agent"))
}

/// The organization's agents (no figures), by name: for names and the "assign" form.
pub async fn all(db: &mut Snapshot, org: Uuid) -> Result<Vec<Agent>, DataError> {
    let rows: Vec<Json<Agent>> = sqlx::query_scalar(
        "SELECT to_jsonb(a) FROM agents a WHERE organization_id = $1 ORDER BY name, id",
    )
    .bind(org)
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// The newest activity of the organization, or of one of its agents; newest first.
pub async fn activity(
    db: &mut Snapshot,
    org: Uuid,
    agent: Option<Uuid>,
    limit: i64,
) -> Result<Vec<AgentActivity>, DataError> {
    let rows: Vec<Json<AgentActivity>> = sqlx::query_scalar(
        "SELECT to_jsonb(x) FROM agent_activity x WHERE organization_id = $1 \
         AND ($2::uuid IS NULL OR agent_id = $2) ORDER BY id DESC LIMIT $3",
    )
    .bind(org)
    .bind(agent)
    .bind(limit)
    .fetch_all(db.conn())
    .await?;
    Ok(rows.into_iter().map(|j| j.0).collect())
}

/// An agent's page: the agent with its figures, its newest tasks and activity, and the
/// contacts they are about.
pub async fn detail(
    db: &mut Snapshot,
    org: Uuid,
    id: Uuid,
) -> Result<crate::model::agents::AgentDetail, DataError> {
    use super::tasks::{self, TaskFilter};
    let agent = get(db, org, id).await?;
    let filter = TaskFilter {
        agent: Some(id),
        ..TaskFilter::default()
    };
    let tasks = tasks::list(db, org, filter, FEED_LENGTH).await?;
    let activity = activity(db, org, Some(id), FEED_LENGTH).await?;
    let ids = crate::model::agents::unique_ids(
        tasks
            .iter()
            .map(|t| t.contact_id)
            .chain(activity.iter().filter_map(|a| a.contact_id)),
    );
    let mut contacts = super::contact_refs::by_ids(db, org, &ids).await?;
    contacts.sort_by(|a, b| a.name.cmp(&b.name).then(a.id.cmp(&b.id)));
    Ok(crate::model::agents::AgentDetail {
        agent,
        tasks,
        activity,
        contacts,
        cursor: db.cursor().await?,
    })
}
