//! Grid deliberation (网格议事): agenda items (议题), their tiers and routes, support, ballots
//! and tallies, deliberation days (议事日).
//!
//! 小事及时议、大事定期议、要事重点议、难事反复议: small matters are decided by the grid leader
//! within a few days, big ones at the next regular deliberation day, important ones in a focused
//! session with the parties concerned, hard ones are carried from meeting to meeting with every
//! round's record kept. This module is the one place that says which move an item may make,
//! who may make it, who may vote, and how a ballot is counted.

use crate::accounts::{Principal, Role};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

// ---------------------------------------------------------------------------------------------
// Tiers and routes

/// How weighty a matter is; decides its route.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Tier {
    /// 小事：及时议，网格长限期决定
    Small,
    /// 大事：定期议，提交下一次议事日
    Big,
    /// 要事：重点议，召集相关方专题议事
    Important,
    /// 难事：反复议，逐次议事直到解决
    Hard,
}

/// Where an item of a tier goes to be decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Route {
    /// The grid leader decides within the configured number of days.
    LeaderDecides,
    /// Placed on the next regular deliberation day.
    RegularMeeting,
    /// A focused session with the parties concerned.
    FocusedSession,
    /// Carried from meeting to meeting until settled.
    Recurring,
}

impl Tier {
    pub const ALL: [Tier; 4] = [Tier::Small, Tier::Big, Tier::Important, Tier::Hard];

    pub fn as_str(self) -> &'static str {
        match self {
            Tier::Small => "small",
            Tier::Big => "big",
            Tier::Important => "important",
            Tier::Hard => "hard",
        }
    }

    pub fn parse(s: &str) -> Option<Tier> {
        Tier::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn route(self) -> Route {
        match self {
            Tier::Small => Route::LeaderDecides,
            Tier::Big => Route::RegularMeeting,
            Tier::Important => Route::FocusedSession,
            Tier::Hard => Route::Recurring,
        }
    }

    /// The kind of meeting that may take an item of this tier (small ones need none).
    pub fn meeting_kind(self) -> Option<MeetingKind> {
        match self.route() {
            Route::LeaderDecides => None,
            Route::RegularMeeting | Route::Recurring => Some(MeetingKind::Regular),
            Route::FocusedSession => Some(MeetingKind::Focused),
        }
    }

    pub fn text(self) -> Text {
        match self {
            Tier::Small => Text::new("小事", "Small matter"),
            Tier::Big => Text::new("大事", "Big matter"),
            Tier::Important => Text::new("要事", "Important matter"),
            Tier::Hard => Text::new("难事", "Hard matter"),
        }
    }

    /// The motto's half-line for the tier, shown under it.
    pub fn route_text(self) -> Text {
        match self {
            Tier::Small => Text::new(
                "及时议：网格长限期决定",
                "Decided at once by the grid leader",
            ),
            Tier::Big => Text::new(
                "定期议：提交议事日",
                "Decided at the regular deliberation day",
            ),
            Tier::Important => Text::new(
                "重点议：召集相关方专题议事",
                "A focused session with those concerned",
            ),
            Tier::Hard => Text::new(
                "反复议：逐次议事直到解决",
                "Carried from meeting to meeting until settled",
            ),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }
}

// ---------------------------------------------------------------------------------------------
// Stages and moves

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemStage {
    /// 已提出
    Proposed,
    /// 征集支持
    Gathering,
    /// 已排期
    Scheduled,
    /// 议事中
    Deliberating,
    /// 已决定
    Decided,
    /// 落实中
    CarryingOut,
    /// 已办结
    Done,
    /// 不予采纳
    NotAdopted,
}

impl ItemStage {
    pub const ALL: [ItemStage; 8] = [
        ItemStage::Proposed,
        ItemStage::Gathering,
        ItemStage::Scheduled,
        ItemStage::Deliberating,
        ItemStage::Decided,
        ItemStage::CarryingOut,
        ItemStage::Done,
        ItemStage::NotAdopted,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ItemStage::Proposed => "proposed",
            ItemStage::Gathering => "gathering",
            ItemStage::Scheduled => "scheduled",
            ItemStage::Deliberating => "deliberating",
            ItemStage::Decided => "decided",
            ItemStage::CarryingOut => "carrying_out",
            ItemStage::Done => "done",
            ItemStage::NotAdopted => "not_adopted",
        }
    }

    pub fn parse(s: &str) -> Option<ItemStage> {
        ItemStage::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            ItemStage::Proposed => Text::new("已提出", "Proposed"),
            ItemStage::Gathering => Text::new("征集支持", "Gathering support"),
            ItemStage::Scheduled => Text::new("已排期", "Scheduled"),
            ItemStage::Deliberating => Text::new("议事中", "In deliberation"),
            ItemStage::Decided => Text::new("已决定", "Decided"),
            ItemStage::CarryingOut => Text::new("落实中", "Being carried out"),
            ItemStage::Done => Text::new("已办结", "Done"),
            ItemStage::NotAdopted => Text::new("不予采纳", "Not adopted"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// Still to be decided: residents may support it, ballots may run.
    pub fn is_undecided(self) -> bool {
        matches!(
            self,
            ItemStage::Proposed
                | ItemStage::Gathering
                | ItemStage::Scheduled
                | ItemStage::Deliberating
        )
    }

    /// Decided and followed up: shown on the public accountability page.
    pub fn is_accountable(self) -> bool {
        matches!(
            self,
            ItemStage::Decided | ItemStage::CarryingOut | ItemStage::Done
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemAction {
    /// Set the tier and open the item for support.
    Accept,
    /// Put it on a meeting's agenda.
    Schedule,
    /// Begin deliberating it at the meeting.
    Open,
    /// Not settled this round: keep the round's record and schedule it again (难事反复议).
    Carry,
    /// Decide: responsible party, deadline, and the case that carries it out.
    Decide,
    /// The responsible party has started.
    Start,
    /// Carried out (its case is closed).
    Complete,
    /// Not adopted, with the reason.
    Reject,
}

/// What a move needs from the person making it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemNeeds {
    Nothing,
    Tier,
    Meeting,
    /// A note recording the round.
    Note,
    Decision,
    Reason,
}

/// Facts about the actor's relation to one item that the rules need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ItemRelation {
    /// The item lies in one of the actor's grids (a community-wide item lies in none).
    pub in_own_grid: bool,
}

/// The office (staff, admins) acts on every item; grid workers (the grid leader) on the items
/// of their grids.
pub fn may_manage(who: &Principal, rel: ItemRelation) -> bool {
    who.is_office() || (who.has_role(Role::GridWorker) && rel.in_own_grid)
}

/// May `who` raise an item for a place? Those who manage the place's grid (the office
/// anywhere, grid workers in their grids) and residents verified as living there
/// (`verified_resident_lives_here`: the place is their community, grid, micro-grid or home).
/// The one rule behind the server's check and the places the app offers.
pub fn may_raise(who: &Principal, rel: ItemRelation, verified_resident_lives_here: bool) -> bool {
    may_manage(who, rel) || (who.has_role(Role::Resident) && verified_resident_lives_here)
}

impl ItemAction {
    pub const ALL: [ItemAction; 8] = [
        ItemAction::Accept,
        ItemAction::Schedule,
        ItemAction::Open,
        ItemAction::Carry,
        ItemAction::Decide,
        ItemAction::Start,
        ItemAction::Complete,
        ItemAction::Reject,
    ];

    /// The stages the move starts from.
    pub fn from(self) -> &'static [ItemStage] {
        use ItemStage::*;
        match self {
            ItemAction::Accept => &[Proposed],
            // Also from scheduled: to another meeting, or to the next one after a carried round.
            ItemAction::Schedule => &[Proposed, Gathering, Scheduled],
            ItemAction::Open => &[Scheduled],
            ItemAction::Carry => &[Deliberating],
            // Small matters are decided at once, without a meeting (checked by tier).
            ItemAction::Decide => &[Gathering, Deliberating],
            ItemAction::Start => &[Decided],
            ItemAction::Complete => &[CarryingOut],
            ItemAction::Reject => &[Proposed, Gathering, Scheduled, Deliberating],
        }
    }

    pub fn to(self) -> ItemStage {
        use ItemStage::*;
        match self {
            ItemAction::Accept => Gathering,
            ItemAction::Schedule | ItemAction::Carry => Scheduled,
            ItemAction::Open => Deliberating,
            ItemAction::Decide => Decided,
            ItemAction::Start => CarryingOut,
            ItemAction::Complete => Done,
            ItemAction::Reject => NotAdopted,
        }
    }

    pub fn needs(self) -> ItemNeeds {
        match self {
            ItemAction::Accept => ItemNeeds::Tier,
            ItemAction::Schedule => ItemNeeds::Meeting,
            ItemAction::Carry => ItemNeeds::Note,
            ItemAction::Decide => ItemNeeds::Decision,
            ItemAction::Reject => ItemNeeds::Reason,
            ItemAction::Open | ItemAction::Start | ItemAction::Complete => ItemNeeds::Nothing,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ItemAction::Accept => "accept",
            ItemAction::Schedule => "schedule",
            ItemAction::Open => "open",
            ItemAction::Carry => "carry",
            ItemAction::Decide => "decide",
            ItemAction::Start => "start",
            ItemAction::Complete => "complete",
            ItemAction::Reject => "reject",
        }
    }

    pub fn text(self) -> Text {
        match self {
            ItemAction::Accept => Text::new("受理并定级", "Accept and set tier"),
            ItemAction::Schedule => Text::new("排入议程", "Put on the agenda"),
            ItemAction::Open => Text::new("开始议事", "Open deliberation"),
            ItemAction::Carry => Text::new("留待再议", "Carry to the next meeting"),
            ItemAction::Decide => Text::new("作出决定", "Decide"),
            ItemAction::Start => Text::new("开始落实", "Start carrying out"),
            ItemAction::Complete => Text::new("落实完成", "Mark as done"),
            ItemAction::Reject => Text::new("不予采纳", "Do not adopt"),
        }
    }
}

/// What the item looks like to the rules at the moment of a move.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemFacts {
    pub stage: ItemStage,
    pub tier: Option<Tier>,
    /// A ballot on the item is still open.
    pub ballot_open: bool,
    /// The last closed decision ballot, if any: did it pass?
    pub last_ballot_passed: Option<bool>,
    /// The case that carries out the decision is closed (None: there is no case).
    pub case_closed: Option<bool>,
}

/// Why a move was refused, for the problem document's detail.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ItemRefusal {
    NotFromThisStage,
    NotYours,
    /// Only small matters are decided without a meeting.
    NeedsMeeting,
    /// A ballot is still open.
    BallotOpen,
    /// The decision ballot failed: the item can be carried or not adopted, not decided.
    BallotFailed,
    /// The case carrying out the decision is not closed yet.
    CaseOpen,
}

