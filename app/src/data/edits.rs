//! Applying a PATCH: in one transaction, with the record's row locked, each field whose
//! current value is the editor's base takes the new value, a field that already has it is
//! left alone, and any other field is a conflict — then nothing of the request is applied.
//! The answer is kept under the request's Idempotency-Key, so a retry gets it again and
//! applies nothing twice.

use serde_json::{Map, Value};
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

use super::actor::{act_as, Actor};
use super::{history, idempotency, DataError};
use crate::model::editing::fields::same;
use crate::model::editing::{
    EditConflict, EditOutcome, EditRequest, Editable, FieldConflict, MAX_FIELDS,
};
use crate::model::CurrentUser;

/// What a PATCH answers: 200 with an [`EditOutcome`] or 409 with an [`EditConflict`] (as
/// first answered, for a replayed Idempotency-Key).
#[derive(Clone, Debug, PartialEq)]
pub struct Answer {
    pub status: u16,
    pub body: Value,
}

/// The new values of `req`, checked and as they will be stored.
fn checked(what: &Editable, req: &EditRequest) -> Result<Map<String, Value>, DataError> {
    if req.fields.is_empty() {
        return Err(DataError::Invalid("fields: name at least one field".into()));
    }
    if req.fields.len() > MAX_FIELDS {
        return Err(DataError::Invalid(format!(
            "fields: at most {MAX_FIELDS} at once"
        )));
    }
    let mut values = Map::new();
    for (name, edit) in &req.fields {
        let field = what.field(name).ok_or_else(|| {
            let names: Vec<&str> = what.fields.iter().map(|f| f.name).collect();
            DataError::Invalid(format!(
                "{}: not an editable field of a {} (editable: {})",
                name.chars().take(64).collect::<String>(),
                what.record,
                names.join(", ")
            ))
        })?;
        values.insert(
            name.clone(),
            field.normalize(&edit.value).map_err(DataError::Invalid)?,
        );
    }
    Ok(values)
}

/// Apply `req` to the record `id` of `what` for `user` (organizers and admins).
pub async fn edit(
    pool: &PgPool,
    user: &CurrentUser,
    what: &'static Editable,
    id: Uuid,
    req: &EditRequest,
    key: Option<&str>,
) -> Result<Answer, DataError> {
    DataError::require_actor(user)?;
    let values = checked(what, req)?;
    let mutation_id = key
        .and_then(|k| Uuid::parse_str(k).ok())
        .unwrap_or_else(Uuid::new_v4);
    let mut tx = pool.begin().await?;
    let request = serde_json::json!({ "table": what.table, "id": id, "fields": req.fields });
    if let Some(key) = key {
        if let Some(first) = idempotency::claim(&mut tx, user.id, key, &request).await? {
            return Ok(first);
        }
    }
    act_as(&mut tx, &Actor::user(user, Some(mutation_id))).await?;
    let current = lock(&mut tx, what, user.organization_id, id).await?;
    let (mut apply, mut unchanged, mut conflicts) = (Map::new(), vec![], vec![]);
    for (name, value) in values {
        let now = current.get(&name).cloned().unwrap_or(Value::Null);
        let edit = &req.fields[&name];
        if same(&now, &value) {
            unchanged.push(name);
        } else if same(&now, &edit.base) {
            apply.insert(name, value);
        } else {
            conflicts.push(FieldConflict {
                field: name,
                base: edit.base.clone(),
                theirs: now,
                mine: value,
                changed_by: None,
                changed_at: None,
            });
        }
    }
    let answer = if !conflicts.is_empty() {
        for c in &mut conflicts {
            if let Some((by, at)) =
                history::last_change(&mut tx, user.organization_id, id, &c.field).await?
            {
                c.changed_by = Some(by);
                c.changed_at = Some(at);
            }
        }
        let body = EditConflict {
            conflicts,
            record: public(current),
        };
        Answer {
            status: 409,
            body: serde_json::to_value(body).expect("a conflict serializes"),
        }
    } else {
        let record = if apply.is_empty() {
            current
        } else {
            check_together(what, &current, &apply)?;
            update(&mut tx, what, user.organization_id, id, &apply).await?
        };
        let outcome = EditOutcome {
            version: record.get("version").and_then(Value::as_i64).unwrap_or(0),
            record: public(record),
            applied: apply.keys().cloned().collect(),
            unchanged,
            mutation_id: Some(mutation_id),
        };
        Answer {
            status: 200,
            body: serde_json::to_value(outcome).expect("an outcome serializes"),
        }
    };
    if let Some(key) = key {
        idempotency::record(&mut tx, user.id, key, &answer).await?;
    }
    tx.commit().await?;
    Ok(answer)
}

