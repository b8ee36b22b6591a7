//! `presencegen`: presence and broadcast figures against running Switchboard servers.
//!
//! - presence join → another user's stream (p50/p95), the two users on different instances;
//! - broadcast post → another user's stream, same instance and across instances;
//! - fan-out: N users in one room on one instance, each posting R cursor messages a second:
//!   deliveries per second, latency, and the server's CPU.
//!
//! presencegen --url http://127.0.0.1:3900 --url2 http://127.0.0.1:3901 \
//!             --database-url postgres://... --server-pid 1234 --users 100 --rate 20 --seconds 10

mod proc_stats;

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use anyhow::{bail, Context};
use futures_util::StreamExt;
use hdrhistogram::Histogram;
use reqwest::Client;
use serde_json::{json, Value};
use tokio::sync::mpsc;

fn micros_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

fn hist() -> Histogram<u64> {
    Histogram::new_with_bounds(1, 120_000_000, 3).expect("histogram")
}

fn ms(h: &Histogram<u64>, q: f64) -> f64 {
    if h.is_empty() {
        0.0
    } else {
        h.value_at_quantile(q) as f64 / 1000.0
    }
}

/// Broadcast latencies and counts seen by every stream.
#[derive(Default)]
struct Seen {
    broadcasts: AtomicU64,
    latency: Mutex<Option<Histogram<u64>>>,
}

struct User {
    token: String,
}

/// Open a stream; returns its connection id, and passes presence events to `presence`.
async fn stream(
    http: &Client,
    url: &str,
    token: &str,
    seen: Arc<Seen>,
    presence: Option<mpsc::UnboundedSender<(Instant, Value)>>,
) -> anyhow::Result<String> {
    let res = http
        .get(format!("{url}/api/realtime/stream?sub=calls:DELETE"))
        .bearer_auth(token)
        .send()
        .await?
        .error_for_status()?;
    let mut body = res.bytes_stream();
    let (conn_tx, mut conn_rx) = mpsc::channel::<String>(1);
    tokio::spawn(async move {
        let mut buf = String::new();
        while let Some(Ok(chunk)) = body.next().await {
            buf.push_str(&String::from_utf8_lossy(&chunk));
            while let Some(end) = buf.find("\n\n") {
                let frame: String = buf.drain(..end + 2).collect();
                let event = frame
                    .lines()
                    .find_map(|l| l.strip_prefix("event: "))
                    .unwrap_or("");
                let data = frame
                    .lines()
                    .find_map(|l| l.strip_prefix("data: "))
                    .unwrap_or("");
                match event {
                    "ready" => {
                        let v: Value = serde_json::from_str(data).unwrap_or_default();
                        let _ = conn_tx.try_send(v["connection"].as_str().unwrap_or("").to_owned());
                    }
                    "broadcast" => {
                        // `"t":<µs>` in the payload: no full JSON parse on the hot path.
                        if let Some(i) = data.find("\"t\":") {
                            let digits: String = data[i + 4..]
                                .chars()
                                .take_while(char::is_ascii_digit)
                                .collect();
                            if let Ok(t) = digits.parse::<u64>() {
                                let lat = micros_now().saturating_sub(t).max(1);
                                seen.broadcasts.fetch_add(1, Relaxed);
                                if let Some(h) = seen.latency.lock().unwrap().as_mut() {
                                    let _ = h.record(lat);
                                }
                            }
                        }
                    }
                    "presence" | "presence_diff" => {
                        if let Some(p) = &presence {
                            let v: Value = serde_json::from_str(data).unwrap_or_default();
                            let _ = p.send((Instant::now(), v));
                        }
                    }
                    _ => {}
                }
            }
        }
    });
    tokio::time::timeout(Duration::from_secs(10), conn_rx.recv())
        .await
        .ok()
        .flatten()
        .context("no ready event")
}

