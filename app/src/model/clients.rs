//! Clients of the organization and their trips, edited together by organizers.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use super::agents::text_enum;
use super::editing::HistoryEntry;
use crate::cursor::Cursor;

text_enum!(
    /// planning → booked → completed, or cancelled.
    TripStatus { Planning = "planning": "Planning", Booked = "booked": "Booked", Completed = "completed": "Completed", Cancelled = "cancelled": "Cancelled" }
);

/// A `clients` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Client {
    pub id: Uuid,
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: String,
    pub tags: Vec<String>,
    /// Bumped by every write.
    pub version: i64,
    /// Who wrote last (a user's name, a worker's, or `sql`).
    pub updated_by: String,
    /// The request that wrote last, if it was an app edit.
    pub mutation_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// A `trips` row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Trip {
    pub id: Uuid,
    pub client_id: Uuid,
    #[cfg_attr(
        feature = "ssr",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub title: String,
    pub destination: String,
    pub start_date: Option<NaiveDate>,
    pub end_date: Option<NaiveDate>,
    pub status: TripStatus,
    pub budget_cents: i64,
    pub notes: String,
    pub version: i64,
    pub updated_by: String,
    pub mutation_id: Option<Uuid>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// `POST /api/clients`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewClient {
    #[cfg_attr(
        feature = "ssr",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub name: String,
    pub email: Option<String>,
    pub phone: Option<String>,
    pub company: Option<String>,
    pub notes: Option<String>,
    pub tags: Option<Vec<String>>,
}

/// `POST /api/trips`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewTrip {
    pub client_id: Uuid,
    #[cfg_attr(
        feature = "ssr",
        schema(min_length = 1, max_length = 200, pattern = r"\S")
    )]
    pub title: String,
    pub destination: Option<String>,
    /// `YYYY-MM-DD`.
    pub start_date: Option<String>,
    pub end_date: Option<String>,
    pub status: Option<TripStatus>,
    pub budget_cents: Option<i64>,
    pub notes: Option<String>,
}

/// `GET /api/clients`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ClientList {
    pub clients: Vec<Client>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// `GET /api/trips`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TripList {
    pub trips: Vec<Trip>,
    #[cfg_attr(feature = "ssr", schema(value_type = String))]
    pub cursor: Cursor,
}

/// The clients page: every client (a list of at most `MAX_CLIENTS`), live.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientsPage {
    pub clients: Vec<Client>,
    /// Trips per client, for the list's counts.
    pub trip_counts: Vec<(Uuid, i64)>,
    pub can_edit: bool,
    pub cursor: Cursor,
}

/// A client's page: the client, their trips and the client's history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ClientPage {
    pub client: Client,
    pub trips: Vec<Trip>,
    pub history: Vec<HistoryEntry>,
    pub can_edit: bool,
    pub cursor: Cursor,
}

/// A trip's page: the trip, whose it is, and its history.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TripPage {
    pub trip: Trip,
    pub client: Client,
    pub history: Vec<HistoryEntry>,
    pub can_edit: bool,
    pub cursor: Cursor,
}
