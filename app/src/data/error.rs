use thiserror::Error;

/// Why a data-access call failed. The API layer maps these onto HTTP statuses.
#[derive(Debug, Error)]
pub enum DataError {
    #[error("{0} not found")]
    NotFound(&'static str),
    #[error("{0}")]
    Invalid(String),
    #[error("stored data is inconsistent: {0}")]
    Corrupt(String),
    #[error("database error")]
    Database(#[from] sqlx::Error),
    #[error("background task failed")]
    Task(#[from] tokio::task::JoinError),
}
