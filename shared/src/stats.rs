//! Statistics (统计分析): every figure the dashboard shows, defined once — its id, its name,
//! its unit and its formula in words (shown on hover and tap) — the periods it is counted
//! over on the Beijing clock, and the arithmetic from raw counts to the figure. The server
//! counts the records; the formulas here turn the counts into figures, for the server and
//! for the tests alike.

use crate::board::Counts as BoardCounts;
use crate::calendar::{self, SHANGHAI};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::{Date, Duration, Month, OffsetDateTime, Time};

/// What a figure is measured in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    /// 件: cases, files, items.
    Cases,
    /// 次: visits, errands.
    Times,
    /// 份: meals.
    Servings,
    /// 人次: people served, counted once per service.
    PersonTimes,
    /// A share between 0 and 1, shown as a percentage.
    Ratio,
    /// 小时: a duration in hours.
    Hours,
}

impl Unit {
    pub fn text(self) -> Text {
        match self {
            Unit::Cases => Text::new("件", "cases"),
            Unit::Times => Text::new("次", "times"),
            Unit::Servings => Text::new("份", "meals"),
            Unit::PersonTimes => Text::new("人次", "person-times"),
            Unit::Ratio => Text::new("%", "%"),
            Unit::Hours => Text::new("小时", "hours"),
        }
    }
}

/// Every figure of the dashboard. The server answers with these ids; the names, units and
/// formulas come from [`FigureId::definition`], never from the answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FigureId {
    CasesReported,
    CasesRegistered,
    CasesClosed,
    ClosureRate,
    OnTimeRate,
    ReworkRate,
    AvgHoursToClose,
    P90HoursToClose,
    OverdueNow,
    Satisfaction,
    VisitsDue,
    VisitsOnSchedule,
    ErrandsDone,
    MealsServed,
    MediationAccepted,
    MediationAgreed,
    MediationSuccessRate,
    MediationPerformed,
    CouncilRaised,
    CouncilDecided,
    CouncilDoneOnTime,
    ResidentsServed,
}

/// The parts of the dashboard and the monthly report: the figures of one area together.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum FigureGroup {
    Cases,
    Care,
    Mediation,
    Council,
    Served,
}

impl FigureGroup {
    pub const ALL: [FigureGroup; 5] = [
        FigureGroup::Cases,
        FigureGroup::Care,
        FigureGroup::Mediation,
        FigureGroup::Council,
        FigureGroup::Served,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            FigureGroup::Cases => "cases",
            FigureGroup::Care => "care",
            FigureGroup::Mediation => "mediation",
            FigureGroup::Council => "council",
            FigureGroup::Served => "served",
        }
    }

    pub fn text(self) -> Text {
        match self {
            FigureGroup::Cases => Text::new("事件办理", "Cases"),
            FigureGroup::Care => Text::new("关爱服务", "Care"),
            FigureGroup::Mediation => Text::new("矛盾调解", "Mediation"),
            FigureGroup::Council => Text::new("居民议事", "Council"),
            FigureGroup::Served => Text::new("服务群众", "Residents served"),
        }
    }

    /// The group's figures, in the order of [`FigureId::ALL`].
    pub fn figures(self) -> impl Iterator<Item = FigureId> {
        FigureId::ALL.into_iter().filter(move |f| f.group() == self)
    }
}

/// One figure's definition: what the UI shows as its name, unit and formula.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Figure {
    pub id: FigureId,
    pub name: Text,
    pub unit: Unit,
    /// The formula in words, shown on hover, tap and focus.
    pub formula: Text,
}

impl FigureId {
    pub const ALL: [FigureId; 22] = [
        FigureId::CasesReported,
        FigureId::CasesRegistered,
        FigureId::CasesClosed,
        FigureId::ClosureRate,
        FigureId::OnTimeRate,
        FigureId::ReworkRate,
        FigureId::AvgHoursToClose,
        FigureId::P90HoursToClose,
        FigureId::OverdueNow,
        FigureId::Satisfaction,
        FigureId::VisitsDue,
        FigureId::VisitsOnSchedule,
        FigureId::ErrandsDone,
        FigureId::MealsServed,
        FigureId::MediationAccepted,
        FigureId::MediationAgreed,
        FigureId::MediationSuccessRate,
        FigureId::MediationPerformed,
        FigureId::CouncilRaised,
        FigureId::CouncilDecided,
        FigureId::CouncilDoneOnTime,
        FigureId::ResidentsServed,
    ];

    /// The case figures: counted from cases and their history (the dashboard's first part).
    pub const CASES: [FigureId; 10] = [
        FigureId::CasesReported,
        FigureId::CasesRegistered,
        FigureId::CasesClosed,
        FigureId::ClosureRate,
        FigureId::OnTimeRate,
        FigureId::ReworkRate,
        FigureId::AvgHoursToClose,
        FigureId::P90HoursToClose,
        FigureId::OverdueNow,
        FigureId::Satisfaction,
    ];

    /// The figures of care, mediation and council work and the residents served (the
    /// dashboard's second part): counted from those areas' records into [`WorkCounts`].
    pub const WORK: [FigureId; 12] = [
        FigureId::VisitsDue,
        FigureId::VisitsOnSchedule,
        FigureId::ErrandsDone,
        FigureId::MealsServed,
        FigureId::MediationAccepted,
        FigureId::MediationAgreed,
        FigureId::MediationSuccessRate,
        FigureId::MediationPerformed,
        FigureId::CouncilRaised,
        FigureId::CouncilDecided,
        FigureId::CouncilDoneOnTime,
        FigureId::ResidentsServed,
    ];

