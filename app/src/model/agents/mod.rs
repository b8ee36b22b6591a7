//! Agent workflows: agents, the tasks they work on, the drafts they produce for approval, the
//! follow-ups they schedule, and their activity log. Every struct here has the shape of its
//! table's row (as captured for the change stream), so a page's data and a streamed change
//! decode into the same type.

mod agent;
mod drafts;
mod follow_ups;
mod requests;
mod tasks;

pub use agent::*;
pub use drafts::*;
pub use follow_ups::*;
pub use requests::*;
pub use tasks::*;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Strings stored in a `text` column with a CHECK list, as a Rust enum: `as_str` (the stored
/// value, also the JSON value), `parse`, `label` (for people) and `ALL`.
macro_rules! text_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $value:literal : $label:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored (and JSON) value.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            pub fn parse(s: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// For people.
            pub fn label(self) -> &'static str {
                match self { $($name::$variant => $label),+ }
            }
        }
    };
}
pub(crate) use text_enum;

/// `ids` sorted, each once (for "the contacts these rows mention").
pub fn unique_ids(ids: impl IntoIterator<Item = Uuid>) -> Vec<Uuid> {
    let mut v: Vec<Uuid> = ids.into_iter().collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The contact a task, draft or follow-up is about, as pages name it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ContactRef {
    pub id: Uuid,
    pub name: String,
    pub phone: String,
    pub campaign_id: Uuid,
    pub campaign_name: String,
}
