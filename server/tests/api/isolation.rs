//! No endpoint, page or server function returns another organization's rows.

use reqwest::StatusCode;
use uuid::Uuid;

use crate::helpers::{spawn_seeded, TestApp};

const GLOBEX_CAMPAIGNS: [&str; 4] = [
    "Enterprise Upsell",
    "Churn Rescue",
    "Partner Outreach",
    "Q2 Survey",
];

async fn a_globex_call(app: &TestApp) -> (Uuid, Uuid) {
    sqlx::query_as(
        "SELECT k.id, k.campaign_id FROM calls k JOIN organizations o ON o.id = k.organization_id \
         WHERE o.slug = 'globex' LIMIT 1",
    )
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn the_json_api_never_returns_another_organizations_rows() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let (_, list) = app.get_json(&token, "/api/campaigns").await;
    let text = list.to_string();
    for name in GLOBEX_CAMPAIGNS {
        assert!(!text.contains(name), "Acme sees Globex campaign {name}");
    }
    let (call, campaign) = a_globex_call(&app).await;
    for path in [
        format!("/api/campaigns/{campaign}"),
        format!("/api/campaigns/{campaign}/calls"),
        format!("/api/campaigns/{campaign}/calls?status=ENDED"),
        format!("/api/campaigns/{campaign}/contacts"),
        format!("/api/calls/{call}"),
    ] {
        let (status, body) = app.get_json(&token, &path).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {body}");
    }
    // And the owner does see them.
    let globex = app.token("operator@globex.example").await;
    let (status, _) = app.get_json(&globex, &format!("/api/calls/{call}")).await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn pages_never_show_another_organizations_campaigns() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    let html = browser
        .get(app.url("/"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(html.contains("Spring Renewals"));
    for name in GLOBEX_CAMPAIGNS {
        assert!(!html.contains(name), "Acme's campaign page shows {name}");
    }
    let (_, campaign) = a_globex_call(&app).await;
    let res = browser
        .get(app.url(&format!("/campaigns/{campaign}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let html = res.text().await.unwrap();
    for name in GLOBEX_CAMPAIGNS {
        assert!(!html.contains(name), "Acme's detail page shows {name}");
    }
    assert!(html.contains("does not exist or is not yours"));
}

#[tokio::test]
async fn server_functions_never_return_another_organizations_rows() {
    let app = spawn_seeded().await;
    let browser = app.signed_in_browser("operator@acme.example").await;
    let res = browser.post(app.url("/sf/campaigns")).send().await.unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let text = res.text().await.unwrap();
    assert!(text.contains("Spring Renewals"));
    for name in GLOBEX_CAMPAIGNS {
        assert!(!text.contains(name), "server function shows {name}");
    }
    let (_, campaign) = a_globex_call(&app).await;
    let res = browser
        .post(app.url("/sf/campaign_detail"))
        .form(&[("id", campaign.to_string()), ("contacts_page", "0".into())])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::NOT_FOUND);
    let text = res.text().await.unwrap();
    for name in GLOBEX_CAMPAIGNS {
        assert!(!text.contains(name), "server function shows {name}");
    }
    // A malformed id is the caller's mistake: 400, not 500.
    let res = browser
        .post(app.url("/sf/campaign_detail"))
        .form(&[("id", "zzz"), ("contacts_page", "0")])
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    // Signed out, server functions refuse.
    let res = app
        .browser()
        .post(app.url("/sf/campaigns"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn organization_ids_in_requests_cannot_widen_what_a_user_sees() {
    let app = spawn_seeded().await;
    let token = app.token("operator@acme.example").await;
    let globex = app.org_id("globex").await;
    let (status, body) = app
        .get_json(&token, &format!("/api/campaigns?organization_id={globex}"))
        .await;
    // Unknown parameters are ignored on this endpoint, and the list stays Acme's.
    assert_eq!(status, StatusCode::OK, "{body}");
    for name in GLOBEX_CAMPAIGNS {
        assert!(!body.to_string().contains(name));
    }
}
