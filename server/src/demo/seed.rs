//! Demo data: organizations Acme and Globex, three users each (password `switchboard-demo`,
//! demo only), campaigns in every status with contacts and a call history, and agent work
//! (`seed_agents`), clients and trips (`seed_clients`). Idempotent: it does nothing when the demo organizations already exist
//! (except adding the agents to a demo organization that has none, e.g. a database seeded
//! before agents existed), and concurrent runs (several instances starting at once) serialize
//! on an advisory lock.

use anyhow::Context;
use sqlx::{PgPool, Postgres, Transaction};
use uuid::Uuid;

/// The password of every demo user. Demo only: never use it for a real account.
pub const DEMO_PASSWORD: &str = "switchboard-demo";

/// Demo organizations: (name, slug).
pub const DEMO_ORGS: [(&str, &str); 2] = [("Acme", "acme"), ("Globex", "globex")];

const ROLES: [&str; 3] = ["operator", "organizer", "admin"];

struct CampaignSpec {
    name: &'static str,
    status: &'static str,
    bid_cents: i32,
    contacts: i32,
    /// Contacts that already have an outcome (and a finished call).
    done: i32,
}

const fn spec(
    name: &'static str,
    status: &'static str,
    bid_cents: i32,
    contacts: i32,
    done: i32,
) -> CampaignSpec {
    CampaignSpec {
        name,
        status,
        bid_cents,
        contacts,
        done,
    }
}

fn campaigns_of(slug: &str) -> &'static [CampaignSpec] {
    const ACME: &[CampaignSpec] = &[
        spec("Spring Renewals", "active", 45, 4000, 400),
        spec("Win-back Q3", "active", 60, 1500, 450),
        spec("Webinar Follow-up", "paused", 35, 300, 165),
        spec("Summer Promo", "completed", 50, 250, 250),
        spec("Holiday Preview", "draft", 40, 120, 0),
    ];
    const GLOBEX: &[CampaignSpec] = &[
        spec("Enterprise Upsell", "active", 120, 3000, 600),
        spec("Churn Rescue", "active", 80, 800, 360),
        spec("Partner Outreach", "paused", 55, 200, 50),
        spec("Q2 Survey", "completed", 25, 180, 180),
    ];
    if slug == "acme" {
        ACME
    } else {
        GLOBEX
    }
}

#[derive(Debug, PartialEq, Eq)]
pub enum SeedOutcome {
    Loaded,
    AlreadyPresent,
}

