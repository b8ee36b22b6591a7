//! Passwords, sessions and API tokens. Tokens are random 256-bit strings; only their SHA-256
//! is stored, in Postgres, so every server instance can check every token.

use argon2::password_hash::{
    rand_core::OsRng, PasswordHash, PasswordHasher, PasswordVerifier, SaltString,
};
use argon2::Argon2;
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine};
use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use uuid::Uuid;

use super::DataError;
use crate::model::{CurrentUser, Role};

/// Name of the browser session cookie over plain HTTP (development).
pub const SESSION_COOKIE: &str = "sb_session";
/// Name of the session cookie with secure cookies on: the `__Host-` prefix makes browsers
/// refuse it unless it is `Secure`, has `Path=/` and no `Domain` (no subdomain can plant it).
pub const SECURE_SESSION_COOKIE: &str = "__Host-sb_session";

/// The session cookie's name under the given setting.
pub fn session_cookie_name(secure: bool) -> &'static str {
    if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    }
}

/// Longest email and password a sign-in accepts (RFC 5321 caps an address at 254).
pub const MAX_EMAIL_LEN: usize = 254;
pub const MAX_PASSWORD_LEN: usize = 1024;

/// The public id of the session a request is made with (not a credential: it names the
/// session so streams opened with it can be ended when it ends).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SessionId(pub Uuid);

/// What a session was issued for: a browser cookie or a bearer token.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SessionKind {
    Cookie,
    Bearer,
}

impl SessionKind {
    fn as_str(self) -> &'static str {
        match self {
            SessionKind::Cookie => "cookie",
            SessionKind::Bearer => "bearer",
        }
    }

    /// How long a session of this kind stays valid.
    pub fn ttl(self) -> Duration {
        match self {
            SessionKind::Cookie => Duration::days(7),
            SessionKind::Bearer => Duration::days(30),
        }
    }
}

/// Hash a password with Argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String, DataError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| DataError::Invalid(format!("cannot hash password: {e}")))
}

/// A valid hash of a password nobody has, verified when the email is unknown so that a wrong
/// email and a wrong password take the same time (no user enumeration by timing).
fn decoy_hash() -> &'static str {
    static DECOY: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never valid").unwrap_or_default())
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

#[derive(sqlx::FromRow)]
struct UserRow {
    id: Uuid,
    email: String,
    name: String,
    role: String,
    organization_id: Uuid,
    organization_name: String,
}

impl TryFrom<UserRow> for CurrentUser {
    type Error = DataError;

    fn try_from(r: UserRow) -> Result<Self, DataError> {
        Ok(CurrentUser {
            id: r.id,
            email: r.email,
            name: r.name,
            role: Role::parse(&r.role)
                .ok_or_else(|| DataError::Corrupt(format!("user role {:?}", r.role)))?,
            organization_id: r.organization_id,
            organization_name: r.organization_name,
        })
    }
}

const USER_SELECT_WITH_HASH: &str = "SELECT u.id, u.email, u.name, u.role, u.organization_id, \
    o.name AS organization_name, u.password_hash \
    FROM users u JOIN organizations o ON o.id = u.organization_id";

/// The user with this email and password, or `None` — the same answer, in about the same time,
/// whether the email is unknown or the password wrong.
pub async fn verify_credentials(
    pool: &PgPool,
    email: &str,
    password: &str,
) -> Result<Option<CurrentUser>, DataError> {
    #[derive(sqlx::FromRow)]
    struct WithHash {
        #[sqlx(flatten)]
        user: UserRow,
        password_hash: String,
    }
    let sql = format!("{USER_SELECT_WITH_HASH} WHERE lower(u.email) = lower($1)");
    let row: Option<WithHash> = sqlx::query_as(&sql)
        .bind(email.trim())
        .fetch_optional(pool)
        .await?;
    let (user, hash) = match row {
        Some(r) => (Some(r.user), r.password_hash),
        None => (None, decoy_hash().to_owned()),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash)).await?;
    match user {
        Some(user) if ok => Ok(Some(user.try_into()?)),
        _ => Ok(None),
    }
}

fn token_hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// Start a session for the user; returns the token (shown once, never stored) and its expiry.
pub async fn create_session(
    pool: &PgPool,
    user_id: Uuid,
    kind: SessionKind,
) -> Result<(String, DateTime<Utc>), DataError> {
    let mut bytes = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut bytes);
    let token = URL_SAFE_NO_PAD.encode(bytes);
    let expires_at = Utc::now() + kind.ttl();
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, kind, expires_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(token_hash(&token))
    .bind(user_id)
    .bind(kind.as_str())
    .bind(expires_at)
    .execute(pool)
    .await?;
    Ok((token, expires_at))
}

/// The user a live (unexpired) token belongs to, and the session's id.
pub async fn user_for_token(
    pool: &PgPool,
    token: &str,
) -> Result<Option<(CurrentUser, SessionId)>, DataError> {
    if token.is_empty() || token.len() > 128 {
        return Ok(None);
    }
    #[derive(sqlx::FromRow)]
    struct WithSession {
        #[sqlx(flatten)]
        user: UserRow,
        session_id: Uuid,
    }
    let row: Option<WithSession> = sqlx::query_as(
        "SELECT u.id, u.email, u.name, u.role, u.organization_id, \
         o.name AS organization_name, s.id AS session_id \
         FROM users u JOIN organizations o ON o.id = u.organization_id \
         JOIN sessions s ON s.user_id = u.id \
         WHERE s.token_hash = $1 AND s.expires_at > now()",
    )
    .bind(token_hash(token))
    .fetch_optional(pool)
    .await?;
    row.map(|r| Ok((r.user.try_into()?, SessionId(r.session_id))))
        .transpose()
}

/// Of these sessions, the ones that are still live (not ended, not expired, user not deleted).
pub async fn live_sessions(pool: &PgPool, ids: &[Uuid]) -> Result<Vec<Uuid>, DataError> {
    Ok(
        sqlx::query_scalar("SELECT id FROM sessions WHERE id = ANY($1) AND expires_at > now()")
            .bind(ids)
            .fetch_all(pool)
            .await?,
    )
}

/// End a session (logout). Unknown tokens are ignored.
pub async fn delete_session(pool: &PgPool, token: &str) -> Result<(), DataError> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash(token))
        .execute(pool)
        .await?;
    Ok(())
}

/// Remove expired sessions; returns how many were removed.
pub async fn prune_expired_sessions(pool: &PgPool) -> Result<u64, DataError> {
    let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= now()")
        .execute(pool)
        .await?;
    Ok(done.rows_affected())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let h = hash_password("switchboard-demo").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("switchboard-demo", &h));
        assert!(!verify_password("switchboard-dem0", &h));
        assert!(!verify_password("switchboard-demo", "not a phc string"));
    }

    #[test]
    fn tokens_are_stored_only_as_a_sha256_digest() {
        assert_eq!(token_hash("abc").len(), 32);
        assert_ne!(token_hash("abc"), token_hash("abd"));
    }
}