    pub fn as_str(self) -> &'static str {
        use FigureId::*;
        match self {
            CasesReported => "cases_reported",
            CasesRegistered => "cases_registered",
            CasesClosed => "cases_closed",
            ClosureRate => "closure_rate",
            OnTimeRate => "on_time_rate",
            ReworkRate => "rework_rate",
            AvgHoursToClose => "avg_hours_to_close",
            P90HoursToClose => "p90_hours_to_close",
            OverdueNow => "overdue_now",
            Satisfaction => "satisfaction",
            VisitsDue => "visits_due",
            VisitsOnSchedule => "visits_on_schedule",
            ErrandsDone => "errands_done",
            MealsServed => "meals_served",
            MediationAccepted => "mediation_accepted",
            MediationAgreed => "mediation_agreed",
            MediationSuccessRate => "mediation_success_rate",
            MediationPerformed => "mediation_performed",
            CouncilRaised => "council_raised",
            CouncilDecided => "council_decided",
            CouncilDoneOnTime => "council_done_on_time",
            ResidentsServed => "residents_served",
        }
    }

    pub fn parse(s: &str) -> Option<FigureId> {
        FigureId::ALL.into_iter().find(|f| f.as_str() == s)
    }

    /// The part of the dashboard the figure belongs to.
    pub fn group(self) -> FigureGroup {
        use FigureId::*;
        match self {
            VisitsDue | VisitsOnSchedule | ErrandsDone | MealsServed => FigureGroup::Care,
            MediationAccepted | MediationAgreed | MediationSuccessRate | MediationPerformed => {
                FigureGroup::Mediation
            }
            CouncilRaised | CouncilDecided | CouncilDoneOnTime => FigureGroup::Council,
            ResidentsServed => FigureGroup::Served,
            _ => FigureGroup::Cases,
        }
    }

    /// May this figure be drawn as a trend (a value per day, week or month)? A figure of the
    /// present moment has no history.
    pub fn has_trend(self) -> bool {
        self != FigureId::OverdueNow
    }

    pub fn definition(self) -> Figure {
        use FigureId::*;
        let (name, unit, formula) = match self {
            CasesReported => (
                Text::new("上报事件", "Cases reported"),
                Unit::Cases,
                Text::new(
                    "期间内上报的事件数（按上报时间，含各来源）",
                    "Cases reported in the period (by the time of report, every source)",
                ),
            ),
            CasesRegistered => (
                Text::new("立案事件", "Cases registered"),
                Unit::Cases,
                Text::new(
                    "期间内立案的事件数（按立案时间）",
                    "Cases registered in the period (by the time of registration)",
                ),
            ),
            CasesClosed => (
                Text::new("结案事件", "Cases closed"),
                Unit::Cases,
                Text::new(
                    "期间内结案且现仍为结案的事件数（按结案时间；重新打开的不计）",
                    "Cases closed in the period and still closed (by the time of closing; reopened cases do not count)",
                ),
            ),
            ClosureRate => (
                Text::new("结案率", "Closure rate"),
                Unit::Ratio,
                Text::new(
                    "结案数 ÷（应结案数 − 缓办数）；应结案数：期限落在期间内（且已到期）或在期间内结案的事件，不予立案的除外；结案数：其中在期末前结案的；与看板同一公式",
                    "Closed ÷ (due − postponed); due: cases whose deadline falls in the period (and has passed) or that closed in it, refused ones excepted; closed: those of them closed before the period ended; the board's formula",
                ),
            ),
            OnTimeRate => (
                Text::new("按期结案率", "On-time closure rate"),
                Unit::Ratio,
                Text::new(
                    "在期限内结案数 ÷（应结案数 − 缓办数）；应结案数同结案率；与看板同一公式",
                    "Closed by the deadline ÷ (due − postponed); due as for the closure rate; the board's formula",
                ),
            ),
            ReworkRate => (
                Text::new("返工率", "Rework rate"),
                Unit::Ratio,
                Text::new(
                    "期间内核查不通过次数 ÷ 期间内核查次数；与看板同一公式",
                    "Failed verifications in the period ÷ verifications in the period; the board's formula",
                ),
            ),
            AvgHoursToClose => (
                Text::new("平均办结时长", "Average time to close"),
                Unit::Hours,
                Text::new(
                    "期间内结案事件从上报到结案的小时数（自然时间）的平均值",
                    "Mean of the hours (clock time) from report to closing of the cases closed in the period",
                ),
            ),
            P90HoursToClose => (
                Text::new("90%办结时长", "90th percentile time to close"),
                Unit::Hours,
                Text::new(
                    "期间内结案事件中，90% 在此小时数内从上报到结案（最近秩法）",
                    "Of the cases closed in the period, 90% went from report to closing within this many hours (nearest rank)",
                ),
            ),
            OverdueNow => (
                Text::new("当前超期", "Overdue now"),
                Unit::Cases,
                Text::new(
                    "此刻已过期限、仍在办理且未缓办的事件数（不随期间变化）",
                    "Cases past their deadline at this moment, still being handled and not postponed (independent of the period)",
                ),
            ),
            Satisfaction => (
                Text::new("回访满意率", "Satisfaction"),
                Unit::Ratio,
                Text::new(
                    "期间内评价中满意（4 或 5 分）的件数 ÷ 期间内评价件数",
                    "Ratings in the period that are satisfied (4 or 5 of 5) ÷ ratings in the period",
                ),
            ),
            VisitsDue => (
                Text::new("应走访", "Visits due"),
                Unit::Times,
                Text::new(
                    "期间内到期且已过到期日（或已走访）的走访次数：自结对开始，每次走访后按风险等级的走访周期（现行设置）再到期；一个周期无人走访算一次未按期，下一周期从原到期日起算；按特殊群体分列（一人属多个群体时各计一次）",
                    "Visits that fell due in the period and whose due day has passed (or that were made): from the pairing's start, due one visit interval (by risk level, current settings) after the last visit; an interval without a visit is one missed visit and the next interval runs from that due day; per special group (a person in two groups counts in each)",
                ),
            ),
            VisitsOnSchedule => (
                Text::new("按期走访", "Visits on schedule"),
                Unit::Times,
                Text::new(
                    "应走访中在到期日或之前（上次走访之后）完成的次数，按特殊群体分列",
                    "Visits due that were made on or before their due day (after the visit before), per special group",
                ),
            ),
            ErrandsDone => (
                Text::new("代办完成", "Errands done"),
                Unit::Times,
                Text::new(
                    "期间内办结的代办事项数（已办好或已确认，按最后一次办理时间）",
                    "Errands done in the period (done or confirmed, by the time of their last step)",
                ),
            ),
            MealsServed => (
                Text::new("送餐份数", "Meals served"),
                Unit::Servings,
                Text::new(
                    "期间内已送达的订餐份数（按送达时间）",
                    "Meal orders delivered in the period (by the time of delivery)",
                ),
            ),
            MediationAccepted => (
                Text::new("受理调解", "Disputes accepted"),
                Unit::Cases,
                Text::new(
                    "期间内受理的调解案卷数（按受理时间）",
                    "Dispute files accepted in the period (by the time of acceptance)",
                ),
            ),
            MediationAgreed => (
                Text::new("达成协议", "Agreements reached"),
                Unit::Cases,
                Text::new(
                    "期间内达成调解协议并经各方确认生效的案卷数（按协议生效时间）",
                    "Dispute files whose agreement was confirmed by every party and took effect in the period (by that time)",
                ),
            ),
            MediationSuccessRate => (
                Text::new("调解成功率", "Mediation success rate"),
                Unit::Ratio,
                Text::new(
                    "期间内达成协议的案卷数 ÷ 期间内结束调解的案卷数（达成协议或调解终止）",
                    "Files that reached an agreement in the period ÷ files whose mediation ended in the period (agreement or failure)",
                ),
            ),
            MediationPerformed => (
                Text::new("协议履行", "Agreements performed"),
                Unit::Cases,
                Text::new(
                    "期间内协议全部履行完毕而结案的案卷数（按结案时间）",
                    "Files closed in the period after their agreement was fully performed (by the time of closing)",
                ),
            ),
            CouncilRaised => (
                Text::new("议事提出", "Council items raised"),
                Unit::Cases,
                Text::new(
                    "期间内提出的议事事项数（按提出时间）",
                    "Council items raised in the period (by the time they were raised)",
                ),
            ),
            CouncilDecided => (
                Text::new("议事决定", "Council items decided"),
                Unit::Cases,
                Text::new(
                    "期间内议事会作出决定（明确责任单位和期限）的事项数（按决定时间）",
                    "Council items decided in the period, with a responsible party and a deadline (by the time of decision)",
                ),
            ),
            CouncilDoneOnTime => (
                Text::new("决定按期落实", "Decisions done on time"),
                Unit::Cases,
                Text::new(
                    "期间内办结且办结日（北京时间）不晚于决定期限的议事事项数",
                    "Council items done in the period on or before their decision's deadline (Beijing day)",
                ),
            ),
            ResidentsServed => (
                Text::new("服务群众人次", "Residents served"),
                Unit::PersonTimes,
                Text::new(
                    "期间内为居民提供服务的次数之和，每次服务计一人次：居民上报（含热线、书记信箱、Open311）且在期间内结案的事件 + 期间内的走访 + 办结的代办 + 送达的餐食份数 + 受理的调解案卷的每位当事人",
                    "Services to residents in the period, each counted once per person: cases residents reported (also by hotline, the secretary's mailbox, Open311) closed in the period + visits made + errands done + meals delivered + each party of the dispute files accepted",
                ),
            ),
        };
        Figure {
            id: self,
            name,
            unit,
            formula,
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.definition().name.get(lang)
    }
}

// ---------------------------------------------------------------------------------------
// Periods on the Beijing clock

/// How a period is chosen.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PeriodKind {
    /// Monday to Sunday.
    Week,
    Month,
    Quarter,
    Year,
    /// From one day to another, both included.
    Custom,
}

impl PeriodKind {
    pub const ALL: [PeriodKind; 5] = [
        PeriodKind::Week,
        PeriodKind::Month,
        PeriodKind::Quarter,
        PeriodKind::Year,
        PeriodKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PeriodKind::Week => "week",
            PeriodKind::Month => "month",
            PeriodKind::Quarter => "quarter",
            PeriodKind::Year => "year",
            PeriodKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<PeriodKind> {
        PeriodKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            PeriodKind::Week => Text::new("本周", "This week"),
            PeriodKind::Month => Text::new("本月", "This month"),
            PeriodKind::Quarter => Text::new("本季度", "This quarter"),
            PeriodKind::Year => Text::new("本年", "This year"),
            PeriodKind::Custom => Text::new("自定义", "Custom"),
        }
    }
}

