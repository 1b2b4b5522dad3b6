//! 考核 (assessment): a monthly score and rank for every grid worker, responsible party and
//! grid, computed from the record — never typed in — with the figures behind each score.
//!
//! Each subject is measured by a few indicators (grouped as the digital urban management
//! evaluation practice of GB/T 30428 groups them). An indicator has a value for the month;
//! the admins set its weight, its target and its floor; the indicator earns its weight in full
//! at the target, nothing at the floor, and proportionally between. A score is the earned
//! share of the weights of the indicators that have a value, out of 100: a grid worker with
//! nothing to verify this month is neither rewarded nor punished for verifications.

use crate::calendar::Limit;
use crate::error::FieldErrorCode;
use crate::i18n::Text;
use crate::stats::{CaseCounts, Period, VisitTally};
use serde::{Deserialize, Serialize};

/// Who is assessed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    /// 网格员
    GridWorker,
    /// 责任单位 (the departments cases are dispatched to)
    Party,
    /// 网格
    Grid,
}

impl Subject {
    pub const ALL: [Subject; 3] = [Subject::GridWorker, Subject::Party, Subject::Grid];

    pub fn as_str(self) -> &'static str {
        match self {
            Subject::GridWorker => "grid_worker",
            Subject::Party => "party",
            Subject::Grid => "grid",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            Subject::GridWorker => Text::new("网格员", "Grid workers"),
            Subject::Party => Text::new("责任单位", "Responsible parties"),
            Subject::Grid => Text::new("网格", "Grids"),
        }
    }

    /// The indicators a subject is measured by, in the order they are shown.
    pub fn indicators(self) -> &'static [Indicator] {
        use Indicator::*;
        match self {
            Subject::GridWorker => &[
                ReportsFiled,
                ValidReportRate,
                OnTimeVerification,
                MissedReports,
                VisitsOnSchedule,
                PatrolDays,
            ],
            Subject::Party => &[OnTimeRate, ClosureRate, ReworkRate, Satisfaction],
            Subject::Grid => &[
                ClosureRate,
                OnTimeRate,
                Satisfaction,
                VisitsOnSchedule,
                ResidentsServedPer1000,
            ],
        }
    }
}

/// What an indicator's value is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// A share between 0 and 1 (shown as a percentage).
    Ratio,
    /// A number of things (cases, days).
    Count,
    /// A number per 1,000 residents.
    Per1000,
}

/// One thing a subject is measured by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// 上报数: cases the grid worker reported in the month.
    ReportsFiled,
    /// 有效上报率: of their reports decided, the share registered.
    ValidReportRate,
    /// 按时核查率: their verifications made within [`VERIFY_WITHIN`] of the feedback.
    OnTimeVerification,
    /// 漏报数: problems in their grids first reported by residents (app, hotline, mailbox,
    /// Open311) and registered — the grid worker should have found them on patrol.
    MissedReports,
    /// 按期走访率: visits to special groups on schedule (the dashboard's formula).
    VisitsOnSchedule,
    /// 巡查天数: Beijing days with a patrol walked.
    PatrolDays,
    /// 结案率 (the board's formula).
    ClosureRate,
    /// 按期结案率 / 按期处置率 (the board's formula).
    OnTimeRate,
    /// 返工率 (the board's formula).
    ReworkRate,
    /// 回访满意率.
    Satisfaction,
    /// 服务群众人次 per 1,000 residents of the grid.
    ResidentsServedPer1000,
}

/// A verification counts as on time when it is made within this much working time of the
/// feedback it verifies (one working day: 核查 the next working day at the latest).
pub const VERIFY_WITHIN: Limit = Limit::WorkingHours(8);

impl Indicator {
    pub const ALL: [Indicator; 11] = [
        Indicator::ReportsFiled,
        Indicator::ValidReportRate,
        Indicator::OnTimeVerification,
        Indicator::MissedReports,
        Indicator::VisitsOnSchedule,
        Indicator::PatrolDays,
        Indicator::ClosureRate,
        Indicator::OnTimeRate,
        Indicator::ReworkRate,
        Indicator::Satisfaction,
        Indicator::ResidentsServedPer1000,
    ];

