//! A file's stages, the moves between them, who may make them, and its time limits.

use crate::accounts::{Principal, Role};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::Date;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediationStage {
    /// 受理前：申请或主动调解，征求各方同意
    Intake,
    /// 已受理
    Accepted,
    /// 调解中
    InSession,
    /// 达成协议，待各方确认
    Agreement,
    /// 履行中
    Performance,
    /// 已结案
    Closed,
    /// 不予受理（一方不同意调解）
    NotAccepted,
    /// 调解不成
    Failed,
}

impl MediationStage {
    pub const ALL: [MediationStage; 8] = [
        MediationStage::Intake,
        MediationStage::Accepted,
        MediationStage::InSession,
        MediationStage::Agreement,
        MediationStage::Performance,
        MediationStage::Closed,
        MediationStage::NotAccepted,
        MediationStage::Failed,
    ];

    /// The mediation board's columns, left to right.
    pub const BOARD: [MediationStage; 6] = [
        MediationStage::Intake,
        MediationStage::Accepted,
        MediationStage::InSession,
        MediationStage::Agreement,
        MediationStage::Performance,
        MediationStage::Closed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MediationStage::Intake => "intake",
            MediationStage::Accepted => "accepted",
            MediationStage::InSession => "in_session",
            MediationStage::Agreement => "agreement",
            MediationStage::Performance => "performance",
            MediationStage::Closed => "closed",
            MediationStage::NotAccepted => "not_accepted",
            MediationStage::Failed => "failed",
        }
    }

    pub fn parse(s: &str) -> Option<MediationStage> {
        MediationStage::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            MediationStage::Intake => Text::new("申请受理", "Intake"),
            MediationStage::Accepted => Text::new("已受理", "Accepted"),
            MediationStage::InSession => Text::new("调解中", "In session"),
            MediationStage::Agreement => Text::new("达成协议", "Agreement"),
            MediationStage::Performance => Text::new("履行中", "Being performed"),
            MediationStage::Closed => Text::new("已结案", "Closed"),
            MediationStage::NotAccepted => Text::new("不予受理", "Not accepted"),
            MediationStage::Failed => Text::new("调解不成", "Failed"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// The time limit runs while the file is open.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            MediationStage::Closed | MediationStage::NotAccepted | MediationStage::Failed
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediationAction {
    /// Every party consented: accept the file (the one-month clock starts).
    Accept,
    /// Hold sessions (also happens by recording the first session).
    Begin,
    /// An agreement is drafted: the parties are to confirm it.
    Agree,
    /// The agreement was not confirmed: back to sessions.
    Resume,
    /// Every party confirmed (or an oral agreement was recorded): performance is followed.
    Perform,
    /// Every term performed and followed up: close.
    Close,
    /// Mediation failed: end it, telling the parties of arbitration and the courts (Art. 26).
    Fail,
}

impl MediationAction {
    pub const ALL: [MediationAction; 7] = [
        MediationAction::Accept,
        MediationAction::Begin,
        MediationAction::Agree,
        MediationAction::Resume,
        MediationAction::Perform,
        MediationAction::Close,
        MediationAction::Fail,
    ];

    pub fn from(self) -> &'static [MediationStage] {
        use MediationStage::*;
        match self {
            MediationAction::Accept => &[Intake],
            MediationAction::Begin => &[Accepted],
            MediationAction::Agree => &[InSession],
            MediationAction::Resume => &[Agreement],
            MediationAction::Perform => &[Agreement],
            MediationAction::Close => &[Performance],
            MediationAction::Fail => &[Accepted, InSession, Agreement],
        }
    }

    pub fn to(self) -> MediationStage {
        use MediationStage::*;
        match self {
            MediationAction::Accept => Accepted,
            MediationAction::Begin | MediationAction::Resume => InSession,
            MediationAction::Agree => Agreement,
            MediationAction::Perform => Performance,
            MediationAction::Close => Closed,
            MediationAction::Fail => Failed,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            MediationAction::Accept => "accept",
            MediationAction::Begin => "begin",
            MediationAction::Agree => "agree",
            MediationAction::Resume => "resume",
            MediationAction::Perform => "perform",
            MediationAction::Close => "close",
            MediationAction::Fail => "fail",
        }
    }

    /// The move that takes a file from one stage straight to another (a drop on the board).
    pub fn between(from: MediationStage, to: MediationStage) -> Option<MediationAction> {
        MediationAction::ALL
            .into_iter()
            .find(|a| a.from().contains(&from) && a.to() == to)
    }

    /// Moves that need a note (a reason).
    pub fn needs_note(self) -> bool {
        matches!(self, MediationAction::Fail | MediationAction::Resume)
    }

    pub fn text(self) -> Text {
        match self {
            MediationAction::Accept => Text::new("受理", "Accept"),
            MediationAction::Begin => Text::new("开始调解", "Begin sessions"),
            MediationAction::Agree => Text::new("达成协议", "Agreement reached"),
            MediationAction::Resume => Text::new("继续调解", "Back to sessions"),
            MediationAction::Perform => Text::new("协议生效，跟踪履行", "Follow performance"),
            MediationAction::Close => Text::new("结案", "Close"),
            MediationAction::Fail => Text::new("调解不成，终止调解", "End: mediation failed"),
        }
    }
}

/// What the file looks like to the rules at the moment of a move.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileFacts {
    pub parties: usize,
    /// Parties whose consent to mediate is recorded as given.
    pub consented: usize,
    /// Parties who confirmed the agreement.
    pub confirmed: usize,
    /// The agreement exists; oral agreements need no signatures.
    pub has_agreement: bool,
    pub oral: bool,
    pub terms: usize,
    pub terms_performed: usize,
    pub follow_ups: usize,
}