impl ItemRefusal {
    pub fn text(self) -> Text {
        match self {
            ItemRefusal::NotFromThisStage => Text::new(
                "议题当前所处环节不能这样流转。",
                "The item cannot make that move from its current stage.",
            ),
            ItemRefusal::NotYours => Text::new(
                "只有社区工作人员或本网格的网格长可以这样操作。",
                "Only community staff or this grid's leader can do this.",
            ),
            ItemRefusal::NeedsMeeting => Text::new(
                "只有小事可以不经议事日直接决定，请先排入议程。",
                "Only small matters are decided without a meeting; schedule it first.",
            ),
            ItemRefusal::BallotOpen => Text::new(
                "表决尚未结束，请先结束表决。",
                "A ballot is still open; close it first.",
            ),
            ItemRefusal::BallotFailed => Text::new(
                "表决未通过，可留待再议或不予采纳。",
                "The ballot did not pass; carry the item or do not adopt it.",
            ),
            ItemRefusal::CaseOpen => Text::new(
                "落实该决定的事件尚未结案。",
                "The case carrying out the decision is not closed yet.",
            ),
        }
    }
}

/// May `who` make `action` on an item with these facts? Returns the stage it moves to.
pub fn check_item_move(
    facts: ItemFacts,
    action: ItemAction,
    who: &Principal,
    rel: ItemRelation,
) -> Result<ItemStage, ItemRefusal> {
    if !action.from().contains(&facts.stage) {
        return Err(ItemRefusal::NotFromThisStage);
    }
    if !may_manage(who, rel) {
        return Err(ItemRefusal::NotYours);
    }
    match action {
        ItemAction::Decide => {
            if facts.stage == ItemStage::Gathering && facts.tier != Some(Tier::Small) {
                return Err(ItemRefusal::NeedsMeeting);
            }
            if facts.ballot_open {
                return Err(ItemRefusal::BallotOpen);
            }
            if facts.last_ballot_passed == Some(false) {
                return Err(ItemRefusal::BallotFailed);
            }
        }
        ItemAction::Carry | ItemAction::Reject if facts.ballot_open => {
            return Err(ItemRefusal::BallotOpen);
        }
        ItemAction::Complete if facts.case_closed == Some(false) => {
            return Err(ItemRefusal::CaseOpen);
        }
        _ => {}
    }
    Ok(action.to())
}

/// The moves this actor may make now: the UI offers exactly these.
pub fn legal_item_actions(facts: ItemFacts, who: &Principal, rel: ItemRelation) -> Vec<ItemAction> {
    ItemAction::ALL
        .into_iter()
        .filter(|a| check_item_move(facts, *a, who, rel).is_ok())
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Voters

/// Whether the asking user is verified as a registered resident (who may support and vote).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct VoterStatus {
    pub verified: bool,
    pub grid_id: Option<i64>,
    pub household_id: Option<i64>,
    /// The micro-grid the resident lives in, if their household lies in one (they may raise
    /// items for it).
    #[serde(default)]
    pub micro_grid_id: Option<i64>,
}

/// Verify a user account as a registered resident; `null` removes the link.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LinkResident {
    pub resident_id: Option<i64>,
}

// ---------------------------------------------------------------------------------------------
// Support

/// Does `supports` reach the threshold that schedules an item?
pub fn support_reached(supports: u64, threshold: u32) -> bool {
    threshold > 0 && supports >= u64::from(threshold)
}

/// The council's configuration, one per installation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilSettings {
    /// Supports that move an item from gathering to scheduled.
    pub support_threshold: u32,
    /// Days the grid leader has to decide a small matter.
    pub small_matter_days: u32,
    pub version: i64,
}

impl CouncilSettings {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if !(1..=100_000).contains(&self.support_threshold) {
            errs.add("support_threshold", FieldErrorCode::OutOfRange);
        }
        if !(1..=90).contains(&self.small_matter_days) {
            errs.add("small_matter_days", FieldErrorCode::OutOfRange);
        }
        errs.into_result()
    }
}

// ---------------------------------------------------------------------------------------------
// Ballots

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Choice {
    Agree,
    Disagree,
    Abstain,
}

impl Choice {
    pub const ALL: [Choice; 3] = [Choice::Agree, Choice::Disagree, Choice::Abstain];

    pub fn as_str(self) -> &'static str {
        match self {
            Choice::Agree => "agree",
            Choice::Disagree => "disagree",
            Choice::Abstain => "abstain",
        }
    }

    pub fn text(self) -> Text {
        match self {
            Choice::Agree => Text::new("同意", "Agree"),
            Choice::Disagree => Text::new("不同意", "Disagree"),
            Choice::Abstain => Text::new("弃权", "Abstain"),
        }
    }
}

