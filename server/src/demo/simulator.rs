//! The demo dialer: for every active campaign it keeps placing calls and plays the telephony
//! provider for them: it moves them through QUEUED → RINGING → IN_PROGRESS → ENDED (or FAILED)
//! at a realistic pace by sending Twilio status callbacks, signed with the organization's auth
//! token, over HTTP to the server's own webhook — so `make run` exercises the real webhook
//! path. Tests may apply the same callbacks directly instead (`webhooks: false`). With several
//! server instances only one dials at a time: the one holding a Postgres advisory lock;
//! another takes over if it goes away.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use app::data::telephony::{ProviderStatus, StatusCallback};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::pool::PoolConnection;
use sqlx::{PgPool, Postgres};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use super::provider::Provider;

/// Advisory lock key held by the instance that runs the dialer.
pub const LEADER_LOCK_KEY: i64 = 0x5357_4244_4941_4c00; // "SWBDIAL\0"
/// How often a standby instance tries to become the dialer.
const STANDBY_RETRY: Duration = Duration::from_secs(5);
/// How often the dialer adopts active calls it did not place (e.g. written with psql).
const ADOPT_INTERVAL: Duration = Duration::from_secs(30);

#[derive(Clone, Debug)]
pub struct SimulatorConfig {
    /// New calls per second, per organization.
    pub calls_per_second: f64,
    /// Share of calls that fail instead of being answered.
    pub failure_rate: f64,
    /// Time between two steps of the dialer.
    pub tick: Duration,
    /// Multiplies every call-phase duration (1.0 is realistic; tests use less).
    pub time_scale: f64,
    /// Send status callbacks over HTTP (`SWITCHBOARD_SIMULATOR_TRANSPORT=webhooks`, the
    /// default of `make run`) rather than applying them directly (`direct`).
    pub webhooks: bool,
    /// Where the callbacks go; set by the application once it is listening.
    pub target: Option<WebhookTarget>,
}

/// Where the dialer posts callbacks, and the origin it signs them for.
#[derive(Clone, Debug)]
pub struct WebhookTarget {
    /// e.g. `http://127.0.0.1:3000`: this instance's own listener.
    pub send_to: String,
    /// `SWITCHBOARD_PUBLIC_URL` when set (the URL the server checks signatures against).
    pub signed_origin: String,
}

impl Default for SimulatorConfig {
    fn default() -> Self {
        SimulatorConfig {
            calls_per_second: 2.0,
            failure_rate: 0.04,
            tick: Duration::from_millis(200),
            time_scale: 1.0,
            webhooks: false,
            target: None,
        }
    }
}

/// What happens to a call next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Step {
    Ring,
    Answer,
    Hangup,
}

/// How failed calls fail, as the provider reports it.
const FAILURES: [ProviderStatus; 4] = [
    ProviderStatus::NoAnswer,
    ProviderStatus::Busy,
    ProviderStatus::Failed,
    ProviderStatus::Canceled,
];

/// Run until cancelled: wait to become the dialer, then dial.
pub async fn run(pool: PgPool, cfg: SimulatorConfig, cancel: CancellationToken) {
    tracing::info!(rate = cfg.calls_per_second, "dialer simulator started");
    while !cancel.is_cancelled() {
        match try_lead(&pool).await {
            Ok(Some(lock)) => {
                tracing::info!("this instance is now the demo dialer");
                let mut dialer = Dialer::new(pool.clone(), cfg.clone());
                dialer.lead(lock, &cancel).await;
            }
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "dialer cannot reach Postgres"),
        }
        tokio::select! {
            () = cancel.cancelled() => break,
            () = tokio::time::sleep(STANDBY_RETRY) => {}
        }
    }
    tracing::info!("dialer simulator stopped");
}

/// The connection holding the dialer lock, if this instance got it.
async fn try_lead(pool: &PgPool) -> Result<Option<PoolConnection<Postgres>>, sqlx::Error> {
    let mut conn = pool.acquire().await?;
    let got: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
        .bind(LEADER_LOCK_KEY)
        .fetch_one(&mut *conn)
        .await?;
    Ok(got.then_some(conn))
}

pub struct Dialer {
    pool: PgPool,
    cfg: SimulatorConfig,
    rng: StdRng,
    /// Fractional calls owed to each organization.
    credit: HashMap<Uuid, f64>,
    plans: HashMap<Uuid, Plan>,
    provider: Provider,
    last_tick: Instant,
    last_adopt: Option<Instant>,
}

