//! What clients build on: the change stream carries agent work, and the OpenAPI document
//! describes every endpoint with every status it can answer.

use std::time::Duration;

use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

use super::{call, setup};
use crate::helpers::spawn_seeded;
use crate::sse::Sse;

#[tokio::test]
async fn a_task_assigned_through_the_api_streams_to_its_organization_only() {
    let app = spawn_seeded().await;
    let acme = setup(&app, "acme").await;
    let url = crate::realtime::stream_url(&app, "sub=agent_tasks");
    let operator = app.token("operator@acme.example").await;
    let mut acme_stream = Sse::open(&url, &operator, None).await;
    let mut globex_stream =
        Sse::open(&url, &app.token("operator@globex.example").await, None).await;
    acme_stream.ready().await;
    globex_stream.ready().await;

    let organizer = app.token("organizer@acme.example").await;
    let path = format!("/api/contacts/{}/tasks", acme.contacts[0]);
    let body = json!({ "agent_id": acme.agent, "kind": "draft_email" });
    let (status, t) = call(&app, &organizer, Method::POST, &path, Some(body)).await;
    assert_eq!(status, StatusCode::CREATED);

    let ev = acme_stream
        .changes(1, Duration::from_secs(5))
        .await
        .pop()
        .expect("the new task streams");
    let change = ev.json();
    assert_eq!(change["table"], "agent_tasks");
    assert_eq!(change["eventType"], "INSERT");
    assert_eq!(change["new"]["id"], t["id"]);
    assert_eq!(change["new"]["status"], "pending");
    assert_eq!(change["new"]["assigned_by"], t["assigned_by"]);
    assert_eq!(change["new"]["contact_id"], acme.contacts[0].to_string());
    let none = globex_stream.changes(1, Duration::from_secs(1)).await;
    assert!(none.is_empty(), "Globex sees Acme's task: {none:?}");
}

#[tokio::test]
async fn the_openapi_document_describes_every_agent_endpoint_and_what_it_can_answer() {
    let app = spawn_seeded().await;
    let doc: Value = reqwest::get(app.url("/api/openapi.json"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let read = ["200", "400", "401"];
    let act = ["400", "401", "403", "404", "413"];
    for (path, method, own, shared) in [
        ("/api/agents", "get", &["200", "401"][..], &[][..]),
        ("/api/agents/{id}", "get", &["404"], &read[..]),
        ("/api/agent-tasks", "get", &[], &read),
        ("/api/drafts", "get", &[], &read),
        ("/api/follow-ups", "get", &[], &read),
        (
            "/api/contacts/{id}/tasks",
            "post",
            &["201", "415", "422"],
            &act,
        ),
        ("/api/drafts/{id}/approve", "post", &["200", "409"], &act),
        (
            "/api/drafts/{id}/reject",
            "post",
            &["200", "409", "415", "422"],
            &act,
        ),
        (
            "/api/drafts/{id}",
            "patch",
            &["200", "409", "415", "422"],
            &act,
        ),
        ("/api/follow-ups/{id}/cancel", "post", &["200", "409"], &act),
        (
            "/api/follow-ups/{id}",
            "patch",
            &["200", "409", "415", "422"],
            &act,
        ),
    ] {
        let op = &doc["paths"][path][method];
        assert!(op.is_object(), "{method} {path} is documented");
        for status in own.iter().chain(shared) {
            assert!(
                op["responses"][status].is_object(),
                "{method} {path} documents {status}"
            );
        }
    }
    let reject = &doc["paths"]["/api/drafts/{id}/reject"]["post"]["requestBody"];
    assert_ne!(
        reject["required"], true,
        "a rejection's body is optional: {reject}"
    );
    assert_eq!(
        doc["paths"]["/api/drafts/{id}"]["patch"]["requestBody"]["required"],
        true
    );

    // Every schema the document refers to is in it.
    let text = doc.to_string();
    for part in text.split("\"$ref\":\"#/components/schemas/").skip(1) {
        let name = &part[..part.find('"').unwrap()];
        assert!(
            doc["components"]["schemas"][name].is_object(),
            "{name} is missing"
        );
    }
}
