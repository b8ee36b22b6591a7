//! `GET /api/realtime/stream`: server-sent events for the caller's organization.
//!
//! A stream first subscribes to the hub, then replays the change log after the client's
//! cursor (`Last-Event-ID`, else `?after=`), then forwards live changes, skipping any it has
//! already sent: nothing between replay and live is lost or repeated. A stream that falls
//! behind the hub's buffer is caught up from the change log the same way.

use std::convert::Infallible;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{RawQuery, State};
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Response};
use bytes::{Bytes, BytesMut};
use sqlx::PgPool;
use tokio::sync::broadcast::error::{RecvError, TryRecvError};
use uuid::Uuid;

/// Sent on a quiet stream: an event (not a comment) so browsers see it; no `id`, so it never
/// moves the resume point.
const HEARTBEAT: &[u8] = b"event: heartbeat\ndata: {}\n\n";

use app::cursor::Cursor;

use super::change::control_frame;
use super::connections::{Connection, Owner};
use super::filter::Subscription;
use super::log::{current, read_page, PageRead, Scope};
use super::params::{parse_cursor, Params};
use super::Realtime;
use crate::auth::extract::{AuthUser, Credential};
use crate::error::{ApiError, ErrorBody};
use crate::presence::Presence;
use crate::state::AppState;

/// Where the stream is served (long-lived by design: no request timeout applies).
pub const PATH: &str = "/api/realtime/stream";

/// Changes read from the log per query while replaying.
pub const REPLAY_PAGE: i64 = 500;
/// Longest a stream waits for its turn to read a replay page; past it the stream ends and the
/// client resumes from its cursor later (overload: better than a queue of stale replays).
const CATCH_UP_WAIT: std::time::Duration = std::time::Duration::from_secs(2);
/// Most buffered live changes written in one chunk.
const MAX_BATCH: usize = 256;

/// Subscribe to changes (SSE).
#[utoipa::path(
    get, path = "/api/realtime/stream", tag = "realtime",
    params(
        ("sub" = Vec<String>, Query, description = "Repeatable: `table[:event[:column=op.value]]`"),
        ("after" = Option<String>, Query, pattern = r"^[0-9]{1,18}(\.[0-9]{1,18})?$", description = "Resume after this cursor (`Last-Event-ID` wins)"),
    ),
    responses(
        (status = 200, description = "`text/event-stream`: `welcome` (whose stream it is), replayed `change` events, `ready` (with the `connection` id for `PUT /api/presence`), then live `change` events (id = cursor); `presence`, `presence_diff` and `broadcast` events (no id) for the rooms the connection reported; `reset` when the cursor is too old or the replay too long; `heartbeat` on a quiet stream; `session_ended` just before the stream ends because its session did", content_type = "text/event-stream"),
        (status = 400, body = ErrorBody),
        (status = 401, body = ErrorBody),
        (status = 429, description = "Too many open streams (per user, organization or server)", body = ErrorBody),
    ),
    security(("bearer" = []))
)]
pub async fn stream(
    State(state): State<AppState>,
    AuthUser(user): AuthUser,
    Credential(credential): Credential,
    headers: HeaderMap,
    RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
    let rt = &state.realtime;
    let params = Params::parse(query.as_deref(), false, &rt.registry, &state.pool).await?;
    let last_event_id = headers
        .get("last-event-id")
        .map(|v| {
            v.to_str()
                .map_err(|_| ApiError::BadRequest("Last-Event-ID is not text".into()))
        })
        .transpose()?
        .filter(|v| !v.is_empty())
        .map(parse_cursor)
        .transpose()?;
    let start = last_event_id.or(params.after);
    let conn = rt
        .connections
        .open(Owner {
            user: user.id,
            organization: user.organization_id,
            credential,
        })
        .map_err(|refused| ApiError::TooManyRequests {
            message: refused.to_string(),
            retry_after: None,
        })?;
    let body = Body::from_stream(session(
        rt.clone(),
        state.pool.clone(),
        Ephemeral {
            presence: state.presence.clone(),
            name: user.name,
        },
        conn,
        params.tables(),
        params.subs,
        start,
    ));
    let mut res = body.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    h.insert("x-accel-buffering", HeaderValue::from_static("no"));
    Ok(res)
}

/// What a stream has sent so far, and how to add to it.
struct Outbox {
    subs: Vec<Subscription>,
    org: Uuid,
    /// Everything at or before this position has been considered; later duplicates are dropped.
    last: Cursor,
    delivered: u64,
}

impl Outbox {
    /// Append the change's frame if it is new and wanted; organization checked on every event.
    fn offer(&mut self, change: &super::change::Change, buf: &mut Batch) {
        if change.cursor <= self.last {
            return;
        }
        self.last = change.cursor;
        if change.organization_id == self.org && self.subs.iter().any(|s| s.matches(change)) {
            buf.push(change.frame());
            self.delivered += 1;
        }
    }
}

