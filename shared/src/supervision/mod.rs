//! Supervision (督办与预警, issue 19): the rules that make time act on a case. A warning (预警,
//! 黄牌) when a configurable share of the time limit is left, and an escalation ladder once the
//! deadline has passed — the assignee, then the grid leader, then the secretary, then the
//! street (红牌) — each step a delay in working hours after the one before, counted on the
//! office calendar. The server plans these moments as jobs from the case (`plan`), runs them
//! on its clock, and marks the case; the board and the case page show the mark.

pub mod reminders;

use crate::calendar::WorkCalendar;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

/// Who an escalation step reaches, in the ladder's order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum EscalationLevel {
    /// 承办人: the case's assignee (or the grid's workers while nobody is assigned).
    Assignee,
    /// 网格长: the grid leader with an account.
    GridLeader,
    /// 书记: the community's party secretary (or the admins when none is named).
    Secretary,
    /// 街道: the street's leaders with an account.
    Street,
}

impl EscalationLevel {
    pub const ALL: [EscalationLevel; 4] = [
        EscalationLevel::Assignee,
        EscalationLevel::GridLeader,
        EscalationLevel::Secretary,
        EscalationLevel::Street,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            EscalationLevel::Assignee => "assignee",
            EscalationLevel::GridLeader => "grid_leader",
            EscalationLevel::Secretary => "secretary",
            EscalationLevel::Street => "street",
        }
    }

    pub fn parse(s: &str) -> Option<EscalationLevel> {
        Self::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            EscalationLevel::Assignee => Text::new("承办人", "assignee"),
            EscalationLevel::GridLeader => Text::new("网格长", "grid leader"),
            EscalationLevel::Secretary => Text::new("书记", "secretary"),
            EscalationLevel::Street => Text::new("街道", "street"),
        }
    }
}

/// One rung of the ladder: whom it reaches and how many working hours after the previous
/// rung (the first: after the deadline) it comes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EscalationStep {
    pub level: EscalationLevel,
    pub delay_hours: u32,
}

/// The warning and the ladder for one category, or the default for all others
/// (`category_id` none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionRule {
    pub category_id: Option<i64>,
    /// Warn when this share (percent) of the working time of the limit is left; 0: no warning.
    pub warn_percent_left: u8,
    /// In the ladder's order, each level at most once.
    pub steps: Vec<EscalationStep>,
}

/// All rules, versioned as a whole: a stale save is a 409 with the saved rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SupervisionRules {
    pub rules: Vec<SupervisionRule>,
    /// Reminders across areas: lead times and the meal time (saved with the rules, one version).
    #[serde(default)]
    pub reminders: reminders::ReminderSettings,
    pub version: i64,
}

/// Longest delay of one rung: about half a year of working hours.
pub const MAX_DELAY_HOURS: u32 = 1000;
/// Largest share of the time left at which a warning may come.
pub const MAX_WARN_PERCENT: u8 = 90;

impl SupervisionRule {
    /// The rule a new installation starts with: warn with a quarter of the time left; the
    /// assignee at the deadline, the grid leader 4 working hours later, the secretary a
    /// working day after that, the street two working days after that.
    pub fn default_rule() -> SupervisionRule {
        SupervisionRule {
            category_id: None,
            warn_percent_left: 25,
            steps: vec![
                EscalationStep {
                    level: EscalationLevel::Assignee,
                    delay_hours: 0,
                },
                EscalationStep {
                    level: EscalationLevel::GridLeader,
                    delay_hours: 4,
                },
                EscalationStep {
                    level: EscalationLevel::Secretary,
                    delay_hours: 8,
                },
                EscalationStep {
                    level: EscalationLevel::Street,
                    delay_hours: 16,
                },
            ],
        }
    }
}