impl Dialer {
    pub fn new(pool: PgPool, cfg: SimulatorConfig) -> Self {
        let target = cfg.target.clone().filter(|_| cfg.webhooks);
        Dialer {
            provider: Provider::new(pool.clone(), target),
            pool,
            cfg,
            rng: StdRng::from_entropy(),
            credit: HashMap::new(),
            plans: HashMap::new(),
            last_tick: Instant::now(),
            last_adopt: None,
        }
    }

    async fn lead(&mut self, mut lock: PoolConnection<Postgres>, cancel: &CancellationToken) {
        let mut ticker = tokio::time::interval(self.cfg.tick);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        let mut last_check = Instant::now();
        loop {
            tokio::select! {
                () = cancel.cancelled() => break,
                _ = ticker.tick() => {}
            }
            if let Err(e) = self.tick().await {
                tracing::warn!(error = %e, "dialer step failed");
            }
            if last_check.elapsed() >= STANDBY_RETRY {
                last_check = Instant::now();
                // The lock lives as long as its connection: if that is gone, so is leadership.
                if sqlx::query("SELECT 1").execute(&mut *lock).await.is_err() {
                    tracing::warn!("dialer lost its lock connection; standing by");
                    lock.close_on_drop();
                    return;
                }
            }
        }
        let _ = sqlx::query("SELECT pg_advisory_unlock($1)")
            .bind(LEADER_LOCK_KEY)
            .execute(&mut *lock)
            .await;
    }

    fn delay(&mut self, step: Step) -> Duration {
        let secs = match step {
            Step::Ring => self.rng.gen_range(0.5..2.0),
            Step::Answer => self.rng.gen_range(2.0..6.0),
            Step::Hangup => self.rng.gen_range(5.0..60.0),
        };
        Duration::from_secs_f64(secs * self.cfg.time_scale)
    }

    fn plan(&mut self, call: CallRef, step: Step) {
        let due = Instant::now() + self.delay(step);
        self.plans.insert(call.id, Plan { due, step, call });
    }

    /// One step: adopt stray calls, place new calls, advance the calls that are due.
    pub async fn tick(&mut self) -> Result<(), sqlx::Error> {
        if self
            .last_adopt
            .is_none_or(|t| t.elapsed() >= ADOPT_INTERVAL)
        {
            self.adopt().await?;
            self.last_adopt = Some(Instant::now());
        }
        let dt = self.last_tick.elapsed().as_secs_f64();
        self.last_tick = Instant::now();
        self.place_calls(dt).await?;
        self.advance_due().await
    }

