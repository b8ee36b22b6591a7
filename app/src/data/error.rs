use thiserror::Error;

/// Why a data-access call failed. The API layer maps these onto HTTP statuses.
#[derive(Debug, Error)]
pub enum DataError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    /// The record was deleted (the message says by whom and when).
    #[error("{0}")]
    Gone(String),
    /// The caller's role may not do this.
    #[error("{0}")]
    Forbidden(String),
    /// The record is no longer in a state that allows this (someone else got there first);
    /// `details` says what it is now.
    #[error("{message}")]
    Conflict {
        message: String,
        details: serde_json::Value,
    },
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
}

impl DataError {
    /// 403 unless `user` may act on agent work (organizers and admins).
    pub fn require_actor(user: &crate::model::CurrentUser) -> Result<(), DataError> {
        if user.role.can_act() {
            Ok(())
        } else {
            Err(DataError::Forbidden(
                "only organizers and admins may do this".into(),
            ))
        }
    }
}