/// The row locked for this transaction, as JSON; 410 when it was deleted, 404 when it never
/// was the organization's.
async fn lock(
    tx: &mut Transaction<'_, Postgres>,
    what: &Editable,
    org: Uuid,
    id: Uuid,
) -> Result<Map<String, Value>, DataError> {
    let row: Option<sqlx::types::Json<Map<String, Value>>> = sqlx::query_scalar(&format!(
        "SELECT to_jsonb(t) FROM {} t WHERE organization_id = $1 AND id = $2 FOR UPDATE",
        what.table
    ))
    .bind(org)
    .bind(id)
    .fetch_optional(&mut **tx)
    .await?;
    match row {
        Some(r) => Ok(r.0),
        None => Err(history::why_missing(tx, what, org, id).await?),
    }
}

/// Checks across fields, on the record as it would be.
fn check_together(
    what: &Editable,
    current: &Map<String, Value>,
    apply: &Map<String, Value>,
) -> Result<(), DataError> {
    if what.table == "trips" {
        let date = |f: &str| {
            apply
                .get(f)
                .or_else(|| current.get(f))
                .and_then(Value::as_str)
                .map(str::to_owned)
        };
        // ISO dates order as text.
        if let (Some(start), Some(end)) = (date("start_date"), date("end_date")) {
            if end < start {
                return Err(DataError::Invalid(format!(
                    "end_date: {end} is before the start date {start}"
                )));
            }
        }
    }
    Ok(())
}

async fn update(
    tx: &mut Transaction<'_, Postgres>,
    what: &Editable,
    org: Uuid,
    id: Uuid,
    apply: &Map<String, Value>,
) -> Result<Map<String, Value>, DataError> {
    // Column names come from `what.fields` (checked above), never from the request.
    let set: Vec<String> = apply.keys().map(|c| format!("{c} = r.{c}")).collect();
    let row: sqlx::types::Json<Map<String, Value>> = sqlx::query_scalar(&format!(
        "UPDATE {table} t SET {set} FROM jsonb_populate_record(NULL::{table}, $3) r \
         WHERE t.organization_id = $1 AND t.id = $2 RETURNING to_jsonb(t)",
        table = what.table,
        set = set.join(", ")
    ))
    .bind(org)
    .bind(id)
    .bind(Value::Object(apply.clone()))
    .fetch_one(&mut **tx)
    .await
    .map_err(super::constraint_error)?;
    Ok(row.0)
}

/// A row as the API shows it (the organization is the caller's own).
pub fn public(mut row: Map<String, Value>) -> Value {
    row.remove("organization_id");
    Value::Object(row)
}

/// Delete a client or trip (organizers and admins): 410 when it is already gone, 404 when it
/// never was the organization's.
pub async fn delete(
    pool: &PgPool,
    user: &CurrentUser,
    what: &Editable,
    id: Uuid,
) -> Result<(), DataError> {
    DataError::require_actor(user)?;
    let mut tx = pool.begin().await?;
    act_as(&mut tx, &Actor::user(user, None)).await?;
    let deleted = sqlx::query(&format!(
        "DELETE FROM {} WHERE organization_id = $1 AND id = $2",
        what.table
    ))
    .bind(user.organization_id)
    .bind(id)
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if deleted == 0 {
        return Err(history::why_missing(&mut tx, what, user.organization_id, id).await?);
    }
    tx.commit().await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::editing::{FieldEdit, TRIP};
    use serde_json::json;

    fn req(pairs: &[(&str, Value)]) -> EditRequest {
        EditRequest {
            fields: pairs
                .iter()
                .map(|(k, v)| {
                    let e = FieldEdit {
                        base: Value::Null,
                        value: v.clone(),
                    };
                    (k.to_string(), e)
                })
                .collect(),
        }
    }

    #[test]
    fn a_request_names_known_fields_with_valid_values() {
        assert!(checked(&TRIP, &req(&[])).is_err());
        let e = checked(&TRIP, &req(&[("version", json!(3))])).unwrap_err();
        assert!(
            e.to_string().starts_with("version: not an editable field"),
            "{e}"
        );
        assert!(checked(&TRIP, &req(&[("budget_cents", json!(-5))])).is_err());
        let ok = checked(&TRIP, &req(&[("title", json!(" Lisbon "))])).unwrap();
        assert_eq!(ok["title"], "Lisbon");
    }

    #[test]
    fn a_trip_may_not_end_before_it_starts() {
        let current: Map<String, Value> =
            serde_json::from_value(json!({"start_date": "2027-05-10", "end_date": null})).unwrap();
        let bad: Map<String, Value> =
            serde_json::from_value(json!({"end_date": "2027-05-01"})).unwrap();
        assert!(check_together(&TRIP, &current, &bad).is_err());
        let good: Map<String, Value> =
            serde_json::from_value(json!({"end_date": "2027-05-12"})).unwrap();
        assert!(check_together(&TRIP, &current, &good).is_ok());
    }
}
