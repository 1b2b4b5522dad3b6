//! The time services act at. Normally the wall clock; the demo's history generator sets a
//! historic time for each step it plays (`at`), so the services it calls stamp records, start
//! deadlines and check windows exactly as they did "then", through the same code the API runs.
//!
//! A task-local rather than a `now` argument on every service function: the clock is read deep
//! inside the services (history entries, the audit recorder, deadline and window checks), and
//! threading a parameter through all of them would change every signature the routes call.

use std::future::Future;
use time::{Date, OffsetDateTime};

tokio::task_local! {
    static SET_TIME: OffsetDateTime;
}

/// The current time: the one set by [`at`] around this task's future, else the wall clock.
pub fn now() -> OffsetDateTime {
    SET_TIME
        .try_with(|t| *t)
        .unwrap_or_else(|_| OffsetDateTime::now_utc())
}

/// Today in Beijing at [`now`].
pub fn today() -> Date {
    shared::calendar::day_at(now())
}

/// Run `f` with the clock reading `t` (for everything it awaits in this task). In UTC, as the
/// wall clock reads: stored times keep the offset they were made with, and SQLite compares
/// them as text (a deadline in `Z` against a closing time in `+08:00` would compare wrongly).
pub async fn at<F: Future>(t: OffsetDateTime, f: F) -> F::Output {
    SET_TIME.scope(t.to_offset(time::UtcOffset::UTC), f).await
}
