//! The telephony provider's side of calls: per-organization auth tokens, applying status
//! callbacks (idempotent, never backwards), counting every callback received, and the
//! timeout sweep for calls the provider stopped reporting on.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::DataError;
use crate::model::CallStatus;

/// The path a provider posts `org`'s status callbacks to.
pub fn webhook_path(org: Uuid) -> String {
    format!("/api/webhooks/twilio/{org}")
}

/// The origin callbacks are addressed to: `SWITCHBOARD_PUBLIC_URL` when set, else the
/// request's `Host` (https when cookies are secure, i.e. behind TLS).
pub fn public_origin(public_url: Option<&str>, host: &str, secure: bool) -> String {
    match public_url {
        Some(base) => base.to_owned(),
        None => format!("{}://{host}", if secure { "https" } else { "http" }),
    }
}

/// What an admin is shown: the webhook URL on `origin`, and the account's current token.
pub fn settings(
    org: Uuid,
    origin: &str,
    account: Account,
) -> crate::model::operations::TelephonySettings {
    crate::model::operations::TelephonySettings {
        webhook_url: format!("{origin}{}", webhook_path(org)),
        auth_token: account.auth_token,
        rotated_at: account.rotated_at,
    }
}

/// How long the token in use before a rotation keeps verifying callbacks.
pub const PREVIOUS_TOKEN_GRACE_SECS: i64 = 10 * 60;

/// An organization's credentials with the provider.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Account {
    pub auth_token: String,
    /// Still accepted until `rotated_at` + [`PREVIOUS_TOKEN_GRACE_SECS`].
    pub previous_auth_token: Option<String>,
    pub rotated_at: DateTime<Utc>,
}

impl Account {
    /// The tokens a callback may be signed with right now, current first.
    pub fn valid_tokens(&self, now: DateTime<Utc>) -> Vec<&str> {
        let mut tokens = vec![self.auth_token.as_str()];
        if let Some(prev) = &self.previous_auth_token {
            if (now - self.rotated_at).num_seconds() < PREVIOUS_TOKEN_GRACE_SECS {
                tokens.push(prev);
            }
        }
        tokens
    }
}

/// The organization's account; `None` if there is no such organization.
pub async fn account(pool: &PgPool, org: Uuid) -> Result<Option<Account>, DataError> {
    Ok(sqlx::query_as(
        "SELECT auth_token, previous_auth_token, rotated_at FROM telephony_accounts \
         WHERE organization_id = $1",
    )
    .bind(org)
    .fetch_optional(pool)
    .await?)
}

/// Give the organization a new auth token; the old one keeps working for a grace period.
pub async fn rotate(pool: &PgPool, org: Uuid) -> Result<Account, DataError> {
    sqlx::query_as(
        "UPDATE telephony_accounts \
         SET previous_auth_token = auth_token, auth_token = new_telephony_token(), rotated_at = now() \
         WHERE organization_id = $1 \
         RETURNING auth_token, previous_auth_token, rotated_at",
    )
    .bind(org)
    .fetch_optional(pool)
    .await?
    .ok_or(DataError::NotFound("organization"))
}

/// The statuses of Twilio's voice status callbacks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProviderStatus {
    Queued,
    Initiated,
    Ringing,
    InProgress,
    Completed,
    Busy,
    NoAnswer,
    Failed,
    Canceled,
}

impl ProviderStatus {
    pub const ALL: [ProviderStatus; 9] = [
        ProviderStatus::Queued,
        ProviderStatus::Initiated,
        ProviderStatus::Ringing,
        ProviderStatus::InProgress,
        ProviderStatus::Completed,
        ProviderStatus::Busy,
        ProviderStatus::NoAnswer,
        ProviderStatus::Failed,
        ProviderStatus::Canceled,
    ];

