//! Reminders across areas (issue 19): what falls due when, how long before it a reminder
//! goes, and what it says. The server's scheduler plans one job per reminder from the record
//! (care pairings and meal orders, council ballots and meetings, mediation files and terms,
//! reopened or badly rated cases) with the moments computed here, and sends each once through
//! the one notification writer, so email, SMS and quiet hours apply as to every other notice.
//!
//! The texts carry no personal data beyond what the recipient may see: a visit reminder names
//! no resident (the link opens the record for those who may read it), a mediation reminder the
//! file's number only.

use crate::calendar::{SHANGHAI, WorkCalendar, day_at, format_day, format_moment};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, OffsetDateTime, PrimitiveDateTime, Time};

/// What a reminder is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReminderKind {
    /// A paired resident's visit is due today: to the helper and the grid's workers.
    VisitDue,
    /// The visit was not made by its day: the next working day, to the same people.
    VisitOverdue,
    /// Meals of the day not delivered by the set time: to the deliverers and the grid's workers.
    MealNotDelivered,
    /// A ballot closes soon: to whoever opened it.
    BallotClosing,
    /// A ballot closes soon and this eligible resident has not voted (once).
    BallotNotVoted,
    /// A meeting comes up: its agenda to the attendees with an account.
    MeetingSoon,
    /// 调解期限: a file's time limit runs out soon.
    MediationLimit,
    /// A term of an agreement falls due.
    TermDue,
    /// Every term performed: the follow-up visit (回访) is due.
    FollowUpDue,
    /// 人民调解法 Art. 33: the 30 days to apply for judicial confirmation close soon.
    ConfirmationWindow,
    /// A case was reopened: to the office.
    CaseReopened,
    /// A case was rated unsatisfied: to the office.
    CaseUnsatisfied,
}

impl ReminderKind {
    pub const ALL: [ReminderKind; 12] = [
        ReminderKind::VisitDue,
        ReminderKind::VisitOverdue,
        ReminderKind::MealNotDelivered,
        ReminderKind::BallotClosing,
        ReminderKind::BallotNotVoted,
        ReminderKind::MeetingSoon,
        ReminderKind::MediationLimit,
        ReminderKind::TermDue,
        ReminderKind::FollowUpDue,
        ReminderKind::ConfirmationWindow,
        ReminderKind::CaseReopened,
        ReminderKind::CaseUnsatisfied,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ReminderKind::VisitDue => "visit_due",
            ReminderKind::VisitOverdue => "visit_overdue",
            ReminderKind::MealNotDelivered => "meal_not_delivered",
            ReminderKind::BallotClosing => "ballot_closing",
            ReminderKind::BallotNotVoted => "ballot_not_voted",
            ReminderKind::MeetingSoon => "meeting_soon",
            ReminderKind::MediationLimit => "mediation_limit",
            ReminderKind::TermDue => "term_due",
            ReminderKind::FollowUpDue => "follow_up_due",
            ReminderKind::ConfirmationWindow => "confirmation_window",
            ReminderKind::CaseReopened => "case_reopened",
            ReminderKind::CaseUnsatisfied => "case_unsatisfied",
        }
    }

    pub fn parse(s: &str) -> Option<ReminderKind> {
        Self::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The notification's action (at most 32 characters).
    pub fn action(self) -> String {
        format!("{ACTION_PREFIX}{}", self.as_str())
    }

    /// The kind of a notification's action, if it is a reminder.
    pub fn of_action(action: &str) -> Option<ReminderKind> {
        Self::parse(action.strip_prefix(ACTION_PREFIX)?)
    }

    /// Goes to residents (then SMS waits out the quiet hours like any resident's message).
    pub fn reaches_residents(self) -> bool {
        matches!(
            self,
            ReminderKind::BallotNotVoted
                | ReminderKind::MeetingSoon
                | ReminderKind::ConfirmationWindow
        )
    }
}

const ACTION_PREFIX: &str = "remind_";