/// A decision ballot (agree / disagree / abstain) or a multiple-choice poll.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BallotKind {
    Decision,
    Poll {
        options: Vec<String>,
        /// How many options one voter may pick.
        max_choices: u16,
    },
}

/// How many must take part for the result to count.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Quorum {
    None,
    /// More than half of those in scope (as the residents' committee law asks of a
    /// residents' meeting).
    MoreThanHalf,
    /// At least this percentage of those in scope.
    AtLeastPercent {
        percent: u8,
    },
}

/// What it takes for a decision to pass.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PassRule {
    /// More agree than half of the votes cast (abstentions are votes cast).
    MajorityOfCast,
    /// More agree than half of those in scope.
    MajorityOfEligible,
    /// At least two thirds of the votes cast agree.
    TwoThirdsOfCast,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotRules {
    pub quorum: Quorum,
    pub pass: PassRule,
    /// One vote per household instead of one per resident.
    pub per_household: bool,
    /// Nobody sees the counts until the ballot closes.
    pub hidden_until_close: bool,
    /// Who voted is recorded, what they chose is not; an anonymous vote is final once cast.
    pub anonymous: bool,
}

impl Default for BallotRules {
    fn default() -> Self {
        BallotRules {
            quorum: Quorum::MoreThanHalf,
            pass: PassRule::MajorityOfCast,
            per_household: false,
            hidden_until_close: false,
            anonymous: false,
        }
    }
}

/// Open a ballot on an item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateBallot {
    pub question: String,
    pub kind: BallotKind,
    #[serde(default)]
    pub rules: BallotRules,
    #[serde(with = "time::serde::rfc3339")]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub closes_at: OffsetDateTime,
}

pub const MAX_POLL_OPTIONS: usize = 20;

impl CreateBallot {
    /// The question, trimmed, when everything is in order.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let question = self.question.trim();
        match question.chars().count() {
            0 => errs.add("question", FieldErrorCode::Required),
            n if n > 200 => errs.add("question", FieldErrorCode::TooLong),
            _ => {}
        }
        if let BallotKind::Poll {
            options,
            max_choices,
        } = &self.kind
        {
            if options.len() < 2 || options.len() > MAX_POLL_OPTIONS {
                errs.add("options", FieldErrorCode::OutOfRange);
            } else if options
                .iter()
                .any(|o| o.trim().is_empty() || o.chars().count() > 100)
            {
                errs.add("options", FieldErrorCode::InvalidFormat);
            } else {
                let mut seen: Vec<&str> = options.iter().map(|o| o.trim()).collect();
                seen.sort_unstable();
                seen.dedup();
                if seen.len() != options.len() {
                    errs.add("options", FieldErrorCode::Duplicate);
                }
            }
            if *max_choices == 0 || usize::from(*max_choices) > options.len() {
                errs.add("max_choices", FieldErrorCode::OutOfRange);
            }
        }
        if let Quorum::AtLeastPercent { percent } = self.rules.quorum
            && !(1..=100).contains(&percent)
        {
            errs.add("rules.quorum", FieldErrorCode::OutOfRange);
        }
        if matches!(self.kind, BallotKind::Poll { .. })
            && self.rules.pass != PassRule::MajorityOfCast
        {
            // A poll has a leading option, not a pass or fail.
            errs.add("rules.pass", FieldErrorCode::NotAllowed);
        }
        if self.closes_at <= self.opens_at {
            errs.add("closes_at", FieldErrorCode::OutOfRange);
        }
        if self.closes_at - self.opens_at > time::Duration::days(90) {
            errs.add("closes_at", FieldErrorCode::OutOfRange);
        }
        errs.into_result()?;
        Ok(question.to_string())
    }
}

/// One voter's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Answer {
    Decision {
        choice: Choice,
    },
    /// Indexes into the poll's options.
    Poll {
        options: Vec<u16>,
    },
}

impl Answer {
    /// Is this a valid answer to a ballot of `kind`? Poll picks come back sorted and distinct.
    pub fn check(&self, kind: &BallotKind) -> Result<Answer, FieldErrorCode> {
        match (self, kind) {
            (Answer::Decision { choice }, BallotKind::Decision) => {
                Ok(Answer::Decision { choice: *choice })
            }
            (
                Answer::Poll { options: picks },
                BallotKind::Poll {
                    options,
                    max_choices,
                },
            ) => {
                let mut picks = picks.clone();
                picks.sort_unstable();
                picks.dedup();
                if picks.is_empty()
                    || picks.len() > usize::from(*max_choices)
                    || picks.iter().any(|p| usize::from(*p) >= options.len())
                {
                    Err(FieldErrorCode::OutOfRange)
                } else {
                    Ok(Answer::Poll { options: picks })
                }
            }
            _ => Err(FieldErrorCode::InvalidFormat),
        }
    }

    /// The counter keys this answer adds one to: `agree`, `disagree`, `abstain`, or `o3`.
    pub fn keys(&self) -> Vec<String> {
        match self {
            Answer::Decision { choice } => vec![choice.as_str().to_string()],
            Answer::Poll { options } => options.iter().map(|o| format!("o{o}")).collect(),
        }
    }

    /// Storage form: the keys joined by commas.
    pub fn encode(&self) -> String {
        self.keys().join(",")
    }

    pub fn decode(s: &str, kind: &BallotKind) -> Option<Answer> {
        match kind {
            BallotKind::Decision => Choice::ALL
                .into_iter()
                .find(|c| c.as_str() == s)
                .map(|choice| Answer::Decision { choice }),
            BallotKind::Poll { .. } => s
                .split(',')
                .map(|k| k.strip_prefix('o')?.parse::<u16>().ok())
                .collect::<Option<Vec<u16>>>()
                .map(|options| Answer::Poll { options }),
        }
    }
}

/// Where a ballot stands in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum BallotState {
    NotYetOpen,
    Open,
    /// Past its closing time or closed early; the result is final once frozen.
    Closed,
}

pub fn ballot_state(
    now: OffsetDateTime,
    opens_at: OffsetDateTime,
    closes_at: OffsetDateTime,
    frozen: bool,
) -> BallotState {
    if frozen || now >= closes_at {
        BallotState::Closed
    } else if now < opens_at {
        BallotState::NotYetOpen
    } else {
        BallotState::Open
    }
}

/// Are the counts shown now?
/// Are the counts shown now? Anonymous ballots always hide them until close: live counts
/// would tell who chose what (watch the counter move as a known voter votes).
pub fn results_visible(rules: &BallotRules, state: BallotState) -> bool {
    state == BallotState::Closed || !(rules.hidden_until_close || rules.anonymous)
}

/// Votes per answer key.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Counts {
    pub agree: u64,
    pub disagree: u64,
    pub abstain: u64,
    /// Per poll option, in the options' order.
    pub options: Vec<u64>,
}

impl Counts {
    pub fn empty(kind: &BallotKind) -> Counts {
        Counts {
            options: match kind {
                BallotKind::Decision => Vec::new(),
                BallotKind::Poll { options, .. } => vec![0; options.len()],
            },
            ..Counts::default()
        }
    }

    /// Add `n` to the counter a key names; unknown keys are ignored.
    pub fn add(&mut self, key: &str, n: u64) {
        match key {
            "agree" => self.agree += n,
            "disagree" => self.disagree += n,
            "abstain" => self.abstain += n,
            _ => {
                if let Some(i) = key.strip_prefix('o').and_then(|i| i.parse::<usize>().ok())
                    && let Some(c) = self.options.get_mut(i)
                {
                    *c += n;
                }
            }
        }
    }
}

