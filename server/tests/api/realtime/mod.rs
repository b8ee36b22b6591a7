//! The realtime engine end to end: capture, ordering, replay, filters, isolation, faults.

mod faults;
mod instances;
mod isolation;
mod ordering;
mod poll;
mod retention;
mod snapshots;
mod stream;

use uuid::Uuid;

use crate::helpers::TestApp;

/// Ids of a campaign of `org` and one of its pending contacts.
pub async fn campaign_and_contact(app: &TestApp, org: &str) -> (Uuid, Uuid, Uuid) {
    sqlx::query_as(
        "SELECT c.organization_id, c.campaign_id, c.id FROM contacts c \
         JOIN organizations o ON o.id = c.organization_id \
         WHERE o.slug = $1 AND c.status = 'pending' ORDER BY c.id LIMIT 1",
    )
    .bind(org)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

/// Insert a QUEUED call for a pending contact of `org`; returns the call id.
pub async fn insert_call(app: &TestApp, org: &str) -> Uuid {
    let (org_id, campaign, contact) = campaign_and_contact(app, org).await;
    sqlx::query_scalar(
        "INSERT INTO calls (organization_id, campaign_id, contact_id) VALUES ($1, $2, $3) RETURNING id",
    )
    .bind(org_id)
    .bind(campaign)
    .bind(contact)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

pub fn stream_url(app: &TestApp, query: &str) -> String {
    app.url(&format!("/api/realtime/stream?{query}"))
}