/// Lead times and the meal time, set by the office with the supervision rules.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReminderSettings {
    /// Meals not delivered by this time (Beijing, `HH:MM`) are reminded of.
    pub meal_cutoff: String,
    /// Hours before a ballot closes.
    pub ballot_lead_hours: u32,
    /// Hours before a meeting starts.
    pub meeting_lead_hours: u32,
    /// Days before a mediation file's time limit.
    pub mediation_lead_days: u32,
    /// Days before an agreement term's due day (0: on the day).
    pub term_lead_days: u32,
    /// Days after the last term was performed that the follow-up visit is due.
    pub follow_up_after_days: u32,
    /// Days before the judicial-confirmation window closes.
    pub confirmation_lead_days: u32,
}

impl Default for ReminderSettings {
    fn default() -> Self {
        ReminderSettings {
            meal_cutoff: "12:30".into(),
            ballot_lead_hours: 24,
            meeting_lead_hours: 24,
            mediation_lead_days: 3,
            term_lead_days: 1,
            follow_up_after_days: 7,
            confirmation_lead_days: 5,
        }
    }
}

/// Longest lead in hours (a month) and in days.
pub const MAX_LEAD_HOURS: u32 = 720;
pub const MAX_LEAD_DAYS: u32 = 29;

impl ReminderSettings {
    /// The meal time, if it reads as `HH:MM`.
    pub fn meal_cutoff_time(&self) -> Option<Time> {
        let (h, m) = self.meal_cutoff.split_once(':')?;
        if h.len() != 2 || m.len() != 2 {
            return None;
        }
        Time::from_hms(h.parse().ok()?, m.parse().ok()?, 0).ok()
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.meal_cutoff_time().is_none() {
            errs.add("reminders/meal_cutoff", FieldErrorCode::InvalidFormat);
        }
        for (field, v) in [
            ("ballot_lead_hours", self.ballot_lead_hours),
            ("meeting_lead_hours", self.meeting_lead_hours),
        ] {
            if v > MAX_LEAD_HOURS {
                errs.add(format!("reminders/{field}"), FieldErrorCode::OutOfRange);
            }
        }
        for (field, v) in [
            ("mediation_lead_days", self.mediation_lead_days),
            ("term_lead_days", self.term_lead_days),
            ("follow_up_after_days", self.follow_up_after_days),
            ("confirmation_lead_days", self.confirmation_lead_days),
        ] {
            if v > MAX_LEAD_DAYS {
                errs.add(format!("reminders/{field}"), FieldErrorCode::OutOfRange);
            }
        }
        errs.into_result()
    }
}

/// 人民调解法 Art. 33: the parties may apply for judicial confirmation within 30 days of the
/// agreement taking effect.
pub const CONFIRMATION_WINDOW_DAYS: i64 = 30;

/// A reminder whose moment passed longer ago than this is not sent any more (a server that
/// was off for a month does not flood everyone when it starts).
pub const STALE_AFTER: Duration = Duration::days(7);

/// The hour day-based reminders go out (Beijing).
pub const MORNING: Time = match Time::from_hms(8, 0, 0) {
    Ok(t) => t,
    Err(_) => panic!("valid time"),
};

/// `day` at `t` Beijing time, in UTC.
pub fn at_local(day: Date, t: Time) -> OffsetDateTime {
    PrimitiveDateTime::new(day, t)
        .assume_offset(SHANGHAI)
        .to_offset(time::UtcOffset::UTC)
}

fn days_before(day: Date, n: u32) -> Date {
    day - Duration::days(i64::from(n))
}

/// The first working day after `day`.
pub fn next_working_day(cal: &WorkCalendar, day: Date) -> Date {
    let mut d = day;
    for _ in 0..3660 {
        d = d.next_day().unwrap_or(d);
        if cal.is_working_day(d) {
            return d;
        }
    }
    d
}

/// A visit due on `due`: that morning.
pub fn visit_due_at(due: Date) -> OffsetDateTime {
    at_local(due, MORNING)
}

/// A visit not made by `due`: the morning of the next working day.
pub fn visit_overdue_at(cal: &WorkCalendar, due: Date) -> OffsetDateTime {
    at_local(next_working_day(cal, due), MORNING)
}

/// The meals of `day`: at the set time.
pub fn meal_check_at(s: &ReminderSettings, day: Date) -> OffsetDateTime {
    let cutoff = s
        .meal_cutoff_time()
        .unwrap_or(Time::from_hms(12, 30, 0).expect("valid"));
    at_local(day, cutoff)
}

