//! The help itself: one-to-one pairings (一对一帮扶) of a resident with a helper, visits by
//! risk level (入户走访 / 敲门问需), and errands run for residents (代理代办); who may care for whom.

use crate::accounts::{Permission, Principal};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// How closely a resident is followed; decides how often they are visited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RiskLevel {
    /// 高风险：每周
    High,
    /// 重点：每月
    Key,
    /// 一般：每季度
    Normal,
}

impl RiskLevel {
    pub const ALL: [RiskLevel; 3] = [RiskLevel::High, RiskLevel::Key, RiskLevel::Normal];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskLevel::High => "high",
            RiskLevel::Key => "key",
            RiskLevel::Normal => "normal",
        }
    }

    pub fn parse(s: &str) -> Option<RiskLevel> {
        RiskLevel::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The default interval between visits, in days (configurable per installation).
    pub fn default_interval_days(self) -> u32 {
        match self {
            RiskLevel::High => 7,
            RiskLevel::Key => 30,
            RiskLevel::Normal => 90,
        }
    }

    pub fn text(self) -> Text {
        match self {
            RiskLevel::High => Text::new("高风险（每周走访）", "High risk (weekly visits)"),
            RiskLevel::Key => Text::new("重点（每月走访）", "Key (monthly visits)"),
            RiskLevel::Normal => Text::new("一般（每季度走访）", "Normal (quarterly visits)"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

/// When the next visit is due: the interval after the last visit, or after pairing began.
pub fn next_visit_due(last_visit: Option<Date>, since: Date, interval_days: u32) -> Date {
    last_visit.unwrap_or(since) + time::Duration::days(i64::from(interval_days))
}

/// Overdue: the due day has passed.
pub fn visit_overdue(due: Date, today: Date) -> bool {
    today > due
}

/// Who may see and record care for a resident in `grid_id`: those who may read special-group
/// tags there (staff everywhere, grid workers in their grids), and the resident's own helper.
pub fn may_care_for(who: &Principal, grid_id: i64, is_helper: bool) -> bool {
    is_helper || who.may_in_grid(Permission::RevealSensitive, Some(grid_id))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HelperKind {
    /// 党支部书记
    PartySecretary,
    /// 楼栋长
    BuildingManager,
    /// 幸福大姐志愿者
    Volunteer,
    /// 结对干部
    Cadre,
    /// 网格员
    GridWorker,
}

impl HelperKind {
    pub const ALL: [HelperKind; 5] = [
        HelperKind::PartySecretary,
        HelperKind::BuildingManager,
        HelperKind::Volunteer,
        HelperKind::Cadre,
        HelperKind::GridWorker,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HelperKind::PartySecretary => "party_secretary",
            HelperKind::BuildingManager => "building_manager",
            HelperKind::Volunteer => "volunteer",
            HelperKind::Cadre => "cadre",
            HelperKind::GridWorker => "grid_worker",
        }
    }

    pub fn parse(s: &str) -> Option<HelperKind> {
        HelperKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            HelperKind::PartySecretary => Text::new("党支部书记", "Party branch secretary"),
            HelperKind::BuildingManager => Text::new("楼栋长", "Building manager"),
            HelperKind::Volunteer => Text::new("“幸福大姐”志愿者", "Volunteer"),
            HelperKind::Cadre => Text::new("结对干部", "Paired cadre"),
            HelperKind::GridWorker => Text::new("网格员", "Grid worker"),
        }
    }
}

/// Pair a resident with a helper.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairingInput {
    pub resident_id: i64,
    /// The helper's account, when they have one (they then see their due visits).
    #[serde(default)]
    pub helper_user_id: Option<i64>,
    /// The helper's account by username, as the office knows it (instead of the id).
    #[serde(default)]
    pub helper_username: Option<String>,
    pub helper_name: String,
    pub helper_kind: HelperKind,
    pub risk: RiskLevel,
    /// Why: fetching medicine, company, holiday greetings …
    pub purpose: String,
    /// How often and how they keep in touch, in words.
    #[serde(default)]
    pub contact_schedule: String,
    #[serde(with = "crate::calendar::ymd")]
    pub starts_on: Date,
}

impl PairingInput {
    pub fn validate(&self, today: Date) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !day_in_window(self.starts_on, today, PAIRING_PAST_DAYS, PAIRING_AHEAD_DAYS) {
            errs.add("starts_on", FieldErrorCode::OutOfRange);
        }
        match self.helper_name.trim().chars().count() {
            0 => errs.add("helper_name", FieldErrorCode::Required),
            n if n > 64 => errs.add("helper_name", FieldErrorCode::TooLong),
            _ => {}
        }
        match self.purpose.trim().chars().count() {
            0 => errs.add("purpose", FieldErrorCode::Required),
            n if n > 500 => errs.add("purpose", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.contact_schedule.chars().count() > 200 {
            errs.add("contact_schedule", FieldErrorCode::TooLong);
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairingView {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub grid_id: i64,
    pub helper_user_id: Option<i64>,
    pub helper_name: String,
    pub helper_kind: HelperKind,
    pub risk: RiskLevel,
    pub purpose: String,
    pub contact_schedule: String,
    #[serde(with = "crate::calendar::ymd")]
    pub starts_on: Date,
    pub active: bool,
    #[serde(with = "crate::calendar::ymd::option")]
    pub last_visit: Option<Date>,
    #[serde(with = "crate::calendar::ymd")]
    pub next_due: Date,
    pub overdue: bool,
    pub version: i64,
    #[serde(default, with = "crate::calendar::ymd::option")]
    pub ended_on: Option<Date>,
    #[serde(default)]
    pub end_reason: Option<String>,
}

/// End a pairing (with the reason and the day it ended) or change its risk level, which
/// changes the visit interval and so the next due date.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PairingUpdate {
    pub active: bool,
    pub risk: RiskLevel,
    pub version: i64,
    /// Why it ended (moved away, passed away, no longer needed …); required when ending.
    #[serde(default)]
    pub end_reason: Option<String>,
    /// The day it ended; required when ending, not before it began and not in the future.
    #[serde(default, with = "crate::calendar::ymd::option")]
    pub ended_on: Option<Date>,
}

impl PairingUpdate {
    /// An active pairing may change its risk level or end; an ended pairing stays ended (a new
    /// pairing is made instead). Returns the trimmed reason when ending.
    pub fn validate(
        &self,
        currently_active: bool,
        starts_on: Date,
        today: Date,
    ) -> Result<Option<String>, FieldErrors> {
        let mut errs = FieldErrors::new();
        if !currently_active {
            errs.add("active", FieldErrorCode::NotAllowed);
            return Err(errs);
        }
        if self.active {
            if self.end_reason.is_some() {
                errs.add("end_reason", FieldErrorCode::NotAllowed);
            }
            if self.ended_on.is_some() {
                errs.add("ended_on", FieldErrorCode::NotAllowed);
            }
            return errs.into_result().map(|_| None);
        }
        let reason = self.end_reason.as_deref().unwrap_or("").trim().to_string();
        match reason.chars().count() {
            0 => errs.add("end_reason", FieldErrorCode::Required),
            n if n > 500 => errs.add("end_reason", FieldErrorCode::TooLong),
            _ => {}
        }
        // Not before it began and not in the future; one planned but not begun yet is called
        // off today.
        let earliest = starts_on.min(today);
        match self.ended_on {
            None => errs.add("ended_on", FieldErrorCode::Required),
            Some(d) if d < earliest || d > today => {
                errs.add("ended_on", FieldErrorCode::OutOfRange)
            }
            Some(_) => {}
        }
        errs.into_result().map(|_| Some(reason))
    }
}

/// Whether `day` lies within `past_days` before and `ahead_days` after `today`: care endpoints
/// refuse dates far in the past or the future (a typo of a year, a forged request).
pub fn day_in_window(day: Date, today: Date, past_days: i64, ahead_days: i64) -> bool {
    day >= today - time::Duration::days(past_days)
        && day <= today + time::Duration::days(ahead_days)
}

/// How far ahead a pairing may be planned to start, and how far back it may be recorded.
pub const PAIRING_AHEAD_DAYS: i64 = 90;
pub const PAIRING_PAST_DAYS: i64 = 366 * 10;
/// How far ahead menus are set and meals ordered; how far back they may be corrected.
pub const MENU_AHEAD_DAYS: i64 = 62;
pub const ORDER_AHEAD_DAYS: i64 = 14;
pub const ORDER_PAST_DAYS: i64 = 7;
pub const MEAL_PAST_DAYS: i64 = 366;
/// The most rows one care list answers with (newest or most urgent first).
pub const LIST_LIMIT: u64 = 500;

/// A resident's care record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareRecord {
    pub resident_id: i64,
    pub resident_name: String,
    pub grid_id: i64,
    pub pairings: Vec<PairingView>,
    pub visits: Vec<VisitView>,
    pub errands: Vec<ErrandView>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum VisitMethod {
    InPerson,
    Phone,
    Video,
}

impl VisitMethod {
    pub const ALL: [VisitMethod; 3] = [
        VisitMethod::InPerson,
        VisitMethod::Phone,
        VisitMethod::Video,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            VisitMethod::InPerson => "in_person",
            VisitMethod::Phone => "phone",
            VisitMethod::Video => "video",
        }
    }

    pub fn parse(s: &str) -> Option<VisitMethod> {
        VisitMethod::ALL.into_iter().find(|m| m.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            VisitMethod::InPerson => Text::new("上门", "In person"),
            VisitMethod::Phone => Text::new("电话", "Phone"),
            VisitMethod::Video => Text::new("视频", "Video"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrandKind {
    /// 代购药品
    Medicine,
    /// 代挂号
    HospitalRegistration,
    /// 代缴费
    Bills,
    Shopping,
    Other,
}

impl ErrandKind {
    pub const ALL: [ErrandKind; 5] = [
        ErrandKind::Medicine,
        ErrandKind::HospitalRegistration,
        ErrandKind::Bills,
        ErrandKind::Shopping,
        ErrandKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrandKind::Medicine => "medicine",
            ErrandKind::HospitalRegistration => "hospital_registration",
            ErrandKind::Bills => "bills",
            ErrandKind::Shopping => "shopping",
            ErrandKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<ErrandKind> {
        ErrandKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            ErrandKind::Medicine => Text::new("代购药品", "Buy medicine"),
            ErrandKind::HospitalRegistration => Text::new("代挂号", "Hospital registration"),
            ErrandKind::Bills => Text::new("代缴费", "Pay bills"),
            ErrandKind::Shopping => Text::new("代购物", "Shopping"),
            ErrandKind::Other => Text::new("其他代办", "Other errand"),
        }
    }
}

/// An errand from request to the resident's (or grid worker's) confirmation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrandStatus {
    Requested,
    Accepted,
    /// The helper reports it done, with receipt and amount.
    Done,
    /// The resident or the grid worker confirmed.
    Confirmed,
    Cancelled,
}

impl ErrandStatus {
    /// Still to be run: a new errand of the same kind for the same resident is most likely
    /// the same need (see [`FollowUp::Errand`]). Done errands wait only for a confirmation.
    pub fn is_open(self) -> bool {
        matches!(self, ErrandStatus::Requested | ErrandStatus::Accepted)
    }

    pub const ALL: [ErrandStatus; 5] = [
        ErrandStatus::Requested,
        ErrandStatus::Accepted,
        ErrandStatus::Done,
        ErrandStatus::Confirmed,
        ErrandStatus::Cancelled,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrandStatus::Requested => "requested",
            ErrandStatus::Accepted => "accepted",
            ErrandStatus::Done => "done",
            ErrandStatus::Confirmed => "confirmed",
            ErrandStatus::Cancelled => "cancelled",
        }
    }

    pub fn parse(s: &str) -> Option<ErrandStatus> {
        ErrandStatus::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            ErrandStatus::Requested => Text::new("待接单", "Requested"),
            ErrandStatus::Accepted => Text::new("办理中", "Accepted"),
            ErrandStatus::Done => Text::new("已办好，待确认", "Done, to confirm"),
            ErrandStatus::Confirmed => Text::new("已确认", "Confirmed"),
            ErrandStatus::Cancelled => Text::new("已取消", "Cancelled"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrandStep {
    /// A helper takes it on.
    Accept,
    /// The helper reports it done (receipt, amount).
    Complete,
    /// The resident or the grid worker confirms.
    Confirm,
    Cancel,
}

impl ErrandStep {
    pub const ALL: [ErrandStep; 4] = [
        ErrandStep::Accept,
        ErrandStep::Complete,
        ErrandStep::Confirm,
        ErrandStep::Cancel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErrandStep::Accept => "accept",
            ErrandStep::Complete => "complete",
            ErrandStep::Confirm => "confirm",
            ErrandStep::Cancel => "cancel",
        }
    }

    pub fn text(self) -> Text {
        match self {
            ErrandStep::Accept => Text::new("接单", "Take it on"),
            ErrandStep::Complete => Text::new("已办好", "Mark done"),
            ErrandStep::Confirm => Text::new("确认办好", "Confirm"),
            ErrandStep::Cancel => Text::new("取消代办", "Cancel errand"),
        }
    }
}

/// Facts about the actor and one errand.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ErrandRelation {
    /// The resident the errand is for (their own account).
    pub is_resident: bool,
    /// The helper who took it.
    pub is_helper: bool,
    /// May care for the resident (staff, the grid's worker, their paired helper).
    pub carer: bool,
}

/// The next status, or why not.
pub fn errand_step(
    status: ErrandStatus,
    step: ErrandStep,
    rel: ErrandRelation,
) -> Result<ErrandStatus, FieldErrorCode> {
    use ErrandStatus::*;
    let next = match (status, step) {
        (Requested, ErrandStep::Accept) if rel.carer => Accepted,
        // Only the one who took it reports it done: what they report is then confirmed by
        // someone else.
        (Accepted, ErrandStep::Complete) if rel.is_helper => Done,
        // The one who ran it cannot confirm it: the resident or another carer does.
        (Done, ErrandStep::Confirm) if rel.is_resident || (rel.carer && !rel.is_helper) => {
            Confirmed
        }
        (Requested | Accepted, ErrandStep::Cancel) if rel.carer || rel.is_resident => Cancelled,
        (Requested | Accepted | Done | Confirmed | Cancelled, _) => {
            return Err(FieldErrorCode::NotAllowed);
        }
    };
    Ok(next)
}

/// The steps `errand_step` allows from `status` for this relation, in order.
pub fn errand_steps(status: ErrandStatus, rel: ErrandRelation) -> Vec<ErrandStep> {
    ErrandStep::ALL
        .into_iter()
        .filter(|s| errand_step(status, *s, rel).is_ok())
        .collect()
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrandInput {
    pub resident_id: i64,
    pub kind: ErrandKind,
    pub description: String,
    /// The writer saw the open errand of this kind and says this is another matter
    /// (without it such an errand is refused: `kind`, `already_open`).
    #[serde(default)]
    pub confirm_duplicate: bool,
}

impl ErrandInput {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let d = self.description.trim();
        match d.chars().count() {
            0 => errs.add("description", FieldErrorCode::Required),
            n if n > 1000 => errs.add("description", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok(d.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrandMove {
    pub step: ErrandStep,
    pub version: i64,
    /// Amount paid, in fen (分), when completing.
    #[serde(default)]
    pub amount_fen: Option<i64>,
    /// What the receipt says, when completing.
    #[serde(default)]
    pub receipt: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

impl ErrandMove {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.step == ErrandStep::Complete {
            if self
                .amount_fen
                .is_some_and(|a| !(0..=10_000_000).contains(&a))
            {
                errs.add("amount_fen", FieldErrorCode::OutOfRange);
            }
            if self
                .receipt
                .as_deref()
                .is_some_and(|r| r.chars().count() > 500)
            {
                errs.add("receipt", FieldErrorCode::TooLong);
            }
        }
        if self
            .note
            .as_deref()
            .is_some_and(|n| n.chars().count() > 1000)
        {
            errs.add("note", FieldErrorCode::TooLong);
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrandView {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub grid_id: i64,
    pub kind: ErrandKind,
    pub description: String,
    pub status: ErrandStatus,
    pub helper_name: Option<String>,
    pub amount_fen: Option<i64>,
    pub receipt: Option<String>,
    pub confirmed_by_name: Option<String>,
    pub visit_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
    pub version: i64,
    /// The steps the asking user may take now (`errand_steps` for their relation to it).
    #[serde(default)]
    pub steps: Vec<ErrandStep>,
}

/// What a need found on a visit turns into, in the same step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum FollowUp {
    None,
    Errand {
        kind: ErrandKind,
        /// The writer saw the open errand of this kind and says this is another matter
        /// (without it such an errand is refused: `follow_up/kind`, `already_open`).
        #[serde(default)]
        confirm_duplicate: bool,
    },
    /// A case on the status board (a broken handrail, a leaking pipe …).
    Case {
        category_id: i64,
    },
}

/// A visit recorded from a phone in a few taps.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitInput {
    pub resident_id: i64,
    pub method: VisitMethod,
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    /// What the resident needs.
    #[serde(default)]
    pub needs: String,
    #[serde(default)]
    pub observations: String,
    #[serde(default = "no_follow_up")]
    pub follow_up: FollowUp,
}

fn no_follow_up() -> FollowUp {
    FollowUp::None
}

impl VisitInput {
    pub fn validate(&self, now: OffsetDateTime) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.needs.chars().count() > 1000 {
            errs.add("needs", FieldErrorCode::TooLong);
        }
        if self.observations.chars().count() > 2000 {
            errs.add("observations", FieldErrorCode::TooLong);
        }
        if self.visited_at > now + time::Duration::minutes(10)
            || self.visited_at < now - time::Duration::days(60)
        {
            errs.add("visited_at", FieldErrorCode::OutOfRange);
        }
        if !matches!(self.follow_up, FollowUp::None) && self.needs.trim().is_empty() {
            // The errand or case is made from the need: it must be written down.
            errs.add("needs", FieldErrorCode::Required);
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitView {
    pub id: i64,
    pub resident_id: i64,
    pub resident_name: String,
    pub visitor_name: String,
    pub method: VisitMethod,
    #[serde(with = "time::serde::rfc3339")]
    pub visited_at: OffsetDateTime,
    pub needs: String,
    pub observations: String,
    pub errand_id: Option<i64>,
    pub case_id: Option<i64>,
}

/// Special-group residents of one micro-grid: counts of people only, never names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupPlace {
    /// The micro-grid (or the grid itself, for households not in a micro-grid).
    pub place_id: i64,
    pub place_name: String,
    /// The grid it belongs to, so that "1微网格" of each grid can be told apart.
    pub grid_id: i64,
    pub grid_name: String,
    /// Distinct people with at least one special-group tag: someone living alone who is
    /// also disabled is one person here, and counted under each of their groups below.
    pub people: u64,
    /// People per group, in `SpecialGroup` order.
    pub groups: Vec<GroupCount>,
}

/// People of one special group in a micro-grid.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroupCount {
    pub group: crate::places::SpecialGroup,
    pub count: u64,
}

impl GroupPlace {
    /// The card's title: the grid and the micro-grid ("第一网格 · 1微网格"); a grid's own
    /// households just the grid.
    pub fn title(&self) -> String {
        if self.place_id == self.grid_id {
            self.grid_name.clone()
        } else {
            format!("{} · {}", self.grid_name, self.place_name)
        }
    }
}

/// Visit intervals per risk level.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VisitIntervals {
    pub high_days: u32,
    pub key_days: u32,
    pub normal_days: u32,
    pub version: i64,
}

impl VisitIntervals {
    pub fn days(&self, risk: RiskLevel) -> u32 {
        match risk {
            RiskLevel::High => self.high_days,
            RiskLevel::Key => self.key_days,
            RiskLevel::Normal => self.normal_days,
        }
    }

    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        for (name, v) in [
            ("high_days", self.high_days),
            ("key_days", self.key_days),
            ("normal_days", self.normal_days),
        ] {
            if !(1..=366).contains(&v) {
                errs.add(name, FieldErrorCode::OutOfRange);
            }
        }
        errs.into_result()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;
    use time::macros::{date, datetime};

    #[test]
    fn visits_fall_due_by_risk() {
        let since = date!(2026 - 11 - 01);
        assert_eq!(
            next_visit_due(None, since, RiskLevel::High.default_interval_days()),
            date!(2026 - 11 - 08)
        );
        assert_eq!(
            next_visit_due(
                Some(date!(2026 - 11 - 20)),
                since,
                RiskLevel::Key.default_interval_days()
            ),
            date!(2026 - 12 - 20)
        );
        assert!(visit_overdue(date!(2026 - 11 - 08), date!(2026 - 11 - 09)));
        assert!(!visit_overdue(date!(2026 - 11 - 08), date!(2026 - 11 - 08)));
    }

    #[test]
    fn who_cares_for_whom() {
        let gw = Principal {
            user_id: 1,
            username: "g".into(),
            display_name: "G".into(),
            roles: vec![Role::GridWorker],
            grid_ids: vec![3],
        };
        assert!(may_care_for(&gw, 3, false));
        assert!(!may_care_for(&gw, 4, false), "another grid's people");
        let volunteer = Principal {
            roles: vec![Role::Resident],
            grid_ids: vec![],
            ..gw.clone()
        };
        assert!(!may_care_for(&volunteer, 3, false));
        assert!(
            may_care_for(&volunteer, 3, true),
            "their own paired resident"
        );
        let mediator = Principal {
            roles: vec![Role::Mediator],
            ..volunteer
        };
        assert!(!may_care_for(&mediator, 3, false));
    }

    #[test]
    fn errands_are_confirmed_by_someone_else() {
        use ErrandStatus::*;
        let helper = ErrandRelation {
            is_helper: true,
            carer: true,
            is_resident: false,
        };
        let resident = ErrandRelation {
            is_resident: true,
            ..ErrandRelation::default()
        };
        let worker = ErrandRelation {
            carer: true,
            ..ErrandRelation::default()
        };
        assert_eq!(
            errand_step(Requested, ErrandStep::Accept, helper),
            Ok(Accepted)
        );
        assert!(errand_step(Requested, ErrandStep::Accept, resident).is_err());
        assert_eq!(
            errand_step(Accepted, ErrandStep::Complete, helper),
            Ok(Done)
        );
        assert!(
            errand_step(Done, ErrandStep::Confirm, helper).is_err(),
            "not by the one who ran it"
        );
        assert_eq!(
            errand_step(Done, ErrandStep::Confirm, resident),
            Ok(Confirmed)
        );
        assert_eq!(
            errand_step(Done, ErrandStep::Confirm, worker),
            Ok(Confirmed)
        );
        assert_eq!(
            errand_step(Requested, ErrandStep::Cancel, resident),
            Ok(Cancelled)
        );
        assert!(errand_step(Confirmed, ErrandStep::Cancel, worker).is_err());
        assert_eq!(
            errand_steps(Requested, helper),
            vec![ErrandStep::Accept, ErrandStep::Cancel]
        );
        assert_eq!(errand_steps(Done, helper), Vec::<ErrandStep>::new());
        assert_eq!(errand_steps(Done, worker), vec![ErrandStep::Confirm]);
    }

    #[test]
    fn visits_are_checked() {
        let now = datetime!(2026-11-29 10:00 UTC);
        let v = VisitInput {
            resident_id: 1,
            method: VisitMethod::InPerson,
            visited_at: now,
            needs: String::new(),
            observations: "精神不错".into(),
            follow_up: FollowUp::Errand {
                kind: ErrandKind::Medicine,
                confirm_duplicate: false,
            },
        };
        assert_eq!(v.validate(now).unwrap_err().0[0].0, "needs");
        let v = VisitInput {
            needs: "降压药快吃完了".into(),
            ..v
        };
        assert!(v.validate(now).is_ok());
        let future = VisitInput {
            visited_at: now + time::Duration::days(1),
            ..v
        };
        assert_eq!(future.validate(now).unwrap_err().0[0].0, "visited_at");
    }
}
