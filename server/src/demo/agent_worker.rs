//! The demo agent worker: plays the agent service. Every tick it starts pending tasks, finishes
//! the ones whose work time is up (a draft awaiting approval, or now and then a failure), sends
//! approved drafts and schedules a follow-up, executes follow-ups that came due (a new task),
//! and trims the activity log. All its state is in Postgres: each step is one short
//! transaction over rows it takes with `FOR UPDATE SKIP LOCKED`, so every instance runs it at
//! once (no leader) and no row is worked twice. Agents' rows are locked after the work rows,
//! in id order, so steps never deadlock.

use std::time::Duration;

use anyhow::Context;
use app::model::agents::ActivityKind;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::{json, Value};
use sqlx::{PgPool, Postgres, Transaction};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::agent_copy as copy;
use super::agent_sql::{ACTIVITY_COLUMNS, EXECUTE, FINISH, SEND, START, TASKS};

/// Activity entries kept per agent.
pub const ACTIVITY_KEPT: i64 = 200;
/// Longest pause between ticks while Postgres keeps failing.
const MAX_BACKOFF: Duration = Duration::from_secs(5);

#[derive(Clone, Debug)]
pub struct AgentWorkerConfig {
    /// Time between two ticks (a new task is picked up within one).
    pub tick: Duration,
    /// How long drafting takes: drawn between these.
    pub work_min: Duration,
    pub work_max: Duration,
    /// Share of tasks that fail.
    pub failure_rate: f64,
    /// An approved draft is sent once its approval is this old.
    pub send_delay: Duration,
    /// How long after a send its follow-up comes due: drawn between these.
    pub follow_up_delay_min: Duration,
    pub follow_up_delay_max: Duration,
    /// Multiplies work time, send delay and follow-up delay (1.0 is realistic; tests use less).
    pub time_scale: f64,
    /// Most rows each step takes per tick.
    pub batch: i64,
}

impl Default for AgentWorkerConfig {
    fn default() -> Self {
        AgentWorkerConfig {
            tick: Duration::from_millis(250),
            work_min: Duration::from_secs(3),
            work_max: Duration::from_secs(10),
            failure_rate: 0.05,
            send_delay: Duration::from_millis(1500),
            follow_up_delay_min: Duration::from_secs(120),
            follow_up_delay_max: Duration::from_secs(600),
            time_scale: 1.0,
            batch: 20,
        }
    }
}

/// Run until cancelled. Errors are logged and the pause doubles (up to 5 s) until a tick works.
pub async fn run(pool: PgPool, cfg: AgentWorkerConfig, cancel: CancellationToken) {
    tracing::info!("agent worker started");
    let mut worker = AgentWorker::new(pool, cfg);
    let mut failures: u32 = 0;
    loop {
        let pause = (worker.cfg.tick * 2u32.pow(failures.min(5))).min(MAX_BACKOFF);
        let outcome = tokio::select! {
            () = cancel.cancelled() => break,
            r = async { tokio::time::sleep(pause).await; worker.tick().await } => r,
        };
        match outcome {
            Ok(_) if failures > 0 => {
                tracing::info!(failures, "agent worker reaches Postgres again");
                failures = 0;
            }
            Ok(_) => {}
            Err(e) => {
                failures = failures.saturating_add(1);
                tracing::warn!(error = ?e, failures, "agent worker step failed");
            }
        }
    }
    tracing::info!("agent worker stopped");
}

type Tx<'a> = Transaction<'a, Postgres>;

pub struct AgentWorker {
    pool: PgPool,
    cfg: AgentWorkerConfig,
    rng: StdRng,
}

/// A task, with what its texts need.
#[derive(sqlx::FromRow)]
struct Task {
    id: Uuid,
    organization_id: Uuid,
    agent_id: Uuid,
    contact_id: Uuid,
    kind: String,
    contact: String,
    campaign: String,
    agent_kind: String,
}

/// An approved draft due to go out (with the organization's follow-up agent), or a follow-up
/// that came due (with the channel of the message it follows up).
#[derive(sqlx::FromRow)]
struct Message {
    id: Uuid,
    organization_id: Uuid,
    agent_id: Uuid,
    contact_id: Uuid,
    task_id: Option<Uuid>,
    channel: Option<String>,
    contact: String,
    follow_up_agent: Option<Uuid>,
}

/// What a step does to the rows it took: one JSON object per row for its `apply` statement
/// (`$1`), the activity to log, and the agents whose rows it touches.
#[derive(Default)]
struct Plan {
    rows: Vec<Value>,
    log: Vec<Value>,
    agents: Vec<Uuid>,
}

impl Plan {
    /// An activity entry of `[organization, agent, contact]`.
    fn log(&mut self, ids: [Uuid; 3], task: Option<Uuid>, kind: ActivityKind, message: String) {
        let [org, agent, contact] = ids;
        self.agents.push(agent);
        self.log.push(json!({
            "organization_id": org, "agent_id": agent, "contact_id": contact,
            "task_id": task, "kind": kind.as_str(), "message": message,
        }));
    }
}

impl Task {
    fn ids(&self) -> [Uuid; 3] {
        [self.organization_id, self.agent_id, self.contact_id]
    }
}