/// A ballot closing at `closes_at`: the lead before. With a lead of 11 hours or more, an SMS to
/// a resident held over the quiet hours still arrives before the ballot closes.
pub fn ballot_reminder_at(s: &ReminderSettings, closes_at: OffsetDateTime) -> OffsetDateTime {
    closes_at - Duration::hours(i64::from(s.ballot_lead_hours))
}

/// A meeting starting at `starts_at`: the lead before.
pub fn meeting_reminder_at(s: &ReminderSettings, starts_at: OffsetDateTime) -> OffsetDateTime {
    starts_at - Duration::hours(i64::from(s.meeting_lead_hours))
}

/// A mediation file's time limit `deadline`: the morning the lead before.
pub fn mediation_limit_at(s: &ReminderSettings, deadline: Date) -> OffsetDateTime {
    at_local(days_before(deadline, s.mediation_lead_days), MORNING)
}

/// An agreement term due on `due`: the morning the lead before.
pub fn term_reminder_at(s: &ReminderSettings, due: Date) -> OffsetDateTime {
    at_local(days_before(due, s.term_lead_days), MORNING)
}

/// The follow-up visit after the last term was performed on `performed`.
pub fn follow_up_due(s: &ReminderSettings, performed: Date) -> Date {
    performed + Duration::days(i64::from(s.follow_up_after_days))
}

/// The last day to apply for judicial confirmation of an agreement that took effect at
/// `effective_at` (Art. 33: within 30 days).
pub fn confirmation_closes(effective_at: OffsetDateTime) -> Date {
    day_at(effective_at) + Duration::days(CONFIRMATION_WINDOW_DAYS)
}

/// The judicial-confirmation reminder: the morning the lead before the window closes.
pub fn confirmation_reminder_at(
    s: &ReminderSettings,
    effective_at: OffsetDateTime,
) -> OffsetDateTime {
    at_local(
        days_before(confirmation_closes(effective_at), s.confirmation_lead_days),
        MORNING,
    )
}

/// Is a reminder planned for `due` still worth sending at `now`?
pub fn still_timely(due: OffsetDateTime, now: OffsetDateTime) -> bool {
    due >= now - STALE_AFTER
}

/// A reminder as a notification carries it: what it is about and what the sentence needs, no
/// more. `open_id` is the record the link opens (the resident's care record, the council item,
/// the meeting, the mediation file, the case).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reminder {
    pub kind: ReminderKind,
    #[serde(default)]
    pub open_id: Option<i64>,
    /// A case's or mediation file's number.
    #[serde(default)]
    pub number: Option<String>,
    /// A ballot's item or a meeting's title (seen by everyone in its scope).
    #[serde(default)]
    pub title: Option<String>,
    /// The moment it is about: the due day, the closing or starting time.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub at: Option<OffsetDateTime>,
    /// Meals not delivered; a term's position.
    #[serde(default)]
    pub count: Option<u32>,
    /// A meeting's agenda (item titles).
    #[serde(default)]
    pub agenda: Vec<String>,
}

impl Reminder {
    pub fn new(kind: ReminderKind) -> Reminder {
        Reminder {
            kind,
            open_id: None,
            number: None,
            title: None,
            at: None,
            count: None,
            agenda: Vec::new(),
        }
    }

    /// Where the app opens it.
    pub fn href(&self) -> String {
        let id = self.open_id.unwrap_or_default();
        match self.kind {
            ReminderKind::VisitDue | ReminderKind::VisitOverdue => format!("/care/residents/{id}"),
            ReminderKind::MealNotDelivered => "/care/meals".into(),
            ReminderKind::BallotClosing | ReminderKind::BallotNotVoted => {
                format!("/council/items/{id}")
            }
            ReminderKind::MeetingSoon => format!("/council/meetings/{id}"),
            ReminderKind::MediationLimit
            | ReminderKind::TermDue
            | ReminderKind::FollowUpDue
            | ReminderKind::ConfirmationWindow => format!("/mediation/{id}"),
            ReminderKind::CaseReopened | ReminderKind::CaseUnsatisfied => format!("/cases/{id}"),
        }
    }

