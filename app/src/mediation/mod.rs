//! People's mediation (人民调解): the mediation board, opening a file, and one case file (卷宗)
//! with its parties, records, sessions, agreement and history. What a reader sees, and which
//! moves they may make, is exactly what the server's `FileView` says (`access`,
//! `legal_actions`); the rules themselves live in `shared::mediation`.

mod board;
mod file;
mod open;
mod photos;

pub use board::MediationBoardPage;
pub use file::MediationFilePage;

use crate::ui::fmt_day;
use leptos::prelude::*;
use shared::mediation::MediationStage;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::i18n::use_i18n;

/// A mediation stage as a small coloured label.
#[component]
pub fn MediationStageBadge(stage: MediationStage) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge stage-badge med-stage-{}", stage.as_str());
    view! { <span class=class data-testid="med-stage" data-stage=stage.as_str()>{move || i18n.text(stage.text())}</span> }
}

fn beijing() -> UtcOffset {
    UtcOffset::from_hms(8, 0, 0).expect("valid offset")
}

/// `YYYY-MM-DD` (a date input) → a date.
pub fn parse_date(s: &str) -> Option<Date> {
    let mut it = s.trim().split('-');
    let y: i32 = it.next()?.parse().ok()?;
    let m: u8 = it.next()?.parse().ok()?;
    let d: u8 = it.next()?.parse().ok()?;
    if it.next().is_some() {
        return None;
    }
    Date::from_calendar_date(y, time::Month::try_from(m).ok()?, d).ok()
}

/// `YYYY-MM-DDTHH:MM` (a datetime-local input, Beijing time) → a moment.
pub fn parse_local(s: &str) -> Option<OffsetDateTime> {
    let (d, t) = s.trim().split_once('T')?;
    let date = parse_date(d)?;
    let mut hm = t.split(':');
    let h: u8 = hm.next()?.parse().ok()?;
    let m: u8 = hm.next()?.parse().ok()?;
    let time = time::Time::from_hms(h, m, 0).ok()?;
    Some(date.with_time(time).assume_offset(beijing()))
}

/// A moment as a datetime-local input wants it (Beijing time).
pub fn fmt_local(t: OffsetDateTime) -> String {
    let l = t.to_offset(beijing());
    format!("{}T{:02}:{:02}", fmt_day(l.date()), l.hour(), l.minute())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inputs_read_and_write_beijing_time() {
        let t = parse_local("2026-11-20T10:00").unwrap();
        assert_eq!(t.to_offset(UtcOffset::UTC).hour(), 2);
        assert_eq!(fmt_local(t), "2026-11-20T10:00");
        assert_eq!(fmt_day(parse_date("2026-12-10").unwrap()), "2026-12-10");
        assert!(parse_date("2026-13-01").is_none());
        assert!(parse_local("2026-11-20").is_none());
    }

    #[test]
    fn every_history_entry_has_a_label() {
        for e in shared::mediation::MediationEvent::ALL {
            let t = e.text();
            assert!(!t.zh.is_empty() && !t.en.is_empty(), "{e:?}");
            assert_eq!(
                shared::mediation::MediationEvent::parse(e.as_str()),
                Some(e)
            );
        }
    }
}