impl Message {
    fn ids(&self) -> [Uuid; 3] {
        [self.organization_id, self.agent_id, self.contact_id]
    }
}

impl AgentWorker {
    pub fn new(pool: PgPool, cfg: AgentWorkerConfig) -> Self {
        AgentWorker {
            pool,
            cfg,
            rng: StdRng::from_entropy(),
        }
    }

    /// Seconds between `min` and `max`, scaled.
    fn draw(&mut self, min: Duration, max: Duration) -> f64 {
        let (lo, hi) = (min.as_secs_f64(), max.as_secs_f64());
        let secs = if hi > lo {
            self.rng.gen_range(lo..hi)
        } else {
            lo
        };
        secs * self.cfg.time_scale
    }

    /// Every step once, each in its own transaction (the rest skipped when Postgres cannot be
    /// reached); the first error.
    pub async fn tick(&mut self) -> anyhow::Result<()> {
        let batch = self.cfg.batch;
        let send_after = self.cfg.send_delay.as_secs_f64() * self.cfg.time_scale;
        let pending = format!("{TASKS} WHERE t.status = 'pending' ORDER BY t.created_at, t.id LIMIT {batch} FOR UPDATE OF t SKIP LOCKED");
        let working = format!(
            "{TASKS} WHERE t.status = 'in_progress' AND (t.finish_at IS NULL OR t.finish_at <= now()) \
             ORDER BY t.finish_at NULLS FIRST, t.id LIMIT {batch} FOR UPDATE OF t SKIP LOCKED"
        );
        let approved = format!(
            "SELECT d.id, d.organization_id, d.agent_id, d.contact_id, d.task_id, d.channel, c.name AS contact, \
                 (SELECT f.id FROM agents f WHERE f.organization_id = d.organization_id \
                  AND f.kind = 'follow_up' ORDER BY f.name, f.id LIMIT 1) AS follow_up_agent \
             FROM drafts d JOIN contacts c ON c.id = d.contact_id \
             WHERE d.status = 'approved' AND d.decided_at <= now() - make_interval(secs => {send_after}) \
             ORDER BY d.decided_at, d.id LIMIT {batch} FOR UPDATE OF d SKIP LOCKED"
        );
        let due = format!(
            "SELECT f.id, f.organization_id, f.agent_id, f.contact_id, NULL::uuid AS task_id, d.channel, \
                 c.name AS contact, NULL::uuid AS follow_up_agent \
             FROM follow_ups f JOIN contacts c ON c.id = f.contact_id LEFT JOIN drafts d ON d.id = f.draft_id \
             WHERE f.status = 'scheduled' AND f.scheduled_for <= now() \
             ORDER BY f.scheduled_for, f.id LIMIT {batch} FOR UPDATE OF f SKIP LOCKED"
        );
        let mut first = None;
        let _ = keep(
            &mut first,
            self.step(&pending, START, Some("active"), Self::start)
                .await
                .context("starting pending tasks"),
        ) && keep(
            &mut first,
            self.step(&working, FINISH, None, Self::finish)
                .await
                .context("finishing tasks"),
        ) && keep(
            &mut first,
            self.step(&approved, SEND, None, Self::send)
                .await
                .context("sending approved drafts"),
        ) && keep(
            &mut first,
            self.step(&due, EXECUTE, None, Self::execute)
                .await
                .context("executing follow-ups"),
        ) && keep(
            &mut first,
            trim(&self.pool).await.context("trimming the activity log"),
        );
        first.map_or(Ok(()), Err)
    }

    /// Take up to a batch of rows with `select` (locked; rows another instance holds are
    /// skipped), plan each, then lock and touch their agents (`status` too when given), apply
    /// the plan with `apply` and log the activity: one transaction.
    async fn step<R>(
        &mut self,
        select: &str,
        apply: &str,
        status: Option<&str>,
        plan: fn(&mut Self, &R, &mut Plan),
    ) -> anyhow::Result<()>
    where
        R: for<'r> sqlx::FromRow<'r, sqlx::postgres::PgRow> + Send + Unpin,
    {
        let mut tx = self.pool.begin().await?;
        let taken: Vec<R> = sqlx::query_as(select).fetch_all(&mut *tx).await?;
        if taken.is_empty() {
            return Ok(());
        }
        let mut p = Plan::default();
        for row in &taken {
            plan(self, row, &mut p);
        }
        sqlx::query(
            "UPDATE agents SET last_activity_at = now(), status = COALESCE($2, status) WHERE id IN \
             (SELECT id FROM agents WHERE id = ANY($1) ORDER BY id FOR NO KEY UPDATE)",
        )
        .bind(&p.agents)
        .bind(status)
        .execute(&mut *tx)
        .await?;
        // A statement of its own, after the lock: it sees tasks other instances just started.
        sqlx::query(apply)
            .bind(Value::from(p.rows))
            .execute(&mut *tx)
            .await?;
        insert_rows(&mut tx, "agent_activity", ACTIVITY_COLUMNS, p.log).await?;
        tx.commit().await?;
        Ok(())
    }