/// Frames to write together. One frame is sent as the shared `Bytes` the change holds
/// (no copy); several are concatenated into one write.
#[derive(Default)]
struct Batch {
    one: Option<Bytes>,
    many: BytesMut,
}

impl Batch {
    fn push(&mut self, frame: &Bytes) {
        match self.one.take() {
            None if self.many.is_empty() => self.one = Some(frame.clone()),
            first => {
                if let Some(first) = first {
                    self.many.extend_from_slice(&first);
                }
                self.many.extend_from_slice(frame);
            }
        }
    }

    fn take(&mut self) -> Option<Bytes> {
        self.one
            .take()
            .or_else(|| (!self.many.is_empty()).then(|| self.many.split().freeze()))
    }
}

/// One step of a replay.
enum Replayed {
    /// A page was read (its frames, if any matched); more may follow.
    More(Option<Bytes>),
    /// Caught up with the log.
    Done(Option<Bytes>),
    /// The cursor is older than the log (or the replay too long): `reset`, now at the head.
    Reset(Bytes),
}

/// Read one page of the log after `out.last`, holding a replay permit only for the read.
async fn replay_page(
    rt: &Realtime,
    pool: &PgPool,
    out: &mut Outbox,
    tables: &[String],
) -> Result<Replayed, sqlx::Error> {
    let Some(_permit) = rt.permits.acquire(out.org, CATCH_UP_WAIT).await else {
        return Err(sqlx::Error::PoolTimedOut);
    };
    let scope = Scope {
        organization: Some(out.org),
        tables: Some(tables),
    };
    match read_page(pool, out.last, scope, REPLAY_PAGE).await? {
        PageRead::Reset { head, .. } => Ok(reset(rt, out, head)),
        PageRead::Changes {
            changes,
            end,
            complete,
        } => {
            let mut buf = Batch::default();
            for c in &changes {
                out.offer(c, &mut buf);
            }
            out.last = out.last.max(end);
            Ok(if complete {
                Replayed::Done(buf.take())
            } else {
                Replayed::More(buf.take())
            })
        }
    }
}

/// Move the stream to `head` and tell the client to reload.
fn reset(rt: &Realtime, out: &mut Outbox, head: Cursor) -> Replayed {
    rt.stats.resets.fetch_add(1, Relaxed);
    out.last = head;
    Replayed::Reset(control_frame("reset", head, out.org))
}

/// `event: welcome` (no id): the user and organization the stream belongs to.
fn welcome_frame(user: Uuid, organization: Uuid) -> Bytes {
    let data = serde_json::json!({ "user_id": user, "organization_id": organization });
    super::change::sse_frame("welcome", None, data.to_string().as_bytes())
}

/// `event: ready`: the stream is live at `cursor`; `connection` identifies it in presence
/// reports (`PUT /api/presence`).
fn ready_frame(cursor: Cursor, organization: Uuid, connection: Uuid) -> Bytes {
    let data = serde_json::json!({
        "cursor": cursor,
        "organization_id": organization,
        "connection": connection,
    });
    super::change::sse_frame("ready", Some(cursor), data.to_string().as_bytes())
}

/// Sent before a stream ends because its session did (signed out, revoked, expired): the
/// client stops reconnecting and asks the user to sign in again.
const SESSION_ENDED: &[u8] =
    b"event: session_ended\ndata: {\"reason\":\"your session ended: sign in again\"}\n\n";

/// Where a stream's events without an id (presence, broadcasts) come from.
struct Ephemeral {
    presence: Arc<Presence>,
    /// The stream's user's name, as others see it.
    name: String,
}

