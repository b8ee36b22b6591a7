//! The statements of the agent worker's steps. Each applies a whole batch at once: the rows a
//! step took arrive as one JSON array (`$1`), one object per row.

pub const TASKS: &str = "SELECT t.id, t.organization_id, t.agent_id, t.contact_id, t.kind, \
    c.name AS contact, k.name AS campaign, a.kind AS agent_kind FROM agent_tasks t \
    JOIN contacts c ON c.id = t.contact_id JOIN campaigns k ON k.id = c.campaign_id \
    JOIN agents a ON a.id = t.agent_id";

pub const ACTIVITY_COLUMNS: &str = "organization_id, agent_id, contact_id, task_id, kind, message";

pub const START: &str = "UPDATE agent_tasks t SET status = 'in_progress', started_at = now(), \
    finish_at = now() + make_interval(secs => x.secs) \
    FROM jsonb_to_recordset($1) AS x(id uuid, secs float8) WHERE t.id = x.id";

/// A draft per completed task (a unique key: one already there is linked, not doubled); an
/// agent with a failure needs attention, one with no other task in progress is idle.
pub const FINISH: &str = "WITH x AS (SELECT x.*, t.organization_id, t.contact_id, t.agent_id \
        FROM jsonb_to_recordset($1) AS x(id uuid, error text, channel text, subject text, body text) \
        JOIN agent_tasks t ON t.id = x.id), \
    d AS (INSERT INTO drafts (organization_id, contact_id, task_id, agent_id, channel, subject, body) \
        SELECT organization_id, contact_id, id, agent_id, channel, subject, body FROM x \
        WHERE error IS NULL ON CONFLICT (task_id) DO NOTHING RETURNING id, task_id), \
    a AS (UPDATE agents a SET status = CASE WHEN g.failed THEN 'error' \
            WHEN EXISTS (SELECT 1 FROM agent_tasks t WHERE t.agent_id = a.id \
                AND t.status = 'in_progress' AND t.id NOT IN (SELECT id FROM x)) THEN 'active' \
            ELSE 'idle' END \
        FROM (SELECT agent_id, bool_or(error IS NOT NULL) AS failed FROM x GROUP BY agent_id) g \
        WHERE a.id = g.agent_id) \
    UPDATE agent_tasks t SET completed_at = now(), error = x.error, \
        status = CASE WHEN x.error IS NULL THEN 'completed' ELSE 'failed' END, \
        draft_id = CASE WHEN x.error IS NULL \
            THEN COALESCE(d.id, (SELECT e.id FROM drafts e WHERE e.task_id = x.id)) END \
    FROM x LEFT JOIN d ON d.task_id = x.id WHERE t.id = x.id";

pub const SEND: &str = "WITH x AS (SELECT * FROM jsonb_to_recordset($1) \
        AS x(id uuid, organization_id uuid, contact_id uuid, agent_id uuid, secs float8)), \
    s AS (UPDATE drafts d SET status = 'sent', sent_at = now() FROM x WHERE d.id = x.id) \
    INSERT INTO follow_ups (organization_id, contact_id, agent_id, draft_id, scheduled_for) \
    SELECT organization_id, contact_id, agent_id, id, now() + make_interval(secs => secs) \
    FROM x WHERE agent_id IS NOT NULL";

pub const EXECUTE: &str =
    "WITH x AS (SELECT * FROM jsonb_to_recordset($1) AS x(id uuid, task uuid, \
        organization_id uuid, contact_id uuid, agent_id uuid, kind text, result text)), \
    t AS (INSERT INTO agent_tasks (id, organization_id, contact_id, agent_id, kind) \
        SELECT task, organization_id, contact_id, agent_id, kind FROM x) \
    UPDATE follow_ups f SET status = 'executed', executed_at = now(), result = x.result \
    FROM x WHERE f.id = x.id";
