//! Query parameters of the stream and polling endpoints: repeated `sub=`, `after=`, `limit=`.

use sqlx::PgPool;

use app::cursor::Cursor;

use super::filter::{self, Subscription};
use super::registry::Registry;
use crate::error::ApiError;

/// Most subscriptions one stream may carry.
pub const MAX_SUBSCRIPTIONS: usize = 32;

pub struct Params {
    pub subs: Vec<Subscription>,
    pub after: Option<Cursor>,
    pub limit: Option<i64>,
}

impl Params {
    /// Parse and validate; `allow_limit` for the polling endpoint.
    pub async fn parse(
        query: Option<&str>,
        allow_limit: bool,
        registry: &Registry,
        pool: &PgPool,
    ) -> Result<Params, ApiError> {
        let mut specs = Vec::new();
        let mut after = None;
        let mut limit = None;
        for (key, value) in form_urlencoded::parse(query.unwrap_or_default().as_bytes()) {
            match key.as_ref() {
                "sub" => specs.push(value.into_owned()),
                "after" => after = Some(parse_cursor(&value)?),
                "limit" if allow_limit => {
                    let n = value
                        .parse::<i64>()
                        .ok()
                        .filter(|n| (1..=1000).contains(n))
                        .ok_or_else(|| ApiError::BadRequest(format!("limit must be 1 to 1000, not {value:?}")))?;
                    limit = Some(n);
                }
                other => {
                    return Err(ApiError::BadRequest(format!(
                        "unknown parameter {other:?}: use sub=<table>[:<event>[:<column>=<op>.<value>]]{}",
                        if allow_limit { ", after=<cursor>, limit=<n>" } else { ", after=<cursor>" }
                    )))
                }
            }
        }
        if specs.is_empty() {
            return Err(ApiError::BadRequest(
                "subscribe to at least one table: sub=<table>[:<event>[:<column>=<op>.<value>]]"
                    .into(),
            ));
        }
        if specs.len() > MAX_SUBSCRIPTIONS {
            return Err(ApiError::BadRequest(format!(
                "at most {MAX_SUBSCRIPTIONS} subscriptions per stream"
            )));
        }
        let mut subs = Vec::with_capacity(specs.len());
        for spec in &specs {
            let (table, _, _) = filter::split(spec).map_err(ApiError::BadRequest)?;
            let info = registry
                .table(pool, table)
                .await
                .map_err(|e| ApiError::from(app::data::DataError::from(e)))?
                .ok_or_else(|| {
                    ApiError::BadRequest(format!(
                        "unknown table {table:?}: realtime tables are {}",
                        registry.names().join(", ")
                    ))
                })?;
            subs.push(filter::parse(spec, &info).map_err(ApiError::BadRequest)?);
        }
        Ok(Params { subs, after, limit })
    }

    /// The tables subscribed to, for narrowing log reads.
    pub fn tables(&self) -> Vec<String> {
        let mut t: Vec<String> = self.subs.iter().map(|s| s.table.clone()).collect();
        t.sort();
        t.dedup();
        t
    }
}

pub fn parse_cursor(value: &str) -> Result<Cursor, ApiError> {
    value
        .parse()
        .map_err(|e: app::cursor::BadCursor| ApiError::BadRequest(e.to_string()))
}