/// Longest custom period: beyond it a trend by day would be thousands of points.
pub const MAX_CUSTOM_DAYS: i64 = 3 * 366;

/// A span of whole Beijing days, `from` and `to` both included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Period {
    pub kind: PeriodKind,
    #[serde(with = "calendar::ymd")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub from: Date,
    #[serde(with = "calendar::ymd")]
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    pub to: Date,
}

/// Why a period cannot be counted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PeriodError {
    /// A custom period needs both days.
    MissingDay,
    /// `to` before `from`.
    Reversed,
    /// Longer than [`MAX_CUSTOM_DAYS`].
    TooLong,
}

fn first_of_month(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, 1).expect("the first of a month exists")
}

fn last_of_month(year: i32, month: Month) -> Date {
    let next = if month == Month::December {
        first_of_month(year + 1, Month::January)
    } else {
        first_of_month(year, month.next())
    };
    next.previous_day().expect("a day before the first")
}

fn quarter_start(month: Month) -> Month {
    Month::try_from(((u8::from(month) - 1) / 3) * 3 + 1).expect("1, 4, 7 or 10")
}

/// The same day one year earlier; 29 February becomes 28 February.
fn year_before(d: Date) -> Date {
    Date::from_calendar_date(d.year() - 1, d.month(), d.day())
        .unwrap_or_else(|_| last_of_month(d.year() - 1, d.month()))
}

impl Period {
    /// The week, month, quarter or year that holds `day` (for `Custom`: that day alone).
    pub fn containing(kind: PeriodKind, day: Date) -> Period {
        let (from, to) = match kind {
            PeriodKind::Week => {
                let monday =
                    day - Duration::days(i64::from(day.weekday().number_days_from_monday()));
                (monday, monday + Duration::days(6))
            }
            PeriodKind::Month => (
                first_of_month(day.year(), day.month()),
                last_of_month(day.year(), day.month()),
            ),
            PeriodKind::Quarter => {
                let start = quarter_start(day.month());
                let end = Month::try_from(u8::from(start) + 2).expect("a month");
                (
                    first_of_month(day.year(), start),
                    last_of_month(day.year(), end),
                )
            }
            PeriodKind::Year => (
                first_of_month(day.year(), Month::January),
                last_of_month(day.year(), Month::December),
            ),
            PeriodKind::Custom => (day, day),
        };
        Period { kind, from, to }
    }

    /// A custom period between two days, both included.
    pub fn custom(from: Option<Date>, to: Option<Date>) -> Result<Period, PeriodError> {
        let (Some(from), Some(to)) = (from, to) else {
            return Err(PeriodError::MissingDay);
        };
        if to < from {
            return Err(PeriodError::Reversed);
        }
        if (to - from).whole_days() + 1 > MAX_CUSTOM_DAYS {
            return Err(PeriodError::TooLong);
        }
        Ok(Period {
            kind: PeriodKind::Custom,
            from,
            to,
        })
    }

    /// The period a request names: `kind` (a month by default) holding `from` (default
    /// `today`), or the custom days `from`–`to`.
    pub fn resolve(
        kind: Option<PeriodKind>,
        from: Option<Date>,
        to: Option<Date>,
        today: Date,
    ) -> Result<Period, PeriodError> {
        match kind.unwrap_or(PeriodKind::Month) {
            PeriodKind::Custom => Period::custom(from, to),
            kind => Ok(Period::containing(kind, from.unwrap_or(today))),
        }
    }

    /// Number of days in the period.
    pub fn days(&self) -> i64 {
        (self.to - self.from).whole_days() + 1
    }

    /// The period just before: the previous week, month, quarter or year; for a custom
    /// period, as many days ending the day before it starts.
    pub fn previous(&self) -> Period {
        let before = self.from.previous_day().expect("a day before");
        match self.kind {
            PeriodKind::Custom => Period {
                kind: PeriodKind::Custom,
                from: self.from - Duration::days(self.days()),
                to: before,
            },
            kind => Period::containing(kind, before),
        }
    }

    /// The same period a year earlier: the same month, quarter or year; for a week the week
    /// 52 weeks before (Monday to Sunday, as year-on-year weekly reports compare); for a custom period the same days (29 February →
    /// 28 February).
    pub fn same_period_last_year(&self) -> Period {
        match self.kind {
            PeriodKind::Custom => Period {
                kind: PeriodKind::Custom,
                from: year_before(self.from),
                to: year_before(self.to),
            },
            PeriodKind::Week => {
                Period::containing(PeriodKind::Week, self.from - Duration::weeks(52))
            }
            kind => Period::containing(kind, year_before(self.from)),
        }
    }

    /// The first moment of the period (00:00 Beijing time on `from`).
    pub fn start(&self) -> OffsetDateTime {
        self.from.with_time(Time::MIDNIGHT).assume_offset(SHANGHAI)
    }

    /// The first moment after the period (00:00 Beijing time the day after `to`): periods
    /// are half-open, so a moment belongs to exactly one of two neighbouring periods.
    pub fn end(&self) -> OffsetDateTime {
        self.start() + Duration::days(self.days())
    }

    pub fn contains(&self, t: OffsetDateTime) -> bool {
        self.start() <= t && t < self.end()
    }

    /// The period cut into days, weeks (Monday to Sunday) or months, the first and last
    /// pieces clipped to the period.
    pub fn buckets(&self, interval: Interval) -> Vec<Period> {
        let mut out = Vec::new();
        let mut day = self.from;
        while day <= self.to {
            let whole = match interval {
                Interval::Day => Period::containing(PeriodKind::Custom, day),
                Interval::Week => Period::containing(PeriodKind::Week, day),
                Interval::Month => Period::containing(PeriodKind::Month, day),
            };
            let to = whole.to.min(self.to);
            out.push(Period {
                kind: PeriodKind::Custom,
                from: day,
                to,
            });
            day = match to.next_day() {
                Some(d) => d,
                None => break,
            };
        }
        out
    }
}

/// The steps of a trend.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Day,
    Week,
    Month,
}

impl Interval {
    pub const ALL: [Interval; 3] = [Interval::Day, Interval::Week, Interval::Month];

    pub fn text(self) -> Text {
        match self {
            Interval::Day => Text::new("按日", "By day"),
            Interval::Week => Text::new("按周", "By week"),
            Interval::Month => Text::new("按月", "By month"),
        }
    }
}

/// Most points a trend may have: a year by day.
pub const MAX_TREND_POINTS: usize = 400;

// ---------------------------------------------------------------------------------------
// From counts to figures

fn ratio(n: u64, d: u64) -> Option<f64> {
    (d > 0).then(|| n as f64 / d as f64)
}

/// Mean of some durations in hours; none of none.
pub fn mean(hours: &[f64]) -> Option<f64> {
    (!hours.is_empty()).then(|| hours.iter().sum::<f64>() / hours.len() as f64)
}

/// The 90th percentile by the nearest-rank method: the smallest value with at least 90% of
/// the values at or below it; none of none.
pub fn p90(hours: &[f64]) -> Option<f64> {
    if hours.is_empty() {
        return None;
    }
    let mut sorted = hours.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = (sorted.len() * 9).div_ceil(10);
    sorted.get(rank.max(1) - 1).copied()
}

/// The lowest rating that counts as satisfied (of 1–5).
pub const SATISFIED_FROM: u8 = 4;

/// The raw counts behind the case figures of one period and scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CaseCounts {
    pub reported: u64,
    pub registered: u64,
    /// Closed in the period (and still closed).
    pub closed: u64,
    /// The board's counts over the cases due in the period (see [`FigureId::ClosureRate`]).
    pub board: BoardCounts,
    /// Hours from report to closing of each case closed in the period.
    pub hours_to_close: Vec<f64>,
    /// Cases overdue at this moment; none for a period in the past.
    pub overdue_now: Option<u64>,
    pub ratings: u64,
    pub satisfied: u64,
}

