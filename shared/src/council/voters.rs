//! Who may vote on an item.

use serde::{Deserialize, Serialize};

/// Whether the asking user is verified as a registered resident (who may support and vote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoterStatus {
    pub verified: bool,
    pub grid_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The micro-grid the resident lives in, if their household lies in one (they may raise
    /// items for it).
    #[serde(default)]
    pub micro_grid_id: Option<i64>,
}

/// Verify a user account as a registered resident; `null` removes the link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkResident {
    pub resident_id: Option<i64>,
}
