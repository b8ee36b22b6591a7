//! Server functions of the clients pages and the bidding panel: loaders (each in one
//! snapshot, with the cursor the page follows the stream from) and creating records. Edits
//! go to the JSON API (`PATCH /api/...`) through the browser's outbox, which needs its
//! Idempotency-Key and per-field conflicts.

use leptos::prelude::*;
use uuid::Uuid;

use crate::cursor::Cursor;
use crate::model::clients::{Client, ClientPage, ClientsPage, NewClient, NewTrip, Trip, TripPage};
use crate::model::editing::HistoryEntry;

/// The campaign page's bidding panel: the campaign row as JSON (what edits are based on) and
/// its recent bid changes.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct BidPanelData {
    pub campaign: serde_json::Value,
    pub history: Vec<HistoryEntry>,
    pub can_edit: bool,
    pub cursor: Cursor,
}

#[server(prefix = "/sf", endpoint = "clients_page")]
pub async fn load_clients() -> Result<ClientsPage, ServerFnError> {
    use super::ssr;
    use crate::data::clients;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let list = clients::list(&mut db, org, "", clients::MAX_CLIENTS)
        .await
        .map_err(ssr::user_error)?;
    let trip_counts = clients::trip_counts(&mut db, org)
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(ClientsPage {
        clients: list,
        trip_counts,
        can_edit: user.role.can_act(),
        cursor,
    })
}

#[server(prefix = "/sf", endpoint = "client_page")]
pub async fn load_client(id: Uuid) -> Result<Option<ClientPage>, ServerFnError> {
    use super::ssr;
    use crate::data::{clients, history, trips};
    use crate::model::editing::CLIENT;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let Some(client) = clients::get(&mut db, org, id)
        .await
        .map_err(ssr::user_error)?
    else {
        return Ok(None);
    };
    let trips = trips::list(&mut db, org, Some(id), trips::MAX_TRIPS)
        .await
        .map_err(ssr::user_error)?;
    let history = history::of_record(&mut db, &CLIENT, org, id, 100)
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(Some(ClientPage {
        client,
        trips,
        history,
        can_edit: user.role.can_act(),
        cursor,
    }))
}

#[server(prefix = "/sf", endpoint = "trip_page")]
pub async fn load_trip(id: Uuid) -> Result<Option<TripPage>, ServerFnError> {
    use super::ssr;
    use crate::data::{clients, history, trips};
    use crate::model::editing::TRIP;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let Some(trip) = trips::get(&mut db, org, id)
        .await
        .map_err(ssr::user_error)?
    else {
        return Ok(None);
    };
    let client = clients::get(&mut db, org, trip.client_id)
        .await
        .map_err(ssr::user_error)?
        .ok_or_else(|| ServerFnError::new("This trip's client is gone."))?;
    let history = history::of_record(&mut db, &TRIP, org, id, 100)
        .await
        .map_err(ssr::user_error)?;
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(Some(TripPage {
        trip,
        client,
        history,
        can_edit: user.role.can_act(),
        cursor,
    }))
}

#[server(prefix = "/sf", endpoint = "bid_panel")]
pub async fn load_bid_panel(campaign: Uuid) -> Result<BidPanelData, ServerFnError> {
    use super::ssr;
    use crate::data::{campaigns, history};
    use crate::model::editing::CAMPAIGN;
    let user = ssr::current_user().await?;
    let mut db = ssr::snapshot().await?;
    let org = user.organization_id;
    let row = campaigns::row(&mut db, org, campaign)
        .await
        .map_err(ssr::user_error)?
        .ok_or_else(|| ServerFnError::new("This campaign does not exist or is not yours."))?;
    let history = history::of_record(&mut db, &CAMPAIGN, org, campaign, 100)
        .await
        .map_err(ssr::user_error)?
        .into_iter()
        .filter(|h| h.changes.contains_key("bid_cents"))
        .take(20)
        .collect();
    let cursor = db.cursor().await.map_err(ssr::user_error)?;
    Ok(BidPanelData {
        campaign: row,
        history,
        can_edit: user.role.can_act(),
        cursor,
    })
}

#[server(prefix = "/sf", endpoint = "create_client")]
pub async fn create_client(new: NewClient) -> Result<Client, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    crate::data::clients::create(&ssr::pool()?, &user, &new)
        .await
        .map_err(ssr::user_error)
}

#[server(prefix = "/sf", endpoint = "create_trip")]
pub async fn create_trip(new: NewTrip) -> Result<Trip, ServerFnError> {
    use super::ssr;
    let user = ssr::current_user().await?;
    crate::data::trips::create(&ssr::pool()?, &user, &new)
        .await
        .map_err(ssr::user_error)
}

/// Delete a client (and their trips) or a trip. Organizers and admins; `kind` is `client` or
/// `trip`.
#[server(prefix = "/sf", endpoint = "delete_record")]
pub async fn delete_record(kind: String, id: Uuid) -> Result<(), ServerFnError> {
    use super::ssr;
    use crate::data::{clients, trips};
    let user = ssr::current_user().await?;
    let pool = ssr::pool()?;
    match kind.as_str() {
        "client" => clients::delete(&pool, &user, id).await,
        "trip" => trips::delete(&pool, &user, id).await,
        _ => Err(crate::data::DataError::Invalid(
            "Only clients and trips can be deleted here.".into(),
        )),
    }
    .map_err(ssr::user_error)
}