impl CaseCounts {
    /// Each case figure, by the definitions above. A ratio or time with nothing to count is
    /// `None` — shown as "—", never as 0 or NaN.
    pub fn figure(&self, id: FigureId) -> Option<f64> {
        let board = self.board.figures();
        match id {
            FigureId::CasesReported => Some(self.reported as f64),
            FigureId::CasesRegistered => Some(self.registered as f64),
            FigureId::CasesClosed => Some(self.closed as f64),
            FigureId::ClosureRate => board.closure_rate,
            FigureId::OnTimeRate => board.on_time_rate,
            FigureId::ReworkRate => board.rework_rate,
            FigureId::AvgHoursToClose => mean(&self.hours_to_close),
            FigureId::P90HoursToClose => p90(&self.hours_to_close),
            FigureId::OverdueNow => self.overdue_now.map(|n| n as f64),
            FigureId::Satisfaction => ratio(self.satisfied, self.ratings),
            _ => None,
        }
    }
}

/// How many visits fell due in a period and how many of them were made on schedule.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitTally {
    pub due: u64,
    pub on_schedule: u64,
}

impl VisitTally {
    pub fn add(&mut self, other: VisitTally) {
        self.due += other.due;
        self.on_schedule += other.on_schedule;
    }

    /// On schedule ÷ due; none of none.
    pub fn rate(&self) -> Option<f64> {
        ratio(self.on_schedule, self.due)
    }
}

/// The visits one pairing owed in `period` (see [`FigureId::VisitsDue`]): from `starts_on`
/// a visit is due every `interval_days` after the visit before; an interval without a visit is
/// one missed visit, and the next runs from that due day (so a pairing left alone for a month
/// misses every weekly visit of it, not one). `visits` are the Beijing days the resident was
/// visited, in any order. A due day not yet passed (`today` or later) without a visit is not
/// counted yet: there is still time. Nothing is due after `ended_on`.
pub fn visits_owed(
    starts_on: Date,
    ended_on: Option<Date>,
    interval_days: u32,
    visits: &[Date],
    period: &Period,
    today: Date,
) -> VisitTally {
    let mut days: Vec<Date> = visits.iter().copied().filter(|d| *d > starts_on).collect();
    days.sort_unstable();
    let step = Duration::days(i64::from(interval_days.max(1)));
    let mut out = VisitTally::default();
    let mut anchor = starts_on;
    let mut next = 0;
    loop {
        let due = anchor + step;
        if due > period.to || ended_on.is_some_and(|end| due > end) {
            break;
        }
        // The latest visit after the anchor, on or before the due day.
        let mut made = None;
        while next < days.len() && days[next] <= due {
            made = Some(days[next]);
            next += 1;
        }
        if made.is_none() && due >= today {
            break;
        }
        if due >= period.from {
            out.due += 1;
            out.on_schedule += u64::from(made.is_some());
        }
        anchor = made.unwrap_or(due);
    }
    out
}

/// The visits of one special group (none: residents in care without a group tag).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupVisits {
    pub group: Option<crate::places::SpecialGroup>,
    pub due: u64,
    pub on_schedule: u64,
}

/// The raw counts behind the care, mediation and council figures and the residents served,
/// for one period and scope.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct WorkCounts {
    /// Every pairing's visits (each pairing once, whatever its groups).
    pub visits: VisitTally,
    /// Visits made in the period (any visitor, any method).
    pub visits_made: u64,
    pub errands_done: u64,
    pub meals_served: u64,
    pub mediation_accepted: u64,
    /// The parties of the files accepted in the period.
    pub mediation_parties: u64,
    pub mediation_agreed: u64,
    /// Files whose mediation failed in the period.
    pub mediation_failed: u64,
    pub mediation_performed: u64,
    pub council_raised: u64,
    pub council_decided: u64,
    pub council_done_on_time: u64,
    /// Cases from residents (their reports, hotline, mailbox, Open311) closed in the period.
    pub resident_cases_closed: u64,
}

/// The sources through which a resident asks for something: their cases count among the
/// residents served (see [`FigureId::ResidentsServed`]).
pub const RESIDENT_SOURCES: [crate::cases::Source; 4] = [
    crate::cases::Source::ResidentReport,
    crate::cases::Source::Mailbox,
    crate::cases::Source::Hotline,
    crate::cases::Source::Open311,
];

impl WorkCounts {
    /// 服务群众人次: each service to a resident once per person served.
    pub fn residents_served(&self) -> u64 {
        self.resident_cases_closed
            + self.visits_made
            + self.errands_done
            + self.meals_served
            + self.mediation_parties
    }

    /// Each work figure, by the definitions above; `None` for a ratio with nothing to count
    /// and for the case figures ([`CaseCounts::figure`]).
    pub fn figure(&self, id: FigureId) -> Option<f64> {
        let n = |v: u64| Some(v as f64);
        match id {
            FigureId::VisitsDue => n(self.visits.due),
            FigureId::VisitsOnSchedule => n(self.visits.on_schedule),
            FigureId::ErrandsDone => n(self.errands_done),
            FigureId::MealsServed => n(self.meals_served),
            FigureId::MediationAccepted => n(self.mediation_accepted),
            FigureId::MediationAgreed => n(self.mediation_agreed),
            FigureId::MediationSuccessRate => ratio(
                self.mediation_agreed,
                self.mediation_agreed + self.mediation_failed,
            ),
            FigureId::MediationPerformed => n(self.mediation_performed),
            FigureId::CouncilRaised => n(self.council_raised),
            FigureId::CouncilDecided => n(self.council_decided),
            FigureId::CouncilDoneOnTime => n(self.council_done_on_time),
            FigureId::ResidentsServed => n(self.residents_served()),
            _ => None,
        }
    }
}

/// Every count of one period and scope: any figure from them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Counts {
    pub cases: CaseCounts,
    pub work: WorkCounts,
}

impl Counts {
    pub fn figure(&self, id: FigureId) -> Option<f64> {
        if FigureId::CASES.contains(&id) {
            self.cases.figure(id)
        } else {
            self.work.figure(id)
        }
    }
}

// ---------------------------------------------------------------------------------------
// What the API answers

/// Which part of the community the figures cover.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StatsScope {
    /// The community, grid or micro-grid; none: everything the reader may see (for a grid
    /// worker, their grids).
    pub place_id: Option<i64>,
    pub name: Option<String>,
    pub kind: Option<crate::places::PlaceKind>,
}

/// One figure in the period, the period before and the same period last year.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FigureValue {
    pub id: FigureId,
    /// None: nothing to count (a ratio with no denominator) — not zero.
    pub value: Option<f64>,
    pub previous: Option<f64>,
    pub last_year: Option<f64>,
}

/// Time to close for one category over the period.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryTimes {
    pub category_id: i64,
    pub name: String,
    pub closed: u64,
    pub avg_hours: Option<f64>,
    pub p90_hours: Option<f64>,
}

/// The headline figures: the answer to `GET /api/v1/stats`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub period: Period,
    pub previous: Period,
    pub last_year: Period,
    pub scope: StatsScope,
    pub figures: Vec<FigureValue>,
    /// Time to close by category, most closed first.
    pub by_category: Vec<CategoryTimes>,
    /// Visits due and on schedule per special group (`SpecialGroup::ALL`'s order, then
    /// the residents in care without a group); groups with nothing due are left out.
    pub visits_by_group: Vec<GroupVisits>,
    /// 督办 issued in the period, by grid and month (`directive_figures`).
    #[serde(default)]
    pub directives: Vec<DirectiveFigures>,
}

/// One step of a trend.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrendPoint {
    pub period: Period,
    pub value: Option<f64>,
}

/// A figure step by step: the answer to `GET /api/v1/stats/trend`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Trend {
    pub figure: FigureId,
    pub interval: Interval,
    pub period: Period,
    pub points: Vec<TrendPoint>,
}

/// What a breakdown is by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BreakdownBy {
    Category,
    Grid,
    Source,
    ResponsibleParty,
    GridWorker,
}

impl BreakdownBy {
    pub const ALL: [BreakdownBy; 5] = [
        BreakdownBy::Category,
        BreakdownBy::Grid,
        BreakdownBy::Source,
        BreakdownBy::ResponsibleParty,
        BreakdownBy::GridWorker,
    ];