/// A set of rules must have exactly one default, at most one rule per category, shares of
/// 0–90 %, delays of 0–1000 hours and ladders in order with each level at most once.
/// `known_category` says whether an id names a category.
pub fn validate_rules(
    rules: &[SupervisionRule],
    known_category: impl Fn(i64) -> bool,
) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    if rules.iter().filter(|r| r.category_id.is_none()).count() != 1 {
        errs.add("rules", FieldErrorCode::Required);
    }
    for (i, r) in rules.iter().enumerate() {
        if let Some(c) = r.category_id {
            if !known_category(c) {
                errs.add(
                    format!("rules/{i}/category_id"),
                    FieldErrorCode::UnknownReference,
                );
            } else if rules[..i].iter().any(|o| o.category_id == Some(c)) {
                errs.add(format!("rules/{i}/category_id"), FieldErrorCode::Duplicate);
            }
        }
        if r.warn_percent_left > MAX_WARN_PERCENT {
            errs.add(
                format!("rules/{i}/warn_percent_left"),
                FieldErrorCode::OutOfRange,
            );
        }
        for (j, s) in r.steps.iter().enumerate() {
            if s.delay_hours > MAX_DELAY_HOURS {
                errs.add(
                    format!("rules/{i}/steps/{j}/delay_hours"),
                    FieldErrorCode::OutOfRange,
                );
            }
            if j > 0 && r.steps[j - 1].level >= s.level {
                errs.add(
                    format!("rules/{i}/steps/{j}/level"),
                    FieldErrorCode::InvalidFormat,
                );
            }
        }
    }
    errs.into_result()
}

/// The rule for a category: its own, else the default.
pub fn rule_for(rules: &[SupervisionRule], category_id: i64) -> Option<&SupervisionRule> {
    rules
        .iter()
        .find(|r| r.category_id == Some(category_id))
        .or_else(|| rules.iter().find(|r| r.category_id.is_none()))
}

/// What a planned moment does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Alert {
    /// 预警 (黄牌): little time is left.
    Warning,
    /// 升级 (红牌): overdue, brought to this level.
    Escalated { level: EscalationLevel },
}

impl Alert {
    /// As stored (the notification's action, at most 32 characters; the job's step).
    pub fn as_str(self) -> String {
        match self {
            Alert::Warning => "alert_warning".into(),
            Alert::Escalated { level } => format!("alert_{}", level.as_str()),
        }
    }

    pub fn parse(s: &str) -> Option<Alert> {
        if s == "alert_warning" {
            return Some(Alert::Warning);
        }
        let level = EscalationLevel::parse(s.strip_prefix("alert_")?)?;
        Some(Alert::Escalated { level })
    }

    /// A short sentence about case `number`, with no personal data: it goes to the app, email
    /// and SMS alike.
    pub fn sentence(self, number: &str, lang: Lang) -> String {
        match (self, lang) {
            (Alert::Warning, Lang::ZhCn) => {
                format!("【黄牌预警】事件 {number} 即将到期，请抓紧办理。")
            }
            (Alert::Warning, Lang::En) => {
                format!("[Yellow card] Case {number} is nearly due: please act.")
            }
            (Alert::Escalated { level }, Lang::ZhCn) => format!(
                "【红牌督办】事件 {number} 已逾期，已升级至{}。",
                level.text().zh
            ),
            (Alert::Escalated { level }, Lang::En) => format!(
                "[Red card] Case {number} is overdue and has been escalated to the {}.",
                level.text().en
            ),
        }
    }
}

/// One planned moment of a case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Planned {
    pub alert: Alert,
    pub due_at: OffsetDateTime,
}

/// The moments of a case whose clock started at `start` and runs out at `deadline`: the
/// warning when `warn_percent_left` of the working time is left, then each rung of the ladder.
pub fn plan(
    rule: &SupervisionRule,
    cal: &WorkCalendar,
    start: OffsetDateTime,
    deadline: OffsetDateTime,
) -> Vec<Planned> {
    let mut out = Vec::new();
    let total = cal.working_time_between(start, deadline);
    if rule.warn_percent_left > 0 && total > Duration::ZERO {
        // Whole minutes: the moment is shown and stored, seconds mean nothing here.
        let gone = i64::from(100 - rule.warn_percent_left);
        let elapsed = Duration::minutes(total.whole_minutes() * gone / 100);
        out.push(Planned {
            alert: Alert::Warning,
            due_at: cal.add_working_time(start, elapsed),
        });
    }
    let mut at = deadline;
    for s in &rule.steps {
        if s.delay_hours > 0 {
            at = cal.add_working_time(at, Duration::hours(i64::from(s.delay_hours)));
        }
        out.push(Planned {
            alert: Alert::Escalated { level: s.level },
            due_at: at,
        });
    }
    out
}

