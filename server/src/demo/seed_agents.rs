//! Demo agent work for each demo organization: two outreach agents and a follow-up agent, tasks
//! in every state (pending, in progress, completed with drafts awaiting approval, approved,
//! sent and rejected, one failed), follow-ups scheduled ahead and executed or cancelled in the
//! past, and the activity that led there. Tasks are about real contacts of the organization's
//! active campaigns. Applied to every demo organization that has no agents yet, so a database
//! seeded before agents existed gets them too.

use anyhow::Context;
use app::model::agents::ActivityKind;
use chrono::{DateTime, Duration, Utc};
use serde_json::{json, Value};
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::agent_copy as copy;
use super::agent_worker::insert_rows;
use super::seed::DEMO_ORGS;

/// What became of a seeded task.
#[derive(Clone, Copy, PartialEq)]
enum Fate {
    Pending,
    Working,
    Awaiting,
    Approved,
    /// Sent, then followed up: scheduled this many minutes ahead, executed, or cancelled.
    Sent(Next),
    Rejected,
    Failed,
}

#[derive(Clone, Copy, PartialEq)]
enum Next {
    In(i64),
    Executed,
    Cancelled,
}

/// (agent, email?, finished this many minutes ago, fate); task i is about contact i.
const TASKS: [(usize, bool, i64, Fate); 16] = [
    (0, true, 0, Fate::Pending),
    (0, false, 0, Fate::Pending),
    (0, true, 0, Fate::Working),
    (0, true, 25, Fate::Awaiting),
    (1, false, 40, Fate::Awaiting),
    (0, true, 55, Fate::Awaiting),
    (1, true, 70, Fate::Awaiting),
    (0, false, 90, Fate::Awaiting),
    (1, true, 20, Fate::Approved),
    (0, true, 180, Fate::Sent(Next::In(12))),
    (1, false, 150, Fate::Sent(Next::In(120))),
    (0, false, 240, Fate::Sent(Next::In(300))),
    (0, true, 300, Fate::Sent(Next::Executed)),
    (1, true, 360, Fate::Sent(Next::Cancelled)),
    (0, true, 130, Fate::Rejected),
    (1, true, 10, Fate::Failed),
];
/// The follow-up agent (its tasks come from follow-ups, not from people).
const FOLLOW_UP: usize = 2;

const REJECT_REASON: &str =
    "Too pushy for someone who just renewed: keep it to two friendly lines.";

fn agent_names(slug: &str) -> [&'static str; 3] {
    if slug == "acme" {
        ["Iris (outreach)", "Milo (outreach)", "Juno (follow-up)"]
    } else {
        ["Nova (outreach)", "Otto (outreach)", "Pia (follow-up)"]
    }
}

/// Add the agent data to every demo organization that has no agents; how many got it.
pub async fn add_missing(tx: &mut Transaction<'_, Postgres>) -> anyhow::Result<usize> {
    let mut added = 0;
    for (_, slug) in DEMO_ORGS {
        let org: Option<Uuid> = sqlx::query_scalar(
            "SELECT o.id FROM organizations o WHERE o.slug = $1 \
             AND NOT EXISTS (SELECT 1 FROM agents a WHERE a.organization_id = o.id)",
        )
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await?;
        if let Some(org) = org {
            seed_org(tx, org, slug)
                .await
                .with_context(|| format!("creating the agents of {slug}"))?;
            added += 1;
        }
    }
    Ok(added)
}

/// The rows of one organization's agent data, built before anything is written.
#[derive(Default)]
struct Seed {
    org: Uuid,
    now: DateTime<Utc>,
    agents: [Uuid; 3],
    organizer: Option<(Uuid, String)>,
    tasks: Vec<Value>,
    drafts: Vec<Value>,
    follow_ups: Vec<Value>,
    /// (when, row): written oldest first, as feeds read the log in id order.
    activity: Vec<(DateTime<Utc>, Value)>,
}