    /// The `CallStatus` parameter's value.
    pub fn as_str(self) -> &'static str {
        match self {
            ProviderStatus::Queued => "queued",
            ProviderStatus::Initiated => "initiated",
            ProviderStatus::Ringing => "ringing",
            ProviderStatus::InProgress => "in-progress",
            ProviderStatus::Completed => "completed",
            ProviderStatus::Busy => "busy",
            ProviderStatus::NoAnswer => "no-answer",
            ProviderStatus::Failed => "failed",
            ProviderStatus::Canceled => "canceled",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// Our status for it, and the failure reason when it is a failure.
    pub fn call_status(self) -> (CallStatus, Option<&'static str>) {
        match self {
            ProviderStatus::Queued | ProviderStatus::Initiated => (CallStatus::Queued, None),
            ProviderStatus::Ringing => (CallStatus::Ringing, None),
            ProviderStatus::InProgress => (CallStatus::InProgress, None),
            ProviderStatus::Completed => (CallStatus::Ended, None),
            other => (CallStatus::Failed, Some(other.as_str())),
        }
    }
}

/// How far along a call is: a callback may only move it forward. ENDED and FAILED are final.
fn rank(status: CallStatus) -> u8 {
    match status {
        CallStatus::Queued => 0,
        CallStatus::Ringing => 1,
        CallStatus::InProgress => 2,
        CallStatus::Ended | CallStatus::Failed => 3,
    }
}

/// One status callback, already authenticated and parsed.
#[derive(Clone, Debug, PartialEq)]
pub struct StatusCallback {
    pub call_sid: String,
    pub status: ProviderStatus,
    /// The provider's per-call counter; absent means order is judged by status alone.
    pub sequence: Option<i32>,
}

/// What a callback did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The call moved (or its callback bookkeeping did).
    Applied,
    /// This exact callback (same call and sequence number) was applied before.
    Duplicate,
    /// Older than what the call already shows (out of order, or the call is over).
    Stale,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Applied => "applied",
            Outcome::Duplicate => "duplicate",
            Outcome::Stale => "stale",
        }
    }
}

/// Apply a callback to the organization's call with that `CallSid`, in one transaction with
/// the call's row locked, so concurrent callbacks of one call are judged one after the other.
/// `NotFound` when the organization has no such call.
pub async fn apply_callback(
    pool: &PgPool,
    org: Uuid,
    cb: &StatusCallback,
) -> Result<Outcome, DataError> {
    let mut tx = pool.begin().await?;
    super::actor::act_as(&mut tx, &super::actor::Actor::worker("telephony webhook")).await?;
    let row: Option<(Uuid, String, Option<i32>)> = sqlx::query_as(
        "SELECT id, status, provider_sequence FROM calls \
         WHERE organization_id = $1 AND provider_call_id = $2 FOR UPDATE",
    )
    .bind(org)
    .bind(&cb.call_sid)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((id, current, last_seq)) = row else {
        return Err(DataError::NotFound("call"));
    };
    let current = CallStatus::parse(&current)
        .ok_or_else(|| DataError::Corrupt(format!("call status {current:?}")))?;
    if let (Some(seq), Some(last)) = (cb.sequence, last_seq) {
        if seq == last {
            return Ok(Outcome::Duplicate);
        }
        if seq < last {
            return Ok(Outcome::Stale);
        }
    }
    let (next, reason) = cb.status.call_status();
    if rank(current) == 3 || rank(next) < rank(current) {
        return Ok(Outcome::Stale);
    }
    // Same rank (e.g. `initiated` after `queued`): only the bookkeeping moves.
    let status = if rank(next) == rank(current) {
        current
    } else {
        next
    };
    sqlx::query(
        "UPDATE calls SET status = $2, \
             provider_sequence = GREATEST(provider_sequence, $3), \
             last_callback_at = now(), \
             started_at = CASE WHEN $2 IN ('RINGING', 'IN_PROGRESS') THEN COALESCE(started_at, now()) ELSE started_at END, \
             answered_at = CASE WHEN $2 = 'IN_PROGRESS' OR ($2 = 'ENDED' AND status = 'IN_PROGRESS') \
                                THEN COALESCE(answered_at, now()) ELSE answered_at END, \
             ended_at = CASE WHEN $2 IN ('ENDED', 'FAILED') THEN now() ELSE ended_at END, \
             failure_reason = $4 \
         WHERE id = $1",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(cb.sequence)
    .bind(reason)
    .execute(&mut *tx)
    .await?;
    if let Some(contact_status) = match status {
        CallStatus::Ended => Some("completed"),
        CallStatus::Failed => Some("failed"),
        _ => None,
    } {
        sqlx::query(
            "UPDATE contacts SET status = $2 \
             WHERE id = (SELECT contact_id FROM calls WHERE id = $1) AND status = 'calling'",
        )
        .bind(id)
        .bind(contact_status)
        .execute(&mut *tx)
        .await?;
    }
    tx.commit().await?;
    Ok(Outcome::Applied)
}

/// Count one callback received for `org` (`outcome`: applied, duplicate, stale, rejected;
/// `reason` from a fixed list of the caller's, so the table stays bounded).
pub async fn record_receipt(
    pool: &PgPool,
    org: Uuid,
    outcome: &str,
    reason: &str,
) -> Result<(), DataError> {
    sqlx::query(
        "INSERT INTO webhook_receipts (organization_id, minute, outcome, reason, received, last_at) \
         VALUES ($1, date_trunc('minute', now()), $2, $3, 1, now()) \
         ON CONFLICT (organization_id, minute, outcome, reason) \
         DO UPDATE SET received = webhook_receipts.received + 1, last_at = now()",
    )
    .bind(org)
    .bind(outcome)
    .bind(reason)
    .execute(pool)
    .await?;
    Ok(())
}

/// Per-status limits of the timeout sweep, in seconds without news from the provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CallTimeouts {
    pub queued_secs: i64,
    pub ringing_secs: i64,
    pub in_progress_secs: i64,
    /// Calls younger than this are never timed out.
    pub grace_secs: i64,
}

