//! Read copies for field work without signal: what a grid worker needs to file a report and
//! find today's visits (the categories, the grids, their own open cases, today's due visits,
//! and each case page they opened, so it opens again on a reload in a garage),
//! kept in IndexedDB when read online and given back when the network is gone. Nothing
//! sensitive is kept: the calls that use this answer without ID numbers, phones or
//! special-group tags, and [`Strip`] blanks what could still say more than field work needs.

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::store;
use crate::api::{ApiError, ApiResult};

/// What a read copy leaves out before it is kept.
pub trait Strip {
    fn strip(&mut self) {}
}

impl<T: Strip> Strip for Vec<T> {
    fn strip(&mut self) {
        self.iter_mut().for_each(Strip::strip);
    }
}

impl<T: Strip> Strip for shared::Page<T> {
    fn strip(&mut self) {
        self.items.strip();
    }
}

impl Strip for shared::cases::CaseMeta {}
impl Strip for shared::cases::CaseSummary {}
impl Strip for shared::places::PlaceRefWithPath {}
impl Strip for (i64, String) {}

impl Strip for shared::cases::CaseView {
    /// A case the grid worker opened, for opening it again without signal: who reported it
    /// stays out (the office has it), and so do the requests' reasons and decisions, which
    /// are about colleagues, not about the spot.
    fn strip(&mut self) {
        self.reporter_name = None;
        if let Some(r) = &mut self.pending_request {
            r.reason.clear();
            r.decision_note = None;
        }
    }
}

impl Strip for shared::care::PairingView {
    /// Why someone is cared for and why a pairing ended can tell their health or situation.
    fn strip(&mut self) {
        self.purpose.clear();
        self.end_reason = None;
    }
}

/// Read through the network, keeping a copy under `name`; without a network, the copy.
pub async fn kept<T>(name: &str, read: impl Future<Output = ApiResult<T>>) -> ApiResult<T>
where
    T: Serialize + DeserializeOwned + Strip + Clone,
{
    match read.await {
        Ok(value) => {
            let mut copy = value.clone();
            copy.strip();
            if let Ok(json) = serde_json::to_string(&copy) {
                store::keep_copy(name, &json).await;
            }
            Ok(value)
        }
        Err(ApiError::Network) => store::copy(name)
            .await
            .and_then(|json| serde_json::from_str(&json).ok())
            .ok_or(ApiError::Network),
        Err(e) => Err(e),
    }
}
