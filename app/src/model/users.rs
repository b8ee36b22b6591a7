//! Who is signed in, and their role.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Operator,
    Organizer,
    Admin,
}

impl Role {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "operator" => Some(Role::Operator),
            "organizer" => Some(Role::Organizer),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Organizers and admins act on agent work (assign, approve, reschedule); operators read.
    pub fn can_act(self) -> bool {
        matches!(self, Role::Organizer | Role::Admin)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::Operator => "Operator",
            Role::Organizer => "Organizer",
            Role::Admin => "Admin",
        }
    }
}

/// The signed-in user, as every page and endpoint sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CurrentUser {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub organization_id: Uuid,
    pub organization_name: String,
}
