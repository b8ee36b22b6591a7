//! Agents and their tasks: who works on contacts, what they were asked to do, and asking them.

use axum::extract::State;
use axum::http::StatusCode;
use axum::Json;
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use app::data::agents as agent_data;
use app::data::tasks::{self as task_data, TaskFilter, MAX_TASKS};
use app::data::Snapshot;
use app::model::agents::{
    AgentDetail, AgentList, AgentSummary, AgentTask, AssignTask, TaskList, TaskStatus,
};

use crate::auth::extract::{ApiJson, ApiPath, ApiQuery, AuthUser};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TasksQuery {
    /// Only tasks in this status.
    status: Option<TaskStatus>,
    /// Only tasks for this contact.
    contact_id: Option<Uuid>,
    /// Only tasks of this agent.
    agent_id: Option<Uuid>,
    /// 1 to 200, default 50.
    #[param(minimum = 1, maximum = 200)]
    limit: Option<i64>,
}

/// The organization's agents with today's figures, by name.
#[utoipa::path(
    get, path = "/api/agents", tag = "agents",
    responses((status = 200, body = AgentList), (status = 401, body = ErrorBody)),
    security(("bearer" = []))
)]
pub async fn list(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
) -> Result<Json<AgentList>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    let agents: Vec<AgentSummary> = agent_data::list(&mut db, u.organization_id).await?;
    let cursor = db.cursor().await?;
    Ok(Json(AgentList { agents, cursor }))
}

/// One agent: its figures, its 50 newest tasks and activity entries, and the contacts they
/// are about; all consistent with `cursor`.
#[utoipa::path(
    get, path = "/api/agents/{id}", tag = "agents",
    params(("id" = Uuid, Path, description = "Agent id")),
    responses(
        (status = 200, body = AgentDetail),
        (status = 400, description = "Malformed id", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 404, description = "No such agent in your organization", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn get(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<AgentDetail>, ApiError> {
    let mut db = Snapshot::begin(&s.pool).await?;
    Ok(Json(
        agent_data::detail(&mut db, u.organization_id, id).await?,
    ))
}

/// The organization's agent tasks, newest first, optionally of one status, contact or agent
/// (ids of another organization match nothing).
#[utoipa::path(
    get, path = "/api/agent-tasks", tag = "agents",
    params(TasksQuery),
    responses(
        (status = 200, body = TaskList),
        (status = 400, description = "Unknown status, malformed id, limit out of range or unknown parameter", body = ErrorBody),
        (status = 401, body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn tasks(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiQuery(q): ApiQuery<TasksQuery>,
) -> Result<Json<TaskList>, ApiError> {
    let limit = super::limit(q.limit, MAX_TASKS)?;
    let filter = TaskFilter {
        status: q.status,
        contact: q.contact_id,
        agent: q.agent_id,
    };
    let mut db = Snapshot::begin(&s.pool).await?;
    let tasks = task_data::list(&mut db, u.organization_id, filter, limit).await?;
    let cursor = db.cursor().await?;
    Ok(Json(TaskList { tasks, cursor }))
}

/// Ask an agent to draft a message for a contact. Organizers and admins.
#[utoipa::path(
    post, path = "/api/contacts/{id}/tasks", tag = "agents",
    params(("id" = Uuid, Path, description = "Contact id")),
    request_body = AssignTask,
    responses(
        (status = 201, description = "Assigned: the new task, pending", body = AgentTask),
        (status = 400, description = "Malformed id or JSON", body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 403, description = "Operators may not assign tasks", body = ErrorBody),
        (status = 404, description = "No such contact or agent in your organization", body = ErrorBody),
        (status = 413, body = ErrorBody),
        (status = 415, body = ErrorBody),
        (status = 422, description = "Missing, wrong or unknown fields", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn assign(
    State(s): State<AppState>,
    AuthUser(u): AuthUser,
    ApiPath(contact): ApiPath<Uuid>,
    ApiJson(req): ApiJson<AssignTask>,
) -> Result<(StatusCode, Json<AgentTask>), ApiError> {
    let task = task_data::assign(&s.pool, &u, contact, &req).await?;
    Ok((StatusCode::CREATED, Json(task)))
}
