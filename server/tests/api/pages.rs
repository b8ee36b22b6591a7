use reqwest::StatusCode;

use crate::helpers::spawn_seeded;
use crate::realtime::insert_call;

#[tokio::test]
async fn the_campaigns_page_lists_campaigns_with_progress_and_status_counts() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    let res = browser.get(app.url("/")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let html = res.text().await.unwrap();
    for name in [
        "Spring Renewals",
        "Win-back Q3",
        "Webinar Follow-up",
        "Summer Promo",
        "Holiday Preview",
    ] {
        assert!(html.contains(name), "missing {name}");
    }
    assert!(html.contains(r#"role="progressbar""#));
    assert!(html.contains("250 / 250"), "Summer Promo is fully done");
    for status in ["QUEUED", "RINGING", "IN_PROGRESS", "ENDED", "FAILED"] {
        assert!(html.contains(&format!(r#"data-count-status="{status}""#)));
    }
    assert!(html.contains("Acme"), "header shows the organization");
    assert!(
        html.contains("operator@acme.example"),
        "header shows the user"
    );
    assert!(html.contains("Log out"));
}

#[tokio::test]
async fn the_campaign_page_shows_a_badge_per_call_and_the_contacts() {
    let app = spawn_seeded().await;
    let id = app.campaign_id("Win-back Q3").await;
    sqlx::query(
        "INSERT INTO calls (organization_id, campaign_id, contact_id, status) \
         SELECT organization_id, campaign_id, id, 'RINGING' FROM contacts \
         WHERE campaign_id = $1 AND status = 'pending' LIMIT 1",
    )
    .bind(id)
    .execute(&app.pool)
    .await
    .unwrap();
    let browser = app.signed_in_browser("operator@acme.example").await;
    let html = browser
        .get(app.url(&format!("/campaigns/{id}")))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Win-back Q3"));
    assert!(html.contains(r#"data-status="RINGING" data-color="yellow" data-pulse="true""#));
    assert!(html.contains(r#"data-status="ENDED" data-color="gray" data-pulse="false""#));
    assert!(html.contains(r#"data-testid="contacts-table""#));
    assert!(html.contains("Showing 1–50 of 1500"));
}

#[tokio::test]
async fn an_unknown_page_is_a_404_with_the_app_layout() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    let res = browser.get(app.url("/no/such/page")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    assert!(res.text().await.unwrap().contains("Page not found"));
}

#[tokio::test]
async fn pages_are_gzipped_for_browsers_that_ask_but_event_streams_never_are() {
    let app = spawn_seeded().await;
    let client = reqwest::Client::new();
    let res = client
        .get(app.url("/login"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let token = app.token("operator@acme.example").await;
    let res = client
        .get(app.url("/api/realtime/stream?sub=calls"))
        .bearer_auth(&token)
        .header("accept-encoding", "gzip")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/event-stream");
    assert!(res.headers().get("content-encoding").is_none());
}

#[tokio::test]
async fn pages_open_with_recent_activity_in_the_feed_and_only_their_own() {
    let app = spawn_seeded().await;
    let answered = insert_call(&app, "acme").await;
    app.psql(&format!(
        "UPDATE calls SET status = 'IN_PROGRESS', answered_at = now() WHERE id = '{answered}'"
    ));
    let other_org = insert_call(&app, "globex").await;
    app.psql(&format!(
        "UPDATE calls SET status = 'FAILED', failure_reason = 'only-globex-sees-this', \
         ended_at = now() WHERE id = '{other_org}'"
    ));
    let (campaign, campaign_name, contact): (uuid::Uuid, String, String) = sqlx::query_as(
        "SELECT k.id, k.name, c.name FROM calls x JOIN campaigns k ON k.id = x.campaign_id \
         JOIN contacts c ON c.id = x.contact_id WHERE x.id = $1",
    )
    .bind(answered)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let browser = app.signed_in_browser("operator@acme.example").await;
    let page = |path: String| {
        let browser = browser.clone();
        let url = app.url(&path);
        async move { browser.get(url).send().await.unwrap().text().await.unwrap() }
    };
    let detail = page(format!("/campaigns/{campaign}")).await;
    assert!(
        detail.contains(&format!("Call with {contact} answered ({campaign_name})")),
        "the campaign's feed names the contact"
    );
    let list = page("/".into()).await;
    assert!(list.contains(&format!("answered ({campaign_name})")));
    assert!(!list.contains("only-globex-sees-this"));
    assert!(!detail.contains("only-globex-sees-this"));
    let elsewhere: uuid::Uuid = sqlx::query_scalar(
        "SELECT k.id FROM campaigns k JOIN organizations o ON o.id = k.organization_id \
         WHERE o.slug = 'acme' AND k.id <> $1 LIMIT 1",
    )
    .bind(campaign)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    let other_campaign = page(format!("/campaigns/{elsewhere}")).await;
    assert!(!other_campaign.contains(&format!("Call with {contact} answered")));
}
