//! The council board's live feed: what a change says.

use super::stages::*;
use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// One change to an agenda item, sent on the council's live stream (`GET /council/live`,
/// `event: item`): only what a board card needs to refresh, nothing a user may not see.
/// `id` is the council history entry; a reconnecting client resumes after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilLiveChange {
    pub id: i64,
    pub item_id: i64,
    pub version: i64,
    pub stage: ItemStage,
    pub support_count: u64,
}

/// History actions that record support only: sent on the live stream, left out of an item's
/// history (a thousand supports would drown the rounds).
pub const SUPPORT_ACTIONS: [&str; 2] = ["supported", "support_withdrawn"];

/// A comment under an item; hidden ones keep their place with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentView {
    pub id: i64,
    pub author_name: String,
    /// Empty when hidden (the office still sees it).
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComment {
    pub body: String,
}

impl NewComment {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let body = self.body.trim();
        match body.chars().count() {
            0 => errs.add("body", FieldErrorCode::Required),
            n if n > 1000 => errs.add("body", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok(body.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HideComment {
    /// Why it is hidden, shown in its place (1–[`HideComment::REASON_MAX`] characters).
    pub reason: String,
}

impl HideComment {
    pub const REASON_MAX: usize = 200;

    /// The trimmed reason.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        crate::validate::required_text(&self.reason, Self::REASON_MAX)
            .map_err(|code| FieldErrors::one("reason", code))
    }
}
