//! Support for a raised item (附议), and the threshold that puts it on the agenda.

use crate::error::{FieldErrorCode, FieldErrors};
use serde::{Deserialize, Serialize};

/// Until when a resident may take back their support (撤回): within the undo window of giving
/// it and while the item is still gathering support (once it is scheduled, the support has
/// done its work). A support given on their behalf is not theirs to take back alone.
pub fn support_withdraw_until(
    stage: super::ItemStage,
    given_by_themselves: bool,
    given_at: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Option<time::OffsetDateTime> {
    if stage != super::ItemStage::Gathering || !given_by_themselves {
        return None;
    }
    crate::undo::undo_until(given_at, now, None)
}

/// Does `supports` reach the threshold that schedules an item?
pub fn support_reached(supports: u64, threshold: u32) -> bool {
    threshold > 0 && supports >= u64::from(threshold)
}

/// The council's configuration, one per installation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilSettings {
    /// Supports that move an item from gathering to scheduled.
    pub support_threshold: u32,
    /// Days the grid leader has to decide a small matter.
    pub small_matter_days: u32,
    pub version: i64,
}

impl CouncilSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !(1..=100_000).contains(&self.support_threshold) {
            errs.add("support_threshold", FieldErrorCode::OutOfRange);
        }
        if !(1..=90).contains(&self.small_matter_days) {
            errs.add("small_matter_days", FieldErrorCode::OutOfRange);
        }
        errs.into_result()
    }
}
