//! Working time: deadlines in working hours or working days, skipping weekends and public
//! holidays and counting adjusted working days (调休). Times are stored in UTC and counted
//! on the Asia/Shanghai clock (UTC+8, no daylight saving).

use std::collections::BTreeSet;
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time, UtcOffset, Weekday};

// Dates travel as `YYYY-MM-DD`.
time::serde::format_description!(pub ymd, Date, "[year]-[month]-[day]");

/// China Standard Time.
pub const SHANGHAI: UtcOffset = match UtcOffset::from_hms(8, 0, 0) {
    Ok(o) => o,
    Err(_) => panic!("valid offset"),
};

/// The day it is on the Shanghai clock at moment `t`.
pub fn day_at(t: OffsetDateTime) -> Date {
    t.to_offset(SHANGHAI).date()
}

/// Today on the Shanghai clock, by the server's clock (the app reads the browser's clock and
/// calls [`day_at`]).
#[cfg(not(target_arch = "wasm32"))]
pub fn today() -> Date {
    day_at(OffsetDateTime::now_utc())
}

/// A day as people and date inputs write it: `2026-12-07`.
pub fn format_day(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// `YYYY-MM-DD` (a date input) → a day.
pub fn parse_day(s: &str) -> Option<Date> {
    let mut parts = s.trim().split('-');
    let y: i32 = parts.next()?.parse().ok()?;
    let m: u8 = parts.next()?.parse().ok()?;
    let d: u8 = parts.next()?.parse().ok()?;
    if parts.next().is_some() {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// A moment as people read it, on the Shanghai clock: `2026-11-29 14:05`.
pub fn format_moment(t: OffsetDateTime) -> String {
    let l = t.to_offset(SHANGHAI);
    format!("{} {:02}:{:02}", format_day(l.date()), l.hour(), l.minute())
}

/// A moment as a `datetime-local` input holds it, on the Shanghai clock: `2026-11-29T14:05`.
pub fn format_local_input(t: OffsetDateTime) -> String {
    let l = t.to_offset(SHANGHAI);
    format!("{}T{:02}:{:02}", format_day(l.date()), l.hour(), l.minute())
}

/// A `datetime-local` input's value (`YYYY-MM-DDTHH:MM`, seconds ignored) read on the Shanghai
/// clock → a moment.
pub fn parse_local_input(s: &str) -> Option<OffsetDateTime> {
    let (d, t) = s.trim().split_once('T')?;
    let day = parse_day(d)?;
    let mut hm = t.split(':');
    let h: u8 = hm.next()?.parse().ok()?;
    let m: u8 = hm.next()?.parse().ok()?;
    let at = Time::from_hms(h, m, 0).ok()?;
    Some(day.with_time(at).assume_offset(SHANGHAI))
}

/// A time limit as the SLA tables state it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", tag = "unit", content = "amount")]
pub enum Limit {
    WorkingHours(u32),
    WorkingDays(u32),
}

/// The office calendar: working hours of a day, public holidays, and weekend days that are
/// working days by adjustment (调休).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WorkCalendar {
    pub day_start: Time,
    pub day_end: Time,
    pub holidays: BTreeSet<Date>,
    pub adjusted_workdays: BTreeSet<Date>,
}

impl Default for WorkCalendar {
    /// 9:00–17:00, no holidays configured.
    fn default() -> Self {
        WorkCalendar {
            day_start: Time::from_hms(9, 0, 0).expect("valid"),
            day_end: Time::from_hms(17, 0, 0).expect("valid"),
            holidays: BTreeSet::new(),
            adjusted_workdays: BTreeSet::new(),
        }
    }
}

/// Longest limit accepted in a rule (about two years of working days), and how far the
/// calendar looks for a working day before it gives up: both keep every loop finite.
pub const MAX_WORKING_DAYS: u32 = 500;
pub const MAX_WORKING_HOURS: u32 = 4000;
const SEARCH_DAYS: u32 = 3660;

impl Limit {
    /// A rule's limit must be positive and at most about two years of working time.
    pub fn is_valid(self) -> bool {
        match self {
            Limit::WorkingHours(h) => (1..=MAX_WORKING_HOURS).contains(&h),
            Limit::WorkingDays(d) => (1..=MAX_WORKING_DAYS).contains(&d),
        }
    }
}

impl WorkCalendar {
    /// A calendar needs a working day that starts before it ends.
    pub fn new(day_start: Time, day_end: Time) -> Option<WorkCalendar> {
        (day_start < day_end).then(|| WorkCalendar {
            day_start,
            day_end,
            ..WorkCalendar::default()
        })
    }

    pub fn is_working_day(&self, d: Date) -> bool {
        if self.adjusted_workdays.contains(&d) {
            return true;
        }
        if self.holidays.contains(&d) {
            return false;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)
    }

    fn at(d: Date, t: Time) -> OffsetDateTime {
        PrimitiveDateTime::new(d, t).assume_offset(SHANGHAI)
    }

    /// The first working moment at or after `t` (local clock).
    fn next_working_moment(&self, t: OffsetDateTime) -> OffsetDateTime {
        let local = t.to_offset(SHANGHAI);
        let (mut d, time) = (local.date(), local.time());
        if self.is_working_day(d) && time < self.day_end {
            return if time < self.day_start {
                Self::at(d, self.day_start)
            } else {
                local
            };
        }
        for _ in 0..SEARCH_DAYS {
            d = match d.next_day() {
                Some(n) => n,
                None => break,
            };
            if self.is_working_day(d) {
                return Self::at(d, self.day_start);
            }
        }
        // Ten years without a working day: a broken calendar; count on from here.
        t
    }

    /// `start` plus `limit` of working time. A report made out of hours starts counting at
    /// the next working moment; a day limit ends at the close of the n-th working day after
    /// the day counting starts, as time-limit tables are read.
    pub fn deadline(&self, start: OffsetDateTime, limit: Limit) -> OffsetDateTime {
        let limit = match limit {
            Limit::WorkingHours(h) => Limit::WorkingHours(h.min(MAX_WORKING_HOURS)),
            Limit::WorkingDays(d) => Limit::WorkingDays(d.min(MAX_WORKING_DAYS)),
        };
        let t = self.next_working_moment(start);
        if self.day_start >= self.day_end {
            return t;
        }
        match limit {
            Limit::WorkingHours(h) => self.add_working_time(t, Duration::hours(i64::from(h))),
            Limit::WorkingDays(n) => {
                let mut d = t.to_offset(SHANGHAI).date();
                let mut counted = 0;
                let mut steps = 0;
                while counted < n && steps < SEARCH_DAYS * 2 {
                    steps += 1;
                    d = match d.next_day() {
                        Some(next) => next,
                        None => break,
                    };
                    if self.is_working_day(d) {
                        counted += 1;
                    }
                }
                if n == 0 {
                    d = t.to_offset(SHANGHAI).date();
                }
                Self::at(d, self.day_end).to_offset(UtcOffset::UTC)
            }
        }
    }

    /// `start` plus a span of working time (the first working moment when `start` is out of
    /// hours): an SLA in hours, and the supervision ladder's warning and escalation moments.
    pub fn add_working_time(&self, start: OffsetDateTime, span: Duration) -> OffsetDateTime {
        let mut t = self.next_working_moment(start);
        if self.day_start >= self.day_end {
            return t;
        }
        let mut left = span.min(Duration::hours(i64::from(MAX_WORKING_HOURS)));
        loop {
            let end_of_day = Self::at(t.to_offset(SHANGHAI).date(), self.day_end);
            let today = end_of_day - t;
            if left <= today {
                return (t + left).to_offset(UtcOffset::UTC);
            }
            left -= today;
            let next = self.next_working_moment(end_of_day);
            if next <= t {
                return (t + left).to_offset(UtcOffset::UTC);
            }
            t = next;
        }
    }

    /// Working time between two moments (zero when `to` is not after `from`): how long a
    /// case has really been waiting, or how much working time is left before a deadline.
    pub fn working_time_between(&self, from: OffsetDateTime, to: OffsetDateTime) -> Duration {
        let mut total = Duration::ZERO;
        if self.day_start >= self.day_end {
            return total;
        }
        let mut t = self.next_working_moment(from);
        while t < to {
            let end_of_day = Self::at(t.to_offset(SHANGHAI).date(), self.day_end);
            let stop = if to < end_of_day { to } else { end_of_day };
            total += stop - t;
            let next = self.next_working_moment(end_of_day);
            if next <= t {
                break;
            }
            t = next;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn cal() -> WorkCalendar {
        let mut c = WorkCalendar::default();
        // National Day 2026: 1–7 October off; Sunday 27 September and Saturday 10 October worked.
        for day in 1..=7 {
            c.holidays
                .insert(Date::from_calendar_date(2026, time::Month::October, day).unwrap());
        }
        c.adjusted_workdays.insert(date!(2026 - 09 - 27));
        c.adjusted_workdays.insert(date!(2026 - 10 - 10));
        c
    }

    #[test]
    fn four_working_hours_within_a_day() {
        // Tuesday 10:00 Shanghai (02:00 UTC) + 4 h = 14:00 Shanghai.
        let d = cal().deadline(datetime!(2026-11-24 02:00 UTC), Limit::WorkingHours(4));
        assert_eq!(d, datetime!(2026-11-24 06:00 UTC));
    }

    #[test]
    fn hours_carry_over_the_weekend() {
        // Friday 15:00 + 4 h: 2 h on Friday, 2 h from Monday 9:00 → Monday 11:00.
        let d = cal().deadline(datetime!(2026-11-27 15:00 +8), Limit::WorkingHours(4));
        assert_eq!(d, datetime!(2026-11-30 11:00 +8));
    }

    #[test]
    fn a_report_at_night_starts_counting_next_morning() {
        let d = cal().deadline(datetime!(2026-11-24 22:30 +8), Limit::WorkingHours(2));
        assert_eq!(d, datetime!(2026-11-25 11:00 +8));
        let early = cal().deadline(datetime!(2026-11-24 07:00 +8), Limit::WorkingHours(1));
        assert_eq!(early, datetime!(2026-11-24 10:00 +8));
    }

    #[test]
    fn holidays_are_skipped_and_adjusted_days_are_worked() {
        let c = cal();
        assert!(!c.is_working_day(date!(2026 - 10 - 05)));
        assert!(
            c.is_working_day(date!(2026 - 09 - 27)),
            "Sunday worked by adjustment"
        );
        assert!(!c.is_working_day(date!(2026 - 10 - 11)));
        // Wednesday 30 September 16:00 + 2 h: 1 h that day, the next working moment is
        // Thursday 8 October 9:00 → 10:00.
        assert_eq!(
            c.deadline(datetime!(2026-09-30 16:00 +8), Limit::WorkingHours(2)),
            datetime!(2026-10-08 10:00 +8)
        );
        // 3 working days from Wednesday 30 September: 8, 9, 10 (the adjusted Saturday) October.
        assert_eq!(
            c.deadline(datetime!(2026-09-30 11:00 +8), Limit::WorkingDays(3)),
            datetime!(2026-10-10 17:00 +8)
        );
    }

    #[test]
    fn working_days_end_at_close_of_business() {
        // Friday → 1 working day → Monday 17:00.
        assert_eq!(
            cal().deadline(datetime!(2026-11-27 10:00 +8), Limit::WorkingDays(1)),
            datetime!(2026-11-30 17:00 +8)
        );
        assert_eq!(
            cal().deadline(datetime!(2026-11-27 10:00 +8), Limit::WorkingDays(0)),
            datetime!(2026-11-27 17:00 +8)
        );
    }

    #[test]
    fn extreme_limits_and_broken_calendars_still_answer() {
        let start = datetime!(2026-11-24 10:00 +8);
        assert!(cal().deadline(start, Limit::WorkingDays(u32::MAX)) > start);
        assert!(
            !Limit::WorkingDays(0).is_valid()
                && !Limit::WorkingHours(u32::MAX).is_valid()
                && Limit::WorkingHours(4).is_valid()
        );
        assert!(
            WorkCalendar::new(
                Time::from_hms(17, 0, 0).unwrap(),
                Time::from_hms(9, 0, 0).unwrap()
            )
            .is_none()
        );
        let broken = WorkCalendar {
            day_start: Time::from_hms(17, 0, 0).unwrap(),
            ..WorkCalendar::default()
        };
        assert_eq!(
            broken.working_time_between(start, start + Duration::days(3)),
            Duration::ZERO
        );
        let mut no_days = WorkCalendar::default();
        let mut d = date!(2026 - 11 - 24);
        for _ in 0..4000 {
            no_days.holidays.insert(d);
            d = d.next_day().unwrap();
        }
        assert!(
            no_days.deadline(start, Limit::WorkingHours(1)) >= start,
            "terminates"
        );
    }

    #[test]
    fn working_time_between_skips_nights_and_weekends() {
        let c = cal();
        let w = c.working_time_between(
            datetime!(2026-11-27 16:00 +8),
            datetime!(2026-11-30 10:30 +8),
        );
        assert_eq!(w, Duration::minutes(150));
        assert_eq!(
            c.working_time_between(
                datetime!(2026-11-30 10:00 +8),
                datetime!(2026-11-27 10:00 +8)
            ),
            Duration::ZERO
        );
        // Deadline and working time agree: the deadline is exactly the limit away.
        let start = datetime!(2026-09-29 14:20 +8);
        let end = c.deadline(start, Limit::WorkingHours(13));
        assert_eq!(c.working_time_between(start, end), Duration::hours(13));
    }

    #[test]
    fn days_and_inputs_read_and_write_the_shanghai_clock() {
        let t = parse_local_input("2026-11-20T10:00").unwrap();
        assert_eq!(t.to_offset(UtcOffset::UTC).hour(), 2);
        assert_eq!(format_local_input(t), "2026-11-20T10:00");
        assert_eq!(format_moment(t), "2026-11-20 10:00");
        assert_eq!(parse_local_input("2026-11-20T10:00:30"), Some(t));
        assert_eq!(
            parse_day(" 2026-03-02 "),
            Some(time::macros::date!(2026 - 03 - 02))
        );
        assert_eq!(
            format_day(time::macros::date!(2026 - 03 - 02)),
            "2026-03-02"
        );
        assert_eq!(parse_day("2026-02-30"), None);
        assert_eq!(parse_day("2026-02-03-04"), None);
        assert_eq!(parse_local_input("2026-11-20 10:00"), None);
        // 23:30 UTC is already the next day in Shanghai.
        let late = time::macros::datetime!(2026-12-06 23:30 UTC);
        assert_eq!(day_at(late), time::macros::date!(2026 - 12 - 07));
    }
}