    /// a. A pending task: in progress, done after a random work time.
    fn start(&mut self, t: &Task, p: &mut Plan) {
        let secs = self.draw(self.cfg.work_min, self.cfg.work_max);
        p.rows.push(json!({ "id": t.id, "secs": secs }));
        let message = copy::task_started(t.kind == "draft_email", &t.contact);
        p.log(t.ids(), Some(t.id), ActivityKind::TaskStarted, message);
    }

    /// b. A task whose work time is up: a draft awaiting approval, or (sometimes) a failure.
    fn finish(&mut self, t: &Task, p: &mut Plan) {
        let email = t.kind == "draft_email";
        let fails = self.rng.gen_bool(self.cfg.failure_rate.clamp(0.0, 1.0));
        let reasons = copy::FAILURE_REASONS;
        let error = fails.then(|| reasons[self.rng.gen_range(0..reasons.len())]);
        let follow_up = t.agent_kind == "follow_up";
        let m = copy::draft(email, &t.contact, &t.campaign, follow_up, self.rng.gen());
        let channel = if email { "email" } else { "sms" };
        p.rows.push(json!({
            "id": t.id, "error": error, "channel": channel, "subject": m.subject, "body": m.body,
        }));
        let (kind, message) = match error {
            Some(e) => (ActivityKind::TaskFailed, copy::task_failed(&t.contact, e)),
            None => (
                ActivityKind::TaskCompleted,
                copy::task_completed(&t.contact),
            ),
        };
        p.log(t.ids(), Some(t.id), kind, message);
    }

    /// c. An approved draft past the send delay: sent, and a follow-up scheduled for the contact
    /// with the organization's follow-up agent (when it has one).
    fn send(&mut self, d: &Message, p: &mut Plan) {
        let (org, contact) = (d.organization_id, d.contact_id);
        let message = copy::draft_sent(d.channel.as_deref() == Some("email"), &d.contact);
        p.log(d.ids(), d.task_id, ActivityKind::DraftSent, message);
        let secs = self.draw(self.cfg.follow_up_delay_min, self.cfg.follow_up_delay_max);
        p.rows.push(json!({
            "id": d.id, "organization_id": org, "contact_id": contact,
            "agent_id": d.follow_up_agent, "secs": secs,
        }));
        if let Some(agent) = d.follow_up_agent {
            let message = copy::follow_up_scheduled(&d.contact, secs);
            p.log(
                [org, agent, contact],
                None,
                ActivityKind::FollowUpScheduled,
                message,
            );
        }
    }

    /// d. A follow-up that came due: executed, and a new task for its agent (nobody assigned it).
    fn execute(&mut self, f: &Message, p: &mut Plan) {
        let (email, task) = (f.channel.as_deref() != Some("sms"), Uuid::new_v4());
        let kind = if email { "draft_email" } else { "draft_sms" };
        p.rows.push(json!({
            "id": f.id, "task": task, "organization_id": f.organization_id,
            "contact_id": f.contact_id, "agent_id": f.agent_id, "kind": kind,
            "result": copy::follow_up_result(email),
        }));
        let message = copy::follow_up_executed(&f.contact);
        p.log(f.ids(), Some(task), ActivityKind::FollowUpExecuted, message);
    }
}

/// Keep the first error; false when Postgres is out of reach (the next steps would only wait
/// for it too), true to go on with the next step.
fn keep(first: &mut Option<anyhow::Error>, outcome: anyhow::Result<()>) -> bool {
    let Err(e) = outcome else { return true };
    let unreachable = matches!(
        e.downcast_ref::<sqlx::Error>(),
        Some(
            sqlx::Error::PoolTimedOut
                | sqlx::Error::PoolClosed
                | sqlx::Error::Io(_)
                | sqlx::Error::Tls(_)
        )
    );
    first.get_or_insert(e);
    !unreachable
}

/// Insert `rows` (JSON objects keyed by column) into `table`: the named columns, the rest default.
pub(super) async fn insert_rows(
    tx: &mut Tx<'_>,
    table: &str,
    columns: &str,
    rows: Vec<Value>,
) -> sqlx::Result<()> {
    let sql = format!("INSERT INTO {table} ({columns}) SELECT {columns} FROM jsonb_populate_recordset(NULL::{table}, $1)");
    sqlx::query(&sql)
        .bind(Value::from(rows))
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// e. Keep the newest `ACTIVITY_KEPT` entries per agent (at most 1,000 removed per tick).
async fn trim(pool: &PgPool) -> anyhow::Result<()> {
    sqlx::query(
        "WITH old AS (SELECT x.id FROM agents a CROSS JOIN LATERAL (SELECT v.id FROM agent_activity v \
             WHERE v.agent_id = a.id ORDER BY v.id DESC OFFSET $1 LIMIT 1000) x LIMIT 1000), \
         doomed AS (SELECT id FROM agent_activity WHERE id IN (SELECT id FROM old) FOR UPDATE SKIP LOCKED) \
         DELETE FROM agent_activity WHERE id IN (SELECT id FROM doomed)",
    )
    .bind(ACTIVITY_KEPT)
    .execute(pool)
    .await?;
    Ok(())
}