    pub fn text(self) -> Text {
        match self {
            BreakdownBy::Category => Text::new("按类别", "By category"),
            BreakdownBy::Grid => Text::new("按网格", "By grid"),
            BreakdownBy::Source => Text::new("按来源", "By source"),
            BreakdownBy::ResponsibleParty => Text::new("按责任单位", "By responsible party"),
            BreakdownBy::GridWorker => Text::new("按网格员（承办人）", "By grid worker (assignee)"),
        }
    }
}

/// One group of a breakdown: the cases reported in the period that fall in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BreakdownRow {
    /// The category, grid, party or person id (none for a source, and for "none given").
    pub key_id: Option<i64>,
    /// The source, for a breakdown by source.
    pub source: Option<crate::cases::Source>,
    /// The group's name (Chinese where the record has two); for a source, empty: the UI
    /// names it from `shared::cases::Source`; for "none given", empty too.
    pub name: String,
    /// The English name where the record has one (categories, parties), else `name`.
    pub name_en: String,
    /// Cases reported in the period in this group.
    pub reported: u64,
    /// Of them, closed now.
    pub closed: u64,
    /// Of them, open and past the deadline now.
    pub overdue: u64,
}

/// The answer to `GET /api/v1/stats/breakdown`: cases reported in the period, grouped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Breakdown {
    pub by: BreakdownBy,
    pub period: Period,
    /// Largest first.
    pub rows: Vec<BreakdownRow>,
}

// ---------------------------------------------------------------------------------------
// The monthly report (月度工作报告)

/// A month as the report names it: `YYYY-MM`.
pub fn parse_month(s: &str) -> Option<Period> {
    let (y, m) = s.trim().split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let year: i32 = y.parse().ok()?;
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    let first = Date::from_calendar_date(year, month, 1).ok()?;
    Some(Period::containing(PeriodKind::Month, first))
}

/// `YYYY-MM` of a month's period.
pub fn month_name(p: &Period) -> String {
    format!("{:04}-{:02}", p.from.year(), u8::from(p.from.month()))
}

/// A week (or its clipped part) of the month: cases reported and closed in it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportWeek {
    pub period: Period,
    pub reported: u64,
    pub closed: u64,
}

/// The disputes of one type in the month.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MediationOutcomes {
    pub dispute_type: crate::mediation::DisputeType,
    pub accepted: u64,
    pub agreed: u64,
    pub failed: u64,
    pub performed: u64,
}

/// A council item decided in the month, and how far it is.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReportDecision {
    pub item_id: i64,
    pub title: String,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    #[serde(with = "crate::calendar::ymd::option")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub deadline: Option<Date>,
    pub stage: crate::council::ItemStage,
    /// Past its deadline and not done (now).
    pub overdue: bool,
}

/// The answer to `GET /api/v1/stats/report`: the month's work in figures and tables, the
/// same in the printable page and in the workbook.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MonthlyReport {
    /// `YYYY-MM`.
    pub month: String,
    /// The headline figures with the month before and the same month last year, the
    /// visits per special group and the time to close by category: as the dashboard's.
    pub dashboard: Dashboard,
    pub weeks: Vec<ReportWeek>,
    /// Cases reported in the month by grid and by category (as the dashboard's breakdowns).
    pub by_grid: Vec<BreakdownRow>,
    pub by_category: Vec<BreakdownRow>,
    /// Cases reported in the month still open and past their deadline now, the longest
    /// overdue first (at most [`NOTABLE_CASES`]).
    pub notable_cases: Vec<crate::cases::CaseSummary>,
    pub decisions: Vec<ReportDecision>,
    /// Disputes by type (types with nothing in the month left out).
    pub mediation: Vec<MediationOutcomes>,
}

/// Most cases the report lists as notable.
pub const NOTABLE_CASES: u64 = 20;

// ---------------------------------------------------------------------------------------
// Exports

/// What a file export holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportKind {
    /// The cases the statistics page lists: reported in the period in the scope, or one
    /// breakdown group's (`by` and `key`, as `/stats/cases`).
    Cases,
    /// The visits made in the period to residents in care in the scope.
    Visits,
    /// The errands asked for in the period, or done in it.
    Errands,
    /// The meals ordered for a day of the period.
    Meals,
    /// The mediation files accepted in the period.
    MediationFiles,
    /// The council items raised in the period, or decided in it.
    CouncilItems,
}

impl ExportKind {
    pub const ALL: [ExportKind; 6] = [
        ExportKind::Cases,
        ExportKind::Visits,
        ExportKind::Errands,
        ExportKind::Meals,
        ExportKind::MediationFiles,
        ExportKind::CouncilItems,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportKind::Cases => "cases",
            ExportKind::Visits => "visits",
            ExportKind::Errands => "errands",
            ExportKind::Meals => "meals",
            ExportKind::MediationFiles => "mediation_files",
            ExportKind::CouncilItems => "council_items",
        }
    }

    pub fn parse(s: &str) -> Option<ExportKind> {
        ExportKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// The records' name, as the export's sheet and the page's choice call them.
    pub fn text(self) -> Text {
        match self {
            ExportKind::Cases => Text::new("事件", "Cases"),
            ExportKind::Visits => Text::new("走访记录", "Visits"),
            ExportKind::Errands => Text::new("代办事项", "Errands"),
            ExportKind::Meals => Text::new("送餐记录", "Meals"),
            ExportKind::MediationFiles => Text::new("调解案卷", "Mediation files"),
            ExportKind::CouncilItems => Text::new("议事事项", "Council items"),
        }
    }

    /// How the audit log counts the file's rows.
    pub fn counted(self) -> crate::audit::Counted {
        use crate::audit::Counted;
        match self {
            ExportKind::Cases => Counted::Cases,
            ExportKind::Visits => Counted::Visits,
            ExportKind::Errands => Counted::Errands,
            ExportKind::Meals => Counted::MealOrders,
            ExportKind::MediationFiles => Counted::MediationFiles,
            ExportKind::CouncilItems => Counted::CouncilItems,
        }
    }

    /// Which of the period's records the file lists.
    pub fn selects(self) -> Text {
        match self {
            ExportKind::Cases => Text::new("期间上报的事件", "cases reported in the period"),
            ExportKind::Visits => Text::new("期间的走访", "visits made in the period"),
            ExportKind::Errands => Text::new(
                "期间提出或办结的代办事项",
                "errands asked for or done in the period",
            ),
            ExportKind::Meals => {
                Text::new("期间各日的订餐", "meals ordered for a day of the period")
            }
            ExportKind::MediationFiles => Text::new(
                "期间受理的调解案卷",
                "mediation files accepted in the period",
            ),
            ExportKind::CouncilItems => Text::new(
                "期间提出或作出决定的议事事项",
                "council items raised or decided in the period",
            ),
        }
    }
}

/// The file an export is written as.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ExportFormat {
    /// UTF-8 with a byte-order mark (Excel and WPS read it as Chinese).
    Csv,
    Xlsx,
}

impl ExportFormat {
    pub const ALL: [ExportFormat; 2] = [ExportFormat::Csv, ExportFormat::Xlsx];

    pub fn as_str(self) -> &'static str {
        match self {
            ExportFormat::Csv => "csv",
            ExportFormat::Xlsx => "xlsx",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::Weekday;
    use time::macros::{date, datetime};

    #[test]
    fn every_figure_is_defined_once_with_both_languages() {
        let mut ids = std::collections::BTreeSet::new();
        for f in FigureId::ALL {
            let d = f.definition();
            assert_eq!(d.id, f);
            assert!(!d.name.zh.is_empty() && !d.name.en.is_empty());
            assert!(!d.formula.zh.is_empty() && !d.formula.en.is_empty());
            assert_eq!(FigureId::parse(f.as_str()), Some(f));
            assert!(ids.insert(f.as_str()), "{} twice", f.as_str());
            // Serde and `as_str` name a figure alike (the API's query takes either).
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                serde_json::json!(f.as_str())
            );
        }
        assert!(FigureId::CASES.iter().all(|f| FigureId::ALL.contains(f)));
        // The case figures are the Cases group, exactly.
        assert!(FigureGroup::Cases.figures().eq(FigureId::CASES));
        assert_eq!(
            FigureGroup::ALL
                .iter()
                .map(|g| g.figures().count())
                .sum::<usize>(),
            FigureId::ALL.len()
        );
        assert!(
            FigureId::ResidentsServed
                .definition()
                .formula
                .zh
                .contains("走访"),
            "人次 says which services it counts"
        );
    }