/// Who the actor is to one file.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FileRelation {
    /// One of the file's mediators.
    pub mediator: bool,
    /// A party (logged in as a resident linked to a party).
    pub party: bool,
    /// The file lies in one of the actor's grids.
    pub in_own_grid: bool,
}

/// How much of a file a user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Nothing (404).
    None,
    /// A party: their own file, the shared record only.
    Party,
    /// Office and the grid's workers: the file and that sessions took place, not what was said.
    Office,
    /// The file's mediators: everything, back-to-back notes included (audit-logged).
    Mediator,
}

pub fn access(who: &Principal, rel: FileRelation) -> Access {
    // A party is a party first, whatever else they are: a staff member or grid worker in a
    // dispute of their own sees only what any party sees.
    if rel.party {
        Access::Party
    } else if rel.mediator && who.has_role(Role::Mediator) {
        Access::Mediator
    } else if who.is_office() || (who.has_role(Role::GridWorker) && rel.in_own_grid) {
        Access::Office
    } else {
        Access::None
    }
}

/// Who runs the file: its mediators, and the office (who opens files and assigns mediators).
pub fn may_run(who: &Principal, rel: FileRelation) -> bool {
    !rel.party && (matches!(access(who, rel), Access::Mediator) || who.is_office())
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MediationRefusal {
    NotFromThisStage,
    NotYours,
    /// Not every party consented yet.
    ConsentMissing,
    NoAgreement,
    /// Not every party confirmed the written agreement.
    NotConfirmed,
    /// Terms not performed, or no follow-up visit recorded.
    NotPerformed,
}

impl MediationRefusal {
    pub fn text(self) -> Text {
        match self {
            MediationRefusal::NotFromThisStage => Text::new(
                "调解案件当前环节不能这样流转。",
                "The file cannot make that move from its current stage.",
            ),
            MediationRefusal::NotYours => Text::new(
                "只有本案调解员或社区工作人员可以这样操作。",
                "Only this file's mediators or community staff can do this.",
            ),
            MediationRefusal::ConsentMissing => Text::new(
                "须各方当事人同意调解后才能受理。",
                "Every party must consent before the file is accepted.",
            ),
            MediationRefusal::NoAgreement => {
                Text::new("请先制作调解协议。", "Draft the agreement first.")
            }
            MediationRefusal::NotConfirmed => Text::new(
                "各方当事人尚未全部确认协议。",
                "Not every party has confirmed the agreement.",
            ),
            MediationRefusal::NotPerformed => Text::new(
                "协议条款尚未全部履行或尚无回访记录。",
                "Terms are not all performed, or no follow-up visit is recorded.",
            ),
        }
    }
}

pub fn check_mediation_move(
    stage: MediationStage,
    action: MediationAction,
    f: FileFacts,
    who: &Principal,
    rel: FileRelation,
) -> Result<MediationStage, MediationRefusal> {
    if !action.from().contains(&stage) {
        return Err(MediationRefusal::NotFromThisStage);
    }
    if !may_run(who, rel) {
        return Err(MediationRefusal::NotYours);
    }
    match action {
        MediationAction::Accept if f.parties < 2 || f.consented < f.parties => {
            Err(MediationRefusal::ConsentMissing)
        }
        MediationAction::Agree if !f.has_agreement => Err(MediationRefusal::NoAgreement),
        MediationAction::Perform if !f.oral && f.confirmed < f.parties => {
            Err(MediationRefusal::NotConfirmed)
        }
        MediationAction::Close if f.terms_performed < f.terms || f.follow_ups == 0 => {
            Err(MediationRefusal::NotPerformed)
        }
        _ => Ok(action.to()),
    }
}

pub fn legal_mediation_actions(
    stage: MediationStage,
    f: FileFacts,
    who: &Principal,
    rel: FileRelation,
) -> Vec<MediationAction> {
    MediationAction::ALL
        .into_iter()
        .filter(|a| check_mediation_move(stage, *a, f, who, rel).is_ok())
        .collect()
}

/// An extension of the time limit needs every party's consent.
pub fn extension_allowed(party_ids: &[i64], consenting: &[i64]) -> bool {
    !party_ids.is_empty() && party_ids.iter().all(|p| consenting.contains(p))
}

/// The default time limit: one month from acceptance.
pub fn default_deadline(accepted: Date) -> Date {
    let next = accepted.month().next();
    let year = if next == time::Month::January {
        accepted.year() + 1
    } else {
        accepted.year()
    };
    let last = time::util::days_in_month(next, year);
    Date::from_calendar_date(year, next, accepted.day().min(last)).unwrap_or(accepted)
}

/// The parties may jointly apply for judicial confirmation within 30 days of the agreement
/// taking effect (Art. 33).
pub fn judicial_confirmation_until(effective: Date) -> Date {
    effective + time::Duration::days(30)
}
