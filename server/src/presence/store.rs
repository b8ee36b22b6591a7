//! Presence in Postgres (`presence.connections`, `presence.rooms`, both UNLOGGED): what every
//! instance reads and writes, and the notifications that tell the others something changed.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::types::PgInterval;
use sqlx::PgPool;
use uuid::Uuid;

use super::frames::Member;
use super::local::RoomKey;

/// Channel of "these rooms (and these connections' rooms) changed" notifications.
pub const CHANNEL: &str = "presence_changes";
/// A NOTIFY payload must stay under 8,000 bytes.
pub const MAX_NOTIFY_BYTES: usize = 7_900;

/// What a presence notification says: in `org`, these rooms' members may have changed, and
/// these connections' rooms did.
#[derive(Debug, Default, Serialize, Deserialize)]
pub struct Changed {
    #[serde(rename = "o")]
    pub org: Uuid,
    #[serde(rename = "r", default)]
    pub rooms: Vec<String>,
    #[serde(rename = "c", default)]
    pub connections: Vec<Uuid>,
}

fn interval(d: Duration) -> PgInterval {
    PgInterval {
        months: 0,
        days: 0,
        microseconds: d.as_micros() as i64,
    }
}

/// A stream opened: its connection is known (and owned by this user) until it expires.
pub async fn open(
    pool: &PgPool,
    id: Uuid,
    org: Uuid,
    user: Uuid,
    name: &str,
    ttl: Duration,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO presence.connections (id, organization_id, user_id, name, expires_at)
         VALUES ($1, $2, $3, $4, now() + $5)",
    )
    .bind(id)
    .bind(org)
    .bind(user)
    .bind(name)
    .bind(interval(ttl))
    .execute(pool)
    .await?;
    Ok(())
}

/// A stream closed: its rooms stay for `grace` (a reload or the next page comes back within
/// it), then expire.
pub async fn close(pool: &PgPool, id: Uuid, grace: Duration) -> sqlx::Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "UPDATE presence.connections SET expires_at = least(expires_at, now() + $2) WHERE id = $1",
    )
    .bind(id)
    .bind(interval(grace))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE presence.rooms SET leaving = true, expires_at = least(expires_at, now() + $2)
         WHERE connection_id = $1",
    )
    .bind(id)
    .bind(interval(grace))
    .execute(&mut *tx)
    .await?;
    tx.commit().await
}

/// Why a report was refused.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("no open stream of yours has connection id {0}: use the id of your stream's `ready` event (a closed stream's id expires)")]
    UnknownConnection(Uuid),
    #[error(transparent)]
    Database(#[from] sqlx::Error),
}

