//! The pages' delete action goes through the same data layer as `DELETE /api/...`: the same
//! role check, the same organization scoping.

use reqwest::StatusCode;

use super::{client, trip};
use crate::helpers::spawn_seeded;

async fn exists(app: &crate::helpers::TestApp, table: &str, id: uuid::Uuid) -> bool {
    sqlx::query_scalar(&format!(
        "SELECT EXISTS (SELECT 1 FROM {table} WHERE id = $1)"
    ))
    .bind(id)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_delete_action_refuses_operators_other_organizations_and_other_tables() {
    let app = spawn_seeded().await;
    let ours = trip(&app, "Algarve golf week").await;
    let theirs = trip(&app, "Ski week").await;
    let their_client = client(&app, "Grace Liu").await;
    let post = |browser: reqwest::Client, kind: &'static str, id: uuid::Uuid| {
        let url = app.url("/sf/delete_record");
        async move {
            browser
                .post(url)
                .form(&[("kind", kind.to_owned()), ("id", id.to_string())])
                .send()
                .await
                .unwrap()
                .status()
        }
    };

    assert_eq!(
        post(app.browser(), "trip", ours).await,
        StatusCode::UNAUTHORIZED
    );
    let operator = app.signed_in_browser("operator@acme.example").await;
    assert_eq!(post(operator, "trip", ours).await, StatusCode::FORBIDDEN);
    let organizer = app.signed_in_browser("organizer@acme.example").await;
    assert_eq!(
        post(organizer.clone(), "trip", theirs).await,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        post(organizer.clone(), "client", their_client).await,
        StatusCode::NOT_FOUND
    );
    // Only clients and trips: not a campaign, not any other table.
    let campaign: uuid::Uuid = sqlx::query_scalar("SELECT id FROM campaigns LIMIT 1")
        .fetch_one(&app.pool)
        .await
        .unwrap();
    assert_eq!(
        post(organizer.clone(), "campaigns", campaign).await,
        StatusCode::BAD_REQUEST
    );
    assert!(exists(&app, "campaigns", campaign).await);
    assert!(exists(&app, "trips", ours).await && exists(&app, "trips", theirs).await);
    assert!(exists(&app, "clients", their_client).await);

    // The organizer deletes their own trip; a second try says it is gone.
    assert_eq!(post(organizer.clone(), "trip", ours).await, StatusCode::OK);
    assert!(!exists(&app, "trips", ours).await);
    assert_eq!(post(organizer, "trip", ours).await, StatusCode::GONE);
}
