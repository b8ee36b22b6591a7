//! The fields people may edit, per record kind, and what each accepts: one definition for
//! the server (which enforces it and builds its SQL from these names only) and the browser
//! (which renders inputs and checks before sending).

use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FieldKind {
    /// A trimmed line of text of 1 to `max` characters.
    Required { max: usize },
    /// A trimmed line of text of at most `max` characters; empty is `null`.
    Optional { max: usize },
    /// An email address or nothing.
    Email,
    /// A phone number (digits, spaces, `+ - ( ) .`) or nothing.
    Phone,
    /// Free text of at most `max` characters (may be empty).
    Notes { max: usize },
    /// Up to 20 labels of 1 to 40 characters, each once.
    Tags,
    /// A calendar date (`YYYY-MM-DD`) or nothing.
    Date,
    /// Whole cents from 0 to `max`.
    Cents { max: i64 },
    /// One of the given values.
    Choice(&'static [&'static str]),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Field {
    /// The column (and JSON) name.
    pub name: &'static str,
    /// For people: "Budget".
    pub label: &'static str,
    pub kind: FieldKind,
}

/// A kind of record that can be edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Editable {
    pub table: &'static str,
    /// For messages: "trip".
    pub record: &'static str,
    pub fields: &'static [Field],
}

impl Editable {
    pub fn field(&self, name: &str) -> Option<&'static Field> {
        self.fields.iter().find(|f| f.name == name)
    }
}

const fn field(name: &'static str, label: &'static str, kind: FieldKind) -> Field {
    Field { name, label, kind }
}

pub const TRIP_STATUSES: &[&str] = &["planning", "booked", "completed", "cancelled"];
/// Highest budget: a billion (in cents: 100,000,000,000).
pub const MAX_BUDGET_CENTS: i64 = 100_000_000_000;
/// Highest bid per call: $1,000.
pub const MAX_BID_CENTS: i64 = 100_000;
pub const MAX_TAGS: usize = 20;
pub const MAX_TAG_CHARS: usize = 40;

pub const CLIENT: Editable = Editable {
    table: "clients",
    record: "client",
    fields: &[
        field("name", "Name", FieldKind::Required { max: 200 }),
        field("email", "Email", FieldKind::Email),
        field("phone", "Phone", FieldKind::Phone),
        field("company", "Company", FieldKind::Optional { max: 200 }),
        field("tags", "Tags", FieldKind::Tags),
        field("notes", "Notes", FieldKind::Notes { max: 5000 }),
    ],
};

pub const TRIP: Editable = Editable {
    table: "trips",
    record: "trip",
    fields: &[
        field("title", "Title", FieldKind::Required { max: 200 }),
        field("destination", "Destination", FieldKind::Notes { max: 200 }),
        field("start_date", "Start date", FieldKind::Date),
        field("end_date", "End date", FieldKind::Date),
        field("status", "Status", FieldKind::Choice(TRIP_STATUSES)),
        field(
            "budget_cents",
            "Budget",
            FieldKind::Cents {
                max: MAX_BUDGET_CENTS,
            },
        ),
        field("notes", "Notes", FieldKind::Notes { max: 5000 }),
    ],
};

pub const CAMPAIGN: Editable = Editable {
    table: "campaigns",
    record: "campaign",
    fields: &[
        field("name", "Name", FieldKind::Required { max: 200 }),
        field("bid_cents", "Bid", FieldKind::Cents { max: MAX_BID_CENTS }),
    ],
};

impl Field {
    /// `value` as stored (trimmed, empty optional text as `null`, tags each once), or why it
    /// cannot be: a sentence that starts with the field's name.
    pub fn normalize(&self, value: &Value) -> Result<Value, String> {
        let name = self.name;
        let text = |v: &Value| -> Result<Option<String>, String> {
            match v {
                Value::Null => Ok(None),
                Value::String(s) if s.contains('\0') => {
                    Err(format!("{name}: must not contain NUL characters"))
                }
                Value::String(s) => Ok(Some(s.trim().to_owned())),
                _ => Err(format!("{name}: must be text")),
            }
        };
        let too_long = |s: &str, max: usize| s.chars().count() > max;
        let optional = |max: usize, check: fn(&str) -> bool, what: &str| match text(value)?
            .filter(|s| !s.is_empty())
        {
            None => Ok(Value::Null),
            Some(s) if too_long(&s, max) => Err(format!("{name}: at most {max} characters")),
            Some(s) if !check(&s) => Err(format!("{name}: {what}")),
            Some(s) => Ok(Value::String(s)),
        };
        match self.kind {
            FieldKind::Required { max } => match text(value)? {
                None => Err(format!("{name}: is required")),
                Some(s) if s.is_empty() => Err(format!("{name}: must not be empty")),
                Some(s) if too_long(&s, max) => Err(format!("{name}: at most {max} characters")),
                Some(s) => Ok(Value::String(s)),
            },
            FieldKind::Optional { max } => optional(max, |_| true, ""),
            FieldKind::Email => optional(254, looks_like_email, "is not an email address"),
            FieldKind::Phone => optional(40, looks_like_phone, "use digits, spaces and + - ( ) ."),
            FieldKind::Notes { max } => {
                let s = text(value)?.unwrap_or_default();
                if too_long(&s, max) {
                    return Err(format!("{name}: at most {max} characters"));
                }
                Ok(Value::String(s))
            }
            FieldKind::Tags => normalize_tags(name, value),
            FieldKind::Date => match text(value)?.filter(|s| !s.is_empty()) {
                None => Ok(Value::Null),
                Some(s) => chrono::NaiveDate::parse_from_str(&s, "%Y-%m-%d")
                    .map(|d| Value::String(d.format("%Y-%m-%d").to_string()))
                    .map_err(|_| format!("{name}: a date as YYYY-MM-DD")),
            },
            FieldKind::Cents { max } => match value.as_i64() {
                Some(n) if (0..=max).contains(&n) => Ok(Value::from(n)),
                Some(_) => Err(format!("{name}: from 0 to {max} cents")),
                None => Err(format!("{name}: a whole number of cents")),
            },
            FieldKind::Choice(options) => match value.as_str() {
                Some(s) if options.contains(&s) => Ok(Value::String(s.to_owned())),
                _ => Err(format!("{name}: one of {}", options.join(", "))),
            },
        }
    }
}