    /// The reminder's sentence; the same words go to the app, email and SMS.
    pub fn sentence(&self, lang: Lang) -> String {
        let day = self.at.map(|t| format_day(day_at(t))).unwrap_or_default();
        let moment = self.at.map(format_moment).unwrap_or_default();
        let number = self.number.clone().unwrap_or_default();
        let title = self.title.clone().unwrap_or_default();
        let count = self.count.unwrap_or_default().to_string();
        let t = match self.kind {
            ReminderKind::VisitDue => Text::new(
                "您结对帮扶的一位居民今天（{day}）应走访。",
                "A resident in your care is due a visit today ({day}).",
            ),
            ReminderKind::VisitOverdue => Text::new(
                "您结对帮扶的一位居民应于 {day} 走访，已逾期。",
                "A resident in your care was due a visit on {day}: it is overdue.",
            ),
            ReminderKind::MealNotDelivered => Text::new(
                "今天有 {count} 份助餐到 {moment} 仍未送达，请跟进。",
                "{count} meals were still not delivered at {moment}: please follow up.",
            ),
            ReminderKind::BallotClosing => Text::new(
                "表决「{title}」将于 {moment} 截止。",
                "The ballot on “{title}” closes at {moment}.",
            ),
            ReminderKind::BallotNotVoted => Text::new(
                "表决「{title}」将于 {moment} 截止，您还没有投票。",
                "The ballot on “{title}” closes at {moment} and you have not voted.",
            ),
            ReminderKind::MeetingSoon => Text::new(
                "会议「{title}」将于 {moment} 召开。",
                "The meeting “{title}” starts at {moment}.",
            ),
            ReminderKind::MediationLimit => Text::new(
                "调解案件 {number} 的调解期限于 {day} 届满。",
                "The time limit of mediation file {number} runs out on {day}.",
            ),
            ReminderKind::TermDue => Text::new(
                "调解案件 {number} 协议第 {count} 项应于 {day} 履行。",
                "Term {count} of the agreement in mediation file {number} is due on {day}.",
            ),
            ReminderKind::FollowUpDue => Text::new(
                "调解案件 {number} 协议已履行，请于 {day} 前回访。",
                "The agreement in mediation file {number} is performed: follow up by {day}.",
            ),
            ReminderKind::ConfirmationWindow => Text::new(
                "调解案件 {number} 的协议申请司法确认的期限（生效起 30 日，人民调解法第三十三条）于 {day} 届满。",
                "The 30 days to apply for judicial confirmation of the agreement in mediation file {number} (People's Mediation Law, Art. 33) end on {day}.",
            ),
            ReminderKind::CaseReopened => Text::new(
                "事件 {number} 已重新办理，请关注。",
                "Case {number} was reopened.",
            ),
            ReminderKind::CaseUnsatisfied => Text::new(
                "事件 {number} 的办理结果被评为不满意，请回访。",
                "Case {number} was rated unsatisfied: please follow up.",
            ),
        };
        let mut s = t
            .get(lang)
            .replace("{day}", &day)
            .replace("{moment}", &moment)
            .replace("{number}", &number)
            .replace("{title}", &title)
            .replace("{count}", &count);
        if !self.agenda.is_empty() {
            let sep = match lang {
                Lang::ZhCn => "；",
                Lang::En => "; ",
            };
            let head = match lang {
                Lang::ZhCn => "议程：",
                Lang::En => " Agenda: ",
            };
            s.push_str(head);
            s.push_str(&self.agenda.join(sep));
        }
        s
    }

