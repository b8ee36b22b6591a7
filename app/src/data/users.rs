//! Creating accounts outside the demo: the first real admin (the server's `create-admin`
//! command) and the organization it belongs to.

use sqlx::PgPool;
use uuid::Uuid;

use super::auth::{hash_password, MAX_EMAIL_LEN, MAX_PASSWORD_LEN};
use super::DataError;

/// Shortest password a real account may have.
pub const MIN_PASSWORD_LEN: usize = 12;

/// What `create_admin` did.
#[derive(Debug, PartialEq, Eq)]
pub struct CreatedAdmin {
    pub organization_id: Uuid,
    pub user_id: Uuid,
    /// False when the organization already existed (found by its slug).
    pub organization_created: bool,
}

/// A URL-safe slug of an organization name: `"Acme Travel Ltd."` → `"acme-travel-ltd"`.
pub fn slug_of(name: &str) -> String {
    let mut slug = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.trim_end_matches('-').to_owned()
}

/// Create an admin (and their organization, unless one with the same slug exists).
pub async fn create_admin(
    pool: &PgPool,
    organization: &str,
    email: &str,
    name: &str,
    password: &str,
) -> Result<CreatedAdmin, DataError> {
    let email = email.trim();
    let slug = slug_of(organization);
    if slug.is_empty() || organization.trim().len() > 200 {
        return Err(DataError::Invalid(
            "the organization needs a name of 1 to 200 characters with a letter or digit".into(),
        ));
    }
    if email.len() > MAX_EMAIL_LEN || email.find('@').is_none_or(|at| at == 0) {
        return Err(DataError::Invalid(format!(
            "{email:?} is not an email address"
        )));
    }
    if name.trim().is_empty() || name.len() > 200 {
        return Err(DataError::Invalid(
            "the name must be 1 to 200 characters".into(),
        ));
    }
    if !(MIN_PASSWORD_LEN..=MAX_PASSWORD_LEN).contains(&password.len()) {
        return Err(DataError::Invalid(format!(
            "the password must be {MIN_PASSWORD_LEN} to {MAX_PASSWORD_LEN} bytes long"
        )));
    }
    let owned = password.to_owned();
    let hash = tokio::task::spawn_blocking(move || hash_password(&owned)).await??;
    let mut tx = pool.begin().await?;
    let existing: Option<Uuid> =
        sqlx::query_scalar("SELECT id FROM organizations WHERE slug = $1 FOR UPDATE")
            .bind(&slug)
            .fetch_optional(&mut *tx)
            .await?;
    let (organization_id, organization_created) = match existing {
        Some(id) => (id, false),
        None => {
            let id = sqlx::query_scalar(
                "INSERT INTO organizations (name, slug) VALUES ($1, $2) RETURNING id",
            )
            .bind(organization.trim())
            .bind(&slug)
            .fetch_one(&mut *tx)
            .await?;
            (id, true)
        }
    };
    let user_id = sqlx::query_scalar(
        "INSERT INTO users (organization_id, email, name, password_hash, role) \
         VALUES ($1, $2, $3, $4, 'admin') RETURNING id",
    )
    .bind(organization_id)
    .bind(email)
    .bind(name.trim())
    .bind(hash)
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(CreatedAdmin {
        organization_id,
        user_id,
        organization_created,
    })
}

#[cfg(test)]
mod tests {
    use super::slug_of;

    #[test]
    fn organization_names_become_url_safe_slugs() {
        assert_eq!(slug_of("Acme Travel Ltd."), "acme-travel-ltd");
        assert_eq!(slug_of("  Über  Events "), "ber-events");
        assert_eq!(slug_of("***"), "");
    }
}