/// The card a case carries: 黄牌 (warned), 红牌 (overdue or escalated).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Yellow,
    Red,
}

impl Mark {
    pub const ALL: [Mark; 2] = [Mark::Yellow, Mark::Red];

    pub fn as_str(self) -> &'static str {
        match self {
            Mark::Yellow => "yellow",
            Mark::Red => "red",
        }
    }

    pub fn text(self) -> Text {
        match self {
            Mark::Yellow => Text::new("黄牌", "Yellow card"),
            Mark::Red => Text::new("红牌", "Red card"),
        }
    }
}

/// A case's mark and how far up the ladder it has gone.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMark {
    pub mark: Mark,
    /// The highest level the case was escalated to, if any.
    pub escalated_to: Option<EscalationLevel>,
}

impl CaseMark {
    /// Overdue or escalated is 红牌; warned (and not overdue) is 黄牌; else none.
    pub fn of(
        overdue: bool,
        warned: bool,
        escalated_to: Option<EscalationLevel>,
    ) -> Option<CaseMark> {
        let mark = if overdue || escalated_to.is_some() {
            Mark::Red
        } else if warned {
            Mark::Yellow
        } else {
            return None;
        };
        Some(CaseMark { mark, escalated_to })
    }

    /// "红牌 · 已升级至网格长" / "Red card · escalated to the grid leader".
    pub fn label(self, lang: Lang) -> String {
        match (self.escalated_to, lang) {
            (None, _) => self.mark.text().get(lang).to_string(),
            (Some(l), Lang::ZhCn) => format!("{} · 已升级至{}", self.mark.text().zh, l.text().zh),
            (Some(l), Lang::En) => {
                format!("{} · escalated to the {}", self.mark.text().en, l.text().en)
            }
        }
    }
}

/// Where a user wants notifications besides the app, saved with their preferences
/// (`/me/preferences`). Off unless they say so; the server sends only on channels it has
/// configured.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChannelPreferences {
    #[serde(default)]
    pub email: Option<String>,
    /// A mainland mobile number (11 digits).
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub email_on: bool,
    #[serde(default)]
    pub sms_on: bool,
    /// Staff: one email a day (08:00) with what happened, instead of an email each time.
    #[serde(default = "yes")]
    pub digest_on: bool,
}

fn yes() -> bool {
    true
}

impl Default for ChannelPreferences {
    fn default() -> Self {
        ChannelPreferences {
            email: None,
            phone: None,
            email_on: false,
            sms_on: false,
            digest_on: true,
        }
    }
}

/// An address to send to must look like one; a channel switched on needs its address.
pub fn validate_channels(c: &ChannelPreferences) -> Result<(), FieldErrors> {
    let mut errs = FieldErrors::new();
    if let Some(e) = c.email.as_deref().filter(|e| !e.is_empty()) {
        let ok = e.len() <= 254
            && e.split_once('@').is_some_and(|(a, d)| {
                !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.')
            })
            && !e.chars().any(|ch| ch.is_whitespace() || ch.is_control());
        if !ok {
            errs.add("channels/email", FieldErrorCode::InvalidFormat);
        }
    } else if c.email_on {
        errs.add("channels/email", FieldErrorCode::Required);
    }
    if let Some(p) = c.phone.as_deref().filter(|p| !p.is_empty()) {
        if !(p.len() == 11 && p.starts_with('1') && p.chars().all(|ch| ch.is_ascii_digit())) {
            errs.add("channels/phone", FieldErrorCode::InvalidFormat);
        }
    } else if c.sms_on {
        errs.add("channels/phone", FieldErrorCode::Required);
    }
    errs.into_result()
}

/// Quiet hours for text messages to residents: 21:00–08:00 Beijing time.
pub fn in_quiet_hours(t: OffsetDateTime) -> bool {
    let h = t.to_offset(crate::calendar::SHANGHAI).hour();
    !(8..21).contains(&h)
}

/// `t`, or 08:00 Beijing after it when `t` is in quiet hours.
pub fn after_quiet_hours(t: OffsetDateTime) -> OffsetDateTime {
    if !in_quiet_hours(t) {
        return t;
    }
    next_morning(t)
}

