//! Idempotency keys: the first answer to a request, kept a day under the user's key, so a
//! retried request (a flaky network, a replayed offline queue) gets that answer again and
//! changes nothing twice. The same key with another request is refused.

use serde_json::Value;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::edits::Answer;
use super::DataError;
use crate::model::editing::MAX_IDEMPOTENCY_KEY;

/// How long keys are kept.
pub const KEEP_HOURS: i32 = 24;

/// `Invalid` unless `key` is 1 to 100 visible ASCII characters.
pub fn check_key(key: &str) -> Result<(), DataError> {
    let ok =
        (1..=MAX_IDEMPOTENCY_KEY).contains(&key.len()) && key.bytes().all(|b| b.is_ascii_graphic());
    if ok {
        Ok(())
    } else {
        Err(DataError::Invalid(format!(
            "Idempotency-Key: 1 to {MAX_IDEMPOTENCY_KEY} visible ASCII characters (a UUID is best)"
        )))
    }
}

/// Claim `key` for `request` in this transaction. `Some(answer)` when the key already
/// answered this same request; an error when it was used for another. A request with the same
/// key still in flight is waited for (the key's row is locked until it commits).
pub async fn claim(
    tx: &mut Transaction<'_, Postgres>,
    user: Uuid,
    key: &str,
    request: &Value,
) -> Result<Option<Answer>, DataError> {
    check_key(key)?;
    let claimed: Option<i32> = sqlx::query_scalar(
        "INSERT INTO idempotency_keys (user_id, key, request) VALUES ($1, $2, $3) \
         ON CONFLICT DO NOTHING RETURNING 1",
    )
    .bind(user)
    .bind(key)
    .bind(request)
    .fetch_optional(&mut **tx)
    .await?;
    if claimed.is_some() {
        return Ok(None);
    }
    let first: Option<(Value, Option<i16>, Option<Value>)> = sqlx::query_as(
        "SELECT request, status, response FROM idempotency_keys WHERE user_id = $1 AND key = $2",
    )
    .bind(user)
    .bind(key)
    .fetch_optional(&mut **tx)
    .await?;
    match first {
        Some((req, _, _)) if &req != request => Err(DataError::Invalid(
            "Idempotency-Key: already used for a different request; use a new key for a new edit"
                .into(),
        )),
        Some((_, Some(status), Some(body))) => Ok(Some(Answer {
            status: status as u16,
            body,
        })),
        // Expired and pruned between the two statements, or never answered: not replayable.
        _ => Err(DataError::Invalid(
            "Idempotency-Key: this key cannot be replayed; use a new key".into(),
        )),
    }
}

/// Keep the answer of the request that claimed `key`.
pub async fn record(
    tx: &mut Transaction<'_, Postgres>,
    user: Uuid,
    key: &str,
    answer: &Answer,
) -> Result<(), DataError> {
    sqlx::query(
        "UPDATE idempotency_keys SET status = $3, response = $4 WHERE user_id = $1 AND key = $2",
    )
    .bind(user)
    .bind(key)
    .bind(answer.status as i16)
    .bind(&answer.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Forget keys older than [`KEEP_HOURS`]; how many went.
pub async fn prune(pool: &PgPool) -> Result<u64, DataError> {
    Ok(sqlx::query(
        "DELETE FROM idempotency_keys WHERE created_at < now() - make_interval(hours => $1)",
    )
    .bind(KEEP_HOURS)
    .execute(pool)
    .await?
    .rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_short_visible_ascii() {
        assert!(check_key("0b6e3c4e-8d0c-4c59-9a51-6b1f2b1c0f11").is_ok());
        assert!(check_key("").is_err());
        assert!(check_key("has space").is_err());
        assert!(check_key(&"k".repeat(101)).is_err());
    }
}
