//! Photos attached to an item.

use super::stages::*;
use crate::accounts::Principal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

/// A photo of an agenda item. Stored and checked like case photos (the types and size of
/// `crate::cases::PHOTO_TYPES` / `PHOTO_MAX_BYTES`); seen by whoever may see the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemPhoto {
    pub id: i64,
    pub item_id: i64,
    pub width: u32,
    pub height: u32,
    pub url: String,
    pub thumb_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// At most this many photos per agenda item.
pub const PHOTOS_PER_ITEM: u64 = 6;

/// Who may add a photo: the one who raised the item while it is still being proposed or
/// gathering support, and those who manage it (the office, the grid leader) until it is done
/// or not adopted.
pub fn may_add_photo(
    who: &Principal,
    raised_by: Option<i64>,
    stage: ItemStage,
    rel: ItemRelation,
) -> bool {
    let raiser = raised_by == Some(who.user_id)
        && matches!(stage, ItemStage::Proposed | ItemStage::Gathering);
    let manager = may_manage(who, rel) && !matches!(stage, ItemStage::Done | ItemStage::NotAdopted);
    raiser || manager
}
