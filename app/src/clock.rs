//! The app's clock: the browser's time (the system clock in native tests) and today's date on
//! the Shanghai clock, for deadlines, default dates and "today" checks.

use time::{Date, OffsetDateTime};

/// The current time.
pub fn now() -> OffsetDateTime {
    #[cfg(target_arch = "wasm32")]
    {
        let ms = js_sys::Date::now();
        OffsetDateTime::from_unix_timestamp_nanos((ms as i128) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        OffsetDateTime::now_utc()
    }
}

/// Today on the Shanghai clock.
pub fn today() -> Date {
    shared::calendar::day_at(now())
}