    /// Take over active calls this dialer has no plan for (e.g. written with psql): they get a
    /// provider call id if they have none, and their callbacks continue the sequence.
    async fn adopt(&mut self) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE calls SET provider_call_id = 'sim-' || id \
             WHERE status IN ('QUEUED', 'RINGING', 'IN_PROGRESS') AND provider_call_id IS NULL",
        )
        .execute(&self.pool)
        .await?;
        let rows: Vec<(Uuid, Uuid, String, String, Option<i32>, String)> = sqlx::query_as(
            "SELECT k.id, k.organization_id, k.provider_call_id, k.status, k.provider_sequence, p.phone \
             FROM calls k JOIN contacts p ON p.id = k.contact_id \
             WHERE k.status IN ('QUEUED', 'RINGING', 'IN_PROGRESS') AND k.provider_call_id LIKE 'sim-%'",
        )
        .fetch_all(&self.pool)
        .await?;
        for (id, org, sid, status, seq, phone) in rows {
            if self.plans.contains_key(&id) {
                continue;
            }
            let step = match status.as_str() {
                "QUEUED" => Step::Ring,
                "RINGING" => Step::Answer,
                _ => Step::Hangup,
            };
            let call = CallRef {
                id,
                org,
                sid,
                phone,
                next_seq: seq.map_or(0, |s| s + 1),
            };
            self.plan(call, step);
        }
        Ok(())
    }

    async fn place_calls(&mut self, dt: f64) -> Result<(), sqlx::Error> {
        let active: Vec<(Uuid, Uuid)> = sqlx::query_as(
            "SELECT organization_id, id FROM campaigns WHERE status = 'active' ORDER BY organization_id, id",
        )
        .fetch_all(&self.pool)
        .await?;
        let mut by_org: HashMap<Uuid, Vec<Uuid>> = HashMap::new();
        for (org, campaign) in active {
            by_org.entry(org).or_default().push(campaign);
        }
        self.credit.retain(|org, _| by_org.contains_key(org));
        let rate = self.cfg.calls_per_second;
        for (org, campaigns) in by_org {
            let credit = self.credit.entry(org).or_insert(0.0);
            // Never owe more than two seconds of calls (e.g. after a stall).
            *credit = (*credit + rate * dt).min(rate * 2.0 + 1.0);
            let due = credit.floor() as usize;
            *credit -= due as f64;
            for _ in 0..due {
                let campaign = campaigns[self.rng.gen_range(0..campaigns.len())];
                match place_call(&self.pool, campaign).await? {
                    Some(mut call) => {
                        // The provider confirms the call it was asked to place.
                        self.report(&mut call, ProviderStatus::Initiated).await;
                        self.plan(call, Step::Ring);
                    }
                    None => complete_if_done(&self.pool, campaign).await?,
                }
            }
        }
        Ok(())
    }

    async fn advance_due(&mut self) -> Result<(), sqlx::Error> {
        let now = Instant::now();
        let due: Vec<Uuid> = self
            .plans
            .iter()
            .filter(|(_, p)| p.due <= now)
            .map(|(id, _)| *id)
            .collect();
        for id in due {
            let Some(Plan { step, mut call, .. }) = self.plans.remove(&id) else {
                continue;
            };
            let (status, next) = match step {
                Step::Ring => (ProviderStatus::Ringing, Some(Step::Answer)),
                Step::Answer if self.rng.gen_bool(self.cfg.failure_rate) => {
                    (FAILURES[self.rng.gen_range(0..FAILURES.len())], None)
                }
                Step::Answer => (ProviderStatus::InProgress, Some(Step::Hangup)),
                Step::Hangup => (ProviderStatus::Completed, None),
            };
            if self.report(&mut call, status).await {
                if let Some(next) = next {
                    self.plan(call, next);
                }
            }
        }
        Ok(())
    }

    /// Send the call's next status callback; false if the call is gone or over.
    async fn report(&mut self, call: &mut CallRef, status: ProviderStatus) -> bool {
        let cb = StatusCallback {
            call_sid: call.sid.clone(),
            status,
            sequence: Some(call.next_seq),
        };
        call.next_seq += 1;
        self.provider.send(call.org, &call.phone, &cb).await
    }
}

/// A call the dialer is placing, as the provider knows it.
#[derive(Clone, Debug)]
struct CallRef {
    id: Uuid,
    org: Uuid,
    sid: String,
    phone: String,
    /// The `SequenceNumber` of its next callback.
    next_seq: i32,
}

/// What happens to a call next, and when.
struct Plan {
    due: Instant,
    step: Step,
    call: CallRef,
}

/// Queue a call to the next pending contact of the campaign; `None` when none is left.
async fn place_call(pool: &PgPool, campaign: Uuid) -> Result<Option<CallRef>, sqlx::Error> {
    let row: Option<(Uuid, Uuid, String, String)> = sqlx::query_as(
        "WITH pick AS ( \
             SELECT id FROM contacts WHERE campaign_id = $1 AND status = 'pending' \
             ORDER BY created_at, id LIMIT 1 FOR UPDATE SKIP LOCKED), \
         taken AS ( \
             UPDATE contacts c SET status = 'calling' FROM pick WHERE c.id = pick.id \
             RETURNING c.id, c.organization_id, c.campaign_id, c.phone) \
         INSERT INTO calls (organization_id, campaign_id, contact_id, status, provider_call_id) \
         SELECT organization_id, campaign_id, id, 'QUEUED', 'sim-' || gen_random_uuid() FROM taken \
         RETURNING id, organization_id, provider_call_id, (SELECT phone FROM taken)",
    )
    .bind(campaign)
    .fetch_optional(pool)
    .await?;
    Ok(row.map(|(id, org, sid, phone)| CallRef {
        id,
        org,
        sid,
        phone,
        next_seq: 0,
    }))
}

/// Mark an active campaign completed once no contact is pending or being called.
async fn complete_if_done(pool: &PgPool, campaign: Uuid) -> Result<(), sqlx::Error> {
    let done = sqlx::query(
        "UPDATE campaigns SET status = 'completed' WHERE id = $1 AND status = 'active' \
         AND NOT EXISTS (SELECT 1 FROM contacts WHERE campaign_id = $1 AND status IN ('pending', 'calling'))",
    )
    .bind(campaign)
    .execute(pool)
    .await?;
    if done.rows_affected() > 0 {
        tracing::info!(%campaign, "campaign completed");
    }
    Ok(())
}
