//! Types shared by the server, the server functions and the browser.

use serde::{Deserialize, Serialize};

use crate::cursor::Cursor;

pub mod agents;
mod calls;
mod campaigns;
pub mod clients;
mod contacts;
pub mod editing;
pub mod operations;
mod users;

pub use calls::*;
pub use campaigns::*;
pub use contacts::*;
pub use users::*;

/// One page of a list, with the total count for pagers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
    /// Realtime cursor this page is consistent with: subscribe with `after=<cursor>`.
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}
