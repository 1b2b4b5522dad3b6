//! The status board: ordering keys for cards, the figures in its header, and the shape of
//! what it shows. Moving a card writes one row: its new key sorts between its neighbours.

use crate::cases::{CaseSummary, Stage};
use serde::{Deserialize, Serialize};

const DIGITS: &[u8] = b"0123456789abcdefghijklmnopqrstuvwxyz";
const BASE: usize = 36;

fn digits(s: &str) -> Vec<usize> {
    s.bytes()
        .map(|c| DIGITS.iter().position(|d| *d == c).unwrap_or(0))
        .collect()
}

/// Fractional indexing: digits strictly between `a` and `b` (None: above everything).
/// Keys never end in the zero digit, so there is always room between two of them.
fn midpoint(a: &[usize], b: Option<&[usize]>) -> Vec<usize> {
    if let Some(b) = b {
        let mut n = 0;
        while n < b.len() && a.get(n).copied().unwrap_or(0) == b[n] {
            n += 1;
        }
        if n > 0 {
            let mut out = b[..n].to_vec();
            out.extend(midpoint(a.get(n..).unwrap_or(&[]), Some(&b[n..])));
            return out;
        }
    }
    let da = a.first().copied().unwrap_or(0);
    let db = b.and_then(|b| b.first().copied()).unwrap_or(BASE);
    if db > da + 1 {
        vec![(da + db) / 2]
    } else if let Some(b) = b.filter(|b| b.len() > 1) {
        vec![b[0]]
    } else {
        let mut out = vec![da];
        out.extend(midpoint(a.get(1..).unwrap_or(&[]), None));
        out
    }
}

/// A key that sorts strictly between `lo` and `hi` (None: open end), compared as text.
/// A move writes only the moved card: there is always room between two keys.
pub fn rank_between(lo: Option<&str>, hi: Option<&str>) -> String {
    let a = lo.map(digits).unwrap_or_default();
    let b = hi.map(digits);
    midpoint(&a, b.as_deref())
        .into_iter()
        .map(|d| DIGITS[d] as char)
        .collect()
}

/// The board's saved filters, one of the user's settings (`/api/v1/settings/{key}`).
pub const BOARD_FILTERS_SETTING: &str = "board.filters";

/// Every per-user setting there is: the server stores no other key, so a user cannot fill
/// the table with keys of their own.
pub const SETTING_KEYS: &[&str] = &[BOARD_FILTERS_SETTING];

/// Largest saved setting, as JSON text.
pub const SETTING_MAX_BYTES: usize = 8 * 1024;

/// A card on the board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Card {
    #[serde(flatten)]
    pub case: CaseSummary,
    pub rank: String,
    pub assignee_name: Option<String>,
    /// The first photo, for the card's thumbnail (`/api/v1/photos/{id}/thumb`).
    pub photo_id: Option<i64>,
    /// The moves the asking user may make on this card now.
    pub legal_actions: Vec<crate::cases::Action>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Column {
    pub stage: Stage,
    /// Above this many cards the column warns.
    pub soft_limit: Option<u32>,
    /// At this many cards no more may be moved in.
    pub hard_limit: Option<u32>,
    /// Cards in order (at most `shown` of them).
    pub cards: Vec<Card>,
    /// All cards of the column under the filter.
    pub total: u64,
}

/// The header figures for the filtered set.
#[derive(Clone, Copy, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Figures {
    pub open: u64,
    pub overdue: u64,
    /// 结案率 = closed / (due − postponed); None when nothing is due.
    pub closure_rate: Option<f64>,
    /// 按期结案率 = closed on time / (due − postponed).
    pub on_time_rate: Option<f64>,
    /// 返工率 = failed verifications / verifications.
    pub rework_rate: Option<f64>,
}

/// Raw counts behind the figures.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    pub open: u64,
    pub overdue: u64,
    /// Cases whose deadline has come (or that are closed).
    pub due: u64,
    /// Due cases under an approved postponement.
    pub postponed: u64,
    pub closed: u64,
    pub closed_on_time: u64,
    pub verifications: u64,
    pub verifications_failed: u64,
}

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