/// Load the demo data unless it is already there.
pub async fn seed(pool: &PgPool) -> anyhow::Result<SeedOutcome> {
    let mut tx = pool
        .begin()
        .await
        .context("starting the seed transaction")?;
    sqlx::query("SELECT pg_advisory_xact_lock(hashtext('switchboard:demo-seed'))")
        .execute(&mut *tx)
        .await
        .context("taking the seed lock")?;
    let present: bool =
        sqlx::query_scalar("SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = 'acme')")
            .fetch_one(&mut *tx)
            .await?;
    if present {
        // The base data is there; a database seeded before agents existed still gets them.
        let added = super::seed_agents::add_missing(&mut tx).await?;
        super::seed_clients::add_missing(&mut tx).await?;
        tx.commit().await.context("committing the demo agents")?;
        if added > 0 {
            tracing::info!(organizations = added, "demo agents added");
        }
        return Ok(SeedOutcome::AlreadyPresent);
    }
    for (name, slug) in DEMO_ORGS {
        let org: Uuid = sqlx::query_scalar(
            "INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id",
        )
        .bind(name)
        .bind(slug)
        .fetch_one(&mut *tx)
        .await
        .with_context(|| format!("creating organization {name}"))?;
        for role in ROLES {
            let hash =
                tokio::task::spawn_blocking(|| app::data::auth::hash_password(DEMO_PASSWORD))
                    .await??;
            let email = format!("{role}@{slug}.example");
            let display = format!("{} {}", name, capitalize(role));
            sqlx::query("INSERT INTO users (organization_id, email, name, password_hash, role) VALUES ($1, $2, $3, $4, $5)")
                .bind(org)
                .bind(&email)
                .bind(display)
                .bind(hash)
                .bind(role)
                .execute(&mut *tx)
                .await
                .with_context(|| format!("creating user {email}"))?;
        }
        for (i, c) in campaigns_of(slug).iter().enumerate() {
            insert_campaign(&mut tx, org, c, i as i32)
                .await
                .with_context(|| format!("creating campaign {}", c.name))?;
        }
    }
    super::seed_agents::add_missing(&mut tx).await?;
    super::seed_clients::add_missing(&mut tx).await?;
    tx.commit().await.context("committing the demo data")?;
    Ok(SeedOutcome::Loaded)
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

async fn insert_campaign(
    tx: &mut Transaction<'_, Postgres>,
    org: Uuid,
    c: &CampaignSpec,
    index: i32,
) -> anyhow::Result<()> {
    // Older campaigns first, so "newest first" lists read naturally.
    let campaign: Uuid = sqlx::query_scalar(
        "INSERT INTO campaigns (organization_id, name, status, bid_cents, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, now() - make_interval(days => 30 - $5), now()) RETURNING id",
    )
    .bind(org)
    .bind(c.name)
    .bind(c.status)
    .bind(c.bid_cents)
    .bind(index)
    .fetch_one(&mut **tx)
    .await?;
    // Contacts: names from two small lists, a 555 number; the first `done` have an outcome,
    // one in thirteen of those failed.
    sqlx::query(
        r#"INSERT INTO contacts (organization_id, campaign_id, name, phone, status)
        SELECT $1, $2,
               (ARRAY['Ava','Ben','Chloe','Dev','Elena','Farid','Grace','Hiro','Ines','Jonas','Kemi','Liam',
                      'Maya','Noah','Olga','Pablo','Quinn','Rosa','Sami','Tara','Umar','Vera','Wes','Yuki'])[1 + i % 24]
               || ' ' ||
               (ARRAY['Adams','Brooks','Castillo','Dubois','Eriksen','Fischer','Garcia','Haddad','Ivanova','Jensen',
                      'Khan','Lopez','Moreau','Nakamura','Okafor','Patel','Rossi','Silva','Tanaka','Weber'])[1 + (i / 24) % 20],
               format('+1 555 %s %s', lpad(((i * 7919) % 900 + 100)::text, 3, '0'), lpad((i % 10000)::text, 4, '0')),
               CASE WHEN i > $4 THEN 'pending' WHEN i % 13 = 0 THEN 'failed' ELSE 'completed' END
        FROM generate_series(1, $3) AS i"#,
    )
    .bind(org)
    .bind(campaign)
    .bind(c.contacts)
    .bind(c.done)
    .execute(&mut **tx)
    .await?;
    // One finished call per contact with an outcome, spread over the last six hours.
    sqlx::query(
        r#"INSERT INTO calls (organization_id, campaign_id, contact_id, status, started_at, answered_at,
                              ended_at, failure_reason, provider_call_id, created_at, updated_at)
        SELECT p.organization_id, p.campaign_id, p.id,
               CASE p.status WHEN 'failed' THEN 'FAILED' ELSE 'ENDED' END,
               t.q + interval '2 seconds',
               CASE WHEN p.status = 'completed' THEN t.q + interval '7 seconds' END,
               t.q + interval '7 seconds' + t.talk,
               CASE WHEN p.status = 'failed'
                    THEN (ARRAY['no-answer','busy','failed','canceled'])[1 + (abs(hashtext(p.id::text)) % 4)] END,
               'sim-' || gen_random_uuid(),
               t.q, t.q + interval '7 seconds' + t.talk
        FROM contacts p
        CROSS JOIN LATERAL (
            SELECT now() - (abs(hashtext(p.id::text)) % 21600) * interval '1 second' AS q,
                   (5 + abs(hashtext(p.phone)) % 60) * interval '1 second' AS talk
        ) t
        WHERE p.campaign_id = $1 AND p.status IN ('completed', 'failed')"#,
    )
    .bind(campaign)
    .execute(&mut **tx)
    .await?;
    Ok(())
}