    #[test]
    fn statistics_reach_the_office_everywhere_and_grid_workers_in_their_grids() {
        use crate::accounts::{Permission, Reach, Role, reach};
        let p = Permission::ViewStatistics;
        assert_eq!(Permission::parse("view_statistics"), Some(p));
        assert_eq!(reach(Role::Admin, p), Reach::Everything);
        assert_eq!(reach(Role::Staff, p), Reach::Everything);
        assert_eq!(reach(Role::GridWorker, p), Reach::OwnGrids);
        assert_eq!(reach(Role::Mediator, p), Reach::Nothing);
        assert_eq!(reach(Role::Resident, p), Reach::Nothing);
    }

    #[test]
    fn weeks_start_on_monday() {
        // Sunday 6 December 2026 belongs to the week from Monday 30 November.
        let w = Period::containing(PeriodKind::Week, date!(2026 - 12 - 06));
        assert_eq!(
            (w.from, w.to),
            (date!(2026 - 11 - 30), date!(2026 - 12 - 06))
        );
        assert_eq!(w.from.weekday(), Weekday::Monday);
        let monday = Period::containing(PeriodKind::Week, date!(2026 - 12 - 07));
        assert_eq!(monday.from, date!(2026 - 12 - 07));
        assert_eq!(monday.previous(), w);
        // A week across the new year.
        let ny = Period::containing(PeriodKind::Week, date!(2027 - 01 - 01));
        assert_eq!(
            (ny.from, ny.to),
            (date!(2026 - 12 - 28), date!(2027 - 01 - 03))
        );
    }

    #[test]
    fn months_end_on_their_last_day_leap_years_included() {
        let feb24 = Period::containing(PeriodKind::Month, date!(2024 - 02 - 10));
        assert_eq!(feb24.to, date!(2024 - 02 - 29));
        let feb26 = Period::containing(PeriodKind::Month, date!(2026 - 02 - 10));
        assert_eq!(feb26.to, date!(2026 - 02 - 28));
        assert_eq!(feb26.days(), 28);
        let dec = Period::containing(PeriodKind::Month, date!(2026 - 12 - 31));
        assert_eq!(
            (dec.from, dec.to),
            (date!(2026 - 12 - 01), date!(2026 - 12 - 31))
        );
        // The month before March is February, whatever its length.
        let mar = Period::containing(PeriodKind::Month, date!(2024 - 03 - 31));
        assert_eq!(mar.previous(), feb24);
        // January's previous is December of the year before.
        let jan = Period::containing(PeriodKind::Month, date!(2027 - 01 - 15));
        assert_eq!(jan.previous(), dec);
        // Same month last year: February 2023 has 28 days.
        assert_eq!(
            feb24.same_period_last_year(),
            Period::containing(PeriodKind::Month, date!(2023 - 02 - 01))
        );
        assert_eq!(feb24.same_period_last_year().to, date!(2023 - 02 - 28));
        // And the leap day's week a year on is the week of 28 February.
        let leap_week = Period::containing(PeriodKind::Week, date!(2024 - 02 - 29));
        assert!(leap_week.same_period_last_year().from <= date!(2023 - 02 - 28));
        assert!(leap_week.same_period_last_year().to >= date!(2023 - 02 - 28));
    }

    #[test]
    fn quarters_and_years_have_their_boundaries() {
        let q = Period::containing(PeriodKind::Quarter, date!(2026 - 06 - 30));
        assert_eq!(
            (q.from, q.to),
            (date!(2026 - 04 - 01), date!(2026 - 06 - 30))
        );
        let q3 = Period::containing(PeriodKind::Quarter, date!(2026 - 07 - 01));
        assert_eq!(
            (q3.from, q3.to),
            (date!(2026 - 07 - 01), date!(2026 - 09 - 30))
        );
        assert_eq!(q3.previous(), q);
        let q1 = Period::containing(PeriodKind::Quarter, date!(2026 - 02 - 14));
        assert_eq!(q1.previous().from, date!(2025 - 10 - 01));
        assert_eq!(q1.previous().to, date!(2025 - 12 - 31));
        let y = Period::containing(PeriodKind::Year, date!(2024 - 07 - 01));
        assert_eq!(y.days(), 366);
        assert_eq!(y.previous().days(), 365);
        assert_eq!(y.same_period_last_year(), y.previous());
    }

    #[test]
    fn custom_periods_and_their_comparisons() {
        let p = Period::custom(Some(date!(2024 - 02 - 20)), Some(date!(2024 - 02 - 29))).unwrap();
        assert_eq!(p.days(), 10);
        let prev = p.previous();
        assert_eq!(
            (prev.from, prev.to),
            (date!(2024 - 02 - 10), date!(2024 - 02 - 19))
        );
        let ly = p.same_period_last_year();
        assert_eq!(
            (ly.from, ly.to),
            (date!(2023 - 02 - 20), date!(2023 - 02 - 28))
        );
        assert_eq!(
            Period::custom(Some(date!(2026 - 03 - 02)), Some(date!(2026 - 03 - 01))),
            Err(PeriodError::Reversed)
        );
        assert_eq!(
            Period::custom(None, Some(date!(2026 - 03 - 01))),
            Err(PeriodError::MissingDay)
        );
        assert_eq!(
            Period::custom(Some(date!(2020 - 01 - 01)), Some(date!(2026 - 03 - 01))),
            Err(PeriodError::TooLong)
        );
        assert_eq!(
            Period::resolve(None, None, None, date!(2026 - 12 - 07)),
            Ok(Period::containing(PeriodKind::Month, date!(2026 - 12 - 01)))
        );
        assert_eq!(
            Period::resolve(
                Some(PeriodKind::Quarter),
                Some(date!(2025 - 08 - 09)),
                None,
                date!(2026 - 12 - 07)
            )
            .map(|p| p.from),
            Ok(date!(2025 - 07 - 01))
        );
        let one = Period::custom(Some(date!(2026 - 03 - 01)), Some(date!(2026 - 03 - 01))).unwrap();
        assert_eq!(one.days(), 1);
    }

    #[test]
    fn periods_are_beijing_days_half_open() {
        let d = Period::containing(PeriodKind::Month, date!(2026 - 12 - 01));
        // 00:00 on 1 December in Beijing is 16:00 UTC on 30 November.
        assert_eq!(d.start(), datetime!(2026-11-30 16:00 UTC));
        assert_eq!(d.end(), datetime!(2026-12-31 16:00 UTC));
        assert!(d.contains(datetime!(2026-11-30 16:00 UTC)));
        assert!(!d.contains(datetime!(2026-11-30 15:59:59 UTC)));
        assert!(d.contains(datetime!(2026-12-31 15:59:59 UTC)));
        assert!(!d.contains(datetime!(2026-12-31 16:00 UTC)));
        // Neighbours meet without a gap or an overlap.
        assert_eq!(d.previous().end(), d.start());
    }

    #[test]
    fn buckets_cover_the_period_exactly() {
        let m = Period::containing(PeriodKind::Month, date!(2026 - 12 - 01));
        let weeks = m.buckets(Interval::Week);
        // 1 December 2026 is a Tuesday: a clipped first week, four whole ones, a clipped last.
        assert_eq!(weeks.first().unwrap().from, date!(2026 - 12 - 01));
        assert_eq!(weeks.first().unwrap().to, date!(2026 - 12 - 06));
        assert_eq!(weeks.last().unwrap().to, date!(2026 - 12 - 31));
        assert_eq!(weeks.len(), 5);
        assert_eq!(weeks.iter().map(Period::days).sum::<i64>(), m.days());
        for pair in weeks.windows(2) {
            assert_eq!(pair[0].end(), pair[1].start());
        }
        assert_eq!(m.buckets(Interval::Day).len(), 31);
        let y = Period::containing(PeriodKind::Year, date!(2024 - 05 - 05));
        let months = y.buckets(Interval::Month);
        assert_eq!(months.len(), 12);
        assert_eq!(months[1].to, date!(2024 - 02 - 29));
        assert!(y.buckets(Interval::Day).len() <= MAX_TREND_POINTS);
    }