impl Default for CallTimeouts {
    fn default() -> Self {
        CallTimeouts {
            queued_secs: 120,
            ringing_secs: 60,
            in_progress_secs: 2 * 3600,
            grace_secs: 30,
        }
    }
}

/// Fail every active call whose last sign of life (its status change or the provider's last
/// callback) is older than its status' limit, with `failure_reason = 'timeout'`; its contact
/// fails with it. Returns how many calls timed out. Run by one instance at a time.
pub async fn fail_timed_out_calls(
    db: &mut sqlx::PgConnection,
    t: CallTimeouts,
) -> Result<u64, DataError> {
    let timed_out: i64 = sqlx::query_scalar(
        "WITH k AS ( \
             UPDATE calls SET status = 'FAILED', failure_reason = 'timeout', ended_at = now() \
             WHERE status IN ('QUEUED', 'RINGING', 'IN_PROGRESS') \
               AND created_at < now() - make_interval(secs => $4) \
               AND GREATEST(created_at, started_at, answered_at, last_callback_at) \
                   < now() - make_interval(secs => CASE status WHEN 'QUEUED' THEN $1 \
                                                               WHEN 'RINGING' THEN $2 ELSE $3 END) \
             RETURNING contact_id), \
         c AS (UPDATE contacts SET status = 'failed' FROM k \
               WHERE contacts.id = k.contact_id AND contacts.status = 'calling') \
         SELECT count(*) FROM k",
    )
    .bind(t.queued_secs as f64)
    .bind(t.ringing_secs as f64)
    .bind(t.in_progress_secs as f64)
    .bind(t.grace_secs as f64)
    .fetch_one(db)
    .await?;
    Ok(timed_out as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_provider_status_maps_to_ours() {
        for p in ProviderStatus::ALL {
            assert_eq!(ProviderStatus::parse(p.as_str()), Some(p));
        }
        assert_eq!(
            ProviderStatus::parse("busy").unwrap().call_status(),
            (CallStatus::Failed, Some("busy"))
        );
        assert_eq!(
            ProviderStatus::parse("initiated").unwrap().call_status(),
            (CallStatus::Queued, None)
        );
        assert_eq!(ProviderStatus::parse("IN-PROGRESS"), None);
    }

    #[test]
    fn the_previous_token_works_only_for_the_grace_period() {
        let now = Utc::now();
        let mut a = Account {
            auth_token: "new".into(),
            previous_auth_token: Some("old".into()),
            rotated_at: now,
        };
        assert_eq!(a.valid_tokens(now), vec!["new", "old"]);
        a.rotated_at = now - chrono::Duration::seconds(PREVIOUS_TOKEN_GRACE_SECS + 1);
        assert_eq!(a.valid_tokens(now), vec!["new"]);
    }
}