/// A ballot's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Outcome {
    /// Voters (residents or households) who took part.
    pub turnout: u64,
    /// Voters (residents or households) in scope.
    pub eligible: u64,
    pub quorum_met: bool,
    /// Decision ballots: passed or not (false when the quorum is not met).
    pub passed: Option<bool>,
    /// Polls: the options with the most votes (several on a tie; none without quorum).
    pub leading: Vec<u16>,
}

impl Quorum {
    /// What a result may say about the quorum: whether it was met, or nothing at all when the
    /// ballot has none (then "quorum met" would claim a rule nobody set).
    pub fn verdict(self, outcome: &Outcome) -> Option<bool> {
        match self {
            Quorum::None => None,
            Quorum::MoreThanHalf | Quorum::AtLeastPercent { .. } => Some(outcome.quorum_met),
        }
    }
}

/// Count a ballot. `turnout` is how many voters took part (a poll voter may pick several).
pub fn tally(
    kind: &BallotKind,
    rules: &BallotRules,
    eligible: u64,
    turnout: u64,
    counts: &Counts,
) -> Outcome {
    let quorum_met = match rules.quorum {
        Quorum::None => turnout > 0,
        Quorum::MoreThanHalf => turnout * 2 > eligible,
        Quorum::AtLeastPercent { percent } => turnout * 100 >= eligible * u64::from(percent),
    };
    match kind {
        BallotKind::Decision => {
            let cast = counts.agree + counts.disagree + counts.abstain;
            let rule = match rules.pass {
                PassRule::MajorityOfCast => counts.agree * 2 > cast,
                PassRule::MajorityOfEligible => counts.agree * 2 > eligible,
                PassRule::TwoThirdsOfCast => cast > 0 && counts.agree * 3 >= cast * 2,
            };
            Outcome {
                turnout,
                eligible,
                quorum_met,
                passed: Some(quorum_met && rule),
                leading: Vec::new(),
            }
        }
        BallotKind::Poll { .. } => {
            let top = counts.options.iter().copied().max().unwrap_or(0);
            let leading = if quorum_met && top > 0 {
                (0..counts.options.len())
                    .filter(|i| counts.options[*i] == top)
                    .map(|i| i as u16)
                    .collect()
            } else {
                Vec::new()
            };
            Outcome {
                turnout,
                eligible,
                quorum_met,
                passed: None,
                leading,
            }
        }
    }
}

/// Who a vote is counted for: a resident, or their household when one vote per household.
pub fn voter_key(rules: &BallotRules, resident_id: i64, household_id: i64) -> String {
    if rules.per_household {
        format!("h:{household_id}")
    } else {
        format!("r:{resident_id}")
    }
}

/// Why a vote is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VoteRefusal {
    NotOpen,
    /// The voter is not a verified resident in the item's scope.
    NotEligible,
    /// An anonymous vote was already cast, or another member of the household voted.
    AlreadyVoted,
}

/// May this vote be cast or changed? `previous` is the resident who cast the vote already
/// counted for the same voter key, if any.
pub fn check_vote(
    state: BallotState,
    rules: &BallotRules,
    eligible: bool,
    resident_id: i64,
    previous: Option<i64>,
) -> Result<(), VoteRefusal> {
    if state != BallotState::Open {
        return Err(VoteRefusal::NotOpen);
    }
    if !eligible {
        return Err(VoteRefusal::NotEligible);
    }
    match previous {
        None => Ok(()),
        Some(_) if rules.anonymous => Err(VoteRefusal::AlreadyVoted),
        Some(p) if p != resident_id => Err(VoteRefusal::AlreadyVoted),
        Some(_) => Ok(()),
    }
}

/// Cast or change a vote. Staff recording a show of hands name the resident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CastVote {
    pub answer: Answer,
    /// Staff recording the vote of an attendee at a meeting; absent when residents vote
    /// for themselves.
    #[serde(default)]
    pub resident_id: Option<i64>,
}

/// May `who` record votes for others (by show of hands at a meeting)?
pub fn may_record_votes(who: &Principal, rel: ItemRelation) -> bool {
    may_manage(who, rel)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BallotView {
    pub id: i64,
    pub item_id: i64,
    pub question: String,
    pub kind: BallotKind,
    pub rules: BallotRules,
    #[serde(with = "time::serde::rfc3339")]
    pub opens_at: OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub closes_at: OffsetDateTime,
    pub state: BallotState,
    /// The result is frozen (closed by staff or at the first look after its closing time).
    pub frozen: bool,
    /// Counts, when visible.
    pub counts: Option<Counts>,
    pub outcome: Option<Outcome>,
    /// The asking user's own vote (never for anonymous ballots: only that they voted).
    pub my_answer: Option<Answer>,
    pub i_voted: bool,
    /// The asking user may vote (a verified resident in scope, ballot open).
    pub may_vote: bool,
    pub version: i64,
}

// ---------------------------------------------------------------------------------------------
// Items

/// Raise an agenda item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateItem {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The community, grid or micro-grid the item concerns.
    pub scope_place_id: i64,
    /// A case category the item is about (optional).
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
}

impl CreateItem {
    /// Title and description, trimmed, when everything is in order.
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errs = FieldErrors::new();
        let title = self.title.trim();
        match title.chars().count() {
            0 => errs.add("title", FieldErrorCode::Required),
            1..=3 => errs.add("title", FieldErrorCode::TooShort),
            n if n > 100 => errs.add("title", FieldErrorCode::TooLong),
            _ => {}
        }
        let description = self.description.trim();
        if description.chars().count() > 4000 {
            errs.add("description", FieldErrorCode::TooLong);
        }
        match (self.lon, self.lat) {
            (None, None) => {}
            (Some(lon), Some(lat))
                if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => {}
            _ => errs.add("lon", FieldErrorCode::OutOfRange),
        }
        errs.into_result()?;
        Ok((title.to_string(), description.to_string()))
    }
}

/// A decision: what was decided, who carries it out, by when. It becomes a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Decision {
    pub text: String,
    pub responsible_party_id: i64,
    /// The case category for the follow-up case.
    pub category_id: i64,
    #[serde(with = "crate::calendar::ymd")]
    pub deadline: time::Date,
}

/// Move an item. `version` is the one the client saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveItem {
    pub action: ItemAction,
    pub version: i64,
    #[serde(default)]
    pub tier: Option<Tier>,
    #[serde(default)]
    pub meeting_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub decision: Option<Decision>,
}

impl MoveItem {
    /// Check that the move carries what it needs; returns the trimmed note.
    pub fn validate(&self, today: time::Date) -> Result<Option<String>, FieldErrors> {
        let mut errs = FieldErrors::new();
        let note = self
            .note
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty());
        if note.is_some_and(|n| n.chars().count() > 4000) {
            errs.add("note", FieldErrorCode::TooLong);
        }
        match self.action.needs() {
            ItemNeeds::Tier if self.tier.is_none() => errs.add("tier", FieldErrorCode::Required),
            ItemNeeds::Meeting if self.meeting_id.is_none() => {
                errs.add("meeting_id", FieldErrorCode::Required)
            }
            ItemNeeds::Note | ItemNeeds::Reason if note.is_none() => {
                errs.add("note", FieldErrorCode::Required)
            }
            ItemNeeds::Decision => match &self.decision {
                None => errs.add("decision", FieldErrorCode::Required),
                Some(d) => {
                    match d.text.trim().chars().count() {
                        0 => errs.add("decision.text", FieldErrorCode::Required),
                        n if n > 2000 => errs.add("decision.text", FieldErrorCode::TooLong),
                        _ => {}
                    }
                    if d.deadline < today {
                        errs.add("decision.deadline", FieldErrorCode::OutOfRange);
                    }
                }
            },
            _ => {}
        }
        errs.into_result()?;
        Ok(note.map(str::to_string))
    }
}