    #[test]
    fn case_figures_follow_their_formulas() {
        let counts = CaseCounts {
            reported: 12,
            registered: 10,
            closed: 6,
            board: BoardCounts {
                open: 0,
                overdue: 0,
                due: 10,
                postponed: 2,
                closed: 6,
                closed_on_time: 4,
                verifications: 8,
                verifications_failed: 2,
            },
            hours_to_close: vec![10.0, 2.0, 4.0, 8.0, 6.0, 100.0],
            overdue_now: Some(3),
            ratings: 5,
            satisfied: 4,
        };
        let f = |id| counts.figure(id);
        assert_eq!(f(FigureId::CasesReported), Some(12.0));
        assert_eq!(f(FigureId::CasesRegistered), Some(10.0));
        assert_eq!(f(FigureId::CasesClosed), Some(6.0));
        // The board's formulas, through the board's own code.
        assert_eq!(
            f(FigureId::ClosureRate),
            counts.board.figures().closure_rate
        );
        assert_eq!(f(FigureId::ClosureRate), Some(0.75));
        assert_eq!(f(FigureId::OnTimeRate), Some(0.5));
        assert_eq!(f(FigureId::ReworkRate), Some(0.25));
        assert_eq!(f(FigureId::AvgHoursToClose), Some(130.0 / 6.0));
        // Six values: the 90th percentile is the ceil(5.4) = 6th smallest.
        assert_eq!(f(FigureId::P90HoursToClose), Some(100.0));
        assert_eq!(f(FigureId::OverdueNow), Some(3.0));
        assert_eq!(f(FigureId::Satisfaction), Some(0.8));
    }

    #[test]
    fn nothing_to_count_is_no_value_not_nan() {
        let empty = CaseCounts::default();
        for id in FigureId::CASES {
            if let Some(v) = empty.figure(id) {
                assert!(v.is_finite(), "{id:?}");
                assert_eq!(v, 0.0, "{id:?}: counts of nothing are zero");
            }
        }
        for id in [
            FigureId::ClosureRate,
            FigureId::OnTimeRate,
            FigureId::ReworkRate,
            FigureId::AvgHoursToClose,
            FigureId::P90HoursToClose,
            FigureId::Satisfaction,
            FigureId::OverdueNow,
        ] {
            assert_eq!(empty.figure(id), None, "{id:?}");
        }
        // Everything postponed: the denominator is zero.
        let postponed = CaseCounts {
            board: BoardCounts {
                due: 2,
                postponed: 2,
                ..BoardCounts::default()
            },
            ..CaseCounts::default()
        };
        assert_eq!(postponed.figure(FigureId::ClosureRate), None);
    }

    #[test]
    fn visits_fall_due_each_interval_after_the_last_one() {
        let march = Period::containing(PeriodKind::Month, date!(2026 - 03 - 01));
        let later = date!(2026 - 06 - 01);
        // Weekly from 22 February, each visit on time: due 1 March, then a week after each visit.
        let on_time = [
            date!(2026 - 03 - 01),
            date!(2026 - 03 - 07),
            date!(2026 - 03 - 14),
            date!(2026 - 03 - 21),
            date!(2026 - 03 - 28),
        ];
        let t = visits_owed(date!(2026 - 02 - 22), None, 7, &on_time, &march, later);
        // 1 Mar (met 1 Mar), 8 Mar (7 Mar), 14 Mar (14), 21 Mar (21), 28 Mar (28): the
        // next is 4 April, outside March.
        assert_eq!(
            t,
            VisitTally {
                due: 5,
                on_schedule: 5
            }
        );
        assert_eq!(t.rate(), Some(1.0));
        // Nobody came: every week is one missed visit, not one for the whole month.
        let none = visits_owed(date!(2026 - 02 - 22), None, 7, &[], &march, later);
        assert_eq!(
            none,
            VisitTally {
                due: 5,
                on_schedule: 0
            }
        );
        // A visit two days late meets the next due day, not the missed one.
        let late = visits_owed(
            date!(2026 - 02 - 22),
            None,
            7,
            &[date!(2026 - 03 - 03)],
            &march,
            later,
        );
        // Due 1 Mar missed; 8 Mar met by 3 Mar; then 10, 17, 24, 31 Mar missed.
        assert_eq!(
            late,
            VisitTally {
                due: 6,
                on_schedule: 1
            }
        );
        // Two visits in one interval are one visit due.
        let twice = visits_owed(
            date!(2026 - 02 - 22),
            None,
            30,
            &[date!(2026 - 03 - 05), date!(2026 - 03 - 10)],
            &march,
            later,
        );
        // Due 24 March (22 Feb + 30 days), met; the next, 9 April, is after March.
        assert_eq!(
            twice,
            VisitTally {
                due: 1,
                on_schedule: 1
            }
        );
        // A due day crossing into the period: the visit before the period counts.
        let crossing = visits_owed(
            date!(2026 - 01 - 31),
            None,
            30,
            &[date!(2026 - 02 - 27)],
            &march,
            later,
        );
        // Due 2 Mar (31 Jan + 30), met by the visit on 27 Feb; next 29 Mar, missed.
        assert_eq!(
            crossing,
            VisitTally {
                due: 2,
                on_schedule: 1
            }
        );
    }

    #[test]
    fn visits_not_yet_due_or_after_the_pairing_ended_are_not_counted() {
        let march = Period::containing(PeriodKind::Month, date!(2026 - 03 - 01));
        // Today is 15 March: the 15th is still open, the 22nd and 29th are ahead.
        let t = visits_owed(
            date!(2026 - 02 - 22),
            None,
            7,
            &[],
            &march,
            date!(2026 - 03 - 15),
        );
        assert_eq!(
            t,
            VisitTally {
                due: 2,
                on_schedule: 0
            }
        );
        // A visit today meets today's due day at once.
        let today = visits_owed(
            date!(2026 - 02 - 22),
            None,
            7,
            &[
                date!(2026 - 03 - 01),
                date!(2026 - 03 - 08),
                date!(2026 - 03 - 15),
            ],
            &march,
            date!(2026 - 03 - 15),
        );
        assert_eq!(
            today,
            VisitTally {
                due: 3,
                on_schedule: 3
            }
        );
        // The pairing ended on 10 March: nothing is due after.
        let ended = visits_owed(
            date!(2026 - 02 - 22),
            Some(date!(2026 - 03 - 10)),
            7,
            &[],
            &march,
            date!(2026 - 06 - 01),
        );
        assert_eq!(
            ended,
            VisitTally {
                due: 2,
                on_schedule: 0
            }
        );
        // A pairing started after the period owes nothing in it; visits before its start
        // do not count for it.
        let started = visits_owed(
            date!(2026 - 03 - 25),
            None,
            7,
            &[date!(2026 - 03 - 20)],
            &march,
            date!(2026 - 06 - 01),
        );
        assert_eq!(started, VisitTally::default());
        assert_eq!(started.rate(), None);
    }

