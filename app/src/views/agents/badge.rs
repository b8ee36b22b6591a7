//! Where a contact's agent work stands, as its card's badge says it.

use crate::model::agents::{AgentTask, Draft, DraftStatus, TaskStatus};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TaskBadge {
    /// The latest task is waiting or being worked on.
    Working,
    /// Its draft awaits approval.
    DraftReady,
    /// The latest task failed.
    Failed,
    Approved,
    Sent,
    Rejected,
}

impl TaskBadge {
    /// The badge for a contact's latest task and its draft; none without a task.
    pub fn of(task: Option<&AgentTask>, draft: Option<&Draft>) -> Option<TaskBadge> {
        let task = task?;
        Some(match task.status {
            TaskStatus::Pending | TaskStatus::InProgress => TaskBadge::Working,
            TaskStatus::Failed => TaskBadge::Failed,
            TaskStatus::Completed => match draft.filter(|d| Some(d.id) == task.draft_id) {
                Some(d) => match d.status {
                    DraftStatus::PendingApproval => TaskBadge::DraftReady,
                    DraftStatus::Approved => TaskBadge::Approved,
                    DraftStatus::Sent => TaskBadge::Sent,
                    DraftStatus::Rejected => TaskBadge::Rejected,
                },
                None => TaskBadge::DraftReady,
            },
        })
    }

    pub fn as_str(self) -> &'static str {
        match self {
            TaskBadge::Working => "working",
            TaskBadge::DraftReady => "draft_ready",
            TaskBadge::Failed => "failed",
            TaskBadge::Approved => "approved",
            TaskBadge::Sent => "sent",
            TaskBadge::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskBadge::Working => "Agent working",
            TaskBadge::DraftReady => "Draft ready",
            TaskBadge::Failed => "Failed",
            TaskBadge::Approved => "Approved",
            TaskBadge::Sent => "Message sent",
            TaskBadge::Rejected => "Draft rejected",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::agents::fixtures::{draft, task};

    #[test]
    fn the_badge_follows_the_latest_task_and_its_draft() {
        assert_eq!(TaskBadge::of(None, None), None);
        let t = task(TaskStatus::InProgress);
        assert_eq!(TaskBadge::of(Some(&t), None), Some(TaskBadge::Working));
        let mut done = task(TaskStatus::Completed);
        let mut d = draft(DraftStatus::PendingApproval);
        done.draft_id = Some(d.id);
        assert_eq!(
            TaskBadge::of(Some(&done), Some(&d)),
            Some(TaskBadge::DraftReady)
        );
        d.status = DraftStatus::Sent;
        assert_eq!(TaskBadge::of(Some(&done), Some(&d)), Some(TaskBadge::Sent));
        let other = draft(DraftStatus::Rejected);
        assert_eq!(
            TaskBadge::of(Some(&done), Some(&other)),
            Some(TaskBadge::DraftReady),
            "a draft of another task says nothing about this one"
        );
        assert_eq!(
            TaskBadge::of(Some(&task(TaskStatus::Failed)), None),
            Some(TaskBadge::Failed)
        );
    }
}
