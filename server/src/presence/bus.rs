//! Presence and broadcast between instances over LISTEN/NOTIFY: each instance listens on
//! [`store::CHANNEL`] and [`BROADCAST_CHANNEL`], applies what it hears to its own streams, and
//! sends its own broadcasts once per tick. Everything it computes comes from Postgres, so an
//! instance that missed a notification (listener down) catches up on its next resync.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use sqlx::postgres::{PgListener, PgNotification};
use sqlx::PgPool;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::frames::Message;
use super::local::RoomKey;
use super::store::{self, Changed, MAX_NOTIFY_BYTES};
use super::Presence;

/// Channel of broadcasts posted on one instance, for the others.
pub const BROADCAST_CHANNEL: &str = "presence_broadcasts";
const RETRY: Duration = Duration::from_secs(1);

/// Broadcasts of one room, from one instance, in one tick.
#[derive(Serialize, Deserialize)]
struct Envelope {
    #[serde(rename = "i")]
    instance: Uuid,
    #[serde(rename = "o")]
    org: Uuid,
    #[serde(rename = "m")]
    messages: Vec<Message>,
}

/// Listen and apply, until cancelled.
pub async fn listen(p: Arc<Presence>, pool: PgPool, cancel: CancellationToken) {
    let mut listener: Option<PgListener> = None;
    let mut resync = tokio::time::interval(p.config.refresh_every);
    loop {
        if listener.is_none() {
            listener = connect(&pool).await;
            if listener.is_some() {
                // Anything may have changed while nobody listened.
                if let Err(e) = resync_all(&p, &pool).await {
                    tracing::warn!(error = %e, "presence resync failed");
                }
            }
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            _ = resync.tick() => {
                if let Err(e) = resync_all(&p, &pool).await {
                    tracing::warn!(error = %e, "presence resync failed");
                }
            }
            () = tokio::time::sleep(RETRY), if listener.is_none() => {}
            got = async { listener.as_mut().expect("checked").try_recv().await }, if listener.is_some() => {
                match got {
                    Ok(Some(first)) => {
                        let mut batch = vec![first];
                        if let Some(l) = listener.as_mut() {
                            while let Some(n) = l.next_buffered() {
                                batch.push(n);
                            }
                        }
                        if let Err(e) = handle(&p, &pool, batch).await {
                            tracing::warn!(error = %e, "presence update failed; the next resync repairs it");
                        }
                    }
                    Ok(None) | Err(_) => {
                        tracing::warn!("presence listener lost its connection; reconnecting");
                        listener = None;
                    }
                }
            }
        }
    }
}

async fn connect(pool: &PgPool) -> Option<PgListener> {
    let attempt = crate::realtime::listener::connect(pool, &[store::CHANNEL, BROADCAST_CHANNEL]);
    match attempt.await {
        Ok(l) => Some(l),
        Err(e) => {
            tracing::warn!(error = %e, "presence listener cannot connect; retrying");
            None
        }
    }
}

async fn handle(p: &Presence, pool: &PgPool, batch: Vec<PgNotification>) -> sqlx::Result<()> {
    let mut changes = Vec::new();
    for n in batch {
        match n.channel() {
            BROADCAST_CHANNEL => match serde_json::from_str::<Envelope>(n.payload()) {
                // Broadcasts first: they are what latency is felt on.
                Ok(env) if env.instance != p.instance => {
                    let local = p.local();
                    for m in &env.messages {
                        p.stats
                            .deliveries
                            .fetch_add(local.deliver(env.org, m), Relaxed);
                    }
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "unreadable broadcast notification"),
            },
            _ => match serde_json::from_str::<Changed>(n.payload()) {
                Ok(c) => changes.push(c),
                Err(e) => tracing::warn!(error = %e, "unreadable presence notification"),
            },
        }
    }
    if changes.is_empty() {
        return Ok(());
    }
    let mut keys = HashSet::new();
    let mut conns = Vec::new();
    {
        let local = p.local();
        for c in changes {
            conns.extend(c.connections.into_iter().filter(|id| local.holds(*id)));
            keys.extend(c.rooms.into_iter().map(|r| (c.org, r)));
        }
    }
    apply(p, pool, conns, keys).await
}

/// Re-read the rooms of `conns` (this instance's), then the members of `keys` and of every
/// room those connections joined, and send each stream what changed.
async fn apply(
    p: &Presence,
    pool: &PgPool,
    conns: Vec<Uuid>,
    mut keys: HashSet<RoomKey>,
) -> sqlx::Result<()> {
    let mut fresh: HashMap<RoomKey, HashSet<Uuid>> = HashMap::new();
    if !conns.is_empty() {
        let rooms = store::rooms_of(pool, &conns).await?;
        let mut local = p.local();
        for (conn, rooms) in rooms {
            for key in local.set_rooms(conn, rooms) {
                fresh.entry(key.clone()).or_default().insert(conn);
                keys.insert(key);
            }
        }
    }
    let watched = p.local().watched(keys);
    if watched.is_empty() {
        return Ok(());
    }
    let members = store::members(pool, &watched).await?;
    let mut local = p.local();
    let none = HashSet::new();
    for (key, now) in members {
        let sent = local.update_members(&key, now, fresh.get(&key).unwrap_or(&none));
        p.stats.presence_frames.fetch_add(sent, Relaxed);
    }
    Ok(())
}

