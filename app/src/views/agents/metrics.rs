//! An agent's figures, kept current from task changes: each task row contributes to the
//! figures, and a change moves the figures by what the new row contributes minus the old.

use chrono::{DateTime, Utc};

use crate::model::agents::{AgentMetrics, AgentTask, TaskStatus};

/// What one task contributes to its agent's figures, judged on `now`'s UTC day.
fn contribution(task: &AgentTask, now: DateTime<Utc>) -> AgentMetrics {
    let today = now.date_naive();
    let done_today = task.completed_at.is_some_and(|at| at.date_naive() == today);
    let mut m = AgentMetrics::default();
    match task.status {
        TaskStatus::Pending => m.pending = 1,
        TaskStatus::InProgress => m.in_progress = 1,
        TaskStatus::Completed if done_today => {
            m.completed_today = 1;
            if let (Some(start), Some(end)) = (task.started_at, task.completed_at) {
                m.work_seconds_today = (end - start).num_milliseconds().max(0) as f64 / 1000.0;
            }
        }
        TaskStatus::Failed if done_today => m.failed_today = 1,
        _ => {}
    }
    m
}

/// Move `metrics` by a task change (`old` → `new`); whether anything moved.
pub fn apply_task(
    metrics: &mut AgentMetrics,
    old: Option<&AgentTask>,
    new: Option<&AgentTask>,
    now: DateTime<Utc>,
) -> bool {
    let before = *metrics;
    for (task, sign) in [(old, -1i64), (new, 1i64)] {
        if let Some(t) = task {
            let c = contribution(t, now);
            metrics.pending += sign * c.pending;
            metrics.in_progress += sign * c.in_progress;
            metrics.completed_today += sign * c.completed_today;
            metrics.failed_today += sign * c.failed_today;
            metrics.work_seconds_today += sign as f64 * c.work_seconds_today;
        }
    }
    metrics.pending = metrics.pending.max(0);
    metrics.in_progress = metrics.in_progress.max(0);
    metrics.work_seconds_today = metrics.work_seconds_today.max(0.0);
    *metrics != before
}

/// "92 %" / "—".
pub fn success_text(m: &AgentMetrics) -> String {
    m.success_rate()
        .map(|r| format!("{:.0} %", r * 100.0))
        .unwrap_or_else(|| "—".into())
}

/// "6.4 s" / "—".
pub fn average_text(m: &AgentMetrics) -> String {
    m.average_seconds()
        .map(|s| format!("{s:.1} s"))
        .unwrap_or_else(|| "—".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::views::agents::fixtures::task;

    #[test]
    fn a_task_moves_from_pending_to_working_to_done_in_the_figures() {
        let now = Utc::now();
        let mut m = AgentMetrics::default();
        let pending = task(TaskStatus::Pending);
        assert!(apply_task(&mut m, None, Some(&pending), now));
        assert_eq!((m.pending, m.in_progress), (1, 0));
        let mut working = pending.clone();
        working.status = TaskStatus::InProgress;
        working.started_at = Some(now - chrono::Duration::seconds(6));
        apply_task(&mut m, Some(&pending), Some(&working), now);
        assert_eq!((m.pending, m.in_progress), (0, 1));
        let mut done = working.clone();
        done.status = TaskStatus::Completed;
        done.completed_at = Some(now);
        apply_task(&mut m, Some(&working), Some(&done), now);
        assert_eq!((m.in_progress, m.completed_today), (0, 1));
        assert_eq!(average_text(&m), "6.0 s");
        assert_eq!(success_text(&m), "100 %");
        let mut failed = task(TaskStatus::Failed);
        failed.completed_at = Some(now);
        apply_task(&mut m, None, Some(&failed), now);
        assert_eq!(success_text(&m), "50 %");
        assert!(
            !apply_task(&mut m, Some(&done), Some(&done), now),
            "no move, no change"
        );
    }

    #[test]
    fn tasks_finished_on_another_day_do_not_count_today() {
        let now = Utc::now();
        let mut old = task(TaskStatus::Completed);
        old.completed_at = Some(now - chrono::Duration::days(2));
        let mut m = AgentMetrics::default();
        assert!(!apply_task(&mut m, None, Some(&old), now));
        assert_eq!(success_text(&m), "—");
    }
}
