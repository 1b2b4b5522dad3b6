//! Open311 API keys as the admin API speaks them: issued by admins, shown once, revocable.

use serde::{Deserialize, Serialize};

/// A key to issue.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewApiKey {
    /// Who uses it, e.g. "12345 热线平台".
    pub name: String,
}

/// An issued key. The key itself travels only once, in the answer that creates it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: i64,
    pub name: String,
    /// Revoked: the key no longer files requests.
    pub disabled: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    /// Only in the answer that creates the key; it cannot be read again.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key: Option<String>,
}