    #[test]
    fn work_figures_follow_their_formulas() {
        let w = WorkCounts {
            visits: VisitTally {
                due: 10,
                on_schedule: 7,
            },
            visits_made: 9,
            errands_done: 4,
            meals_served: 30,
            mediation_accepted: 3,
            mediation_parties: 7,
            mediation_agreed: 3,
            mediation_failed: 1,
            mediation_performed: 2,
            council_raised: 5,
            council_decided: 2,
            council_done_on_time: 1,
            resident_cases_closed: 6,
        };
        let f = |id| w.figure(id);
        assert_eq!(f(FigureId::VisitsDue), Some(10.0));
        assert_eq!(f(FigureId::VisitsOnSchedule), Some(7.0));
        assert_eq!(f(FigureId::ErrandsDone), Some(4.0));
        assert_eq!(f(FigureId::MealsServed), Some(30.0));
        assert_eq!(f(FigureId::MediationAccepted), Some(3.0));
        assert_eq!(f(FigureId::MediationAgreed), Some(3.0));
        assert_eq!(f(FigureId::MediationSuccessRate), Some(0.75));
        assert_eq!(f(FigureId::MediationPerformed), Some(2.0));
        assert_eq!(f(FigureId::CouncilRaised), Some(5.0));
        assert_eq!(f(FigureId::CouncilDecided), Some(2.0));
        assert_eq!(f(FigureId::CouncilDoneOnTime), Some(1.0));
        // 6 cases + 9 visits + 4 errands + 30 meals + 7 parties.
        assert_eq!(f(FigureId::ResidentsServed), Some(56.0));
        assert_eq!(f(FigureId::ClosureRate), None, "a case figure is not work");
        // Nothing ended: no success rate; counts of nothing are zero.
        let empty = WorkCounts::default();
        assert_eq!(empty.figure(FigureId::MediationSuccessRate), None);
        for id in FigureId::WORK {
            if id != FigureId::MediationSuccessRate {
                assert_eq!(empty.figure(id), Some(0.0), "{id:?}");
            }
        }
        // Every figure is a case figure or a work figure, never both.
        for id in FigureId::ALL {
            assert!(
                FigureId::CASES.contains(&id) != FigureId::WORK.contains(&id),
                "{id:?}"
            );
        }
        let all = Counts {
            work: w.clone(),
            cases: CaseCounts {
                reported: 2,
                ..CaseCounts::default()
            },
        };
        assert_eq!(all.figure(FigureId::CasesReported), Some(2.0));
        assert_eq!(all.figure(FigureId::ResidentsServed), Some(56.0));
    }

    #[test]
    fn months_are_named_yyyy_mm() {
        let feb = parse_month("2024-02").unwrap();
        assert_eq!(
            (feb.from, feb.to),
            (date!(2024 - 02 - 01), date!(2024 - 02 - 29))
        );
        assert_eq!(feb.kind, PeriodKind::Month);
        assert_eq!(month_name(&feb), "2024-02");
        for bad in [
            "2024-13", "2024-2", "24-02", "2024/02", "", "2024-00", "abcd-ef",
        ] {
            assert_eq!(parse_month(bad), None, "{bad}");
        }
    }

    #[test]
    fn percentiles_by_nearest_rank() {
        assert_eq!(p90(&[]), None);
        assert_eq!(p90(&[5.0]), Some(5.0));
        let ten: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(p90(&ten), Some(9.0));
        let eleven: Vec<f64> = (1..=11).rev().map(f64::from).collect();
        assert_eq!(p90(&eleven), Some(10.0));
        assert_eq!(mean(&[1.0, 2.0]), Some(1.5));
    }
}

// ------------------------------------------------------------------ 督办 figures

/// One 督办 as the statistics count it.
#[derive(Clone, Debug, PartialEq)]
pub struct DirectiveRecord {
    /// The grid of its subject (a case's, a council item's, a mediation file's).
    pub grid_id: Option<i64>,
    pub issued_at: OffsetDateTime,
    pub deadline_at: OffsetDateTime,
    /// When the addressee first took it on (签收, or 报结 straight away).
    pub acknowledged_at: Option<OffsetDateTime>,
    pub reported_at: Option<OffsetDateTime>,
    pub state: crate::directives::DirectiveState,
}

/// 督办 of one grid issued in one month (Beijing).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveFigures {
    pub grid_id: Option<i64>,
    /// The grid's name (empty for subjects above grid level).
    pub grid_name: String,
    /// `YYYY-MM`.
    pub month: String,
    pub issued: u64,
    pub acknowledged_in_time: u64,
    pub overdue: u64,
}

/// The formulas, as the dashboard shows them.
pub const DIRECTIVE_FIGURES_TEXT: Text = Text::new(
    "下达：期内下达的督办；按时签收：在办结期限前签收（或直接报结）的；逾期：期限已过仍未报结、或期限后才报结的（撤回的不计）。",
    "Issued: directives issued in the period; acknowledged in time: taken on (or reported done) by their deadline; overdue: past the deadline without a report by then (withdrawn ones not counted).",
);

impl DirectiveRecord {
    pub fn acknowledged_in_time(&self) -> bool {
        self.acknowledged_at.is_some_and(|a| a <= self.deadline_at)
    }

    pub fn overdue(&self, now: OffsetDateTime) -> bool {
        self.state != crate::directives::DirectiveState::Withdrawn
            && now > self.deadline_at
            && self.reported_at.is_none_or(|r| r > self.deadline_at)
    }
}

/// Count the records by grid and month of issue (Beijing), grids by id, months in order.
pub fn directive_figures(
    records: &[DirectiveRecord],
    grid_names: &std::collections::HashMap<i64, String>,
    now: OffsetDateTime,
) -> Vec<DirectiveFigures> {
    let mut out: std::collections::BTreeMap<(Option<i64>, String), DirectiveFigures> =
        std::collections::BTreeMap::new();
    for r in records {
        let day = r.issued_at.to_offset(SHANGHAI).date();
        let month = format!("{:04}-{:02}", day.year(), u8::from(day.month()));
        let row = out
            .entry((r.grid_id, month.clone()))
            .or_insert_with(|| DirectiveFigures {
                grid_id: r.grid_id,
                grid_name: r
                    .grid_id
                    .and_then(|g| grid_names.get(&g).cloned())
                    .unwrap_or_default(),
                month,
                issued: 0,
                acknowledged_in_time: 0,
                overdue: 0,
            });
        row.issued += 1;
        row.acknowledged_in_time += u64::from(r.acknowledged_in_time());
        row.overdue += u64::from(r.overdue(now));
    }
    out.into_values().collect()
}

#[cfg(test)]
mod directive_figure_tests {
    use super::*;
    use crate::directives::DirectiveState;
    use time::macros::datetime;

    #[test]
    fn directives_count_by_grid_and_beijing_month() {
        let d = |grid, issued, deadline, ack, rep, state| DirectiveRecord {
            grid_id: grid,
            issued_at: issued,
            deadline_at: deadline,
            acknowledged_at: ack,
            reported_at: rep,
            state,
        };
        let now = datetime!(2026-12-20 00:00 UTC);
        let records = [
            // 1 Dec 01:00 Beijing is still November in UTC: it counts in December.
            d(
                Some(1),
                datetime!(2026-11-30 17:00 UTC),
                datetime!(2026-12-03 00:00 UTC),
                Some(datetime!(2026-12-01 00:00 UTC)),
                Some(datetime!(2026-12-02 00:00 UTC)),
                DirectiveState::Accepted,
            ),
            d(
                Some(1),
                datetime!(2026-12-05 00:00 UTC),
                datetime!(2026-12-06 00:00 UTC),
                Some(datetime!(2026-12-07 00:00 UTC)),
                None,
                DirectiveState::Acknowledged,
            ),
            d(
                Some(1),
                datetime!(2026-12-05 00:00 UTC),
                datetime!(2026-12-06 00:00 UTC),
                None,
                None,
                DirectiveState::Withdrawn,
            ),
            d(
                Some(2),
                datetime!(2026-11-05 00:00 UTC),
                datetime!(2026-12-30 00:00 UTC),
                None,
                None,
                DirectiveState::Issued,
            ),
        ];
        let names = [(1, "一网格".to_string())].into_iter().collect();
        let f = directive_figures(&records, &names, now);
        assert_eq!(
            f,
            vec![
                DirectiveFigures {
                    grid_id: Some(1),
                    grid_name: "一网格".into(),
                    month: "2026-12".into(),
                    issued: 3,
                    acknowledged_in_time: 1,
                    overdue: 1
                },
                DirectiveFigures {
                    grid_id: Some(2),
                    grid_name: String::new(),
                    month: "2026-11".into(),
                    issued: 1,
                    acknowledged_in_time: 0,
                    overdue: 0
                },
            ]
        );
    }
}