    pub fn as_str(self) -> &'static str {
        use Indicator::*;
        match self {
            ReportsFiled => "reports_filed",
            ValidReportRate => "valid_report_rate",
            OnTimeVerification => "on_time_verification",
            MissedReports => "missed_reports",
            VisitsOnSchedule => "visits_on_schedule",
            PatrolDays => "patrol_days",
            ClosureRate => "closure_rate",
            OnTimeRate => "on_time_rate",
            ReworkRate => "rework_rate",
            Satisfaction => "satisfaction",
            ResidentsServedPer1000 => "residents_served_per_1000",
        }
    }

    pub fn parse(s: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// Whether the indicator is counted from cases (its cases can be listed).
    pub fn counts_cases(self) -> bool {
        use Indicator::*;
        !matches!(self, VisitsOnSchedule | PatrolDays | ResidentsServedPer1000)
    }

    pub fn measure(self) -> Measure {
        use Indicator::*;
        match self {
            ReportsFiled | MissedReports | PatrolDays => Measure::Count,
            ResidentsServedPer1000 => Measure::Per1000,
            _ => Measure::Ratio,
        }
    }

    /// The name and the formula in words (shown on hover, tap and focus).
    pub fn text(self) -> (Text, Text) {
        use Indicator::*;
        match self {
            ReportsFiled => (
                Text::new("上报数", "Reports filed"),
                Text::new(
                    "当月由本人上报的事件数（按上报时间）",
                    "Cases the person reported in the month (by the time of report)",
                ),
            ),
            ValidReportRate => (
                Text::new("有效上报率", "Valid reports"),
                Text::new(
                    "当月本人上报且已受理（立案或不予立案）的事件中立案的比例",
                    "Of the person's reports of the month that were decided (registered or refused), the share registered",
                ),
            ),
            OnTimeVerification => (
                Text::new("按时核查率", "Verified on time"),
                Text::new(
                    "当月本人的核查（通过或不通过）中，在处置反馈后 8 个工作小时内完成的比例",
                    "Of the person's verifications in the month (passed or failed), the share made within 8 working hours of the feedback",
                ),
            ),
            MissedReports => (
                Text::new("漏报数", "Missed reports"),
                Text::new(
                    "当月本人网格内由居民（居民上报、热线、书记信箱、Open311）首先反映且予以立案的事件数：应在巡查中发现",
                    "Cases in the person's grids first reported by residents (app, hotline, the secretary's mailbox, Open311) in the month and registered: patrols should have found them",
                ),
            ),
            VisitsOnSchedule => (
                Text::new("按期走访率", "Visits on schedule"),
                Text::new(
                    "应走访中按期完成的比例（与统计分析同一公式；网格员按其网格）",
                    "Visits due that were made on schedule (the dashboard's formula; a grid worker's over their grids)",
                ),
            ),
            PatrolDays => (
                Text::new("巡查天数", "Patrol days"),
                Text::new(
                    "当月本人开始过巡查的天数（北京时间）",
                    "Days of the month (Beijing time) on which the person started a patrol",
                ),
            ),
            ClosureRate => (
                Text::new("结案率", "Closure rate"),
                Text::new(
                    "结案数 ÷（应结案数 − 缓办数）；与看板和统计分析同一公式",
                    "Closed ÷ (due − postponed); the board's and the dashboard's formula",
                ),
            ),
            OnTimeRate => (
                Text::new("按期结案率", "On-time closure rate"),
                Text::new(
                    "在期限内结案数 ÷（应结案数 − 缓办数）；与看板和统计分析同一公式",
                    "Closed by the deadline ÷ (due − postponed); the board's and the dashboard's formula",
                ),
            ),
            ReworkRate => (
                Text::new("返工率", "Rework rate"),
                Text::new(
                    "当月核查不通过次数 ÷ 当月核查次数（越低越好）",
                    "Failed verifications in the month ÷ verifications in the month (lower is better)",
                ),
            ),
            Satisfaction => (
                Text::new("回访满意率", "Satisfaction"),
                Text::new(
                    "当月评价中满意（4 或 5 分）的比例",
                    "Ratings of the month that are satisfied (4 or 5 of 5)",
                ),
            ),
            ResidentsServedPer1000 => (
                Text::new("千人服务人次", "Served per 1,000 residents"),
                Text::new(
                    "当月服务群众人次 ÷ 网格登记居民数 × 1000",
                    "Residents served in the month ÷ residents registered in the grid × 1,000",
                ),
            ),
        }
    }

    /// The standing rule: weight, target and floor before an admin changes them.
    pub fn default_rule(self, subject: Subject) -> Rule {
        use Indicator::*;
        let (weight, target, floor) = match (subject, self) {
            (_, ReportsFiled) => (15, 20.0, 0.0),
            (_, ValidReportRate) => (20, 0.9, 0.5),
            (_, OnTimeVerification) => (20, 0.95, 0.5),
            (_, MissedReports) => (15, 0.0, 5.0),
            (Subject::GridWorker, VisitsOnSchedule) => (15, 0.95, 0.5),
            (_, VisitsOnSchedule) => (20, 0.95, 0.5),
            (_, PatrolDays) => (15, 20.0, 0.0),
            (Subject::Party, ClosureRate) => (25, 0.95, 0.6),
            (_, ClosureRate) => (20, 0.95, 0.6),
            (Subject::Party, OnTimeRate) => (30, 0.9, 0.5),
            (_, OnTimeRate) => (20, 0.9, 0.5),
            (_, ReworkRate) => (20, 0.05, 0.3),
            (Subject::Party, Satisfaction) => (25, 0.9, 0.6),
            (_, Satisfaction) => (20, 0.9, 0.6),
            (_, ResidentsServedPer1000) => (20, 100.0, 0.0),
        };
        Rule {
            subject,
            indicator: self,
            weight,
            target,
            floor,
        }
    }
}