fn looks_like_email(s: &str) -> bool {
    let mut parts = s.split('@');
    let (Some(local), Some(domain), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !s.chars().any(char::is_whitespace)
}

fn looks_like_phone(s: &str) -> bool {
    s.chars().any(|c| c.is_ascii_digit())
        && s.chars()
            .all(|c| c.is_ascii_digit() || " +-().".contains(c))
}

fn normalize_tags(name: &str, value: &Value) -> Result<Value, String> {
    let items = match value {
        Value::Null => return Ok(Value::Array(vec![])),
        Value::Array(items) => items,
        _ => return Err(format!("{name}: a list of labels")),
    };
    let mut tags: Vec<String> = Vec::new();
    for item in items {
        let Some(t) = item.as_str().map(str::trim) else {
            return Err(format!("{name}: each label is text"));
        };
        if t.is_empty() || t.chars().count() > MAX_TAG_CHARS || t.contains('\0') {
            return Err(format!(
                "{name}: each label has 1 to {MAX_TAG_CHARS} characters"
            ));
        }
        if !tags.iter().any(|x| x == t) {
            tags.push(t.to_owned());
        }
    }
    if tags.len() > MAX_TAGS {
        return Err(format!("{name}: at most {MAX_TAGS} labels"));
    }
    Ok(Value::Array(tags.into_iter().map(Value::String).collect()))
}

/// Whether two stored values are the same (numbers compare by value: `1` and `1.0`).
pub fn same(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn norm(e: &Editable, f: &str, v: Value) -> Result<Value, String> {
        e.field(f).unwrap().normalize(&v)
    }

    #[test]
    fn text_is_trimmed_and_empty_optional_text_is_null() {
        assert_eq!(norm(&CLIENT, "name", json!("  Ada ")), Ok(json!("Ada")));
        assert_eq!(norm(&CLIENT, "company", json!("  ")), Ok(Value::Null));
        assert!(norm(&CLIENT, "name", json!(" "))
            .unwrap_err()
            .starts_with("name:"));
        assert!(norm(&CLIENT, "name", json!(3)).is_err());
        assert!(norm(&CLIENT, "notes", json!("a\0b")).is_err());
    }

    #[test]
    fn emails_phones_dates_and_cents_are_checked() {
        assert!(norm(&CLIENT, "email", json!("ada@example.com")).is_ok());
        assert!(norm(&CLIENT, "email", json!("ada")).is_err());
        assert!(norm(&CLIENT, "phone", json!("+44 (20) 7946-0958")).is_ok());
        assert!(norm(&CLIENT, "phone", json!("call me")).is_err());
        assert_eq!(
            norm(&TRIP, "start_date", json!("2027-01-05")),
            Ok(json!("2027-01-05"))
        );
        assert!(norm(&TRIP, "start_date", json!("2027-02-30")).is_err());
        assert_eq!(norm(&TRIP, "start_date", json!("")), Ok(Value::Null));
        assert_eq!(norm(&TRIP, "budget_cents", json!(1200)), Ok(json!(1200)));
        assert!(norm(&TRIP, "budget_cents", json!(-1)).is_err());
        assert!(norm(&TRIP, "budget_cents", json!(1.5)).is_err());
        assert!(norm(&CAMPAIGN, "bid_cents", json!(MAX_BID_CENTS + 1)).is_err());
        assert!(norm(&TRIP, "status", json!("booked")).is_ok());
        assert!(norm(&TRIP, "status", json!("lost")).is_err());
    }

    #[test]
    fn tags_are_trimmed_each_once_and_bounded() {
        assert_eq!(
            norm(&CLIENT, "tags", json!([" vip", "vip", "golf"])),
            Ok(json!(["vip", "golf"]))
        );
        assert!(norm(&CLIENT, "tags", json!([""])).is_err());
        let many: Vec<String> = (0..21).map(|i| format!("t{i}")).collect();
        assert!(norm(&CLIENT, "tags", json!(many)).is_err());
    }

    #[test]
    fn numbers_are_the_same_by_value() {
        assert!(same(&json!(1), &json!(1.0)));
        assert!(!same(&json!(1), &json!("1")));
    }
}
