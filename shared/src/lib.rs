//! Linju's shared vocabulary: what the API speaks and the rules both the browser and the
//! server apply. The browser uses these rules to offer only legal actions; the server uses
//! the very same functions to enforce them.

pub mod accounts;
pub mod assessment;
pub mod audit;
pub mod board;
pub mod calendar;
pub mod care;
pub mod cases;
pub mod council;
pub mod directives;
pub mod error;
pub mod geo;
pub mod i18n;
pub mod map;
pub mod mediation;
pub mod open311;
pub mod places;
pub mod proxy;
pub mod stats;
pub mod supervision;
pub mod undo;
pub mod validate;

/// A page of results with the total count, for lists that may be long.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Page<T> {
    pub items: Vec<T>,
    pub total: u64,
    pub offset: u64,
    pub limit: u64,
}

/// Largest page a client may ask for; protects the server and keeps responses small on phones.
pub const MAX_PAGE_SIZE: u64 = 200;
pub const DEFAULT_PAGE_SIZE: u64 = 50;

/// Clamp a client's requested paging to sane bounds.
pub fn clamp_paging(offset: Option<u64>, limit: Option<u64>) -> (u64, u64) {
    let limit = limit.unwrap_or(DEFAULT_PAGE_SIZE).clamp(1, MAX_PAGE_SIZE);
    // Far beyond any real list, and far inside what databases accept as an offset.
    (offset.unwrap_or(0).min(1 << 40), limit)
}