fn session(
    rt: Realtime,
    pool: PgPool,
    ephemeral: Ephemeral,
    conn: Connection,
    tables: Vec<String>,
    subs: Vec<Subscription>,
    start: Option<Cursor>,
) -> impl futures_util::Stream<Item = Result<Bytes, Infallible>> {
    async_stream::stream! {
        let owner = conn.owner();
        let org = owner.organization;
        let mut rx = rt.hub.subscribe(org);
        let counters = rt.stats.org(org);
        let _subscribed = Subscribed::new(counters.clone(), subs.len());
        let mut out = Outbox { subs, org, last: Cursor::START, delivered: 0 };
        yield Ok(Bytes::from_static(b"retry: 1000\n\n"));
        // Whose stream this is, before anything else: a browser tab that finds another
        // account's stream (the cookie changed under it) stops instead of showing it.
        yield Ok(welcome_frame(owner.user, org));
        // A connection id for presence reports (`ready` carries it); presence ends when the
        // stream does.
        // The rare awaits (attach, log head, replay) are boxed: a stream's future is as big as
        // its largest await, and idle streams, thousands of them, wait in the small one.
        let mut eph = Box::pin(ephemeral.presence.attach(&pool, org, owner.user, &ephemeral.name)).await;

        // Where to begin: after the client's cursor (replayed), or now.
        let begin = match start {
            Some(c) => c,
            None => match Box::pin(current(&pool)).await {
                Ok(head) => head,
                Err(e) => { tracing::warn!(error = %e, "stream cannot read the log head"); return; }
            },
        };
        out.last = begin;
        // Replaying: from the client's cursor at first, later after falling behind the hub.
        let mut replaying = start.is_some();
        let mut ready = false;
        let mut pages = 0;
        if replaying {
            rt.stats.replays.fetch_add(1, Relaxed);
        }
        let mut heartbeat = tokio::time::interval(rt.config.heartbeat);
        heartbeat.reset();
        // Made once, not per event: each completes at most once, and the loop ends after.
        let shutdown = rt.shutdown.clone().cancelled_owned();
        let ended = conn.ended.clone().cancelled_owned();
        tokio::pin!(shutdown, ended);
        loop {
            if conn.ended.is_cancelled() {
                yield Ok(Bytes::from_static(SESSION_ENDED));
                break;
            }
            if replaying {
                let before = out.delivered;
                let step = if pages >= rt.config.max_replay_pages {
                    // Too long a replay to hold a reader for: reload instead.
                    Box::pin(current(&pool)).await.map(|head| reset(&rt, &mut out, head))
                } else {
                    pages += 1;
                    Box::pin(replay_page(&rt, &pool, &mut out, &tables)).await
                };
                rt.stats.delivered(&counters, out.delivered - before);
                match step {
                    Ok(Replayed::More(frames)) => { if let Some(f) = frames { yield Ok(f); } continue; }
                    Ok(Replayed::Done(frames)) => { if let Some(f) = frames { yield Ok(f); } }
                    Ok(Replayed::Reset(frame)) => yield Ok(frame),
                    Err(e) => { tracing::warn!(error = %e, "replay failed; the client will resume"); break; }
                }
                replaying = false;
                pages = 0;
                heartbeat.reset();
            }
            if !ready {
                ready = true;
                yield Ok(ready_frame(out.last, org, eph.id));
            }
            let first = tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = &mut ended => continue,
                r = rx.recv() => r,
                Some(frame) = eph.rx.recv() => {
                    let mut buf = Batch::default();
                    buf.push(&frame);
                    while let Ok(more) = eph.rx.try_recv() { buf.push(&more); }
                    if eph.take_lost() {
                        for f in ephemeral.presence.states_of(eph.id) { buf.push(&f); }
                    }
                    if let Some(b) = buf.take() { yield Ok(b); }
                    continue;
                }
                _ = heartbeat.tick() => { yield Ok(Bytes::from_static(HEARTBEAT)); continue; }
            };
            let before = out.delivered;
            let mut buf = Batch::default();
            let mut lagged = false;
            match first {
                Ok(change) => out.offer(&change, &mut buf),
                Err(RecvError::Lagged(_)) => lagged = true,
                Err(RecvError::Closed) => break,
            }
            // Take whatever else is already buffered: one write for a burst. Stop at a lag:
            // what came before it is contiguous with `out.last`; the rest is replayed.
            for _ in 0..if lagged { 0 } else { MAX_BATCH } {
                match rx.try_recv() {
                    Ok(change) => out.offer(&change, &mut buf),
                    Err(TryRecvError::Lagged(_)) => { lagged = true; break; }
                    Err(_) => break,
                }
            }
            rt.stats.delivered(&counters, out.delivered - before);
            if let Some(b) = buf.take() { yield Ok(b); }
            if lagged {
                // Fell behind the hub: listen afresh, then fill the gap from the log.
                rx = rt.hub.subscribe(org);
                rt.stats.replays.fetch_add(1, Relaxed);
                replaying = true;
            }
            heartbeat.reset();
        }
    }
}

/// Counts a stream's subscriptions in its organization's figures while the stream is open.
struct Subscribed(Arc<crate::realtime::stats::OrgCounters>, i64);

impl Subscribed {
    fn new(counters: Arc<crate::realtime::stats::OrgCounters>, n: usize) -> Self {
        counters.subscriptions.fetch_add(n as i64, Relaxed);
        Subscribed(counters, n as i64)
    }
}

impl Drop for Subscribed {
    fn drop(&mut self) {
        self.0.subscriptions.fetch_sub(self.1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_frame_is_shared_and_several_are_joined() {
        let a = Bytes::from_static(b"event: change\n\n");
        let mut batch = Batch::default();
        assert!(batch.take().is_none());
        batch.push(&a);
        let one = batch.take().unwrap();
        assert_eq!(one.as_ptr(), a.as_ptr(), "no copy for a single frame");
        batch.push(&a);
        batch.push(&a);
        assert_eq!(
            &batch.take().unwrap()[..],
            b"event: change\n\nevent: change\n\n"
        );
        assert!(batch.take().is_none());
    }
}