async fn seed_org(tx: &mut Transaction<'_, Postgres>, org: Uuid, slug: &str) -> anyhow::Result<()> {
    let now: DateTime<Utc> = sqlx::query_scalar("SELECT clock_timestamp()")
        .fetch_one(&mut **tx)
        .await?;
    let organizer: Option<(Uuid, String)> = sqlx::query_as(
        "SELECT id, name FROM users WHERE organization_id = $1 AND role = 'organizer' \
         ORDER BY created_at LIMIT 1",
    )
    .bind(org)
    .fetch_optional(&mut **tx)
    .await?;
    let contacts: Vec<(Uuid, String, String)> = sqlx::query_as(
        "SELECT c.id, c.name, k.name FROM contacts c JOIN campaigns k ON k.id = c.campaign_id \
         WHERE c.organization_id = $1 AND k.status = 'active' ORDER BY c.id LIMIT $2",
    )
    .bind(org)
    .bind(TASKS.len() as i64)
    .fetch_all(&mut **tx)
    .await?;
    let agents = [Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4()];
    let mut s = Seed {
        org,
        now,
        agents,
        organizer,
        ..Seed::default()
    };
    for (i, (contact, &(agent, email, ago, fate))) in contacts.iter().zip(TASKS.iter()).enumerate()
    {
        let (_, sent) = s.task(contact, agent, email, fate, ago, i);
        if let (Fate::Sent(next), Some((draft, sent_at))) = (fate, sent) {
            s.follow_up(contact, next, draft, sent_at, i);
        }
    }
    let mut agent_rows = Vec::new();
    for (i, name) in agent_names(slug).into_iter().enumerate() {
        let mine = |e: &&(DateTime<Utc>, Value)| e.1["agent_id"] == json!(agents[i]);
        let last = s.activity.iter().filter(mine).map(|e| e.0).max();
        // Working when it has a task in progress, needing attention when its last one failed.
        let last_task = TASKS
            .iter()
            .filter(|t| t.0 == i && t.3 != Fate::Pending)
            .min_by_key(|t| t.2);
        let status = match last_task.map(|t| t.3) {
            Some(Fate::Working) => "active",
            Some(Fate::Failed) => "error",
            _ => "idle",
        };
        let kind = ["outreach", "outreach", "follow_up"][i];
        agent_rows.push(json!({
            "id": agents[i], "organization_id": org, "name": name, "kind": kind, "status": status,
            "last_activity_at": last, "created_at": now - Duration::days(7),
        }));
    }
    s.activity.sort_by_key(|e| e.0);
    let activity = s.activity.into_iter().map(|e| e.1).collect();
    let tables = [
        (
            "agents",
            "id, organization_id, name, kind, status, last_activity_at, created_at",
            agent_rows,
        ),
        (
            "agent_tasks",
            "id, organization_id, contact_id, agent_id, kind, status, error, assigned_by, \
            started_at, finish_at, completed_at, created_at",
            s.tasks,
        ),
        (
            "drafts",
            "id, organization_id, contact_id, task_id, agent_id, channel, subject, body, status, \
            decided_by, decided_by_name, decided_at, reject_reason, sent_at, created_at",
            s.drafts,
        ),
        (
            "follow_ups",
            "organization_id, contact_id, agent_id, draft_id, scheduled_for, status, result, \
            cancelled_by, executed_at, cancelled_at, created_at",
            s.follow_ups,
        ),
        (
            "agent_activity",
            "organization_id, agent_id, contact_id, task_id, kind, message, created_at",
            activity,
        ),
    ];
    for (table, columns, rows) in tables {
        insert_rows(tx, table, columns, rows)
            .await
            .with_context(|| format!("inserting {table}"))?;
        if table == "drafts" {
            // Tasks point back at their drafts (inserted after them).
            sqlx::query("UPDATE agent_tasks t SET draft_id = d.id FROM drafts d WHERE d.task_id = t.id AND t.organization_id = $1")
                .bind(org)
                .execute(&mut **tx)
                .await?;
        }
    }
    Ok(())
}

impl Seed {
    fn log(
        &mut self,
        at: DateTime<Utc>,
        agent: Uuid,
        contact: Uuid,
        task: Option<Uuid>,
        kind: ActivityKind,
        message: String,
    ) {
        let row = json!({
            "organization_id": self.org, "agent_id": agent, "contact_id": contact, "task_id": task,
            "kind": kind.as_str(), "message": message, "created_at": at,
        });
        self.activity.push((at, row));
    }

