//! Who a write is made by, told to the capture and history triggers through transaction-local
//! settings (`switchboard.actor`, `switchboard.actor_id`, `switchboard.mutation_id`), so the
//! change log, the stream and each record's history say who made every change. A write made
//! without them (psql, a migration) is recorded as `sql`.

use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use crate::model::CurrentUser;

#[derive(Clone, Debug, PartialEq)]
pub struct Actor {
    /// What history shows: the user's name, or a worker's (`simulator`).
    pub name: String,
    /// The signed-in user, for app writes.
    pub user_id: Option<Uuid>,
    /// The request (its Idempotency-Key) a browser recognises its own edit by.
    pub mutation_id: Option<Uuid>,
}

impl Actor {
    pub fn user(user: &CurrentUser, mutation_id: Option<Uuid>) -> Self {
        Actor {
            name: user.name.clone(),
            user_id: Some(user.id),
            mutation_id,
        }
    }

    pub fn worker(name: &str) -> Self {
        Actor {
            name: name.to_owned(),
            user_id: None,
            mutation_id: None,
        }
    }
}

/// Credit the rest of this transaction's writes to `actor`.
pub async fn act_as(tx: &mut Transaction<'_, Postgres>, actor: &Actor) -> Result<(), sqlx::Error> {
    sqlx::query(
        "SELECT set_config('switchboard.actor', $1, true), \
                set_config('switchboard.actor_id', $2, true), \
                set_config('switchboard.mutation_id', $3, true)",
    )
    .bind(&actor.name)
    .bind(actor.user_id.map(|u| u.to_string()).unwrap_or_default())
    .bind(actor.mutation_id.map(|u| u.to_string()).unwrap_or_default())
    .execute(&mut **tx)
    .await?;
    Ok(())
}
