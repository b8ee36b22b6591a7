//! N SSE subscribers on raw TCP connections, kept as cheap as possible so the client does not
//! eat the CPU the server is being measured on: no HTTP library, no JSON parsing — each
//! frame is scanned for its `commit_timestamp`.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use anyhow::{bail, Context};
use chrono::{DateTime, Utc};
use hdrhistogram::Histogram;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::sync::{mpsc, Semaphore};
use tokio::task::JoinHandle;

/// Connections being set up at once.
const OPEN_CONCURRENCY: usize = 200;

pub struct Streams {
    counting: Arc<AtomicBool>,
    stats: Vec<Arc<Mutex<PhaseStats>>>,
    tasks: Vec<JoinHandle<()>>,
}

pub struct PhaseStats {
    pub hist: Histogram<u64>,
    pub deliveries: u64,
}

impl PhaseStats {
    fn new() -> Self {
        PhaseStats {
            hist: Histogram::new_with_bounds(1, 60_000_000, 3).expect("histogram"),
            deliveries: 0,
        }
    }

    /// Latency quantile in milliseconds.
    pub fn quantile_ms(&self, q: f64) -> f64 {
        if self.hist.is_empty() {
            0.0
        } else {
            self.hist.value_at_quantile(q) as f64 / 1000.0
        }
    }
}

impl Streams {
    pub async fn open(url: &str, token: &str, n: usize) -> anyhow::Result<Streams> {
        let addr = url
            .strip_prefix("http://")
            .context("url must be http://host:port")?
            .to_owned();
        let request = format!(
            "GET /api/realtime/stream?sub=calls:UPDATE HTTP/1.1\r\nHost: {addr}\r\n\
             Authorization: Bearer {token}\r\nAccept: text/event-stream\r\n\r\n"
        );
        let counting = Arc::new(AtomicBool::new(false));
        let gate = Arc::new(Semaphore::new(OPEN_CONCURRENCY));
        let (ready_tx, mut ready_rx) = mpsc::channel::<anyhow::Result<()>>(n.max(1));
        let mut stats = Vec::with_capacity(n);
        let mut tasks = Vec::with_capacity(n);
        for _ in 0..n {
            let s = Arc::new(Mutex::new(PhaseStats::new()));
            stats.push(s.clone());
            let (addr, request, counting, gate, ready) = (
                addr.clone(),
                request.clone(),
                counting.clone(),
                gate.clone(),
                ready_tx.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let permit = gate.acquire_owned().await.expect("semaphore");
                let mut conn = match connect(&addr, &request).await {
                    Ok(c) => c,
                    Err(e) => {
                        let _ = ready.send(Err(e)).await;
                        return;
                    }
                };
                drop(permit);
                let _ = ready.send(Ok(())).await;
                receive(&mut conn, &counting, &s).await;
            }));
        }
        for _ in 0..n {
            ready_rx.recv().await.context("a stream task vanished")??;
        }
        Ok(Streams {
            counting,
            stats,
            tasks,
        })
    }

    /// Start counting a new measurement phase.
    pub fn begin_phase(&self) {
        for s in &self.stats {
            *s.lock().expect("stats") = PhaseStats::new();
        }
        self.counting.store(true, Ordering::SeqCst);
    }

    /// Stop counting and merge every stream's figures.
    pub fn end_phase(&self) -> PhaseStats {
        self.counting.store(false, Ordering::SeqCst);
        let mut total = PhaseStats::new();
        for s in &self.stats {
            let s = s.lock().expect("stats");
            total.hist.add(&s.hist).expect("same bounds");
            total.deliveries += s.deliveries;
        }
        total
    }

    pub fn close(&self) {
        for t in &self.tasks {
            t.abort();
        }
    }
}

/// Connect, send the request, read up to and including `event: ready`.
async fn connect(addr: &str, request: &str) -> anyhow::Result<TcpStream> {
    let mut conn = TcpStream::connect(addr).await.context("connecting")?;
    conn.set_nodelay(true)?;
    conn.write_all(request.as_bytes()).await?;
    let mut seen = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    loop {
        let n = conn.read(&mut buf).await?;
        if n == 0 {
            bail!(
                "the server closed the stream before it was ready: {}",
                String::from_utf8_lossy(&seen)
            );
        }
        seen.extend_from_slice(&buf[..n]);
        if !seen.starts_with(b"HTTP/1.1 200") {
            bail!("stream refused: {}", String::from_utf8_lossy(&seen));
        }
        if find(&seen, b"event: ready").is_some() {
            return Ok(conn);
        }
    }
}

async fn receive(conn: &mut TcpStream, counting: &AtomicBool, stats: &Mutex<PhaseStats>) {
    let mut buf = vec![0u8; 16 * 1024];
    let mut filled = 0;
    loop {
        if filled == buf.len() {
            buf.resize(buf.len() * 2, 0);
        }
        let n = match conn.read(&mut buf[filled..]).await {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        filled += n;
        // Whole frames end with a blank line; keep any partial one for the next read.
        let Some(end) = rfind(&buf[..filled], b"\n\n") else {
            continue;
        };
        let now = Utc::now();
        if counting.load(Ordering::Relaxed) {
            let mut s = stats.lock().expect("stats");
            let mut rest = &buf[..end];
            while let Some(i) = find(rest, b"\"commit_timestamp\":\"") {
                rest = &rest[i + 20..];
                let Some(q) = rest.iter().position(|b| *b == b'"') else {
                    break;
                };
                if let Some(ts) = std::str::from_utf8(&rest[..q])
                    .ok()
                    .and_then(|t| t.parse::<DateTime<Utc>>().ok())
                {
                    let us = (now - ts).num_microseconds().unwrap_or(0).max(1) as u64;
                    let _ = s.hist.record(us);
                    s.deliveries += 1;
                }
            }
        }
        buf.copy_within(end + 2..filled, 0);
        filled -= end + 2;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn rfind(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).rposition(|w| w == needle)
}