    /// The short Chinese text of an email or SMS.
    pub fn short_message(&self) -> String {
        format!("【邻聚】{}", self.sentence(Lang::ZhCn))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn kinds_round_trip_and_fit_the_action_column() {
        for k in ReminderKind::ALL {
            assert_eq!(ReminderKind::parse(k.as_str()), Some(k));
            assert_eq!(ReminderKind::of_action(&k.action()), Some(k));
            assert!(k.action().len() <= 32, "{k:?}");
        }
        assert_eq!(ReminderKind::of_action("alert_warning"), None);
    }

    #[test]
    fn settings_are_checked() {
        let mut s = ReminderSettings::default();
        assert!(s.validate().is_ok());
        assert_eq!(
            s.meal_cutoff_time(),
            Some(Time::from_hms(12, 30, 0).unwrap())
        );
        s.meal_cutoff = "25:00".into();
        assert!(s.validate().is_err());
        s.meal_cutoff = "9:30".into();
        assert!(s.validate().is_err());
        let s = ReminderSettings {
            ballot_lead_hours: MAX_LEAD_HOURS + 1,
            ..Default::default()
        };
        assert!(s.validate().is_err());
        let s = ReminderSettings {
            confirmation_lead_days: 30,
            ..Default::default()
        };
        assert!(s.validate().is_err());
    }

    #[test]
    fn moments_follow_the_record() {
        let s = ReminderSettings::default();
        let cal = WorkCalendar::default();
        // Due Friday 11 December: that morning; overdue: Monday 14th (the weekend skipped).
        assert_eq!(
            visit_due_at(date!(2026 - 12 - 11)),
            datetime!(2026-12-11 00:00 UTC)
        );
        assert_eq!(
            visit_overdue_at(&cal, date!(2026 - 12 - 11)),
            datetime!(2026-12-14 00:00 UTC)
        );
        // A holiday on Monday: Tuesday.
        let mut cal2 = WorkCalendar::default();
        cal2.holidays.insert(date!(2026 - 12 - 14));
        assert_eq!(
            visit_overdue_at(&cal2, date!(2026 - 12 - 11)),
            datetime!(2026-12-15 00:00 UTC)
        );
        assert_eq!(
            meal_check_at(&s, date!(2026 - 12 - 08)),
            datetime!(2026-12-08 04:30 UTC)
        );
        assert_eq!(
            ballot_reminder_at(&s, datetime!(2026-12-09 14:30 UTC)),
            datetime!(2026-12-08 14:30 UTC)
        );
        assert_eq!(
            meeting_reminder_at(&s, datetime!(2026-12-10 11:00 UTC)),
            datetime!(2026-12-09 11:00 UTC)
        );
        assert_eq!(
            mediation_limit_at(&s, date!(2026 - 12 - 31)),
            datetime!(2026-12-28 00:00 UTC)
        );
        assert_eq!(
            term_reminder_at(&s, date!(2026 - 12 - 20)),
            datetime!(2026-12-19 00:00 UTC)
        );
        assert_eq!(
            follow_up_due(&s, date!(2026 - 12 - 20)),
            date!(2026 - 12 - 27)
        );
        // Took effect 1 December 15:00 Beijing: the window closes 31 December; reminded the
        // 26th.
        let eff = datetime!(2026-12-01 07:00 UTC);
        assert_eq!(confirmation_closes(eff), date!(2026 - 12 - 31));
        assert_eq!(
            confirmation_reminder_at(&s, eff),
            datetime!(2026-12-26 00:00 UTC)
        );
        assert!(still_timely(
            datetime!(2026-12-01 00:00 UTC),
            datetime!(2026-12-08 00:00 UTC)
        ));
        assert!(!still_timely(
            datetime!(2026-12-01 00:00 UTC),
            datetime!(2026-12-08 00:01 UTC)
        ));
    }

    #[test]
    fn sentences_name_no_resident_and_speak_both_languages() {
        for k in ReminderKind::ALL {
            let mut r = Reminder::new(k);
            r.number = Some("TJ-0001".into());
            r.title = Some("加装电梯".into());
            r.at = Some(datetime!(2026-12-08 02:00 UTC));
            r.count = Some(2);
            for lang in [Lang::ZhCn, Lang::En] {
                let s = r.sentence(lang);
                assert!(!s.contains('{'), "{k:?} {s}");
            }
            assert!(r.short_message().starts_with("【邻聚】"));
            assert!(r.href().starts_with('/'));
        }
        let mut m = Reminder::new(ReminderKind::MeetingSoon);
        m.title = Some("居民议事会".into());
        m.at = Some(datetime!(2026-12-08 11:00 UTC));
        m.agenda = vec!["加装电梯".into(), "停车".into()];
        assert!(m.sentence(Lang::ZhCn).ends_with("议程：加装电梯；停车"));
    }
}