/// The first 08:00 Beijing after `t` (the daily digest's moment).
pub fn next_morning(t: OffsetDateTime) -> OffsetDateTime {
    let local = t.to_offset(crate::calendar::SHANGHAI);
    let eight = time::Time::from_hms(8, 0, 0).expect("valid");
    let day = if local.time() < eight {
        local.date()
    } else {
        local.date().next_day().unwrap_or(local.date())
    };
    time::PrimitiveDateTime::new(day, eight)
        .assume_offset(crate::calendar::SHANGHAI)
        .to_offset(time::UtcOffset::UTC)
}

/// The short Chinese text an email or SMS carries for a notification: what happened and the
/// case number, never names, addresses or the report's words (the app shows those to whom
/// they may see them).
pub fn short_message(
    action: &str,
    case_number: Option<&str>,
    stage: Option<crate::cases::Stage>,
) -> String {
    let number = case_number.unwrap_or("");
    if let Some(alert) = Alert::parse(action) {
        return format!("【邻聚】{}", alert.sentence(number, Lang::ZhCn));
    }
    if action == crate::cases::LETTER_ANSWERED {
        return "【邻聚】您写给书记的信已有回复，请登录邻聚查看。".into();
    }
    match stage {
        Some(s) => format!("【邻聚】您反映的事件 {number} 有新进展：{}。", s.text().zh),
        None => format!("【邻聚】您反映的事件 {number} 有新进展，请登录邻聚查看。"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn rule() -> SupervisionRule {
        SupervisionRule::default_rule()
    }

    #[test]
    fn default_rule_is_valid_and_others_are_refused() {
        assert!(validate_rules(&[rule()], |_| true).is_ok());
        // No default.
        let mut r = rule();
        r.category_id = Some(3);
        assert!(validate_rules(std::slice::from_ref(&r), |_| true).is_err());
        // Two rules for one category, an unknown category.
        assert!(validate_rules(&[rule(), r.clone(), r.clone()], |_| true).is_err());
        assert!(validate_rules(&[rule(), r.clone()], |_| false).is_err());
        assert!(validate_rules(&[rule(), r], |_| true).is_ok());
        // A share too large, a delay too long, a ladder out of order.
        let mut bad = rule();
        bad.warn_percent_left = 91;
        assert!(validate_rules(&[bad], |_| true).is_err());
        let mut bad = rule();
        bad.steps[1].delay_hours = MAX_DELAY_HOURS + 1;
        assert!(validate_rules(&[bad], |_| true).is_err());
        let mut bad = rule();
        bad.steps.swap(1, 2);
        assert!(validate_rules(&[bad], |_| true).is_err());
    }

    #[test]
    fn the_category_rule_wins_over_the_default() {
        let mut own = rule();
        own.category_id = Some(7);
        own.warn_percent_left = 50;
        let rules = [rule(), own];
        assert_eq!(rule_for(&rules, 7).unwrap().warn_percent_left, 50);
        assert_eq!(rule_for(&rules, 8).unwrap().warn_percent_left, 25);
    }

    #[test]
    fn plan_counts_working_hours_and_skips_a_holiday() {
        // Monday 10:00 Beijing, 8 working hours: due Tuesday 10:00. A quarter left: Tuesday 8:00
        // is out of hours, so the warning comes Monday 16:00 (6 of 8 hours gone).
        let cal = WorkCalendar::default();
        let start = datetime!(2026-12-07 02:00 UTC);
        let deadline = cal.deadline(start, crate::calendar::Limit::WorkingHours(8));
        assert_eq!(deadline, datetime!(2026-12-08 02:00 UTC));
        let p = plan(&rule(), &cal, start, deadline);
        assert_eq!(p[0].alert, Alert::Warning);
        assert_eq!(p[0].due_at, datetime!(2026-12-07 08:00 UTC));
        // Assignee at the deadline, grid leader 4 h later (14:00), secretary 8 h after that
        // (Wednesday 14:00), street 16 h after that (Friday 14:00).
        let at: Vec<_> = p[1..].iter().map(|s| s.due_at).collect();
        assert_eq!(
            at,
            [
                datetime!(2026-12-08 02:00 UTC),
                datetime!(2026-12-08 06:00 UTC),
                datetime!(2026-12-09 06:00 UTC),
                datetime!(2026-12-11 06:00 UTC),
            ]
        );
        // Wednesday a holiday: the secretary's step moves to Thursday, the street's to Monday.
        let mut cal = WorkCalendar::default();
        cal.holidays.insert(date!(2026 - 12 - 09));
        let p = plan(&rule(), &cal, start, deadline);
        assert_eq!(p[3].due_at, datetime!(2026-12-10 06:00 UTC));
        assert_eq!(p[4].due_at, datetime!(2026-12-14 06:00 UTC));
    }

    #[test]
    fn no_warning_when_switched_off() {
        let mut r = rule();
        r.warn_percent_left = 0;
        let cal = WorkCalendar::default();
        let start = datetime!(2026-12-07 02:00 UTC);
        let p = plan(&r, &cal, start, start + Duration::hours(3));
        assert!(p.iter().all(|s| s.alert != Alert::Warning));
        assert_eq!(p.len(), 4);
    }

    #[test]
    fn alerts_round_trip_and_speak_both_languages() {
        for a in [Alert::Warning]
            .into_iter()
            .chain(EscalationLevel::ALL.map(|level| Alert::Escalated { level }))
        {
            assert_eq!(Alert::parse(&a.as_str()), Some(a));
            assert!(a.sentence("SJ-1", Lang::ZhCn).contains("SJ-1"));
            assert!(a.sentence("SJ-1", Lang::En).contains("SJ-1"));
        }
        assert_eq!(Alert::parse("register"), None);
        assert!(
            EscalationLevel::ALL
                .iter()
                .all(|&level| Alert::Escalated { level }.as_str().len() <= 32),
            "fits the notifications' action column"
        );
    }

    #[test]
    fn channels_need_their_address_and_quiet_hours_wait_for_eight() {
        let mut c = ChannelPreferences::default();
        assert!(validate_channels(&c).is_ok());
        c.sms_on = true;
        assert!(validate_channels(&c).is_err());
        c.phone = Some("13800001234".into());
        assert!(validate_channels(&c).is_ok());
        c.phone = Some("1380000123".into());
        assert!(validate_channels(&c).is_err());
        c.phone = None;
        c.sms_on = false;
        c.email = Some("a@b".into());
        assert!(validate_channels(&c).is_err());
        c.email = Some("wang@example.org".into());
        c.email_on = true;
        assert!(validate_channels(&c).is_ok());
        // 21:30 Beijing (13:30 UTC): quiet until 08:00 the next morning.
        let late = datetime!(2026-12-07 13:30 UTC);
        assert!(in_quiet_hours(late));
        assert_eq!(after_quiet_hours(late), datetime!(2026-12-08 00:00 UTC));
        // 07:59 Beijing: still quiet, until 08:00 that morning; 08:00 is not.
        assert_eq!(
            after_quiet_hours(datetime!(2026-12-07 23:59 UTC)),
            datetime!(2026-12-08 00:00 UTC)
        );
        assert!(!in_quiet_hours(datetime!(2026-12-08 00:00 UTC)));
        assert!(!in_quiet_hours(datetime!(2026-12-08 12:59 UTC)));
        assert!(in_quiet_hours(datetime!(2026-12-08 13:00 UTC)));
    }

    #[test]
    fn short_messages_name_no_one() {
        let m = short_message("alert_grid_leader", Some("SJ-000012"), None);
        assert_eq!(
            m,
            "【邻聚】【红牌督办】事件 SJ-000012 已逾期，已升级至网格长。"
        );
        let m = short_message(
            "register",
            Some("SJ-000012"),
            Some(crate::cases::Stage::Registered),
        );
        assert!(m.contains("SJ-000012") && m.chars().count() < 70, "{m}");
        assert!(short_message(crate::cases::LETTER_ANSWERED, None, None).contains("回复"));
    }

    #[test]
    fn marks_say_yellow_or_red() {
        assert_eq!(CaseMark::of(false, false, None), None);
        assert_eq!(CaseMark::of(false, true, None).unwrap().mark, Mark::Yellow);
        assert_eq!(CaseMark::of(true, true, None).unwrap().mark, Mark::Red);
        let m = CaseMark::of(false, true, Some(EscalationLevel::GridLeader)).unwrap();
        assert_eq!(m.mark, Mark::Red);
        assert_eq!(m.label(Lang::ZhCn), "红牌 · 已升级至网格长");
    }
}