impl Counts {
    /// What the closure rates are counted out of: the cases due less those postponed.
    pub fn base(self) -> u64 {
        self.due.saturating_sub(self.postponed)
    }

    pub fn figures(self) -> Figures {
        let base = self.base();
        Figures {
            open: self.open,
            overdue: self.overdue,
            closure_rate: ratio(self.closed, base),
            on_time_rate: ratio(self.closed_on_time, base),
            rework_rate: ratio(self.verifications_failed, self.verifications),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Board {
    pub columns: Vec<Column>,
    pub figures: Figures,
    /// The newest change included: a live stream started from here misses nothing.
    pub cursor: i64,
}

/// Work-in-progress limits of one column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct WipLimit {
    pub stage: Stage,
    pub soft: Option<u32>,
    pub hard: Option<u32>,
}

impl WipLimit {
    /// Soft must not exceed hard; zero is no limit at all and is refused.
    pub fn validate(&self) -> Result<(), crate::error::FieldErrorCode> {
        match (self.soft, self.hard) {
            (Some(0), _) | (_, Some(0)) => Err(crate::error::FieldErrorCode::OutOfRange),
            (Some(s), Some(h)) if s > h => Err(crate::error::FieldErrorCode::OutOfRange),
            _ => Ok(()),
        }
    }
}

/// Undo one's own last move.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Undo {
    /// The case's version right after the move being undone.
    pub version: i64,
}

/// A change to a case, as the live stream sends it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveChange {
    /// Increasing; send it back as `Last-Event-ID` to resume.
    pub id: i64,
    pub case_id: i64,
    pub version: i64,
    pub stage: Stage,
    pub rank: String,
    pub action: String,
    /// The case's grid, so a board filtered to one grid can skip others' changes.
    pub grid_id: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_fall_strictly_between() {
        let cases: &[(Option<&str>, Option<&str>)] = &[
            (None, None),
            (Some("a"), Some("b")),
            (Some("a"), Some("a1")),
            (Some("az"), Some("b")),
            (None, Some("0001")),
            (Some("zzz"), None),
            (Some("00000000001700000000i"), Some("00000000001700000001i")),
            (Some("5"), Some("50001")),
            (Some("i"), Some("j")),
        ];
        for (lo, hi) in cases {
            let k = rank_between(*lo, *hi);
            if let Some(lo) = lo {
                assert!(k.as_str() > *lo, "{k} > {lo}");
            }
            if let Some(hi) = hi {
                assert!(k.as_str() < *hi, "{k} < {hi}");
            }
        }
    }

    #[test]
    fn repeated_insertion_stays_ordered_and_short() {
        // Always inserting right after the first card is the worst case for key growth.
        let mut keys = vec![rank_between(None, None)];
        let first = keys[0].clone();
        let mut hi = rank_between(Some(&first), None);
        keys.push(hi.clone());
        for _ in 0..200 {
            let k = rank_between(Some(&first), Some(&hi));
            assert!(k > first && k < hi);
            hi = k.clone();
            keys.push(k);
        }
        assert!(
            keys.iter().all(|k| k.len() < 64),
            "keys stay bounded for hundreds of inserts"
        );
        let mut tail = rank_between(None, None);
        for _ in 0..500 {
            let next = rank_between(Some(&tail), None);
            assert!(next > tail);
            tail = next;
        }
    }

    #[test]
    fn figures_follow_the_definitions() {
        let c = Counts {
            open: 7,
            overdue: 2,
            due: 10,
            postponed: 2,
            closed: 6,
            closed_on_time: 4,
            verifications: 8,
            verifications_failed: 2,
        };
        let f = c.figures();
        assert_eq!(f.closure_rate, Some(0.75));
        assert_eq!(f.on_time_rate, Some(0.5));
        assert_eq!(f.rework_rate, Some(0.25));
        assert_eq!(Counts::default().figures().closure_rate, None);
    }
}