/// The browser behind `connection` says its tabs are in `rooms` (the organization's room
/// included): keep them for `ttl`, let the others go after `grace`, and tell every instance
/// what changed.
pub async fn report(
    pool: &PgPool,
    connection: Uuid,
    org: Uuid,
    user: Uuid,
    rooms: &[String],
    ttl: Duration,
    grace: Duration,
) -> Result<(), ReportError> {
    let mut tx = pool.begin().await?;
    // Locks the connection: one report at a time per connection.
    let owned = sqlx::query(
        "UPDATE presence.connections SET expires_at = greatest(expires_at, now() + $4)
         WHERE id = $1 AND organization_id = $2 AND user_id = $3",
    )
    .bind(connection)
    .bind(org)
    .bind(user)
    .bind(interval(ttl))
    .execute(&mut *tx)
    .await?
    .rows_affected();
    if owned == 0 {
        return Err(ReportError::UnknownConnection(connection));
    }
    let before: Vec<(String, bool)> = sqlx::query_as(
        "SELECT room, NOT leaving AND expires_at > now() FROM presence.rooms WHERE connection_id = $1",
    )
    .bind(connection)
    .fetch_all(&mut *tx)
    .await?;
    let was_in: HashSet<&str> = before
        .iter()
        .filter(|(_, active)| *active)
        .map(|(r, _)| r.as_str())
        .collect();
    let now_in: HashSet<&str> = rooms.iter().map(String::as_str).collect();
    let changed: Vec<String> = was_in
        .symmetric_difference(&now_in)
        .map(|r| (*r).to_owned())
        .collect();
    sqlx::query(
        "INSERT INTO presence.rooms (connection_id, room, organization_id, user_id, expires_at)
         SELECT $1, room, $2, $3, now() + $5 FROM unnest($4::text[]) AS room
         ON CONFLICT (connection_id, room)
         DO UPDATE SET leaving = false, expires_at = EXCLUDED.expires_at",
    )
    .bind(connection)
    .bind(org)
    .bind(user)
    .bind(rooms)
    .bind(interval(ttl))
    .execute(&mut *tx)
    .await?;
    sqlx::query(
        "UPDATE presence.rooms SET leaving = true, expires_at = least(expires_at, now() + $3)
         WHERE connection_id = $1 AND NOT (room = ANY($2)) AND NOT leaving",
    )
    .bind(connection)
    .bind(rooms)
    .bind(interval(grace))
    .execute(&mut *tx)
    .await?;
    if !changed.is_empty() {
        for payload in payloads(org, changed, vec![connection]) {
            notify(&mut *tx, &payload).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Split a change into notifications that each fit a NOTIFY payload.
pub fn payloads(org: Uuid, rooms: Vec<String>, connections: Vec<Uuid>) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = Changed {
        org,
        rooms: Vec::new(),
        connections,
    };
    // Uuids and the envelope take ~60 bytes each at most; rooms up to ~105.
    let mut size = 64 + current.connections.len() * 40;
    for room in rooms {
        if size + room.len() + 3 > MAX_NOTIFY_BYTES && !current.rooms.is_empty() {
            out.push(serde_json::to_string(&current).expect("serializes"));
            current.rooms.clear();
            current.connections.clear();
            size = 64;
        }
        size += room.len() + 3;
        current.rooms.push(room);
    }
    out.push(serde_json::to_string(&current).expect("serializes"));
    out
}

async fn notify<'e>(db: impl sqlx::PgExecutor<'e>, payload: &str) -> sqlx::Result<()> {
    sqlx::query("SELECT pg_notify($1, $2)")
        .bind(CHANNEL)
        .bind(payload)
        .execute(db)
        .await?;
    Ok(())
}

/// The rooms these connections are in now (not the ones they are leaving).
pub async fn rooms_of(
    pool: &PgPool,
    connections: &[Uuid],
) -> sqlx::Result<HashMap<Uuid, HashSet<String>>> {
    let rows: Vec<(Uuid, String)> = sqlx::query_as(
        "SELECT connection_id, room FROM presence.rooms
         WHERE connection_id = ANY($1) AND NOT leaving AND expires_at > now()",
    )
    .bind(connections)
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<Uuid, HashSet<String>> =
        connections.iter().map(|c| (*c, HashSet::new())).collect();
    for (c, room) in rows {
        out.entry(c).or_default().insert(room);
    }
    Ok(out)
}

/// Who is in each of these rooms: one entry per user, however many connections they have
/// (a connection leaving within its grace still counts).
pub async fn members(
    pool: &PgPool,
    keys: &[RoomKey],
) -> sqlx::Result<HashMap<RoomKey, BTreeMap<Uuid, Member>>> {
    let (orgs, rooms): (Vec<Uuid>, Vec<String>) = keys.iter().cloned().unzip();
    let rows: Vec<(Uuid, String, Uuid, String)> = sqlx::query_as(
        "SELECT r.organization_id, r.room, r.user_id, min(c.name)
         FROM presence.rooms r JOIN presence.connections c ON c.id = r.connection_id
         WHERE (r.organization_id, r.room) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
           AND r.expires_at > now() AND c.expires_at > now()
         GROUP BY 1, 2, 3",
    )
    .bind(&orgs)
    .bind(&rooms)
    .fetch_all(pool)
    .await?;
    let mut out: HashMap<RoomKey, BTreeMap<Uuid, Member>> =
        keys.iter().map(|k| (k.clone(), BTreeMap::new())).collect();
    for (org, room, user_id, name) in rows {
        out.entry((org, room))
            .or_default()
            .insert(user_id, Member { user_id, name });
    }
    Ok(out)
}

/// Keep this instance's open streams' connections from expiring.
pub async fn refresh(pool: &PgPool, connections: &[Uuid], ttl: Duration) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE presence.connections SET expires_at = greatest(expires_at, now() + $2)
         WHERE id = ANY($1)",
    )
    .bind(connections)
    .bind(interval(ttl))
    .execute(pool)
    .await?;
    Ok(())
}

/// Remove what expired (closed streams past their grace, silent browsers, instances that
/// died) and tell every instance which rooms lost someone.
pub async fn sweep(pool: &PgPool) -> sqlx::Result<usize> {
    let mut tx = pool.begin().await?;
    let gone: Vec<(Uuid, Vec<String>)> = sqlx::query_as(
        "WITH gone AS (DELETE FROM presence.rooms WHERE expires_at <= now()
                       RETURNING organization_id, room)
         SELECT organization_id, array_agg(DISTINCT room) FROM gone GROUP BY 1",
    )
    .fetch_all(&mut *tx)
    .await?;
    sqlx::query("DELETE FROM presence.connections WHERE expires_at <= now()")
        .execute(&mut *tx)
        .await?;
    let mut n = 0;
    for (org, rooms) in gone {
        n += rooms.len();
        for payload in payloads(org, rooms, Vec::new()) {
            notify(&mut *tx, &payload).await?;
        }
    }
    tx.commit().await?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_are_split_to_fit_a_notify_payload() {
        let rooms: Vec<String> = (0..400).map(|i| format!("campaign:{:060}", i)).collect();
        let conn = Uuid::new_v4();
        let parts = payloads(Uuid::nil(), rooms, vec![conn]);
        assert!(parts.len() > 1);
        let mut seen = 0;
        for (i, p) in parts.iter().enumerate() {
            assert!(p.len() < 8_000, "{} bytes", p.len());
            let c: Changed = serde_json::from_str(p).unwrap();
            assert_eq!(c.connections.contains(&conn), i == 0);
            seen += c.rooms.len();
        }
        assert_eq!(seen, 400);
    }
}