async fn report(
    http: &Client,
    url: &str,
    token: &str,
    conn: &str,
    rooms: &[String],
) -> anyhow::Result<()> {
    http.put(format!("{url}/api/presence"))
        .bearer_auth(token)
        .json(&json!({"connection": conn, "rooms": rooms}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn post(http: &Client, url: &str, token: &str, room: &str) -> anyhow::Result<()> {
    http.post(format!("{url}/api/broadcast"))
        .bearer_auth(token)
        .json(&json!({"room": room, "event": "cursor", "payload": {"t": micros_now(), "x": 0.5, "y": 0.5}}))
        .send()
        .await?
        .error_for_status()?;
    Ok(())
}

async fn users(
    pool: &sqlx::PgPool,
    http: &Client,
    url: &str,
    n: usize,
) -> anyhow::Result<Vec<User>> {
    sqlx::query(
        "INSERT INTO users (organization_id, email, name, password_hash, role)
         SELECT u.organization_id, 'bench' || i || '@acme.example', 'Bench user ' || i, u.password_hash, 'organizer'
         FROM users u, generate_series(1, $1) AS i
         WHERE u.email = 'organizer@acme.example'
           AND NOT EXISTS (SELECT 1 FROM users x WHERE x.email = 'bench' || i || '@acme.example')",
    )
    .bind(n as i32)
    .execute(pool)
    .await
    .context("creating the benchmark users")?;
    let mut out = Vec::new();
    for i in 1..=n {
        let res: Value = http
            .post(format!("{url}/api/auth/token"))
            .json(
                &json!({"email": format!("bench{i}@acme.example"), "password": "switchboard-demo"}),
            )
            .send()
            .await?
            .error_for_status()?
            .json()
            .await?;
        out.push(User {
            token: res["token"].as_str().context("no token")?.to_owned(),
        });
    }
    Ok(out)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut url = "http://127.0.0.1:3900".to_string();
    let mut url2 = String::new();
    let (mut database_url, mut pid, mut n, mut rate, mut seconds) =
        (String::new(), 0u32, 100usize, 20u64, 10u64);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let v = it.next().with_context(|| format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => url = v,
            "--url2" => url2 = v,
            "--database-url" => database_url = v,
            "--server-pid" => pid = v.parse()?,
            "--users" => n = v.parse()?,
            "--rate" => rate = v.parse()?,
            "--seconds" => seconds = v.parse()?,
            other => bail!("unknown flag {other}"),
        }
    }
    if url2.is_empty() {
        url2 = url.clone();
    }
    let pool = sqlx::PgPool::connect(&database_url).await?;
    let http = Client::builder().pool_max_idle_per_host(256).build()?;
    let people = users(&pool, &http, &url, n.max(3)).await?;

    // 1. Presence: B joins a room A is in, on the other instance.
    let seen = Arc::new(Seen::default());
    let (ptx, mut prx) = mpsc::unbounded_channel();
    let a = &people[0];
    let a_conn = stream(&http, &url, &a.token, seen.clone(), Some(ptx)).await?;
    let mut join = hist();
    for i in 0..20 {
        let room = format!("bench:join{i}");
        report(&http, &url, &a.token, &a_conn, std::slice::from_ref(&room)).await?;
        let b = &people[1 + i % (people.len() - 1)];
        let b_conn = stream(&http, &url2, &b.token, seen.clone(), None).await?;
        while prx.try_recv().is_ok() {}
        let sent = Instant::now();
        report(&http, &url2, &b.token, &b_conn, std::slice::from_ref(&room)).await?;
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        while let Ok(Some((at, v))) = tokio::time::timeout_at(deadline, prx.recv()).await {
            let joined =
                v["room"] == room.as_str() && v["joins"].as_array().is_some_and(|j| !j.is_empty());
            if joined {
                let _ = join.record(at.duration_since(sent).as_micros().max(1) as u64);
                break;
            }
        }
    }
    println!(
        "presence join → other user's stream (other instance): p50 {:.1} ms, p95 {:.1} ms ({} samples)",
        ms(&join, 0.5),
        ms(&join, 0.95),
        join.len()
    );

    // 2. Broadcast latency, same instance and across instances.
    for (label, target) in [
        ("same instance", url.clone()),
        ("other instance", url2.clone()),
    ] {
        let seen = Arc::new(Seen::default());
        *seen.latency.lock().unwrap() = Some(hist());
        let (s, r) = (&people[1], &people[2]);
        let room = "bench:latency".to_string();
        let r_conn = stream(&http, &target, &r.token, seen.clone(), None).await?;
        report(
            &http,
            &target,
            &r.token,
            &r_conn,
            std::slice::from_ref(&room),
        )
        .await?;
        tokio::time::sleep(Duration::from_millis(300)).await;
        for _ in 0..100 {
            post(&http, &url, &s.token, &room).await?;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
        let h = seen.latency.lock().unwrap().take().unwrap();
        println!(
            "broadcast post → other user's stream ({label}): p50 {:.1} ms, p95 {:.1} ms, p99 {:.1} ms ({} of 100)",
            ms(&h, 0.5), ms(&h, 0.95), ms(&h, 0.99), h.len()
        );
    }

    // 3. Fan-out: n users in one room on one instance, each posting `rate` a second.
    let seen = Arc::new(Seen::default());
    let room = "bench:fanout".to_string();
    for u in people.iter().take(n) {
        let c = stream(&http, &url, &u.token, seen.clone(), None).await?;
        report(&http, &url, &u.token, &c, std::slice::from_ref(&room)).await?;
    }
    tokio::time::sleep(Duration::from_secs(2)).await;
    *seen.latency.lock().unwrap() = Some(hist());
    seen.broadcasts.store(0, Relaxed);
    let cpu0 = proc_stats::cpu_ticks(pid)?;
    let t0 = Instant::now();
    let posted = Arc::new(AtomicU64::new(0));
    let mut tasks = Vec::new();
    for u in people.iter().take(n) {
        let (http, url, token, room, posted) = (
            http.clone(),
            url.clone(),
            u.token.clone(),
            room.clone(),
            posted.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_micros(1_000_000 / rate));
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Skip);
            let end = Instant::now() + Duration::from_secs(seconds);
            while Instant::now() < end {
                tick.tick().await;
                if post(&http, &url, &token, &room).await.is_ok() {
                    posted.fetch_add(1, Relaxed);
                }
            }
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    tokio::time::sleep(Duration::from_millis(500)).await;
    let secs = t0.elapsed().as_secs_f64();
    let cpu = proc_stats::cpu_ticks(pid)? - cpu0;
    let got = seen.broadcasts.load(Relaxed);
    let rss_mb = proc_stats::rss_kb(pid)? / 1024;
    let posted = posted.load(Relaxed);
    let h = seen.latency.lock().unwrap().take().unwrap();
    println!(
        "fan-out: {n} users in one room × {rate} msg/s for {seconds} s: {:.0} posted/s, {:.0} deliveries/s \
         ({got} of {} expected), p50 {:.1} ms, p99 {:.1} ms, server CPU {:.0} %, RSS {rss_mb} MB",
        posted as f64 / secs,
        got as f64 / secs,
        posted * (n as u64 - 1),
        ms(&h, 0.5),
        ms(&h, 0.99),
        proc_stats::cpu_percent(cpu, secs),
    );
    Ok(())
}
