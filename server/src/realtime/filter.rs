//! Subscriptions: `table[:event[:column=op.value]]`, e.g. `calls`, `calls:UPDATE`,
//! `calls:*:campaign_id=eq.<uuid>`, `calls:*:status=in.(RINGING,IN_PROGRESS)`.
//! Events: INSERT, UPDATE, DELETE, `*`. Ops: eq, neq, lt, lte, gt, gte, `in.(a,b,c)`.
//! INSERT is matched on the new row, DELETE on the old row, UPDATE on either (so a row that
//! leaves the filter is seen leaving). A null column never matches.

use std::cmp::Ordering;
use std::collections::HashSet;

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::change::{Change, Op, Row};
use super::registry::{ColumnType, TableInfo};

#[derive(Clone, Debug, PartialEq)]
pub struct Subscription {
    pub table: String,
    /// `None` for every event (`*`).
    pub event: Option<Op>,
    pub filter: Option<ColumnFilter>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CmpOp {
    Eq,
    Neq,
    Lt,
    Lte,
    Gt,
    Gte,
    In,
}

/// Most values one `in.(...)` list may hold.
pub const MAX_IN_VALUES: usize = 100;

#[derive(Clone, Debug, PartialEq)]
pub struct ColumnFilter {
    pub column: String,
    pub kind: ColumnType,
    pub op: CmpOp,
    pub operands: Operands,
}

/// What a filter compares with: one value, or the set of an `in.(...)` list.
#[derive(Clone, Debug, PartialEq)]
pub enum Operands {
    One(Operand),
    Set(OperandSet),
}

/// The values of an `in.(...)` list, looked up by hash: membership costs the same for 1 value
/// or 100, whatever the event rate.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct OperandSet {
    text: HashSet<String>,
    /// `f64` bits, with -0 stored as 0.
    numbers: HashSet<u64>,
    bools: HashSet<bool>,
    times: HashSet<DateTime<Utc>>,
}

fn number_key(n: f64) -> u64 {
    if n == 0.0 {
        0f64.to_bits()
    } else {
        n.to_bits()
    }
}

impl OperandSet {
    fn insert(&mut self, operand: Operand) {
        match operand {
            Operand::Text(t) => {
                self.text.insert(t);
            }
            Operand::Number(n) => {
                self.numbers.insert(number_key(n));
            }
            Operand::Bool(b) => {
                self.bools.insert(b);
            }
            Operand::Time(t) => {
                self.times.insert(t);
            }
        }
    }

