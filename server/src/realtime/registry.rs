//! Which tables are captured and what their columns are, read from the Postgres catalog (the
//! tables carrying the `realtime_capture` trigger), so subscriptions can be checked up front.

use std::collections::HashMap;
use std::sync::{Mutex, RwLock};
use std::time::{Duration, Instant};

use sqlx::PgPool;

/// How a column's values compare in filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum ColumnType {
    Uuid,
    Integer,
    Numeric,
    Boolean,
    Timestamp,
    Text,
}

impl ColumnType {
    pub fn from_pg(type_name: &str) -> Self {
        match type_name {
            "uuid" => ColumnType::Uuid,
            "smallint" | "integer" | "bigint" => ColumnType::Integer,
            "real" | "double precision" => ColumnType::Numeric,
            t if t.starts_with("numeric") => ColumnType::Numeric,
            "boolean" => ColumnType::Boolean,
            t if t.starts_with("timestamp") || t == "date" => ColumnType::Timestamp,
            _ => ColumnType::Text,
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct TableInfo {
    pub columns: HashMap<String, ColumnType>,
}

/// An unknown table name reads the catalog again at most this often (a table captured after
/// start shows up within it; a client asking for made-up tables costs nothing more).
pub const UNKNOWN_TABLE_REFRESH: Duration = Duration::from_secs(10);

#[derive(Default)]
pub struct Registry {
    tables: RwLock<HashMap<String, TableInfo>>,
    last_refresh: Mutex<Option<Instant>>,
}

impl Registry {
    /// Read the captured tables from the catalog.
    pub async fn refresh(&self, pool: &PgPool) -> Result<(), sqlx::Error> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT c.relname::text, a.attname::text, format_type(a.atttypid, a.atttypmod) \
             FROM pg_trigger t \
             JOIN pg_class c ON c.oid = t.tgrelid \
             JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped \
             WHERE t.tgname = 'realtime_capture'",
        )
        .fetch_all(pool)
        .await?;
        let mut tables: HashMap<String, TableInfo> = HashMap::new();
        for (table, column, ty) in rows {
            tables
                .entry(table)
                .or_default()
                .columns
                .insert(column, ColumnType::from_pg(&ty));
        }
        *self.tables.write().expect("registry lock") = tables;
        Ok(())
    }

    /// A captured table. A name not known yet reads the catalog again (a table captured after
    /// this server started), but at most once per [`UNKNOWN_TABLE_REFRESH`].
    pub async fn table(&self, pool: &PgPool, name: &str) -> Result<Option<TableInfo>, sqlx::Error> {
        if let Some(t) = self.get(name) {
            return Ok(Some(t));
        }
        {
            let mut last = self.last_refresh.lock().expect("registry lock");
            if last.is_some_and(|at| at.elapsed() < UNKNOWN_TABLE_REFRESH) {
                return Ok(None);
            }
            *last = Some(Instant::now());
        }
        self.refresh(pool).await?;
        Ok(self.get(name))
    }

    fn get(&self, name: &str) -> Option<TableInfo> {
        self.tables
            .read()
            .expect("registry lock")
            .get(name)
            .cloned()
    }

    /// Every captured table, by name.
    pub fn tables(&self) -> std::collections::BTreeMap<String, TableInfo> {
        let tables = self.tables.read().expect("registry lock");
        tables.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
    }

    pub fn names(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .tables
            .read()
            .expect("registry lock")
            .keys()
            .cloned()
            .collect();
        names.sort();
        names
    }
}
