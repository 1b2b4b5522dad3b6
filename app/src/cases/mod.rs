//! Cases: reporting a problem (every role), "my reports", one case with its history and the
//! moves the user may make now, ratings, and notifications. Which moves exist and who may
//! make them comes from `shared::cases` and the server's `legal_actions`, never from here.

mod detail;
mod list;
mod notify;
pub mod photos;
mod report;
mod requests;

pub use detail::parse_day;
pub use detail::{CasePage, MoveDialog};
pub use list::MyReportsPage;
pub use notify::{Bell, NotificationsPage};
pub(crate) use report::DuplicateOffer;
pub use report::{PlacePicker, ReportPage};
pub(crate) use report::{current_position, focus_by_id, place_at};
pub use requests::LedgerPage;

use leptos::prelude::*;
use shared::cases::{CaseMeta, Category, RefusalReason, Stage};
use shared::i18n::{Lang, Text};
use time::OffsetDateTime;

use crate::i18n::use_i18n;

/// A category's name in the current language.
pub fn category_name(c: &Category, lang: Lang) -> String {
    match lang {
        Lang::ZhCn => c.name_zh.clone(),
        Lang::En => c.name_en.clone(),
    }
}

/// "group / item" for a second-level category id (or the bare id when unknown).
pub fn category_label(meta: Option<&CaseMeta>, id: i64, lang: Lang) -> String {
    let Some(meta) = meta else {
        return String::new();
    };
    let Some(c) = meta.categories.iter().find(|c| c.id == id) else {
        return format!("#{id}");
    };
    match c
        .parent_id
        .and_then(|p| meta.categories.iter().find(|g| g.id == p))
    {
        Some(g) => format!("{} / {}", category_name(g, lang), category_name(c, lang)),
        None => category_name(c, lang),
    }
}

/// A span of time in the largest two units: "3天4小时", "3 d 4 h", "12分钟".
pub fn fmt_span(secs: i64, lang: Lang) -> String {
    let secs = secs.max(0);
    let (d, h, m) = (secs / 86_400, (secs % 86_400) / 3_600, (secs % 3_600) / 60);
    let (ud, uh, um) = match lang {
        Lang::ZhCn => ("天", "小时", "分钟"),
        Lang::En => (" d", " h", " min"),
    };
    let sep = if lang == Lang::En { " " } else { "" };
    if d > 0 {
        if h > 0 {
            format!("{d}{ud}{sep}{h}{uh}")
        } else {
            format!("{d}{ud}")
        }
    } else if h > 0 {
        if m > 0 {
            format!("{h}{uh}{sep}{m}{um}")
        } else {
            format!("{h}{uh}")
        }
    } else {
        format!("{}{um}", m.max(1))
    }
}

/// How long until a deadline, or how long past it.
pub fn deadline_text(deadline: OffsetDateTime, now: OffsetDateTime, lang: Lang) -> String {
    let secs = (deadline - now).whole_seconds();
    let span = fmt_span(secs.abs(), lang);
    match (lang, secs >= 0) {
        (Lang::ZhCn, true) => format!("剩{span}"),
        (Lang::ZhCn, false) => format!("超期{span}"),
        (Lang::En, true) => format!("{span} left"),
        (Lang::En, false) => format!("{span} overdue"),
    }
}

/// A case's deadline as its page shows it: the time left (or overdue) while the case is open;
/// once it left the open stages the clock stopped there, and the page says whether it ended
/// in time.
pub fn case_deadline_text(
    stage: shared::cases::Stage,
    stage_entered_at: OffsetDateTime,
    deadline: OffsetDateTime,
    now: OffsetDateTime,
    lang: Lang,
) -> String {
    if stage.is_open() {
        return deadline_text(deadline, now, lang);
    }
    let secs = (deadline - stage_entered_at).whole_seconds();
    let span = fmt_span(secs.abs(), lang);
    match (lang, secs >= 0) {
        (Lang::ZhCn, true) => "按期办结".to_string(),
        (Lang::ZhCn, false) => format!("超期{span}办结"),
        (Lang::En, true) => "Finished in time".to_string(),
        (Lang::En, false) => format!("Finished {span} late"),
    }
}

pub fn refusal_text(r: RefusalReason) -> Text {
    match r {
        RefusalReason::Duplicate => Text::new("重复上报", "Duplicate report"),
        RefusalReason::NotOurResponsibility => {
            Text::new("不属于社区职责", "Not the community's responsibility")
        }
        RefusalReason::InsufficientInformation => Text::new("信息不足", "Not enough information"),
    }
}

pub const REFUSAL_REASONS: [RefusalReason; 3] = [
    RefusalReason::Duplicate,
    RefusalReason::NotOurResponsibility,
    RefusalReason::InsufficientInformation,
];

/// A stage as a small coloured label.
#[component]
pub fn StageBadge(stage: Stage) -> impl IntoView {
    let i18n = use_i18n();
    let class = format!("badge stage-badge stage-{}", stage_slug(stage));
    view! { <span class=class data-testid="stage-badge" data-stage=stage_slug(stage)>{move || i18n.text(stage.text())}</span> }
}

/// The API's name of a stage (`in_progress`), for attributes and CSS.
pub fn stage_slug(stage: Stage) -> &'static str {
    match stage {
        Stage::Reported => "reported",
        Stage::Registered => "registered",
        Stage::Dispatched => "dispatched",
        Stage::InProgress => "in_progress",
        Stage::PostponeRequested => "postpone_requested",
        Stage::Postponed => "postponed",
        Stage::Handled => "handled",
        Stage::Verified => "verified",
        Stage::Closed => "closed",
        Stage::Refused => "refused",
        Stage::Voided => "voided",
        Stage::Withdrawn => "withdrawn",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spans_use_the_two_largest_units() {
        assert_eq!(
            fmt_span(3 * 86_400 + 4 * 3_600 + 59, Lang::ZhCn),
            "3天4小时"
        );
        assert_eq!(fmt_span(2 * 3_600 + 5 * 60, Lang::En), "2 h 5 min");
        assert_eq!(fmt_span(10, Lang::ZhCn), "1分钟");
        assert_eq!(fmt_span(86_400, Lang::En), "1 d");
    }

    #[test]
    fn deadlines_count_down_and_past() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        assert_eq!(
            deadline_text(now + time::Duration::hours(5), now, Lang::ZhCn),
            "剩5小时"
        );
        assert_eq!(
            deadline_text(now - time::Duration::days(2), now, Lang::En),
            "2 d overdue"
        );
    }

    #[test]
    fn a_closed_case_stops_the_clock() {
        let now = OffsetDateTime::from_unix_timestamp(1_000_000).unwrap();
        let deadline = now + time::Duration::hours(20);
        let closed_in_time = now - time::Duration::hours(1);
        assert_eq!(
            case_deadline_text(Stage::Closed, closed_in_time, deadline, now, Lang::ZhCn),
            "按期办结"
        );
        assert_eq!(
            case_deadline_text(
                Stage::Closed,
                deadline + time::Duration::hours(3),
                deadline,
                now,
                Lang::En
            ),
            "Finished 3 h late"
        );
        assert_eq!(
            case_deadline_text(Stage::Dispatched, closed_in_time, deadline, now, Lang::ZhCn),
            "剩20小时"
        );
    }

    #[test]
    fn actions_and_stages_have_names() {
        for s in Stage::ALL {
            assert_eq!(
                serde_json::to_value(s).unwrap().as_str().unwrap(),
                stage_slug(s)
            );
        }
    }
}
