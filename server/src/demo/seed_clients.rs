//! Demo clients and their trips, for each demo organization that has no clients yet (so a
//! database seeded before clients existed gets them too). Written as the `demo seed`.

use anyhow::Context;
use sqlx::{Postgres, Transaction};
use uuid::Uuid;

use super::seed::DEMO_ORGS;

/// (name, email, company, tags)
type ClientSpec = (
    &'static str,
    &'static str,
    &'static str,
    &'static [&'static str],
);
/// (client index, title, destination, start in days from today, nights, status, budget in dollars)
type TripSpec = (
    usize,
    &'static str,
    &'static str,
    i32,
    i32,
    &'static str,
    i64,
);

fn clients_of(slug: &str) -> (&'static [ClientSpec], &'static [TripSpec]) {
    const ACME: &[ClientSpec] = &[
        (
            "Amelia Hart",
            "amelia.hart@example.com",
            "Hart & Co",
            &["vip", "golf"],
        ),
        (
            "Bruno Costa",
            "bruno.costa@example.com",
            "Costa Foods",
            &["family"],
        ),
        (
            "Chloe Nakamura",
            "chloe.n@example.com",
            "Nakamura Design",
            &["honeymoon"],
        ),
        (
            "Dev Patel",
            "dev.patel@example.com",
            "Patel Logistics",
            &["corporate"],
        ),
        ("Elena Rossi", "elena.rossi@example.com", "", &["vip"]),
        (
            "Finn O'Brien",
            "finn.obrien@example.com",
            "O'Brien Media",
            &[],
        ),
    ];
    const ACME_TRIPS: &[TripSpec] = &[
        (
            0,
            "Algarve golf week",
            "Vilamoura, Portugal",
            21,
            7,
            "booked",
            6_400,
        ),
        (
            0,
            "Scottish links tour",
            "St Andrews, Scotland",
            95,
            5,
            "planning",
            9_800,
        ),
        (
            1,
            "Family summer",
            "Mallorca, Spain",
            180,
            10,
            "planning",
            7_500,
        ),
        (2, "Honeymoon", "Kyoto, Japan", 60, 14, "booked", 12_000),
        (
            3,
            "Team offsite",
            "Lisbon, Portugal",
            35,
            3,
            "planning",
            18_000,
        ),
        (
            4,
            "Opera weekend",
            "Verona, Italy",
            -40,
            3,
            "completed",
            3_200,
        ),
        (
            5,
            "Film festival",
            "Cannes, France",
            150,
            6,
            "cancelled",
            5_600,
        ),
    ];
    const GLOBEX: &[ClientSpec] = &[
        (
            "Grace Liu",
            "grace.liu@example.com",
            "Liu Capital",
            &["vip", "ski"],
        ),
        (
            "Hector Alvarez",
            "hector.a@example.com",
            "Alvarez Energy",
            &["corporate"],
        ),
        ("Ingrid Berg", "ingrid.berg@example.com", "", &["adventure"]),
        (
            "Jonas Weber",
            "jonas.weber@example.com",
            "Weber Bau",
            &["family"],
        ),
    ];
    const GLOBEX_TRIPS: &[TripSpec] = &[
        (0, "Ski week", "Niseko, Japan", 45, 7, "booked", 11_000),
        (
            1,
            "Board retreat",
            "Lake Como, Italy",
            70,
            4,
            "planning",
            25_000,
        ),
        (
            2,
            "Fjord trek",
            "Lofoten, Norway",
            120,
            9,
            "planning",
            4_800,
        ),
        (
            3,
            "Half-term break",
            "Tenerife, Spain",
            -20,
            7,
            "completed",
            5_100,
        ),
    ];
    if slug == "acme" {
        (ACME, ACME_TRIPS)
    } else {
        (GLOBEX, GLOBEX_TRIPS)
    }
}

/// Add the demo clients to each demo organization without any; how many organizations got
/// them.
pub async fn add_missing(tx: &mut Transaction<'_, Postgres>) -> anyhow::Result<usize> {
    sqlx::query("SELECT set_config('switchboard.actor', 'demo seed', true)")
        .execute(&mut **tx)
        .await?;
    let mut added = 0;
    for (_, slug) in DEMO_ORGS {
        let org: Option<Uuid> = sqlx::query_scalar(
            "SELECT o.id FROM organizations o WHERE o.slug = $1 \
             AND NOT EXISTS (SELECT 1 FROM clients c WHERE c.organization_id = o.id)",
        )
        .bind(slug)
        .fetch_optional(&mut **tx)
        .await?;
        let Some(org) = org else { continue };
        let (clients, trips) = clients_of(slug);
        let mut ids = Vec::with_capacity(clients.len());
        for (name, email, company, tags) in clients {
            let id: Uuid = sqlx::query_scalar(
                "INSERT INTO clients (organization_id, name, email, phone, company, tags) \
                 VALUES ($1, $2, $3, '+44 20 7946 0' || lpad((floor(random() * 1000))::int::text, 3, '0'), \
                         NULLIF($4, ''), $5) RETURNING id",
            )
            .bind(org)
            .bind(name)
            .bind(email)
            .bind(company)
            .bind(tags)
            .fetch_one(&mut **tx)
            .await
            .with_context(|| format!("creating client {name}"))?;
            ids.push(id);
        }
        for (client, title, destination, start, nights, status, dollars) in trips {
            sqlx::query(
                "INSERT INTO trips (organization_id, client_id, title, destination, start_date, \
                                    end_date, status, budget_cents) \
                 VALUES ($1, $2, $3, $4, current_date + $5, current_date + $5 + $6, $7, $8)",
            )
            .bind(org)
            .bind(ids[*client])
            .bind(title)
            .bind(destination)
            .bind(start)
            .bind(nights)
            .bind(status)
            .bind(dollars * 100)
            .execute(&mut **tx)
            .await
            .with_context(|| format!("creating trip {title}"))?;
        }
        added += 1;
    }
    Ok(added)
}
