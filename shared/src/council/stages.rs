//! An item's stages and the moves between them: which exists, who may make it.

use super::routes::*;
use crate::accounts::{Principal, Role};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

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
