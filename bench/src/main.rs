//! `loadgen`: hold N server-sent-event streams open against a running Switchboard server while
//! writers commit M changes per second through Postgres; report commit→receive latency
//! (p50/p95/p99), deliveries per second, and the server's CPU and memory (read from /proc).
//!
//! loadgen --url http://127.0.0.1:3900 --database-url postgres://... --server-pid 1234 \
//!         --streams 1000 --rates 10,100,1000 --seconds 10 [--saturate]

mod proc_stats;
mod streams;
mod writers;

use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};

use streams::Streams;

struct Args {
    url: String,
    database_url: String,
    server_pid: u32,
    streams: usize,
    rates: Vec<u64>,
    seconds: u64,
    saturate: bool,
}

fn parse_args() -> anyhow::Result<Args> {
    let mut a = Args {
        url: "http://127.0.0.1:3900".into(),
        database_url: String::new(),
        server_pid: 0,
        streams: 1000,
        rates: vec![10, 100, 1000],
        seconds: 10,
        saturate: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut val = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--url" => a.url = val()?,
            "--database-url" => a.database_url = val()?,
            "--server-pid" => a.server_pid = val()?.parse()?,
            "--streams" => a.streams = val()?.parse()?,
            "--rates" => {
                a.rates = val()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "--seconds" => a.seconds = val()?.parse()?,
            "--saturate" => a.saturate = true,
            other => bail!("unknown flag {other}"),
        }
    }
    if a.database_url.is_empty() || a.server_pid == 0 {
        bail!("--database-url and --server-pid are required");
    }
    Ok(a)
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args = parse_args()?;
    let token = token(&args.url).await?;
    let pool = sqlx::postgres::PgPoolOptions::new()
        .max_connections(32)
        .connect(&args.database_url)
        .await
        .context("connecting the writers to Postgres")?;
    let calls = writers::target_calls(&pool).await?;

    let rss_before = proc_stats::rss_kb(args.server_pid)?;
    let opened = Instant::now();
    let streams = Arc::new(Streams::open(&args.url, &token, args.streams).await?);
    tokio::time::sleep(Duration::from_secs(2)).await;
    let rss_after = proc_stats::rss_kb(args.server_pid)?;
    let per_stream = (rss_after.saturating_sub(rss_before)) as f64 / args.streams as f64;
    println!(
        "streams: {} open in {:.1} s; server RSS {} MB → {} MB: {:.1} KB per idle stream",
        args.streams,
        opened.elapsed().as_secs_f64(),
        rss_before / 1024,
        rss_after / 1024,
        per_stream
    );
    println!(
        "| streams | target changes/s | committed/s | deliveries/s | p50 ms | p95 ms | p99 ms | max ms | server CPU % | lost |"
    );
    println!("|---|---|---|---|---|---|---|---|---|---|");
    let mut runs: Vec<Option<u64>> = args.rates.iter().map(|r| Some(*r)).collect();
    if args.saturate {
        runs.push(None);
    }
    for rate in runs {
        streams.begin_phase();
        let cpu0 = proc_stats::cpu_ticks(args.server_pid)?;
        let t0 = Instant::now();
        let committed =
            writers::run(&pool, &calls, rate, Duration::from_secs(args.seconds)).await?;
        // Let in-flight deliveries land.
        tokio::time::sleep(Duration::from_millis(500)).await;
        let secs = t0.elapsed().as_secs_f64();
        let cpu = proc_stats::cpu_ticks(args.server_pid)? - cpu0;
        let r = streams.end_phase();
        let expected = committed * args.streams as u64;
        println!(
            "| {} | {} | {:.0} | {:.0} | {:.2} | {:.2} | {:.2} | {:.2} | {:.0} | {} |",
            args.streams,
            rate.map_or("max".to_string(), |r| r.to_string()),
            committed as f64 / args.seconds as f64,
            r.deliveries as f64 / secs,
            r.quantile_ms(0.50),
            r.quantile_ms(0.95),
            r.quantile_ms(0.99),
            r.quantile_ms(1.0),
            proc_stats::cpu_percent(cpu, secs),
            expected.saturating_sub(r.deliveries),
        );
    }
    streams.close();
    Ok(())
}

async fn token(url: &str) -> anyhow::Result<String> {
    let res: serde_json::Value = reqwest::Client::new()
        .post(format!("{url}/api/auth/token"))
        .json(
            &serde_json::json!({"email": "operator@acme.example", "password": "switchboard-demo"}),
        )
        .send()
        .await
        .context("asking the server for a token")?
        .error_for_status()?
        .json()
        .await?;
    res["token"]
        .as_str()
        .map(str::to_owned)
        .context("no token in the answer")
}
