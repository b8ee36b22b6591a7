//! Twilio status callbacks: signed, idempotent, never backwards, every one counted — tried as
//! the provider and as an attacker.

use std::time::Duration;

use reqwest::{Client, StatusCode};
use uuid::Uuid;

use app::data::telephony::{ProviderStatus, StatusCallback};
use server::telephony::{callback_params, form_body, signature};

use crate::helpers::{spawn_seeded, TestApp};
use crate::realtime::{campaign_and_contact, stream_url};
use crate::sse::Sse;

/// Plays the provider for one organization.
struct Twilio<'a> {
    app: &'a TestApp,
    org: Uuid,
    token: String,
}

impl<'a> Twilio<'a> {
    async fn of(app: &'a TestApp, slug: &str) -> Twilio<'a> {
        let org = app.org_id(slug).await;
        let token = sqlx::query_scalar(
            "SELECT auth_token FROM telephony_accounts WHERE organization_id = $1",
        )
        .bind(org)
        .fetch_one(&app.pool)
        .await
        .unwrap();
        Twilio { app, org, token }
    }

    fn path(&self) -> String {
        format!("/api/webhooks/twilio/{}", self.org)
    }

    /// Post `params` signed with `token` (None: unsigned).
    async fn post_signed(&self, params: &[(String, String)], token: Option<&str>) -> StatusCode {
        let url = self.app.url(&self.path());
        let mut req = Client::new()
            .post(&url)
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(params));
        if let Some(token) = token {
            req = req.header("X-Twilio-Signature", signature::sign(token, &url, params));
        }
        req.send().await.unwrap().status()
    }

    async fn send(&self, sid: &str, status: ProviderStatus, seq: i32) -> StatusCode {
        let cb = StatusCallback {
            call_sid: sid.to_owned(),
            status,
            sequence: Some(seq),
        };
        let params = callback_params(self.org, &cb, "+1 555 0100");
        self.post_signed(&params, Some(&self.token)).await
    }
}