/// How one indicator of one subject is scored (set by admins).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rule {
    pub subject: Subject,
    pub indicator: Indicator,
    /// 0–100; 0 leaves the indicator shown but unscored.
    pub weight: u32,
    /// The value that earns the weight in full.
    pub target: f64,
    /// The value that earns nothing. Below the target for "more is better", above it for
    /// "less is better" (missed reports, rework).
    pub floor: f64,
}

pub const MAX_WEIGHT: u32 = 100;

impl Rule {
    /// The share of the weight a value earns: 1 at or past the target, 0 at or past the
    /// floor, linear between.
    pub fn earned(&self, value: f64) -> f64 {
        let span = self.target - self.floor;
        if span == 0.0 {
            return if value == self.target { 1.0 } else { 0.0 };
        }
        ((value - self.floor) / span).clamp(0.0, 1.0)
    }

    /// What is wrong with the rule, by field (`weight`, `target`, `floor`).
    pub fn check(&self) -> Result<(), (&'static str, FieldErrorCode)> {
        if !self.subject.indicators().contains(&self.indicator) {
            return Err(("indicator", FieldErrorCode::NotAllowed));
        }
        if self.weight > MAX_WEIGHT {
            return Err(("weight", FieldErrorCode::OutOfRange));
        }
        let upper = match self.indicator.measure() {
            Measure::Ratio => 1.0,
            Measure::Count => 1_000.0,
            Measure::Per1000 => 1_000_000.0,
        };
        for (field, v) in [("target", self.target), ("floor", self.floor)] {
            if !v.is_finite() || !(0.0..=upper).contains(&v) {
                return Err((field, FieldErrorCode::OutOfRange));
            }
        }
        if self.target == self.floor {
            // The indicator could never earn part of its weight.
            return Err(("floor", FieldErrorCode::NotAllowed));
        }
        Ok(())
    }
}

/// The rules of every subject, with the version the admins edit against.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rules {
    pub version: i64,
    /// One per subject and indicator of [`Subject::indicators`], in that order.
    pub rules: Vec<Rule>,
}

