//! Checking an email and password, within limits: attempts per client address and failed
//! attempts per account (token buckets in Postgres, so they hold across instances), a bounded number of
//! password checks at once (each Argon2 check costs ~19 MiB and a blocking thread), and
//! capped field lengths. Every refusal is a 4xx that says what to do.

use std::net::IpAddr;
use std::sync::Arc;

use tokio::sync::Semaphore;

use app::data::auth::{verify_credentials, MAX_EMAIL_LEN, MAX_PASSWORD_LEN};
use app::data::throttle;
use app::model::CurrentUser;

use super::client::address_key;
use crate::config::Limits;
use crate::error::ApiError;

pub struct SignInGate {
    limits: Limits,
    checks: Arc<Semaphore>,
}

impl SignInGate {
    pub fn new(limits: &Limits) -> Self {
        SignInGate {
            limits: limits.clone(),
            checks: Arc::new(Semaphore::new(limits.password_checks)),
        }
    }

    /// The user these credentials belong to; `Unauthorized` when they are wrong (the same
    /// answer for an unknown email and a wrong password).
    pub async fn sign_in(
        &self,
        pool: &sqlx::PgPool,
        client: Option<IpAddr>,
        email: &str,
        password: &str,
    ) -> Result<CurrentUser, ApiError> {
        let email = email.trim();
        // Postgres text cannot hold NUL: such an email is no account's (never a 500).
        if email.contains('\0') {
            return Err(ApiError::Unauthorized("wrong email or password".into()));
        }
        if email.chars().count() > MAX_EMAIL_LEN || password.len() > MAX_PASSWORD_LEN {
            return Err(ApiError::Unprocessable(format!(
                "an email has at most {MAX_EMAIL_LEN} characters and a password at most \
                 {MAX_PASSWORD_LEN} bytes"
            )));
        }
        if let Some(ip) = client {
            self.take(
                pool,
                &address_key(ip),
                self.limits.sign_in_per_address,
                "from your address",
            )
            .await?;
        }
        let account = format!("account:{}", email.to_lowercase());
        self.take(
            pool,
            &account,
            self.limits.sign_in_per_account,
            "for this account",
        )
        .await?;
        let _permit = tokio::time::timeout(
            self.limits.password_check_wait,
            self.checks.clone().acquire_owned(),
        )
        .await
        .ok()
        .and_then(Result::ok)
        .ok_or_else(|| ApiError::TooManyRequests {
            message: "the server is busy checking other sign-ins; retry in a second".into(),
            retry_after: Some(1),
        })?;
        let user = verify_credentials(pool, email, password)
            .await?
            .ok_or_else(|| ApiError::Unauthorized("wrong email or password".into()))?;
        // Only failed attempts count against an account: signing in often is no attack.
        throttle::refund(pool, &account, self.limits.sign_in_per_account).await?;
        Ok(user)
    }

    async fn take(
        &self,
        pool: &sqlx::PgPool,
        key: &str,
        rate: throttle::Rate,
        whom: &str,
    ) -> Result<(), ApiError> {
        match throttle::take(pool, key, rate).await? {
            None => Ok(()),
            Some(wait) => {
                tracing::warn!(key, "sign-in attempts throttled");
                Err(ApiError::TooManyRequests {
                    message: format!("too many sign-in attempts {whom}: try again in {wait} s"),
                    retry_after: Some(wait),
                })
            }
        }
    }
}
