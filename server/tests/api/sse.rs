//! A small SSE client for tests: reads `text/event-stream` frames from a live response.

use std::time::Duration;

use futures_util::StreamExt;
use reqwest::{Client, StatusCode};
use serde_json::Value;

#[derive(Debug, Clone)]
pub struct Event {
    pub event: String,
    pub id: Option<String>,
    pub data: String,
}

impl Event {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.data).expect("event data is JSON")
    }
}

pub struct Sse {
    body: std::pin::Pin<Box<dyn futures_util::Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    buf: String,
    /// `heartbeat` events seen (skipped by `next`).
    pub heartbeats: usize,
    /// The `welcome` event's data (whose stream it is; skipped by `next`).
    pub welcome: Option<Value>,
}

impl Sse {
    /// Open a stream; panics unless it answers 200.
    pub async fn open(url: &str, token: &str, last_event_id: Option<&str>) -> Sse {
        let (status, sse) = Self::try_open(url, token, last_event_id).await;
        assert_eq!(status, StatusCode::OK, "opening {url}");
        sse.unwrap()
    }

    pub async fn try_open(
        url: &str,
        token: &str,
        last_event_id: Option<&str>,
    ) -> (StatusCode, Option<Sse>) {
        let mut req = Client::new().get(url).bearer_auth(token);
        if let Some(id) = last_event_id {
            req = req.header("Last-Event-ID", id);
        }
        Self::send(req).await
    }

    /// Open a stream with any request (e.g. a browser-like client with a session cookie).
    pub async fn send(req: reqwest::RequestBuilder) -> (StatusCode, Option<Sse>) {
        let res = req.send().await.expect("connecting to the stream");
        let status = res.status();
        if status != StatusCode::OK {
            return (status, None);
        }
        assert_eq!(res.headers()["content-type"], "text/event-stream");
        let sse = Sse {
            body: Box::pin(res.bytes_stream()),
            buf: String::new(),
            heartbeats: 0,
            welcome: None,
        };
        (status, Some(sse))
    }

    /// Take one complete frame from the buffer: `None` if there is none yet, `Some(None)` for a
    /// frame without an event (a comment, `retry:`).
    fn frame(&mut self) -> Option<Option<Event>> {
        let end = self.buf.find("\n\n")?;
        let frame: String = self.buf.drain(..end + 2).collect();
        let mut ev = Event {
            event: "message".into(),
            id: None,
            data: String::new(),
        };
        let mut any = false;
        for line in frame.lines() {
            if let Some(v) = line.strip_prefix("event: ") {
                ev.event = v.into();
                any = true;
            } else if let Some(v) = line.strip_prefix("id: ") {
                ev.id = Some(v.into());
            } else if let Some(v) = line.strip_prefix("data: ") {
                ev.data.push_str(v);
                any = true;
            }
        }
        Some(any.then_some(ev))
    }

    /// Wait for more bytes: `Err(())` after the deadline, `Ok(false)` when the stream ended.
    async fn fill(&mut self, deadline: tokio::time::Instant) -> Result<bool, ()> {
        match tokio::time::timeout_at(deadline, self.body.next()).await {
            Err(_) => Err(()),
            Ok(None) | Ok(Some(Err(_))) => Ok(false),
            Ok(Some(Ok(chunk))) => {
                self.buf
                    .push_str(std::str::from_utf8(&chunk).expect("utf-8"));
                Ok(true)
            }
        }
    }

    /// The next event (comments, heartbeats, `welcome` and `retry:` skipped), or `None` after
    /// `wait` or when the stream ends.
    pub async fn next(&mut self, wait: Duration) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            match self.frame() {
                Some(Some(ev)) if ev.event == "heartbeat" => self.heartbeats += 1,
                Some(Some(ev)) if ev.event == "welcome" => self.welcome = Some(ev.json()),
                Some(Some(ev)) => return Some(ev),
                Some(None) => {}
                None => {
                    if self.fill(deadline).await != Ok(true) {
                        return None;
                    }
                }
            }
        }
    }

    /// Read until the server ends the stream (true) or `wait` passes (false); the events seen.
    pub async fn until_end(&mut self, wait: Duration) -> (Vec<Event>, bool) {
        let deadline = tokio::time::Instant::now() + wait;
        let mut seen = Vec::new();
        loop {
            match self.frame() {
                Some(ev) => seen.extend(ev),
                None => match self.fill(deadline).await {
                    Err(()) => return (seen, false),
                    Ok(false) => return (seen, true),
                    Ok(true) => {}
                },
            }
        }
    }

    /// Wait for `event: ready`; returns its cursor.
    pub async fn ready(&mut self) -> String {
        self.ready_data().await["cursor"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// Wait for `event: ready`; returns its presence `connection` id.
    pub async fn connection(&mut self) -> String {
        let data = self.ready_data().await;
        data["connection"]
            .as_str()
            .expect("ready names its connection")
            .to_owned()
    }

    async fn ready_data(&mut self) -> Value {
        loop {
            let ev = self
                .next(Duration::from_secs(10))
                .await
                .expect("a ready event");
            if ev.event == "ready" {
                return ev.json();
            }
            assert_eq!(
                ev.event, "change",
                "before ready only replayed changes come: {ev:?}"
            );
        }
    }

    /// The next `name` event whose data satisfies `want` (others skipped), within `wait`.
    pub async fn next_matching(
        &mut self,
        name: &str,
        wait: Duration,
        want: impl Fn(&Value) -> bool,
    ) -> Option<Event> {
        let deadline = tokio::time::Instant::now() + wait;
        loop {
            let left = deadline.saturating_duration_since(tokio::time::Instant::now());
            let ev = self.next(left).await?;
            if ev.event == name && want(&ev.json()) {
                return Some(ev);
            }
        }
    }

    /// Collect `change` events until `n` arrived or `wait` passed without one.
    pub async fn changes(&mut self, n: usize, wait: Duration) -> Vec<Event> {
        let mut out = Vec::new();
        while out.len() < n {
            match self.next(wait).await {
                Some(ev) if ev.event == "change" => out.push(ev),
                Some(_) => {}
                None => break,
            }
        }
        out
    }
}
