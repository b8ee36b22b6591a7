//! How subscriptions are described in the OpenAPI document: a pattern built from the captured
//! tables and their columns, so clients (and the API fuzzer) know exactly which `sub=` values
//! are accepted. Every string the pattern matches is a valid subscription.

use std::collections::BTreeMap;

use super::filter::MAX_IN_VALUES;
use super::registry::{ColumnType, TableInfo};

/// A value of the column's type, in the pattern's (deliberately plain) spelling.
fn value(kind: ColumnType) -> &'static str {
    match kind {
        ColumnType::Uuid => "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
        ColumnType::Integer => "-?[0-9]{1,18}",
        ColumnType::Numeric => "-?[0-9]{1,12}(\\.[0-9]{1,6})?",
        ColumnType::Boolean => "(true|false)",
        ColumnType::Timestamp => {
            "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])(T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z)?"
        }
        ColumnType::Text => "[A-Za-z0-9_-]{1,24}",
    }
}

fn escape(name: &str) -> String {
    name.chars()
        .flat_map(|c| {
            let special = !(c.is_ascii_alphanumeric() || c == '_');
            special
                .then_some('\\')
                .into_iter()
                .chain(std::iter::once(c))
        })
        .collect()
}

/// `^(table(:(event)(:((col|col)=op.value|...))?)?|...)$` for these tables: columns of one type
/// share one alternative, which keeps the pattern small enough for generators to handle.
pub fn subscription_pattern(tables: &BTreeMap<String, TableInfo>) -> String {
    let alternatives: Vec<String> = tables
        .iter()
        .map(|(name, info)| {
            let mut by_type: BTreeMap<ColumnType, Vec<String>> = BTreeMap::new();
            for (column, kind) in &info.columns {
                by_type.entry(*kind).or_default().push(escape(column));
            }
            let filters: Vec<String> = by_type
                .into_iter()
                .map(|(kind, mut columns)| {
                    columns.sort();
                    let v = value(kind);
                    let ops = if kind == ColumnType::Boolean {
                        "eq|neq"
                    } else {
                        "eq|neq|lt|lte|gt|gte"
                    };
                    format!(
                        "({})=(({ops})\\.{v}|in\\.\\({v}(,{v}){{0,{}}}\\))",
                        columns.join("|"),
                        MAX_IN_VALUES - 1
                    )
                })
                .collect();
            format!(
                "{}(:(INSERT|UPDATE|DELETE|\\*)(:({}))?)?",
                escape(name),
                filters.join("|")
            )
        })
        .collect();
    format!("^({})$", alternatives.join("|"))
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use crate::realtime::filter;

    #[test]
    fn the_pattern_names_every_table_and_column_with_its_operators() {
        let info = TableInfo {
            columns: HashMap::from([
                ("status".to_string(), ColumnType::Text),
                ("active".to_string(), ColumnType::Boolean),
            ]),
        };
        let p = subscription_pattern(&BTreeMap::from([("calls".to_string(), info.clone())]));
        assert!(p.starts_with("^(calls(:(INSERT|UPDATE|DELETE|\\*)"));
        assert!(p.contains("(active)=((eq|neq)\\.(true|false)"));
        assert!(p.contains("(status)=((eq|neq|lt|lte|gt|gte)\\."));
        assert!(p.ends_with(")$"));
        // Samples in the pattern's spelling parse.
        for spec in [
            "calls",
            "calls:*",
            "calls:UPDATE:active=in.(true,false)",
            "calls:DELETE:status=lte.a_b-9",
        ] {
            assert!(filter::parse(spec, &info).is_ok(), "{spec}");
        }
    }
}
