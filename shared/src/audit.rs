//! The audit trail: who read or changed what, and when. Reads of sensitive data are
//! recorded here as well as every change.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_id: Option<i64>,
    pub actor_name: Option<String>,
    /// What happened, e.g. `resident.reveal`, `user.update`, `auth.login_failed`.
    pub action: String,
    pub entity: Option<String>,
    pub entity_id: Option<i64>,
    pub detail: Option<String>,
    pub request_id: Option<String>,
    pub ip: Option<String>,
}
