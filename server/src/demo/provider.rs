//! The demo dialer's telephony provider: delivers a call's status callbacks either as Twilio
//! would — a signed form post to the organization's webhook — or, in tests, straight to the
//! code the webhook runs.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use sqlx::PgPool;
use uuid::Uuid;

use app::data::telephony::{self, Outcome, StatusCallback};
use app::data::DataError;

use super::simulator::WebhookTarget;
use crate::telephony::{callback_params, form_body, signature};

/// How long an auth token is used before it is read again (a rotation's previous token stays
/// valid for ten minutes, so this is never too long).
const TOKEN_TTL: Duration = Duration::from_secs(10);
const SEND_TIMEOUT: Duration = Duration::from_secs(5);

pub struct Provider {
    pool: PgPool,
    target: Option<WebhookTarget>,
    client: reqwest::Client,
    tokens: HashMap<Uuid, (String, Instant)>,
}

impl Provider {
    /// Over HTTP to `target`, or directly when there is none.
    pub fn new(pool: PgPool, target: Option<WebhookTarget>) -> Self {
        Provider {
            pool,
            target,
            client: reqwest::Client::builder()
                .timeout(SEND_TIMEOUT)
                .build()
                .unwrap_or_default(),
            tokens: HashMap::new(),
        }
    }

    /// Deliver one callback; true if the call moved (so more are due).
    pub async fn send(&mut self, org: Uuid, to: &str, cb: &StatusCallback) -> bool {
        let Some(target) = self.target.clone() else {
            return match telephony::apply_callback(&self.pool, org, cb).await {
                Ok(outcome) => outcome == Outcome::Applied,
                Err(DataError::NotFound(_)) => false,
                Err(e) => {
                    tracing::warn!(error = %e, "dialer: applying a callback failed");
                    false
                }
            };
        };
        let Some(token) = self.token(org).await else {
            return false;
        };
        let path = telephony::webhook_path(org);
        let params = callback_params(org, cb, to);
        let signed = signature::sign(&token, &format!("{}{path}", target.signed_origin), &params);
        let sent = self
            .client
            .post(format!("{}{path}", target.send_to))
            .header("content-type", "application/x-www-form-urlencoded")
            .header(signature::HEADER, signed)
            .body(form_body(&params))
            .send()
            .await;
        match sent {
            Ok(res) if res.status().is_success() => true,
            Ok(res) if res.status() == reqwest::StatusCode::NOT_FOUND => false,
            Ok(res) => {
                tracing::warn!(status = %res.status(), "dialer: the webhook refused a callback");
                false
            }
            Err(e) => {
                tracing::warn!(error = %e, "dialer: sending a callback failed");
                false
            }
        }
    }

    async fn token(&mut self, org: Uuid) -> Option<String> {
        if let Some((token, at)) = self.tokens.get(&org) {
            if at.elapsed() < TOKEN_TTL {
                return Some(token.clone());
            }
        }
        match telephony::account(&self.pool, org).await {
            Ok(Some(account)) => {
                self.tokens
                    .insert(org, (account.auth_token.clone(), Instant::now()));
                Some(account.auth_token)
            }
            Ok(None) => None,
            Err(e) => {
                tracing::warn!(error = %e, "dialer: reading the auth token failed");
                None
            }
        }
    }
}
