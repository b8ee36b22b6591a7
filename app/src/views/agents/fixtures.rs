//! Rows for the agent views' unit tests.

use chrono::Utc;
use uuid::Uuid;

use crate::cursor::Cursor;
use crate::live::Change;
use crate::model::agents::*;

pub fn task(status: TaskStatus) -> AgentTask {
    let now = Utc::now();
    AgentTask {
        id: Uuid::new_v4(),
        contact_id: Uuid::new_v4(),
        agent_id: Uuid::new_v4(),
        kind: TaskKind::DraftEmail,
        status,
        error: (status == TaskStatus::Failed).then(|| "mailbox unreachable".into()),
        assigned_by: None,
        draft_id: None,
        started_at: None,
        completed_at: None,
        created_at: now,
        updated_at: now,
    }
}

pub fn draft(status: DraftStatus) -> Draft {
    let now = Utc::now();
    Draft {
        id: Uuid::new_v4(),
        contact_id: Uuid::new_v4(),
        task_id: Uuid::new_v4(),
        agent_id: Uuid::new_v4(),
        channel: Channel::Email,
        subject: Some("Hello".into()),
        body: "Hi Ava".into(),
        status,
        decided_by: None,
        decided_by_name: None,
        decided_at: None,
        reject_reason: None,
        edited_by: None,
        edited_at: None,
        sent_at: None,
        created_at: now,
        updated_at: now,
    }
}

pub fn follow_up(status: FollowUpStatus, in_secs: i64) -> FollowUp {
    let now = Utc::now();
    FollowUp {
        id: Uuid::new_v4(),
        contact_id: Uuid::new_v4(),
        agent_id: Uuid::new_v4(),
        draft_id: None,
        scheduled_for: now + chrono::Duration::seconds(in_secs),
        status,
        result: None,
        cancelled_by: None,
        executed_at: None,
        cancelled_at: None,
        created_at: now,
        updated_at: now,
    }
}

pub fn agent(status: AgentStatus) -> Agent {
    let now = Utc::now();
    Agent {
        id: Uuid::new_v4(),
        name: "Iris".into(),
        kind: AgentKind::Outreach,
        status,
        last_activity_at: None,
        created_at: now,
        updated_at: now,
    }
}

/// A streamed change of `table` from `old` to `new`, decoded as the browser decodes it.
pub fn change<T: serde::Serialize>(table: &str, old: Option<&T>, new: Option<&T>) -> Change {
    let op = match (old, new) {
        (None, Some(_)) => "INSERT",
        (Some(_), Some(_)) => "UPDATE",
        _ => "DELETE",
    };
    let json = serde_json::json!({
        "table": table,
        "eventType": op,
        "new": new.map(|r| serde_json::to_value(r).unwrap()),
        "old": old.map(|r| serde_json::to_value(r).unwrap()),
        "commit_timestamp": Utc::now(),
        "cursor": Cursor::after_commit(1),
    });
    serde_json::from_value(json).expect("a change decodes")
}
