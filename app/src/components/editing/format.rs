//! How an editable field's value reads, and how what a person typed becomes a value.

use serde_json::Value;

use crate::model::editing::{Field, FieldKind};

/// `$1,350.00` from cents.
pub fn dollars(cents: i64) -> String {
    let whole = (cents / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("${grouped}.{:02}", cents % 100)
}

/// The value as an input holds it.
pub fn to_input(field: &Field, value: &Value) -> String {
    match (field.kind, value) {
        (FieldKind::Cents { .. }, v) => v
            .as_i64()
            .map(|c| format!("{}.{:02}", c / 100, c % 100))
            .unwrap_or_default(),
        (FieldKind::Tags, Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(", "),
        (_, Value::String(s)) => s.clone(),
        (_, Value::Null) => String::new(),
        (_, v) => v.to_string(),
    }
}

/// The value as people read it.
pub fn to_text(field: &Field, value: &Value) -> String {
    match (field.kind, value) {
        (FieldKind::Cents { .. }, v) => v.as_i64().map(dollars).unwrap_or_default(),
        (FieldKind::Choice(_), Value::String(s)) => capitalized(s),
        (_, Value::Null) => "—".into(),
        (_, Value::String(s)) if s.is_empty() => "—".into(),
        _ => to_input(field, value),
    }
}

fn capitalized(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// What was typed, as the field's value (checked by the field's rules when it is saved).
pub fn from_input(field: &Field, text: &str) -> Result<Value, String> {
    match field.kind {
        FieldKind::Cents { .. } => parse_dollars(text)
            .map(Value::from)
            .ok_or_else(|| format!("{}: enter an amount like 1350.00", field.label)),
        FieldKind::Tags => Ok(Value::Array(
            text.split(',')
                .map(str::trim)
                .filter(|t| !t.is_empty())
                .map(|t| Value::String(t.to_owned()))
                .collect(),
        )),
        _ => Ok(Value::String(text.to_owned())),
    }
}

/// Cents from "1,350.5" / "$12" / "0.05".
pub fn parse_dollars(text: &str) -> Option<i64> {
    let t: String = text
        .trim()
        .trim_start_matches('$')
        .chars()
        .filter(|c| *c != ',')
        .collect();
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    if whole.is_empty() && frac.is_empty() || frac.len() > 2 {
        return None;
    }
    if !whole
        .chars()
        .chain(frac.chars())
        .all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: i64 = if whole.is_empty() {
        0
    } else {
        whole.parse().ok()?
    };
    let frac: i64 = format!("{frac:0<2}").parse().ok()?;
    whole.checked_mul(100)?.checked_add(frac)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::editing::{CLIENT, TRIP};
    use serde_json::json;

    #[test]
    fn amounts_read_as_dollars_and_parse_back_to_cents() {
        assert_eq!(dollars(135_000), "$1,350.00");
        assert_eq!(dollars(5), "$0.05");
        assert_eq!(parse_dollars("1,350.5"), Some(135_050));
        assert_eq!(parse_dollars("$12"), Some(1_200));
        assert_eq!(parse_dollars(".05"), Some(5));
        assert_eq!(parse_dollars("1.234"), None);
        assert_eq!(parse_dollars("abc"), None);
        assert_eq!(parse_dollars(""), None);
    }

    #[test]
    fn inputs_round_trip_tags_and_budgets() {
        let tags = CLIENT.field("tags").unwrap();
        assert_eq!(to_input(tags, &json!(["vip", "golf"])), "vip, golf");
        assert_eq!(from_input(tags, "vip, , golf"), Ok(json!(["vip", "golf"])));
        let budget = TRIP.field("budget_cents").unwrap();
        assert_eq!(to_input(budget, &json!(120_050)), "1200.50");
        assert_eq!(from_input(budget, "1200.50"), Ok(json!(120_050)));
        assert!(from_input(budget, "lots").is_err());
        assert_eq!(
            to_text(TRIP.field("status").unwrap(), &json!("booked")),
            "Booked"
        );
    }
}