    /// A task finished `ago` minutes ago (with its draft unless pending, working or failed):
    /// its id, and the draft's id and sending time when it was sent.
    fn task(
        &mut self,
        (contact, name, campaign): &(Uuid, String, String),
        agent: usize,
        email: bool,
        fate: Fate,
        ago: i64,
        variant: usize,
    ) -> (Uuid, Option<(Uuid, DateTime<Utc>)>) {
        let (id, agent_id, now) = (Uuid::new_v4(), self.agents[agent], self.now);
        let done = now - Duration::minutes(ago);
        let created = if fate == Fate::Working {
            now - Duration::seconds(3)
        } else {
            done - Duration::minutes(1)
        };
        let started = match fate {
            Fate::Pending => None,
            Fate::Working => Some(now - Duration::seconds(2)),
            _ => Some(created + Duration::seconds(4)),
        };
        let (status, finish_at, completed) = match fate {
            Fate::Pending => ("pending", None, None),
            Fate::Working => ("in_progress", Some(now + Duration::seconds(6)), None),
            Fate::Failed => ("failed", Some(done), Some(done)),
            _ => ("completed", Some(done), Some(done)),
        };
        let reason = copy::FAILURE_REASONS[variant % copy::FAILURE_REASONS.len()];
        let error = (fate == Fate::Failed).then_some(reason);
        let assigned_by = self
            .organizer
            .as_ref()
            .map(|o| o.0)
            .filter(|_| agent != FOLLOW_UP);
        self.tasks.push(json!({
            "id": id, "organization_id": self.org, "contact_id": contact, "agent_id": agent_id,
            "kind": if email { "draft_email" } else { "draft_sms" }, "status": status, "error": error,
            "assigned_by": assigned_by, "started_at": started, "finish_at": finish_at,
            "completed_at": completed, "created_at": created,
        }));
        if let Some(at) = started {
            self.log(
                at,
                agent_id,
                *contact,
                Some(id),
                ActivityKind::TaskStarted,
                copy::task_started(email, name),
            );
        }
        if let Some(e) = error {
            self.log(
                done,
                agent_id,
                *contact,
                Some(id),
                ActivityKind::TaskFailed,
                copy::task_failed(name, e),
            );
        }
        if completed.is_none() || error.is_some() {
            return (id, None);
        }
        let (status, decided) = match fate {
            Fate::Approved => ("approved", Some(now - Duration::minutes(1))),
            Fate::Sent(_) => ("sent", Some(done + Duration::minutes(10))),
            Fate::Rejected => ("rejected", Some(done + Duration::minutes(15))),
            _ => ("pending_approval", None),
        };
        let sent = (status == "sent").then(|| done + Duration::minutes(10) + Duration::seconds(2));
        let decider = self.organizer.clone().filter(|_| decided.is_some()).unzip();
        let m = copy::draft(email, name, campaign, agent == FOLLOW_UP, variant);
        let draft = Uuid::new_v4();
        self.drafts.push(json!({
            "id": draft, "organization_id": self.org, "contact_id": contact, "task_id": id,
            "agent_id": agent_id, "channel": if email { "email" } else { "sms" }, "subject": m.subject,
            "body": m.body, "status": status, "decided_by": decider.0, "decided_by_name": decider.1,
            "decided_at": decided, "reject_reason": (status == "rejected").then_some(REJECT_REASON),
            "sent_at": sent, "created_at": done,
        }));
        self.log(
            done,
            agent_id,
            *contact,
            Some(id),
            ActivityKind::TaskCompleted,
            copy::task_completed(name),
        );
        if let Some(at) = sent {
            self.log(
                at,
                agent_id,
                *contact,
                Some(id),
                ActivityKind::DraftSent,
                copy::draft_sent(email, name),
            );
        }
        (id, sent.map(|at| (draft, at)))
    }

    /// The follow-up of a sent draft; an executed one made a task whose draft awaits approval.
    fn follow_up(
        &mut self,
        c: &(Uuid, String, String),
        next: Next,
        draft: Uuid,
        sent_at: DateTime<Utc>,
        i: usize,
    ) {
        let (now, agent, contact, name) = (self.now, self.agents[FOLLOW_UP], c.0, &c.1);
        let (status, scheduled_for) = match next {
            Next::In(m) => ("scheduled", now + Duration::minutes(m)),
            Next::Executed => ("executed", now - Duration::minutes(60)),
            Next::Cancelled => ("cancelled", now - Duration::minutes(120)),
        };
        let ahead = (scheduled_for - sent_at).num_seconds() as f64;
        let message = copy::follow_up_scheduled(name, ahead);
        self.log(
            sent_at,
            agent,
            contact,
            None,
            ActivityKind::FollowUpScheduled,
            message,
        );
        let executed = (next == Next::Executed).then_some(scheduled_for);
        let cancelled_by = self
            .organizer
            .as_ref()
            .map(|o| o.0)
            .filter(|_| next == Next::Cancelled);
        self.follow_ups.push(json!({
            "organization_id": self.org, "contact_id": contact, "agent_id": agent, "draft_id": draft,
            "scheduled_for": scheduled_for, "status": status,
            "result": executed.map(|_| copy::follow_up_result(true)), "cancelled_by": cancelled_by,
            "executed_at": executed, "created_at": sent_at,
            "cancelled_at": (next == Next::Cancelled).then(|| now - Duration::minutes(300)),
        }));
        if let Some(at) = executed {
            // Created when the follow-up was executed (a task takes a minute in this seed).
            let (task, _) = self.task(c, FOLLOW_UP, true, Fate::Awaiting, 59, i);
            let message = copy::follow_up_executed(name);
            self.log(
                at,
                agent,
                contact,
                Some(task),
                ActivityKind::FollowUpExecuted,
                message,
            );
        }
    }
}