impl Rules {
    /// The standing rules.
    pub fn defaults(version: i64) -> Rules {
        Rules {
            version,
            rules: Subject::ALL
                .into_iter()
                .flat_map(|s| s.indicators().iter().map(move |i| i.default_rule(s)))
                .collect(),
        }
    }

    /// The defaults with `stored` laid over them (stored rules of indicators no longer
    /// measured are dropped).
    pub fn with(version: i64, stored: impl IntoIterator<Item = Rule>) -> Rules {
        let mut out = Rules::defaults(version);
        for s in stored {
            if let Some(r) = out
                .rules
                .iter_mut()
                .find(|r| r.subject == s.subject && r.indicator == s.indicator)
            {
                *r = s;
            }
        }
        out
    }

    pub fn of(&self, subject: Subject) -> impl Iterator<Item = &Rule> {
        self.rules.iter().filter(move |r| r.subject == subject)
    }

    /// A whole set as an admin sends it: every rule valid, each subject and indicator once,
    /// and some weight for every subject. The field names the offending rule
    /// (`rules[3].target`).
    pub fn check(&self) -> Result<(), (String, FieldErrorCode)> {
        for (i, r) in self.rules.iter().enumerate() {
            r.check().map_err(|(f, c)| (format!("rules[{i}].{f}"), c))?;
            if self.rules[..i]
                .iter()
                .any(|o| o.subject == r.subject && o.indicator == r.indicator)
            {
                return Err((format!("rules[{i}].indicator"), FieldErrorCode::Duplicate));
            }
        }
        for s in Subject::ALL {
            let weight: u32 = Rules::with(0, self.rules.iter().copied())
                .of(s)
                .map(|r| r.weight)
                .sum();
            if weight == 0 {
                return Err(("rules".into(), FieldErrorCode::Required));
            }
        }
        Ok(())
    }
}

/// An indicator's value for one subject and month, with the counts it is made of.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Value {
    pub indicator: Indicator,
    /// What is counted (registered reports, verifications on time, cases, days…).
    pub numerator: u64,
    /// What it is counted out of, for a ratio or a rate per 1,000 (for the latter: residents).
    pub denominator: Option<u64>,
    /// None: nothing to measure this month (a ratio of nothing); the indicator is left out of
    /// the score.
    pub value: Option<f64>,
    /// The share of its weight it earned (none when it has no value).
    pub earned: Option<f64>,
}

impl Value {
    pub fn count(indicator: Indicator, n: u64) -> Value {
        Value {
            indicator,
            numerator: n,
            denominator: None,
            value: Some(n as f64),
            earned: None,
        }
    }

    pub fn ratio(indicator: Indicator, n: u64, d: u64) -> Value {
        Value {
            indicator,
            numerator: n,
            denominator: Some(d),
            value: (d > 0).then(|| n as f64 / d as f64),
            earned: None,
        }
    }

    /// `n` per 1,000 of `residents`.
    pub fn per_1000(indicator: Indicator, n: u64, residents: u64) -> Value {
        Value {
            value: (residents > 0).then(|| n as f64 * 1000.0 / residents as f64),
            ..Value::ratio(indicator, n, residents)
        }
    }
}

/// The counts one subject's values are made of (only those of its indicators are filled).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SubjectCounts {
    /// The case figures over the subject's cases (a party's: dispatched to it; a grid's: in it).
    pub cases: CaseCounts,
    /// A grid worker's reports of the month; of them decided, and registered.
    pub reports_filed: u64,
    pub reports_decided: u64,
    pub reports_registered: u64,
    /// A grid worker's verifications of the month; of them made on time.
    pub verifications: u64,
    pub verified_on_time: u64,
    pub missed_reports: u64,
    pub visits: VisitTally,
    pub patrol_days: u64,
    /// Residents served (服务群众人次) and the residents registered, for a grid.
    pub served: u64,
    pub residents: u64,
}