    /// Same answer as `compare(value, v) == Equal` for some `v` in the set.
    fn contains(&self, value: &Value) -> bool {
        let as_text = |v: &Value| !self.text.is_empty() && self.text.contains(&v.to_string());
        match value {
            Value::Null => false,
            Value::String(s) => {
                self.text.contains(s)
                    || (!self.times.is_empty()
                        && parse_time(s).is_some_and(|t| self.times.contains(&t)))
            }
            Value::Number(n) => {
                n.as_f64()
                    .is_some_and(|f| !f.is_nan() && self.numbers.contains(&number_key(f)))
                    || as_text(value)
            }
            Value::Bool(b) => self.bools.contains(b) || as_text(value),
            other => as_text(other),
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand {
    Text(String),
    Number(f64),
    Bool(bool),
    Time(DateTime<Utc>),
}

/// `table`, `event` and the unparsed filter of a subscription, before the table is known.
pub fn split(spec: &str) -> Result<(&str, Option<&str>, Option<&str>), String> {
    let mut parts = spec.splitn(3, ':');
    let table = parts.next().unwrap_or_default();
    if table.is_empty() {
        return Err(format!(
            "subscription {spec:?} names no table (expected table[:event[:column=op.value]])"
        ));
    }
    Ok((table, parts.next(), parts.next()))
}

/// Parse and check a subscription against its table's columns.
pub fn parse(spec: &str, info: &TableInfo) -> Result<Subscription, String> {
    let (table, event, filter) = split(spec)?;
    let event = match event {
        None | Some("*") => None,
        Some(e) => Some(Op::parse(e).ok_or_else(|| {
            format!("unknown event {e:?} in {spec:?}: use INSERT, UPDATE, DELETE or *")
        })?),
    };
    let filter = filter.map(|f| parse_filter(f, table, info)).transpose()?;
    Ok(Subscription {
        table: table.to_owned(),
        event,
        filter,
    })
}

fn parse_filter(f: &str, table: &str, info: &TableInfo) -> Result<ColumnFilter, String> {
    let (column, rest) = f
        .split_once('=')
        .ok_or_else(|| format!("filter {f:?} must look like column=op.value"))?;
    let kind = *info
        .columns
        .get(column)
        .ok_or_else(|| format!("table {table} has no column {column:?}"))?;
    let (op, value) = rest
        .split_once('.')
        .ok_or_else(|| format!("filter {f:?} must look like column=op.value"))?;
    let op = match op {
        "eq" => CmpOp::Eq,
        "neq" => CmpOp::Neq,
        "lt" => CmpOp::Lt,
        "lte" => CmpOp::Lte,
        "gt" => CmpOp::Gt,
        "gte" => CmpOp::Gte,
        "in" => CmpOp::In,
        other => {
            return Err(format!(
                "unknown operator {other:?}: use eq, neq, lt, lte, gt, gte or in"
            ))
        }
    };
    if kind == ColumnType::Boolean && !matches!(op, CmpOp::Eq | CmpOp::Neq | CmpOp::In) {
        return Err(format!(
            "column {column} is boolean: only eq, neq and in apply"
        ));
    }
    let operands = if op == CmpOp::In {
        let list = value
            .strip_prefix('(')
            .and_then(|v| v.strip_suffix(')'))
            .ok_or_else(|| format!("in takes a list: {column}=in.(a,b,c)"))?;
        if list.is_empty() {
            return Err(format!("in.() on {column} needs at least one value"));
        }
        let mut set = OperandSet::default();
        for (i, v) in list.split(',').enumerate() {
            if i == MAX_IN_VALUES {
                return Err(format!(
                    "in.(...) on {column} takes at most {MAX_IN_VALUES} values"
                ));
            }
            set.insert(operand(kind, column, v)?);
        }
        Operands::Set(set)
    } else {
        Operands::One(operand(kind, column, value)?)
    };
    Ok(ColumnFilter {
        column: column.to_owned(),
        kind,
        op,
        operands,
    })
}

fn operand(kind: ColumnType, column: &str, v: &str) -> Result<Operand, String> {
    let bad = |what: &str| format!("{v:?} is not a valid {what} for column {column}");
    Ok(match kind {
        ColumnType::Uuid => Operand::Text(
            uuid::Uuid::parse_str(v)
                .map_err(|_| bad("uuid"))?
                .to_string(),
        ),
        ColumnType::Integer => {
            Operand::Number(v.parse::<i64>().map_err(|_| bad("integer"))? as f64)
        }
        ColumnType::Numeric => Operand::Number(
            v.parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .ok_or_else(|| bad("number"))?,
        ),
        ColumnType::Boolean => {
            Operand::Bool(v.parse::<bool>().map_err(|_| bad("boolean (true/false)"))?)
        }
        ColumnType::Timestamp => {
            Operand::Time(parse_time(v).ok_or_else(|| bad("RFC 3339 timestamp"))?)
        }
        ColumnType::Text => Operand::Text(v.to_owned()),
    })
}

fn parse_time(v: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(v)
        .map(|t| t.with_timezone(&Utc))
        .ok()
        .or_else(|| {
            // Postgres writes `+00:00` offsets; dates alone mean midnight UTC.
            chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
                .map(|t| t.and_utc())
        })
}

impl Subscription {
    pub fn matches(&self, change: &Change) -> bool {
        if change.table != self.table || self.event.is_some_and(|e| e != change.op) {
            return false;
        }
        let Some(filter) = &self.filter else {
            return true;
        };
        let hit = |row: Option<&Row>| row.is_some_and(|r| filter.matches(r));
        match change.op {
            Op::Insert => hit(change.new_row()),
            Op::Delete => hit(change.old_row()),
            Op::Update => hit(change.new_row()) || hit(change.old_row()),
        }
    }
}

impl ColumnFilter {
    fn matches(&self, row: &Row) -> bool {
        let Some(value) = row.get(&self.column) else {
            return false;
        };
        let one = match &self.operands {
            Operands::Set(set) => return set.contains(value),
            Operands::One(operand) => compare(value, operand),
        };
        match self.op {
            CmpOp::Eq | CmpOp::In => one == Some(Ordering::Equal),
            CmpOp::Neq => one.is_some_and(|o| o != Ordering::Equal),
            CmpOp::Lt => one == Some(Ordering::Less),
            CmpOp::Lte => one.is_some_and(|o| o != Ordering::Greater),
            CmpOp::Gt => one == Some(Ordering::Greater),
            CmpOp::Gte => one.is_some_and(|o| o != Ordering::Less),
        }
    }
}

/// How a row's value compares with an operand; `None` when incomparable (null, wrong type).
fn compare(value: &Value, operand: &Operand) -> Option<Ordering> {
    match (value, operand) {
        (Value::String(s), Operand::Text(t)) => Some(s.as_str().cmp(t.as_str())),
        (Value::Number(n), Operand::Number(m)) => n.as_f64()?.partial_cmp(m),
        (Value::Bool(b), Operand::Bool(c)) => Some(b.cmp(c)),
        (Value::String(s), Operand::Time(t)) => Some(parse_time(s)?.cmp(t)),
        // A text column holding something else (e.g. a number in a json column).
        (other, Operand::Text(t)) if !other.is_null() => {
            Some(other.to_string().as_str().cmp(t.as_str()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use app::cursor::Cursor;
    use serde_json::json;
    use uuid::Uuid;

    use super::*;

    fn calls() -> TableInfo {
        let columns = HashMap::from([
            ("id".to_string(), ColumnType::Uuid),
            ("campaign_id".to_string(), ColumnType::Uuid),
            ("status".to_string(), ColumnType::Text),
            ("bid_cents".to_string(), ColumnType::Integer),
            ("ended_at".to_string(), ColumnType::Timestamp),
            ("active".to_string(), ColumnType::Boolean),
        ]);
        TableInfo { columns }
    }

    fn change(op: Op, new: Option<Value>, old: Option<Value>) -> Change {
        let row = |v: Value| serde_json::value::to_raw_value(&v).unwrap();
        Change::new(
            Cursor::at(1, 1),
            Uuid::nil(),
            "public",
            "calls".into(),
            op,
            new.map(row),
            old.map(row),
            Utc::now(),
            None,
        )
    }

    #[test]
    fn a_bare_table_matches_every_event_of_that_table_only() {
        let s = parse("calls", &calls()).unwrap();
        assert!(s.matches(&change(Op::Insert, Some(json!({"status": "QUEUED"})), None)));
        assert!(s.matches(&change(Op::Delete, None, Some(json!({})))));
        let mut other = change(Op::Insert, Some(json!({})), None);
        other.table = "contacts".into();
        assert!(!s.matches(&other));
    }

    #[test]
    fn events_select_the_operation() {
        let s = parse("calls:UPDATE", &calls()).unwrap();
        assert!(s.matches(&change(Op::Update, Some(json!({})), Some(json!({})))));
        assert!(!s.matches(&change(Op::Insert, Some(json!({})), None)));
        assert!(parse("calls:*", &calls()).unwrap().event.is_none());
    }

    #[test]
    fn filters_compare_by_column_type() {
        let t = calls();
        let up = |v: Value| change(Op::Update, Some(v), None);
        assert!(parse("calls:*:status=eq.RINGING", &t)
            .unwrap()
            .matches(&up(json!({"status": "RINGING"}))));
        assert!(!parse("calls:*:status=neq.RINGING", &t)
            .unwrap()
            .matches(&up(json!({"status": "RINGING"}))));
        assert!(parse("calls:*:bid_cents=gt.9", &t)
            .unwrap()
            .matches(&up(json!({"bid_cents": 10}))));
        assert!(!parse("calls:*:bid_cents=lt.9", &t)
            .unwrap()
            .matches(&up(json!({"bid_cents": 10}))));
        assert!(parse("calls:*:bid_cents=lte.10", &t)
            .unwrap()
            .matches(&up(json!({"bid_cents": 10}))));
        assert!(parse("calls:*:bid_cents=gte.10", &t)
            .unwrap()
            .matches(&up(json!({"bid_cents": 10}))));
        let ts = parse("calls:*:ended_at=gt.2026-01-01T00:00:00Z", &t).unwrap();
        assert!(ts.matches(&up(json!({"ended_at": "2026-11-20T10:00:00.5+00:00"}))));
        assert!(!ts.matches(&up(json!({"ended_at": null}))));
        let within = parse("calls:*:status=in.(RINGING,IN_PROGRESS)", &t).unwrap();
        assert!(within.matches(&up(json!({"status": "IN_PROGRESS"}))));
        assert!(!within.matches(&up(json!({"status": "ENDED"}))));
        let id = Uuid::new_v4();
        let by_campaign = parse(
            &format!("calls:*:campaign_id=eq.{}", id.to_string().to_uppercase()),
            &t,
        )
        .unwrap();
        assert!(by_campaign.matches(&up(json!({"campaign_id": id.to_string()}))));
        assert!(parse("calls:*:active=eq.true", &t)
            .unwrap()
            .matches(&up(json!({"active": true}))));
    }

    #[test]
    fn deletes_match_on_the_old_row_and_updates_on_either() {
        let s = parse("calls:*:status=eq.RINGING", &calls()).unwrap();
        assert!(s.matches(&change(
            Op::Delete,
            None,
            Some(json!({"status": "RINGING"}))
        )));
        assert!(s.matches(&change(
            Op::Update,
            Some(json!({"status": "IN_PROGRESS"})),
            Some(json!({"status": "RINGING"}))
        )));
        assert!(!s.matches(&change(Op::Insert, Some(json!({"status": "QUEUED"})), None)));
    }

    #[test]
    fn in_lists_match_by_type_like_eq_does() {
        let t = calls();
        let up = |v: Value| change(Op::Update, Some(v), None);
        let hundred: Vec<String> = (0..100).map(|i| i.to_string()).collect();
        let bids = parse(&format!("calls:*:bid_cents=in.({})", hundred.join(",")), &t).unwrap();
        assert!(bids.matches(&up(json!({"bid_cents": 99}))));
        assert!(bids.matches(&up(json!({"bid_cents": 0.0}))));
        assert!(!bids.matches(&up(json!({"bid_cents": 100}))));
        assert!(!bids.matches(&up(json!({"bid_cents": "99"}))));
        assert!(!bids.matches(&up(json!({"bid_cents": null}))));
        let when = parse(
            "calls:*:ended_at=in.(2026-11-20T10:00:00Z,2026-11-21T10:00:00Z)",
            &t,
        )
        .unwrap();
        assert!(when.matches(&up(json!({"ended_at": "2026-11-20T10:00:00+00:00"}))));
        assert!(!when.matches(&up(json!({"ended_at": "2026-11-20T10:00:01+00:00"}))));
        let flags = parse("calls:*:active=in.(true)", &t).unwrap();
        assert!(flags.matches(&up(json!({"active": true}))));
        assert!(!flags.matches(&up(json!({"active": false}))));
    }

    #[test]
    fn malformed_subscriptions_say_what_is_wrong() {
        let t = calls();
        for (spec, says) in [
            ("", "names no table"),
            ("calls:UPSERT", "unknown event"),
            ("calls:*:nope=eq.1", "no column \"nope\""),
            ("calls:*:status", "column=op.value"),
            ("calls:*:status=like.x", "unknown operator"),
            ("calls:*:campaign_id=eq.123", "not a valid uuid"),
            ("calls:*:bid_cents=gt.ten", "not a valid integer"),
            ("calls:*:ended_at=gt.yesterday", "RFC 3339"),
            ("calls:*:status=in.RINGING", "in takes a list"),
            ("calls:*:status=in.()", "at least one value"),
            ("calls:*:active=gt.true", "only eq, neq and in"),
        ] {
            let err = parse(spec, &t).unwrap_err();
            assert!(err.contains(says), "{spec:?}: {err}");
        }
        let long = format!("calls:*:bid_cents=in.({})", vec!["1"; 101].join(","));
        assert!(parse(&long, &t).unwrap_err().contains("at most 100 values"));
    }
}