async fn resync_all(p: &Presence, pool: &PgPool) -> sqlx::Result<()> {
    let (conns, rooms) = {
        let local = p.local();
        (local.ids(), local.all_rooms())
    };
    apply(p, pool, conns, rooms.into_iter().collect()).await
}

/// Send this instance's broadcasts to the others, one tick's worth at a time.
pub async fn send(p: Arc<Presence>, pool: PgPool, cancel: CancellationToken) {
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            () = p.wake.notified() => {}
        }
        // Let the tick's messages gather: one notification per room.
        tokio::time::sleep(p.config.broadcast_tick).await;
        let payloads = envelopes(p.instance, p.take_outgoing());
        if payloads.is_empty() {
            continue;
        }
        let n = payloads.len() as u64;
        let sent = sqlx::query("SELECT pg_notify($1, payload) FROM unnest($2::text[]) AS payload")
            .bind(BROADCAST_CHANNEL)
            .bind(&payloads)
            .execute(&pool)
            .await;
        match sent {
            Ok(_) => {
                p.stats.notifies.fetch_add(n, Relaxed);
            }
            // Ephemeral: a broadcast that cannot be sent now is stale by the time it could.
            Err(e) => tracing::warn!(error = %e, "broadcasts to other instances dropped"),
        }
    }
}

/// Group messages by room, each group split into payloads under the NOTIFY limit.
fn envelopes(instance: Uuid, messages: Vec<(Uuid, Message)>) -> Vec<String> {
    let mut by_room: HashMap<(Uuid, String), Vec<Message>> = HashMap::new();
    for (org, m) in messages {
        by_room.entry((org, m.room.clone())).or_default().push(m);
    }
    let mut out = Vec::new();
    for ((org, _), messages) in by_room {
        let mut env = Envelope {
            instance,
            org,
            messages: Vec::new(),
        };
        let mut size = 100;
        for m in messages {
            let len = serde_json::to_string(&m).map_or(0, |s| s.len()) + 1;
            if size + len > MAX_NOTIFY_BYTES && !env.messages.is_empty() {
                out.push(serde_json::to_string(&env).expect("serializes"));
                env.messages.clear();
                size = 100;
            }
            size += len;
            env.messages.push(m);
        }
        out.push(serde_json::to_string(&env).expect("serializes"));
    }
    out
}

/// Remove what expired and keep this instance's streams' connections alive, until cancelled.
pub async fn maintain(p: Arc<Presence>, pool: PgPool, cancel: CancellationToken) {
    let mut sweep = tokio::time::interval(p.config.sweep_every);
    let mut refresh = tokio::time::interval(p.config.refresh_every);
    loop {
        tokio::select! {
            () = cancel.cancelled() => break,
            _ = sweep.tick() => {
                if let Err(e) = store::sweep(&pool).await {
                    tracing::warn!(error = %e, "presence sweep failed");
                }
            }
            _ = refresh.tick() => {
                p.prune();
                let ids = p.local().ids();
                if !ids.is_empty() {
                    if let Err(e) = store::refresh(&pool, &ids, p.config.ttl).await {
                        tracing::warn!(error = %e, "presence refresh failed");
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::value::RawValue;

    #[test]
    fn broadcasts_are_one_notification_per_room_split_under_the_limit() {
        let org = Uuid::new_v4();
        let msg = |room: &str, size: usize| {
            (
                org,
                Message {
                    room: room.into(),
                    event: "cursor".into(),
                    payload: RawValue::from_string(format!("\"{}\"", "x".repeat(size))).unwrap(),
                    user_id: Uuid::nil(),
                    name: "Ada".into(),
                    to_self: false,
                },
            )
        };
        let small = envelopes(Uuid::nil(), vec![msg("a", 10), msg("a", 10), msg("b", 10)]);
        assert_eq!(small.len(), 2, "one per room");
        let big = envelopes(Uuid::nil(), (0..5).map(|_| msg("a", 4000)).collect());
        assert!(big.len() >= 3);
        let mut n = 0;
        for p in &big {
            assert!(p.len() < 8_000, "{}", p.len());
            n += serde_json::from_str::<Envelope>(p).unwrap().messages.len();
        }
        assert_eq!(n, 5);
    }
}