/// A QUEUED call of `org` with provider call id `sid`.
async fn call_with_sid(app: &TestApp, org: &str, sid: &str) -> Uuid {
    let (org_id, campaign, contact) = campaign_and_contact(app, org).await;
    app.psql(&format!(
        "UPDATE contacts SET status = 'calling' WHERE id = '{contact}'"
    ));
    sqlx::query_scalar(
        "INSERT INTO calls (organization_id, campaign_id, contact_id, provider_call_id) \
         VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(org_id)
    .bind(campaign)
    .bind(contact)
    .bind(sid)
    .fetch_one(&app.pool)
    .await
    .unwrap()
}

async fn call_state(app: &TestApp, call: Uuid) -> (String, Option<String>, Option<i32>) {
    sqlx::query_as("SELECT status, failure_reason, provider_sequence FROM calls WHERE id = $1")
        .bind(call)
        .fetch_one(&app.pool)
        .await
        .unwrap()
}

async fn receipts(app: &TestApp, org: Uuid) -> Vec<(String, String, i64)> {
    sqlx::query_as(
        "SELECT outcome, reason, sum(received)::bigint FROM webhook_receipts \
         WHERE organization_id = $1 GROUP BY 1, 2 ORDER BY 1, 2",
    )
    .bind(org)
    .fetch_all(&app.pool)
    .await
    .unwrap()
}

#[tokio::test]
async fn signed_callbacks_move_a_call_through_every_status_and_the_stream_sees_each() {
    let app = spawn_seeded().await;
    let twilio = Twilio::of(&app, "acme").await;
    let call = call_with_sid(&app, "acme", "CA00000000000000000000000000000001").await;
    let token = app.token("operator@acme.example").await;
    let mut sse = Sse::open(&stream_url(&app, "sub=calls"), &token, None).await;
    sse.ready().await;
    let sid = "CA00000000000000000000000000000001";
    for (seq, status) in [
        ProviderStatus::Initiated,
        ProviderStatus::Ringing,
        ProviderStatus::InProgress,
        ProviderStatus::Completed,
    ]
    .into_iter()
    .enumerate()
    {
        assert_eq!(
            twilio.send(sid, status, seq as i32).await,
            StatusCode::NO_CONTENT,
            "{status:?}"
        );
    }
    let seen: Vec<String> = sse
        .changes(4, Duration::from_secs(5))
        .await
        .iter()
        .map(|e| e.json()["new"]["status"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(seen, ["QUEUED", "RINGING", "IN_PROGRESS", "ENDED"]);
    let (status, reason, seq) = call_state(&app, call).await;
    assert_eq!((status.as_str(), reason, seq), ("ENDED", None, Some(3)));
    let (answered, ended, contact): (bool, bool, String) = sqlx::query_as(
        "SELECT answered_at IS NOT NULL, ended_at IS NOT NULL, \
                (SELECT status FROM contacts WHERE id = calls.contact_id) FROM calls WHERE id = $1",
    )
    .bind(call)
    .fetch_one(&app.pool)
    .await
    .unwrap();
    assert!(answered && ended);
    assert_eq!(contact, "completed");
    assert_eq!(
        receipts(&app, twilio.org).await,
        vec![("applied".into(), "".into(), 4)]
    );
}

#[tokio::test]
async fn each_failure_status_fails_the_call_with_its_reason() {
    let app = spawn_seeded().await;
    let twilio = Twilio::of(&app, "acme").await;
    for (i, (status, reason)) in [
        (ProviderStatus::Busy, "busy"),
        (ProviderStatus::NoAnswer, "no-answer"),
        (ProviderStatus::Failed, "failed"),
        (ProviderStatus::Canceled, "canceled"),
    ]
    .into_iter()
    .enumerate()
    {
        let sid = format!("CAfail{i}");
        let call = call_with_sid(&app, "acme", &sid).await;
        assert_eq!(
            twilio.send(&sid, ProviderStatus::Ringing, 0).await,
            StatusCode::NO_CONTENT
        );
        assert_eq!(twilio.send(&sid, status, 1).await, StatusCode::NO_CONTENT);
        let (s, r, _) = call_state(&app, call).await;
        assert_eq!((s.as_str(), r.as_deref()), ("FAILED", Some(reason)));
    }
}

#[tokio::test]
async fn replayed_and_late_callbacks_change_nothing_and_are_acknowledged() {
    let app = spawn_seeded().await;
    let twilio = Twilio::of(&app, "acme").await;
    let sid = "CAlate";
    let call = call_with_sid(&app, "acme", sid).await;
    assert_eq!(
        twilio.send(sid, ProviderStatus::InProgress, 2).await,
        StatusCode::NO_CONTENT
    );
    let before: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT updated_at FROM calls WHERE id = $1")
            .bind(call)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    // The same callback again, then an older one arriving late.
    assert_eq!(
        twilio.send(sid, ProviderStatus::InProgress, 2).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        twilio.send(sid, ProviderStatus::Ringing, 1).await,
        StatusCode::NO_CONTENT
    );
    // A later sequence number with an earlier status still cannot move it back.
    assert_eq!(
        twilio.send(sid, ProviderStatus::Ringing, 5).await,
        StatusCode::NO_CONTENT
    );
    let after: chrono::DateTime<chrono::Utc> =
        sqlx::query_scalar("SELECT updated_at FROM calls WHERE id = $1")
            .bind(call)
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(before, after, "nothing was written");
    assert_eq!(call_state(&app, call).await.0, "IN_PROGRESS");
    // Terminal states are final.
    assert_eq!(
        twilio.send(sid, ProviderStatus::Completed, 6).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        twilio.send(sid, ProviderStatus::Failed, 7).await,
        StatusCode::NO_CONTENT
    );
    assert_eq!(
        call_state(&app, call).await,
        ("ENDED".into(), None, Some(6))
    );
    assert_eq!(
        receipts(&app, twilio.org).await,
        vec![
            ("applied".into(), "".into(), 2),
            ("duplicate".into(), "".into(), 1),
            ("stale".into(), "".into(), 3),
        ]
    );
}

#[tokio::test]
async fn forged_malformed_oversize_and_unknown_callbacks_get_their_4xx_and_change_nothing() {
    let app = spawn_seeded().await;
    let acme = Twilio::of(&app, "acme").await;
    let globex = Twilio::of(&app, "globex").await;
    let sid = "CAvictim";
    let call = call_with_sid(&app, "acme", sid).await;
    let ringing = StatusCallback {
        call_sid: sid.into(),
        status: ProviderStatus::Ringing,
        sequence: Some(1),
    };
    let params = callback_params(acme.org, &ringing, "+1");
    // Unsigned, signed with another organization's token, signed with a made-up one.
    assert_eq!(acme.post_signed(&params, None).await, StatusCode::FORBIDDEN);
    assert_eq!(
        acme.post_signed(&params, Some(&globex.token)).await,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        acme.post_signed(&params, Some("guess")).await,
        StatusCode::FORBIDDEN
    );
    // Signed for another URL (replayed to this organization from Globex's webhook).
    let other = app.url(&globex.path());
    let res = Client::new()
        .post(app.url(&acme.path()))
        .header("content-type", "application/x-www-form-urlencoded")
        .header(
            "X-Twilio-Signature",
            signature::sign(&acme.token, &other, &params),
        )
        .body(form_body(&params))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::FORBIDDEN);
    // Globex's valid signature cannot reach Acme's call through Globex's webhook either.
    let as_globex = callback_params(globex.org, &ringing, "+1");
    assert_eq!(
        globex.post_signed(&as_globex, Some(&globex.token)).await,
        StatusCode::NOT_FOUND
    );
    // Malformed (validly signed), unknown call, unknown organization, not a form, too large.
    let bad: Vec<(String, String)> = vec![
        ("CallSid".into(), sid.into()),
        ("CallStatus".into(), "ANSWERED".into()),
    ];
    assert_eq!(
        acme.post_signed(&bad, Some(&acme.token)).await,
        StatusCode::BAD_REQUEST
    );
    assert_eq!(
        acme.send("CAnobody", ProviderStatus::Ringing, 1).await,
        StatusCode::NOT_FOUND
    );
    for org in [Uuid::new_v4().to_string(), "not-a-uuid".to_owned()] {
        let res = Client::new()
            .post(app.url(&format!("/api/webhooks/twilio/{org}")))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(form_body(&params))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::NOT_FOUND, "{org}");
    }
    let res = Client::new()
        .post(app.url(&acme.path()))
        .header("content-type", "application/json")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let huge = format!(
        "CallSid={sid}&CallStatus=ringing&Pad={}",
        "x".repeat(70 * 1024)
    );
    for chunked in [false, true] {
        let body = if chunked {
            let chunks: Vec<Result<String, std::io::Error>> = vec![Ok(huge.clone())];
            reqwest::Body::wrap_stream(futures_util::stream::iter(chunks))
        } else {
            reqwest::Body::from(huge.clone())
        };
        let res = Client::new()
            .post(app.url(&acme.path()))
            .header("content-type", "application/x-www-form-urlencoded")
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(
            res.status(),
            StatusCode::PAYLOAD_TOO_LARGE,
            "chunked: {chunked}"
        );
    }
    let (status, _, seq) = call_state(&app, call).await;
    assert_eq!((status.as_str(), seq), ("QUEUED", None), "nothing changed");
    let rejected: Vec<(String, i64)> = receipts(&app, acme.org)
        .await
        .into_iter()
        .map(|(outcome, reason, n)| {
            assert_eq!(outcome, "rejected");
            (reason, n)
        })
        .collect();
    assert_eq!(
        rejected,
        vec![
            ("bad_signature".into(), 3),
            ("malformed".into(), 1),
            ("missing_signature".into(), 1),
            ("too_large".into(), 2),
            ("unknown_call".into(), 1),
            ("unsupported_media_type".into(), 1),
        ]
    );
}

#[tokio::test]
async fn admins_see_the_webhook_url_and_rotating_the_token_keeps_the_old_one_for_a_while() {
    let app = spawn_seeded().await;
    let admin = app.token("admin@acme.example").await;
    let (status, before) = app.get_json(&admin, "/api/admin/telephony").await;
    assert_eq!(status, StatusCode::OK);
    let org = app.org_id("acme").await;
    assert_eq!(
        before["webhook_url"],
        app.url(&format!("/api/webhooks/twilio/{org}"))
    );
    let old = before["auth_token"].as_str().unwrap().to_owned();
    assert_eq!(old.len(), 64);
    let res = Client::new()
        .post(app.url("/api/admin/telephony/rotate"))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), StatusCode::OK);
    let after: serde_json::Value = res.json().await.unwrap();
    assert_ne!(after["auth_token"], before["auth_token"]);
    // Both verify during the grace period.
    let mut twilio = Twilio::of(&app, "acme").await;
    call_with_sid(&app, "acme", "CArot").await;
    assert_eq!(
        twilio.send("CArot", ProviderStatus::Ringing, 1).await,
        StatusCode::NO_CONTENT
    );
    twilio.token = old;
    assert_eq!(
        twilio.send("CArot", ProviderStatus::InProgress, 2).await,
        StatusCode::NO_CONTENT
    );
    // After it, the old token is refused.
    app.psql("UPDATE telephony_accounts SET rotated_at = now() - interval '11 minutes'");
    assert_eq!(
        twilio.send("CArot", ProviderStatus::Completed, 3).await,
        StatusCode::FORBIDDEN
    );
    // Operators and organizers never see the token.
    for who in ["operator@acme.example", "organizer@acme.example"] {
        let token = app.token(who).await;
        let (status, body) = app.get_json(&token, "/api/admin/telephony").await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{who}");
        assert!(!body
            .to_string()
            .contains(after["auth_token"].as_str().unwrap()));
        let res = Client::new()
            .post(app.url("/api/admin/telephony/rotate"))
            .bearer_auth(&token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), StatusCode::FORBIDDEN, "{who}");
    }
    let (status, _) = app.get_json("not-a-token", "/api/admin/telephony").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
}
