//! Contacts of a campaign.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum ContactStatus {
    Pending,
    Calling,
    Completed,
    Failed,
}

impl ContactStatus {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(ContactStatus::Pending),
            "calling" => Some(ContactStatus::Calling),
            "completed" => Some(ContactStatus::Completed),
            "failed" => Some(ContactStatus::Failed),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            ContactStatus::Pending => "Pending",
            ContactStatus::Calling => "Calling",
            ContactStatus::Completed => "Completed",
            ContactStatus::Failed => "Failed",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Contact {
    pub id: Uuid,
    pub campaign_id: Uuid,
    pub name: String,
    pub phone: String,
    pub status: ContactStatus,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}