impl SubjectCounts {
    pub fn value(&self, indicator: Indicator) -> Value {
        use Indicator::*;
        let board = self.cases.board;
        match indicator {
            ReportsFiled => Value::count(indicator, self.reports_filed),
            ValidReportRate => {
                Value::ratio(indicator, self.reports_registered, self.reports_decided)
            }
            OnTimeVerification => {
                Value::ratio(indicator, self.verified_on_time, self.verifications)
            }
            MissedReports => Value::count(indicator, self.missed_reports),
            VisitsOnSchedule => Value::ratio(indicator, self.visits.on_schedule, self.visits.due),
            PatrolDays => Value::count(indicator, self.patrol_days),
            ClosureRate => Value::ratio(indicator, board.closed, board.base()),
            OnTimeRate => Value::ratio(indicator, board.closed_on_time, board.base()),
            ReworkRate => Value::ratio(indicator, board.verifications_failed, board.verifications),
            Satisfaction => Value::ratio(indicator, self.cases.satisfied, self.cases.ratings),
            ResidentsServedPer1000 => Value::per_1000(indicator, self.served, self.residents),
        }
    }

    /// The subject's row: its values in order, scored by `rules` (ranked later).
    pub fn row(&self, rules: &Rules, subject: Subject, key_id: i64, name: String) -> Row {
        let mut values: Vec<Value> = subject
            .indicators()
            .iter()
            .map(|i| self.value(*i))
            .collect();
        let score = score(rules, subject, &mut values);
        Row {
            key_id,
            name,
            score,
            rank: None,
            values,
        }
    }
}

/// The score out of 100 from a subject's values: each indicator with a value earns its share
/// of its weight; the score is the earned weight over the weight of the indicators with a
/// value. None when no weighted indicator has a value. Fills in each value's `earned`.
pub fn score(rules: &Rules, subject: Subject, values: &mut [Value]) -> Option<f64> {
    let mut earned = 0.0;
    let mut weight = 0u32;
    for v in values.iter_mut() {
        let Some(rule) = rules
            .of(subject)
            .find(|r| r.indicator == v.indicator)
            .copied()
        else {
            continue;
        };
        v.earned = v.value.map(|x| rule.earned(x));
        if let Some(e) = v.earned
            && rule.weight > 0
        {
            earned += e * f64::from(rule.weight);
            weight += rule.weight;
        }
    }
    // Rounded to one decimal as shown, so equal shown scores share a rank.
    (weight > 0).then(|| (earned * 1000.0 / f64::from(weight)).round() / 10.0)
}

/// Competition ranks (1, 1, 3) for scores, highest first; a subject without a score has no
/// rank.
pub fn ranks(scores: &[Option<f64>]) -> Vec<Option<u32>> {
    scores
        .iter()
        .map(|s| s.map(|mine| 1 + scores.iter().flatten().filter(|o| **o > mine).count() as u32))
        .collect()
}

/// One assessed subject's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Row {
    /// The user, party or grid id.
    pub key_id: i64,
    pub name: String,
    pub score: Option<f64>,
    pub rank: Option<u32>,
    /// One per indicator of the subject, in [`Subject::indicators`] order.
    pub values: Vec<Value>,
}

/// The answer to `GET /api/v1/assessment`: the month's scores of one kind of subject, best
/// first (a grid worker gets only their own row).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assessment {
    pub subject: Subject,
    pub period: Period,
    /// The rules the scores were computed with.
    pub rules: Rules,
    pub rows: Vec<Row>,
}

/// Rank the rows and order them best first (rows without a score last, by name).
pub fn ranked(mut rows: Vec<Row>) -> Vec<Row> {
    let scores: Vec<Option<f64>> = rows.iter().map(|r| r.score).collect();
    for (row, rank) in rows.iter_mut().zip(ranks(&scores)) {
        row.rank = rank;
    }
    rows.sort_by(|a, b| {
        a.rank
            .unwrap_or(u32::MAX)
            .cmp(&b.rank.unwrap_or(u32::MAX))
            .then_with(|| a.name.cmp(&b.name))
    });
    rows
}

#[cfg(test)]
mod tests;