/// An item in lists and on the council board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemSummary {
    pub id: i64,
    pub title: String,
    pub stage: ItemStage,
    pub tier: Option<Tier>,
    pub scope_place_id: i64,
    pub scope_name: String,
    pub grid_id: Option<i64>,
    pub support_count: u64,
    pub support_threshold: u32,
    /// The asking user supports it.
    pub supported: bool,
    /// State of the newest ballot, if any.
    pub ballot_state: Option<BallotState>,
    pub meeting_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub meeting_at: Option<OffsetDateTime>,
    /// Small matters: decide by this day; decided items: carry out by this day.
    #[serde(with = "crate::calendar::ymd::option")]
    pub due: Option<time::Date>,
    pub overdue: bool,
    pub case_id: Option<i64>,
    pub comment_count: u64,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// One entry of an item's history: every move, every round.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemEvent {
    pub id: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Empty when the system made the entry (support reached the threshold).
    pub actor_name: String,
    /// A move (`accept`, `decide` …) or `raised`, `scheduled_by_support`, `ballot_opened`,
    /// `ballot_closed`, `minutes`.
    pub action: String,
    pub from_stage: Option<ItemStage>,
    pub to_stage: Option<ItemStage>,
    /// The entry's facts, worded by `ItemEventDetail::describe`.
    #[serde(default)]
    pub detail: ItemEventDetail,
    /// What someone typed with it (a move's note, a ballot's question, the minutes), or a
    /// count ("12 / 30"): shown as it is.
    pub note: Option<String>,
    pub meeting_id: Option<i64>,
}

/// The facts of an item's history entry besides its kind, stored with it (as JSON) and worded
/// in the reader's language: the tier an item was accepted as, whether a decision ballot
/// passed.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemEventDetail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tier: Option<Tier>,
    /// A closed decision ballot passed (or not); `None` for other ballots.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub passed: Option<bool>,
}

impl ItemEventDetail {
    pub fn is_empty(&self) -> bool {
        *self == ItemEventDetail::default()
    }

