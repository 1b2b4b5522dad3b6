//! Taking back what one just did (撤回): a board move, a report, a support, a vote. The window
//! is the same everywhere, so a resident learns one rule: ten minutes, and only while nobody
//! has acted on it yet (each area says what "acted on" means for its records).

use time::{Duration, OffsetDateTime};

/// How long after doing something its maker may take it back.
pub const UNDO_WINDOW: Duration = Duration::minutes(10);

/// Until when something done at `done_at` may be taken back, if still now; `ends` is a hard
/// end of its own (a ballot's closing time) that cuts the window short.
pub fn undo_until(
    done_at: OffsetDateTime,
    now: OffsetDateTime,
    ends: Option<OffsetDateTime>,
) -> Option<OffsetDateTime> {
    let until = match ends {
        Some(e) => (done_at + UNDO_WINDOW).min(e),
        None => done_at + UNDO_WINDOW,
    };
    (now < until).then_some(until)
}

/// Whole minutes left (rounded up), for "还可撤回 3 分钟".
pub fn minutes_left(until: OffsetDateTime, now: OffsetDateTime) -> i64 {
    let secs = (until - now).whole_seconds().max(0);
    (secs + 59) / 60
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn the_window_is_ten_minutes_to_the_second() {
        let at = datetime!(2026-12-07 08:00 UTC);
        assert_eq!(
            undo_until(at, at + Duration::seconds(599), None),
            Some(at + UNDO_WINDOW)
        );
        assert_eq!(undo_until(at, at + UNDO_WINDOW, None), None);
        assert_eq!(undo_until(at, at, None), Some(at + UNDO_WINDOW));
    }

    #[test]
    fn a_hard_end_cuts_the_window_short() {
        let at = datetime!(2026-12-07 08:00 UTC);
        let closes = at + Duration::minutes(3);
        assert_eq!(undo_until(at, at, Some(closes)), Some(closes));
        assert_eq!(undo_until(at, closes, Some(closes)), None);
        // A later end does not lengthen it.
        assert_eq!(
            undo_until(at, at, Some(at + Duration::hours(1))),
            Some(at + UNDO_WINDOW)
        );
    }

    #[test]
    fn minutes_left_round_up() {
        let at = datetime!(2026-12-07 08:00 UTC);
        assert_eq!(minutes_left(at + Duration::seconds(61), at), 2);
        assert_eq!(minutes_left(at + Duration::seconds(60), at), 1);
        assert_eq!(minutes_left(at, at + Duration::seconds(5)), 0);
    }
}
