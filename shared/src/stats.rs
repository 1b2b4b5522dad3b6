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
                    "期间内按帮扶对象风险等级的走访周期应到期的走访次数，按特殊群体分列",
                    "Visits falling due in the period by each cared-for resident's visit interval, per special group",
                ),
            ),
            VisitsOnSchedule => (
                Text::new("按期走访", "Visits on schedule"),
                Unit::Times,
                Text::new(
                    "应走访中在到期日或之前完成的次数，按特殊群体分列",
                    "Visits due that were made on or before their due day, per special group",
                ),
            ),
            ErrandsDone => (
                Text::new("代办完成", "Errands done"),
                Unit::Times,
                Text::new(
                    "期间内办结的代办事项数（按完成时间）",
                    "Errands done in the period (by the time they were done)",
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
                    "期间内达成调解协议的案卷数（按协议时间）",
                    "Dispute files that reached an agreement in the period (by the time of agreement)",
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
                    "期间内协议全部履行完毕的案卷数",
                    "Files whose agreement was fully performed in the period",
                ),
            ),
            CouncilRaised => (
                Text::new("议事提出", "Council items raised"),
                Unit::Cases,
                Text::new(
                    "期间内提出的议事事项数",
                    "Council items raised in the period",
                ),
            ),
            CouncilDecided => (
                Text::new("议事决定", "Council items decided"),
                Unit::Cases,
                Text::new(
                    "期间内作出决定的议事事项数",
                    "Council items decided in the period",
                ),
            ),
            CouncilDoneOnTime => (
                Text::new("决定按期落实", "Decisions done on time"),
                Unit::Cases,
                Text::new(
                    "期间内落实完毕且不晚于承诺期限的议事决定数",
                    "Council decisions carried out in the period no later than their promised date",
                ),
            ),
            ResidentsServed => (
                Text::new("服务群众人次", "Residents served"),
                Unit::PersonTimes,
                Text::new(
                    "期间内为居民提供服务的次数之和，每次服务计一人次：居民上报（含热线、书记信箱、Open311）且结案的事件、完成的走访、办结的代办、送达的餐食、受理的调解案卷（每位当事人计一人次）",
                    "Services to residents in the period, each counted once per person: cases residents reported (also by hotline, the secretary's mailbox, Open311) that closed, visits made, errands done, meals delivered, dispute files accepted (once per party)",
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