    /// "大事" / "Big matter"; "通过" / "Passed". `None` when there is nothing to say.
    pub fn describe(&self, lang: Lang) -> Option<&'static str> {
        match (self.tier, self.passed) {
            (Some(t), _) => Some(t.text().get(lang)),
            (None, Some(true)) => Some(Text::new("通过", "Passed").get(lang)),
            (None, Some(false)) => Some(Text::new("未通过", "Not passed").get(lang)),
            (None, None) => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecisionView {
    pub text: String,
    pub responsible_party_id: i64,
    /// The party's name in Chinese (`responsible_party_en` in English).
    pub responsible_party: String,
    #[serde(default)]
    pub responsible_party_en: String,
    #[serde(with = "crate::calendar::ymd")]
    pub deadline: time::Date,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub case_stage: Option<crate::cases::Stage>,
}

impl DecisionView {
    /// The responsible party's name in the reader's language.
    pub fn party_name(&self, lang: Lang) -> &str {
        match lang {
            Lang::En if !self.responsible_party_en.is_empty() => &self.responsible_party_en,
            _ => &self.responsible_party,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemView {
    pub summary: ItemSummary,
    pub description: String,
    pub category_id: Option<i64>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub raised_by_name: String,
    pub decision: Option<DecisionView>,
    /// Why it was not adopted.
    pub reason: Option<String>,
    pub history: Vec<ItemEvent>,
    pub ballots: Vec<BallotView>,
    /// Moves the asking user may make now.
    pub legal_actions: Vec<ItemAction>,
    /// The asking user may support it (a verified resident in scope, still gathering).
    pub may_support: bool,
    /// The asking user may hide comments and open ballots.
    pub may_manage: bool,
    /// Photos of what the item is about, oldest first.
    #[serde(default)]
    pub photos: Vec<ItemPhoto>,
    /// The asking user may add a photo now (`may_add_photo`).
    #[serde(default)]
    pub may_add_photo: bool,
}

// ---------------------------------------------------------------------------------------------
// Photos

/// A photo of an agenda item. Stored and checked like case photos (the types and size of
/// `crate::cases::PHOTO_TYPES` / `PHOTO_MAX_BYTES`); seen by whoever may see the item.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ItemPhoto {
    pub id: i64,
    pub item_id: i64,
    pub width: u32,
    pub height: u32,
    pub url: String,
    pub thumb_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// At most this many photos per agenda item.
pub const PHOTOS_PER_ITEM: u64 = 6;

/// Who may add a photo: the one who raised the item while it is still being proposed or
/// gathering support, and those who manage it (the office, the grid leader) until it is done
/// or not adopted.
pub fn may_add_photo(
    who: &Principal,
    raised_by: Option<i64>,
    stage: ItemStage,
    rel: ItemRelation,
) -> bool {
    let raiser = raised_by == Some(who.user_id)
        && matches!(stage, ItemStage::Proposed | ItemStage::Gathering);
    let manager = may_manage(who, rel) && !matches!(stage, ItemStage::Done | ItemStage::NotAdopted);
    raiser || manager
}

// ---------------------------------------------------------------------------------------------
// Live board

/// One change to an agenda item, sent on the council's live stream (`GET /council/live`,
/// `event: item`): only what a board card needs to refresh, nothing a user may not see.
/// `id` is the council history entry; a reconnecting client resumes after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CouncilLiveChange {
    pub id: i64,
    pub item_id: i64,
    pub version: i64,
    pub stage: ItemStage,
    pub support_count: u64,
}

/// History actions that record support only: sent on the live stream, left out of an item's
/// history (a thousand supports would drown the rounds).
pub const SUPPORT_ACTIONS: [&str; 2] = ["supported", "support_withdrawn"];

/// A comment under an item; hidden ones keep their place with the reason.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CommentView {
    pub id: i64,
    pub author_name: String,
    /// Empty when hidden (the office still sees it).
    pub body: String,
    pub hidden: bool,
    pub hidden_reason: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewComment {
    pub body: String,
}

impl NewComment {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let body = self.body.trim();
        match body.chars().count() {
            0 => errs.add("body", FieldErrorCode::Required),
            n if n > 1000 => errs.add("body", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok(body.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HideComment {
    /// Why it is hidden, shown in its place (1–[`HideComment::REASON_MAX`] characters).
    pub reason: String,
}

impl HideComment {
    pub const REASON_MAX: usize = 200;

    /// The trimmed reason.
    pub fn validate(&self) -> Result<String, FieldErrors> {
        crate::validate::required_text(&self.reason, Self::REASON_MAX)
            .map_err(|code| FieldErrors::one("reason", code))
    }
}

// ---------------------------------------------------------------------------------------------
// Deliberation days

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MeetingKind {
    /// 议事日：regular deliberation day
    Regular,
    /// 专题议事：focused session with the parties concerned
    Focused,
}

impl MeetingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MeetingKind::Regular => "regular",
            MeetingKind::Focused => "focused",
        }
    }

    pub fn parse(s: &str) -> Option<MeetingKind> {
        [MeetingKind::Regular, MeetingKind::Focused]
            .into_iter()
            .find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            MeetingKind::Regular => Text::new("议事日", "Deliberation day"),
            MeetingKind::Focused => Text::new("专题议事", "Focused session"),
        }
    }
}

/// May an item of `tier` go on a meeting of `kind`? Small matters need no meeting but may be
/// taken to any; hard ones may also be taken to a focused session.
pub fn meeting_fits(tier: Option<Tier>, kind: MeetingKind) -> bool {
    match tier {
        None | Some(Tier::Small) | Some(Tier::Hard) => true,
        Some(t) => t.meeting_kind() == Some(kind),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateMeeting {
    pub scope_place_id: i64,
    pub kind: MeetingKind,
    pub title: String,
    /// Where: 网格议事角, the square …
    pub venue: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
}

impl CreateMeeting {
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errs = FieldErrors::new();
        let title = self.title.trim();
        match title.chars().count() {
            0 => errs.add("title", FieldErrorCode::Required),
            n if n > 100 => errs.add("title", FieldErrorCode::TooLong),
            _ => {}
        }
        let venue = self.venue.trim();
        match venue.chars().count() {
            0 => errs.add("venue", FieldErrorCode::Required),
            n if n > 100 => errs.add("venue", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok((title.to_string(), venue.to_string()))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AttendeeKind {
    Resident,
    GridLeader,
    PropertyCompany,
    Staff,
    Other,
}

impl AttendeeKind {
    pub const ALL: [AttendeeKind; 5] = [
        AttendeeKind::Resident,
        AttendeeKind::GridLeader,
        AttendeeKind::PropertyCompany,
        AttendeeKind::Staff,
        AttendeeKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AttendeeKind::Resident => "resident",
            AttendeeKind::GridLeader => "grid_leader",
            AttendeeKind::PropertyCompany => "property_company",
            AttendeeKind::Staff => "staff",
            AttendeeKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AttendeeKind> {
        AttendeeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            AttendeeKind::Resident => Text::new("居民", "Resident"),
            AttendeeKind::GridLeader => Text::new("网格长", "Grid leader"),
            AttendeeKind::PropertyCompany => Text::new("物业公司", "Property company"),
            AttendeeKind::Staff => Text::new("社区工作人员", "Community staff"),
            AttendeeKind::Other => Text::new("其他", "Other"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendee {
    pub kind: AttendeeKind,
    pub name: String,
    /// A registered resident, when the attendee is one (their show-of-hands votes can be
    /// recorded).
    #[serde(default)]
    pub resident_id: Option<i64>,
}

/// Replace a meeting's attendance list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Attendance {
    pub attendees: Vec<Attendee>,
    pub version: i64,
}

pub const MAX_ATTENDEES: usize = 500;

impl Attendance {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        if self.attendees.len() > MAX_ATTENDEES {
            errs.add("attendees", FieldErrorCode::OutOfRange);
        }
        for (i, a) in self.attendees.iter().enumerate() {
            match a.name.trim().chars().count() {
                0 => errs.add(format!("attendees[{i}].name"), FieldErrorCode::Required),
                n if n > 64 => errs.add(format!("attendees[{i}].name"), FieldErrorCode::TooLong),
                _ => {}
            }
        }
        errs.into_result()
    }
}

/// The minutes of one agenda item at one meeting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Minutes {
    pub text: String,
    pub version: i64,
}

impl Minutes {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let text = self.text.trim();
        match text.chars().count() {
            0 => errs.add("text", FieldErrorCode::Required),
            n if n > 10_000 => errs.add("text", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok(text.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingSummary {
    pub id: i64,
    pub scope_place_id: i64,
    pub scope_name: String,
    pub kind: MeetingKind,
    pub title: String,
    pub venue: String,
    #[serde(with = "time::serde::rfc3339")]
    pub starts_at: OffsetDateTime,
    pub agenda_count: u64,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgendaEntry {
    pub item: ItemSummary,
    pub minutes: Option<String>,
}

/// A decision of the previous meeting as the next one reviews it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReviewEntry {
    pub item_id: i64,
    pub title: String,
    pub stage: ItemStage,
    pub decision: DecisionView,
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MeetingView {
    pub summary: MeetingSummary,
    /// Opens every meeting: what the previous meeting in this scope decided, and how far it is.
    pub previous_meeting_id: Option<i64>,
    pub review: Vec<ReviewEntry>,
    pub agenda: Vec<AgendaEntry>,
    pub attendees: Vec<Attendee>,
    pub may_manage: bool,
}

/// A line of the public accountability page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AccountabilityEntry {
    pub item_id: i64,
    pub title: String,
    pub scope_name: String,
    pub stage: ItemStage,
    #[serde(with = "time::serde::rfc3339")]
    pub decided_at: OffsetDateTime,
    pub decision: DecisionView,
    pub overdue: bool,
}

/// Is a decision overdue on `today`? Done items never are.
pub fn decision_overdue(stage: ItemStage, deadline: time::Date, today: time::Date) -> bool {
    matches!(stage, ItemStage::Decided | ItemStage::CarryingOut) && today > deadline
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    fn person(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn items_are_raised_by_who_manages_or_lives_there() {
        let own = ItemRelation { in_own_grid: true };
        let other = ItemRelation { in_own_grid: false };
        assert!(
            may_raise(&person(&[Role::Staff], &[]), other, false),
            "the office anywhere"
        );
        assert!(may_raise(&person(&[Role::GridWorker], &[1]), own, false));
        assert!(
            !may_raise(&person(&[Role::GridWorker], &[1]), other, false),
            "another grid"
        );
        assert!(
            may_raise(&person(&[Role::Resident], &[]), other, true),
            "where they live"
        );
        assert!(
            !may_raise(&person(&[Role::Resident], &[]), other, false),
            "elsewhere, or unverified"
        );
        assert!(
            !may_raise(&person(&[Role::Mediator], &[]), other, true),
            "a mediator's account"
        );
    }

    #[test]
    fn a_hide_reason_is_required_and_bounded() {
        let hide = |r: &str| HideComment { reason: r.into() }.validate();
        assert_eq!(hide("  广告 ").unwrap(), "广告");
        assert!(hide("   ").is_err());
        assert!(hide(&"长".repeat(HideComment::REASON_MAX)).is_ok());
        assert!(hide(&"长".repeat(HideComment::REASON_MAX + 1)).is_err());
    }

    fn facts(stage: ItemStage, tier: Option<Tier>) -> ItemFacts {
        ItemFacts {
            stage,
            tier,
            ballot_open: false,
            last_ballot_passed: None,
            case_closed: None,
        }
    }

    const OWN: ItemRelation = ItemRelation { in_own_grid: true };
    const OTHER: ItemRelation = ItemRelation { in_own_grid: false };

    #[test]
    fn tiers_route_to_their_meetings() {
        assert_eq!(Tier::Small.route(), Route::LeaderDecides);
        assert_eq!(Tier::Big.meeting_kind(), Some(MeetingKind::Regular));
        assert_eq!(Tier::Important.meeting_kind(), Some(MeetingKind::Focused));
        assert_eq!(Tier::Hard.route(), Route::Recurring);
        assert!(meeting_fits(Some(Tier::Big), MeetingKind::Regular));
        assert!(!meeting_fits(Some(Tier::Big), MeetingKind::Focused));
        assert!(!meeting_fits(Some(Tier::Important), MeetingKind::Regular));
        assert!(meeting_fits(Some(Tier::Hard), MeetingKind::Focused));
        for t in Tier::ALL {
            assert_eq!(Tier::parse(t.as_str()), Some(t));
        }
    }

    #[test]
    fn only_small_matters_are_decided_without_a_meeting() {
        let leader = person(&[Role::GridWorker], &[3]);
        let small = facts(ItemStage::Gathering, Some(Tier::Small));
        assert_eq!(
            check_item_move(small, ItemAction::Decide, &leader, OWN),
            Ok(ItemStage::Decided)
        );
        let big = facts(ItemStage::Gathering, Some(Tier::Big));
        assert_eq!(
            check_item_move(big, ItemAction::Decide, &leader, OWN),
            Err(ItemRefusal::NeedsMeeting)
        );
        let at_meeting = facts(ItemStage::Deliberating, Some(Tier::Big));
        assert!(check_item_move(at_meeting, ItemAction::Decide, &leader, OWN).is_ok());
    }

    #[test]
    fn who_may_move_items() {
        let f = facts(ItemStage::Proposed, None);
        let staff = person(&[Role::Staff], &[]);
        let leader = person(&[Role::GridWorker], &[3]);
        let resident = person(&[Role::Resident], &[]);
        let mediator = person(&[Role::Mediator], &[]);
        assert!(check_item_move(f, ItemAction::Accept, &staff, OTHER).is_ok());
        assert!(check_item_move(f, ItemAction::Accept, &leader, OWN).is_ok());
        assert_eq!(
            check_item_move(f, ItemAction::Accept, &leader, OTHER),
            Err(ItemRefusal::NotYours)
        );
        for who in [&resident, &mediator] {
            assert!(legal_item_actions(f, who, OWN).is_empty());
        }
    }

    #[test]
    fn every_stage_offers_exactly_its_moves_to_the_office() {
        let staff = person(&[Role::Staff], &[]);
        for stage in ItemStage::ALL {
            let f = facts(stage, Some(Tier::Big));
            let legal = legal_item_actions(f, &staff, OTHER);
            for a in ItemAction::ALL {
                let expected = a.from().contains(&stage)
                    && !(a == ItemAction::Decide && stage == ItemStage::Gathering);
                assert_eq!(legal.contains(&a), expected, "{stage:?} {a:?}");
            }
        }
        assert!(legal_item_actions(facts(ItemStage::Done, None), &staff, OTHER).is_empty());
        assert!(legal_item_actions(facts(ItemStage::NotAdopted, None), &staff, OTHER).is_empty());
    }

    #[test]
    fn ballots_gate_decisions() {
        let staff = person(&[Role::Staff], &[]);
        let mut f = facts(ItemStage::Deliberating, Some(Tier::Big));
        f.ballot_open = true;
        assert_eq!(
            check_item_move(f, ItemAction::Decide, &staff, OTHER),
            Err(ItemRefusal::BallotOpen)
        );
        assert_eq!(
            check_item_move(f, ItemAction::Carry, &staff, OTHER),
            Err(ItemRefusal::BallotOpen)
        );
        f.ballot_open = false;
        f.last_ballot_passed = Some(false);
        assert_eq!(
            check_item_move(f, ItemAction::Decide, &staff, OTHER),
            Err(ItemRefusal::BallotFailed)
        );
        assert!(check_item_move(f, ItemAction::Carry, &staff, OTHER).is_ok());
        assert!(check_item_move(f, ItemAction::Reject, &staff, OTHER).is_ok());
        f.last_ballot_passed = Some(true);
        assert!(check_item_move(f, ItemAction::Decide, &staff, OTHER).is_ok());
    }

    #[test]
    fn completion_waits_for_the_case() {
        let staff = person(&[Role::Staff], &[]);
        let mut f = facts(ItemStage::CarryingOut, Some(Tier::Big));
        f.case_closed = Some(false);
        assert_eq!(
            check_item_move(f, ItemAction::Complete, &staff, OTHER),
            Err(ItemRefusal::CaseOpen)
        );
        f.case_closed = Some(true);
        assert!(check_item_move(f, ItemAction::Complete, &staff, OTHER).is_ok());
    }

    #[test]
    fn support_threshold() {
        assert!(!support_reached(9, 10));
        assert!(support_reached(10, 10));
        assert!(!support_reached(100, 0));
    }

    #[test]
    fn moves_carry_what_they_need() {
        let today = date!(2026 - 11 - 29);
        let m = |action| MoveItem {
            action,
            version: 1,
            tier: None,
            meeting_id: None,
            note: Some("  ".into()),
            decision: None,
        };
        let field = |r: Result<Option<String>, FieldErrors>| r.unwrap_err().0[0].0.clone();
        assert_eq!(field(m(ItemAction::Accept).validate(today)), "tier");
        assert_eq!(field(m(ItemAction::Schedule).validate(today)), "meeting_id");
        assert_eq!(field(m(ItemAction::Reject).validate(today)), "note");
        assert_eq!(field(m(ItemAction::Decide).validate(today)), "decision");
        let mut d = m(ItemAction::Decide);
        d.decision = Some(Decision {
            text: "物业两周内修好路灯".into(),
            responsible_party_id: 1,
            category_id: 1,
            deadline: date!(2026 - 11 - 28),
        });
        assert_eq!(field(d.validate(today)), "decision.deadline");
        d.decision.as_mut().unwrap().deadline = today;
        assert_eq!(d.validate(today), Ok(None));
    }

    fn decision_counts(agree: u64, disagree: u64, abstain: u64) -> Counts {
        Counts {
            agree,
            disagree,
            abstain,
            options: vec![],
        }
    }

    #[test]
    fn a_ballot_without_quorum_says_nothing_about_one() {
        let k = BallotKind::Decision;
        let none = BallotRules {
            quorum: Quorum::None,
            ..BallotRules::default()
        };
        let o = tally(&k, &none, 100, 1, &decision_counts(1, 0, 0));
        assert_eq!(Quorum::None.verdict(&o), None);
        let half = BallotRules::default();
        let o = tally(&k, &half, 100, 1, &decision_counts(1, 0, 0));
        assert_eq!(half.quorum.verdict(&o), Some(false));
        let o = tally(&k, &half, 100, 51, &decision_counts(51, 0, 0));
        assert_eq!(half.quorum.verdict(&o), Some(true));
    }

    #[test]
    fn quorum_more_than_half() {
        let rules = BallotRules::default();
        let k = BallotKind::Decision;
        // 100 households in scope: 50 is not more than half.
        let o = tally(&k, &rules, 100, 50, &decision_counts(50, 0, 0));
        assert!(!o.quorum_met);
        assert_eq!(o.passed, Some(false));
        let o = tally(&k, &rules, 100, 51, &decision_counts(30, 21, 0));
        assert!(o.quorum_met);
        assert_eq!(o.passed, Some(true));
        let rules = BallotRules {
            quorum: Quorum::AtLeastPercent { percent: 30 },
            ..rules
        };
        assert!(tally(&k, &rules, 100, 30, &decision_counts(30, 0, 0)).quorum_met);
        assert!(!tally(&k, &rules, 100, 29, &decision_counts(29, 0, 0)).quorum_met);
        let none = BallotRules {
            quorum: Quorum::None,
            ..rules
        };
        assert!(!tally(&k, &none, 100, 0, &Counts::default()).quorum_met);
    }

    #[test]
    fn pass_rules() {
        let k = BallotKind::Decision;
        let cast = BallotRules {
            quorum: Quorum::None,
            ..BallotRules::default()
        };
        // Abstentions count as votes cast: 5 agree of 10 cast is not a majority.
        assert_eq!(
            tally(&k, &cast, 20, 10, &decision_counts(5, 2, 3)).passed,
            Some(false)
        );
        assert_eq!(
            tally(&k, &cast, 20, 10, &decision_counts(6, 1, 3)).passed,
            Some(true)
        );
        let eligible = BallotRules {
            pass: PassRule::MajorityOfEligible,
            ..cast
        };
        assert_eq!(
            tally(&k, &eligible, 20, 10, &decision_counts(10, 0, 0)).passed,
            Some(false)
        );
        assert_eq!(
            tally(&k, &eligible, 20, 11, &decision_counts(11, 0, 0)).passed,
            Some(true)
        );
        let two_thirds = BallotRules {
            pass: PassRule::TwoThirdsOfCast,
            ..cast
        };
        assert_eq!(
            tally(&k, &two_thirds, 9, 9, &decision_counts(6, 3, 0)).passed,
            Some(true)
        );
        assert_eq!(
            tally(&k, &two_thirds, 9, 9, &decision_counts(5, 4, 0)).passed,
            Some(false)
        );
    }

    #[test]
    fn polls_lead_with_ties() {
        let k = BallotKind::Poll {
            options: vec!["周六".into(), "周日".into(), "周三晚".into()],
            max_choices: 2,
        };
        let rules = BallotRules {
            quorum: Quorum::None,
            ..BallotRules::default()
        };
        let mut c = Counts::empty(&k);
        for key in ["o0", "o2", "o2", "o0", "o1", "x9", "o7"] {
            c.add(key, 1);
        }
        let o = tally(&k, &rules, 10, 3, &c);
        assert_eq!(o.leading, vec![0, 2]);
        assert_eq!(o.passed, None);
    }

    #[test]
    fn answers_match_their_ballot() {
        let poll = BallotKind::Poll {
            options: vec!["a".into(), "b".into(), "c".into()],
            max_choices: 2,
        };
        let picks = Answer::Poll {
            options: vec![2, 0, 2],
        };
        assert_eq!(
            picks.check(&poll),
            Ok(Answer::Poll {
                options: vec![0, 2]
            })
        );
        assert_eq!(
            Answer::Poll {
                options: vec![0, 1, 2]
            }
            .check(&poll),
            Err(FieldErrorCode::OutOfRange)
        );
        assert_eq!(
            Answer::Poll { options: vec![3] }.check(&poll),
            Err(FieldErrorCode::OutOfRange)
        );
        assert_eq!(
            Answer::Decision {
                choice: Choice::Agree
            }
            .check(&poll),
            Err(FieldErrorCode::InvalidFormat)
        );
        let a = Answer::Poll {
            options: vec![0, 2],
        };
        assert_eq!(Answer::decode(&a.encode(), &poll), Some(a));
        let d = Answer::Decision {
            choice: Choice::Abstain,
        };
        assert_eq!(Answer::decode(&d.encode(), &BallotKind::Decision), Some(d));
    }

    #[test]
    fn votes_change_until_close_except_anonymous() {
        let open = BallotState::Open;
        let rules = BallotRules::default();
        assert_eq!(check_vote(open, &rules, true, 7, None), Ok(()));
        assert_eq!(check_vote(open, &rules, true, 7, Some(7)), Ok(()));
        assert_eq!(
            check_vote(BallotState::Closed, &rules, true, 7, Some(7)),
            Err(VoteRefusal::NotOpen)
        );
        assert_eq!(
            check_vote(BallotState::NotYetOpen, &rules, true, 7, None),
            Err(VoteRefusal::NotOpen)
        );
        assert_eq!(
            check_vote(open, &rules, false, 7, None),
            Err(VoteRefusal::NotEligible)
        );
        let anon = BallotRules {
            anonymous: true,
            ..rules
        };
        assert_eq!(check_vote(open, &anon, true, 7, None), Ok(()));
        assert_eq!(
            check_vote(open, &anon, true, 7, Some(7)),
            Err(VoteRefusal::AlreadyVoted)
        );
        let household = BallotRules {
            per_household: true,
            ..rules
        };
        assert_eq!(voter_key(&household, 7, 40), "h:40");
        assert_eq!(voter_key(&rules, 7, 40), "r:7");
        // Another member of the household already voted.
        assert_eq!(
            check_vote(open, &household, true, 8, Some(7)),
            Err(VoteRefusal::AlreadyVoted)
        );
    }

    #[test]
    fn hidden_results_show_at_close() {
        let hidden = BallotRules {
            hidden_until_close: true,
            ..BallotRules::default()
        };
        let opens = datetime!(2026-12-01 09:00 UTC);
        let closes = datetime!(2026-12-03 18:00 UTC);
        let during = ballot_state(datetime!(2026-12-02 12:00 UTC), opens, closes, false);
        assert_eq!(during, BallotState::Open);
        assert!(!results_visible(&hidden, during));
        assert!(results_visible(&BallotRules::default(), during));
        let anonymous = BallotRules {
            anonymous: true,
            ..BallotRules::default()
        };
        assert!(
            !results_visible(&anonymous, during),
            "secret ballots hide live counts"
        );
        let after = ballot_state(closes, opens, closes, false);
        assert_eq!(after, BallotState::Closed);
        assert!(results_visible(&hidden, after));
        let early = ballot_state(datetime!(2026-12-02 12:00 UTC), opens, closes, true);
        assert_eq!(early, BallotState::Closed);
        assert_eq!(
            ballot_state(datetime!(2026-11-30 12:00 UTC), opens, closes, false),
            BallotState::NotYetOpen
        );
    }

    #[test]
    fn ballot_definitions_are_checked() {
        let opens = datetime!(2026-12-01 09:00 UTC);
        let good = CreateBallot {
            question: " 是否同意在3号楼下加装充电桩？ ".into(),
            kind: BallotKind::Decision,
            rules: BallotRules::default(),
            opens_at: opens,
            closes_at: opens + time::Duration::days(3),
        };
        assert_eq!(good.validate().unwrap(), "是否同意在3号楼下加装充电桩？");
        let backwards = CreateBallot {
            closes_at: opens,
            ..good.clone()
        };
        assert!(backwards.validate().is_err());
        let poll = CreateBallot {
            kind: BallotKind::Poll {
                options: vec!["周六".into(), "周六 ".into()],
                max_choices: 1,
            },
            ..good.clone()
        };
        assert_eq!(poll.validate().unwrap_err().0[0].0, "options");
        let poll_rule = CreateBallot {
            kind: BallotKind::Poll {
                options: vec!["周六".into(), "周日".into()],
                max_choices: 1,
            },
            rules: BallotRules {
                pass: PassRule::TwoThirdsOfCast,
                ..BallotRules::default()
            },
            ..good
        };
        assert_eq!(poll_rule.validate().unwrap_err().0[0].0, "rules.pass");
    }

    #[test]
    fn overdue_decisions() {
        let deadline = date!(2026 - 12 - 10);
        assert!(!decision_overdue(ItemStage::Decided, deadline, deadline));
        assert!(decision_overdue(
            ItemStage::CarryingOut,
            deadline,
            date!(2026 - 12 - 11)
        ));
        assert!(!decision_overdue(
            ItemStage::Done,
            deadline,
            date!(2026 - 12 - 11)
        ));
    }

    #[test]
    fn who_adds_photos() {
        let resident = person(&[Role::Resident], &[]);
        let staff = person(&[Role::Staff], &[]);
        let gw = person(&[Role::GridWorker], &[7]);
        // The raiser (user 1) while proposing and gathering, not after.
        assert!(may_add_photo(
            &resident,
            Some(1),
            ItemStage::Proposed,
            OTHER
        ));
        assert!(may_add_photo(
            &resident,
            Some(1),
            ItemStage::Gathering,
            OTHER
        ));
        assert!(!may_add_photo(
            &resident,
            Some(1),
            ItemStage::Scheduled,
            OTHER
        ));
        assert!(!may_add_photo(
            &resident,
            Some(2),
            ItemStage::Proposed,
            OTHER
        ));
        // Those who manage it until it is done or not adopted.
        let staff_other = Principal {
            user_id: 9,
            ..staff
        };
        assert!(may_add_photo(
            &staff_other,
            Some(1),
            ItemStage::Decided,
            OTHER
        ));
        assert!(!may_add_photo(
            &staff_other,
            Some(1),
            ItemStage::Done,
            OTHER
        ));
        let gw_other = Principal { user_id: 9, ..gw };
        assert!(may_add_photo(&gw_other, Some(1), ItemStage::Scheduled, OWN));
        assert!(!may_add_photo(
            &gw_other,
            Some(1),
            ItemStage::Scheduled,
            OTHER
        ));
    }
}
