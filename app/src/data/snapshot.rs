//! Consistent reads for live views: every query of a view runs in one REPEATABLE READ
//! snapshot, and the realtime cursor read in that snapshot says exactly which changes the data
//! already contains. "Load, then subscribe after that cursor" has no race and no gap.

use sqlx::{PgConnection, PgPool, Postgres, Transaction};

use super::DataError;
use crate::cursor::Cursor;

pub struct Snapshot(Transaction<'static, Postgres>);

impl Snapshot {
    pub async fn begin(pool: &PgPool) -> Result<Self, DataError> {
        let mut tx = pool.begin().await?;
        sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            .execute(&mut *tx)
            .await?;
        Ok(Snapshot(tx))
    }

    pub fn conn(&mut self) -> &mut PgConnection {
        &mut self.0
    }

    /// The change-log position this snapshot's data is consistent with.
    pub async fn cursor(&mut self) -> Result<Cursor, DataError> {
        let seq: i64 = sqlx::query_scalar("SELECT realtime.current_seq()")
            .fetch_one(self.conn())
            .await?;
        Ok(Cursor::after_commit(seq))
    }
}
