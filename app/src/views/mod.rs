//! What each live view holds and how one change updates it. Pure functions over the shared
//! model, unit-tested natively; the pages render them and `crate::live` feeds them.

pub mod agents;
pub mod clients;
pub mod contact_names;
pub mod counts;
pub mod detail;
pub mod feed;
pub mod overview;
pub mod rows;
pub mod toasts;
