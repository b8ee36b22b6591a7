//! Another organization's agents, contacts, drafts and follow-ups do not exist for you.

use reqwest::{Method, StatusCode};
use serde_json::json;

use super::{assigned_tasks, call, draft, follow_up, hours_from_now, ids, row, setup};
use crate::helpers::spawn_seeded;

#[tokio::test]
async fn another_organizations_ids_are_404_on_every_endpoint_and_change_nothing() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let globex = setup(&app, "globex").await;
    let d = draft(&app, &acme, "email").await;
    let f = follow_up(&app, &acme, acme.contacts[0], "2 days").await;
    let globex_draft = draft(&app, &globex, "email").await;
    let (draft_before, follow_up_before) = (
        row(&app, "drafts", d).await,
        row(&app, "follow_ups", f).await,
    );

    let globex_admin = app.token("admin@globex.example").await;
    let assign = |contact, agent| {
        (
            Method::POST,
            format!("/api/contacts/{contact}/tasks"),
            Some(json!({ "agent_id": agent, "kind": "draft_email" })),
            "contact not found",
        )
    };
    for (method, path, body, message) in [
        (
            Method::GET,
            format!("/api/agents/{}", acme.agent),
            None,
            "agent not found",
        ),
        (
            Method::POST,
            format!("/api/drafts/{d}/approve"),
            None,
            "draft not found",
        ),
        (
            Method::POST,
            format!("/api/drafts/{d}/reject"),
            Some(json!({ "reason": "mine now" })),
            "draft not found",
        ),
        (
            Method::PATCH,
            format!("/api/drafts/{d}"),
            Some(json!({ "body": "Hijacked" })),
            "draft not found",
        ),
        (
            Method::POST,
            format!("/api/follow-ups/{f}/cancel"),
            None,
            "follow-up not found",
        ),
        (
            Method::PATCH,
            format!("/api/follow-ups/{f}"),
            Some(json!({ "scheduled_for": hours_from_now(3) })),
            "follow-up not found",
        ),
        assign(acme.contacts[0], globex.agent),
        assign(acme.contacts[0], acme.agent),
    ] {
        let (status, res) = call(&app, &globex_admin, method.clone(), &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path}: {res}");
        assert_eq!(res["error"]["code"], "not_found");
        assert_eq!(res["error"]["message"], message, "{method} {path}");
    }

    // An Acme contact with a Globex agent, and the other way round.
    let acme_admin = app.token("admin@acme.example").await;
    for (contact, agent, message) in [
        (acme.contacts[0], globex.agent, "agent not found"),
        (globex.contacts[0], acme.agent, "contact not found"),
    ] {
        let (method, path, body, _) = assign(contact, agent);
        let (status, res) = call(&app, &acme_admin, method, &path, body).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{path}: {res}");
        assert_eq!(res["error"]["message"], message);
    }
    assert_eq!(assigned_tasks(&app, &acme).await, 0);
    assert_eq!(assigned_tasks(&app, &globex).await, 0);
    assert_eq!(row(&app, "drafts", d).await, draft_before);
    assert_eq!(row(&app, "follow_ups", f).await, follow_up_before);

    // Lists never show them, whatever the filter names.
    let (_, agents) = app.get_json(&globex_admin, "/api/agents").await;
    let agent_ids: Vec<_> = agents["agents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["agent"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(agent_ids, [globex.agent.to_string()]);
    let (_, drafts) = app.get_json(&globex_admin, "/api/drafts").await;
    assert_eq!(ids(&drafts["drafts"]), [globex_draft.to_string()]);
    for path in [
        format!("/api/agent-tasks?agent_id={}", acme.agent),
        format!("/api/agent-tasks?contact_id={}", acme.contacts[0]),
    ] {
        let (status, list) = app.get_json(&globex_admin, &path).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(list["tasks"], json!([]), "{path}");
    }
    let (_, list) = app
        .get_json(
            &globex_admin,
            &format!("/api/follow-ups?contact_id={}", acme.contacts[0]),
        )
        .await;
    assert_eq!(list["follow_ups"], json!([]));
    let (_, list) = app.get_json(&globex_admin, "/api/follow-ups").await;
    assert_eq!(list["follow_ups"], json!([]));
}
