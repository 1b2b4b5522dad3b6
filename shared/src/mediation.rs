//! People's mediation (人民调解), after the PRC People's Mediation Law: intake by a party's
//! application or on the committee's initiative, each party's consent (Art. 17), mediators
//! (Art. 19) and invited participants (Art. 20), site checks, joint (面对面) and back-to-back
//! (背靠背) sessions, the agreement (调解协议书, Art. 28–29) and its performance, failure with the
//! other routes named (Art. 26), judicial confirmation within 30 days (Art. 33).
//!
//! This module says which move a file may make, who may make it, and — the heart of it — who
//! may read which part of a session record.

use crate::accounts::{Principal, Role};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

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

/// What one entry of a file's history records: one of the moves, or a step that does not
/// move the file. Stored and sent by these names (`intake`, `agreement_drafted`, `accept`, …);
/// the one place that says how each reads, in the app and in the printed file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MediationEvent {
    Intake,
    Consent,
    Refused,
    Notice,
    /// A session or an agreement went ahead while a party had not been told of their rights
    /// and duties (the note names them).
    NoticeMissing,
    Mediators,
    Record,
    RecordPhoto,
    Session,
    AgreementDrafted,
    Confirmed,
    Performed,
    Extend,
    Accept,
    Begin,
    Agree,
    Resume,
    Perform,
    Close,
    Fail,
}

impl MediationEvent {
    pub const ALL: [MediationEvent; 20] = [
        MediationEvent::Intake,
        MediationEvent::Consent,
        MediationEvent::Refused,
        MediationEvent::Notice,
        MediationEvent::NoticeMissing,
        MediationEvent::Mediators,
        MediationEvent::Record,
        MediationEvent::RecordPhoto,
        MediationEvent::Session,
        MediationEvent::AgreementDrafted,
        MediationEvent::Confirmed,
        MediationEvent::Performed,
        MediationEvent::Extend,
        MediationEvent::Accept,
        MediationEvent::Begin,
        MediationEvent::Agree,
        MediationEvent::Resume,
        MediationEvent::Perform,
        MediationEvent::Close,
        MediationEvent::Fail,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MediationEvent::Intake => "intake",
            MediationEvent::Consent => "consent",
            MediationEvent::Refused => "refused",
            MediationEvent::Notice => "notice",
            MediationEvent::NoticeMissing => "notice_missing",
            MediationEvent::Mediators => "mediators",
            MediationEvent::Record => "record",
            MediationEvent::RecordPhoto => "record_photo",
            MediationEvent::Session => "session",
            MediationEvent::AgreementDrafted => "agreement_drafted",
            MediationEvent::Confirmed => "confirmed",
            MediationEvent::Performed => "performed",
            MediationEvent::Extend => "extend",
            MediationEvent::Accept => "accept",
            MediationEvent::Begin => "begin",
            MediationEvent::Agree => "agree",
            MediationEvent::Resume => "resume",
            MediationEvent::Perform => "perform",
            MediationEvent::Close => "close",
            MediationEvent::Fail => "fail",
        }
    }

    pub fn parse(name: &str) -> Option<MediationEvent> {
        MediationEvent::ALL.into_iter().find(|e| e.as_str() == name)
    }

    pub fn text(self) -> Text {
        match self {
            MediationEvent::Intake => Text::new("登记", "Opened"),
            MediationEvent::Consent => Text::new("同意调解", "Consent"),
            MediationEvent::Refused => Text::new("不同意调解", "Refused"),
            MediationEvent::Notice => Text::new("告知权利义务", "Told of rights and duties"),
            MediationEvent::NoticeMissing => Text::new(
                "未经权利义务告知即进行",
                "Went ahead before the notice of rights and duties",
            ),
            MediationEvent::Mediators => Text::new("调整调解员", "Mediators changed"),
            MediationEvent::Record => Text::new("添加记录", "Record added"),
            MediationEvent::RecordPhoto => Text::new("添加照片", "Photo added"),
            MediationEvent::Session => Text::new("调解", "Session"),
            MediationEvent::AgreementDrafted => Text::new("制作协议", "Agreement drafted"),
            MediationEvent::Confirmed => Text::new("确认协议", "Agreement confirmed"),
            MediationEvent::Performed => Text::new("条款履行", "Term performed"),
            MediationEvent::Extend => Text::new("延长期限", "Time limit extended"),
            MediationEvent::Accept => MediationAction::Accept.text(),
            MediationEvent::Begin => MediationAction::Begin.text(),
            MediationEvent::Agree => MediationAction::Agree.text(),
            MediationEvent::Resume => MediationAction::Resume.text(),
            MediationEvent::Perform => MediationAction::Perform.text(),
            MediationEvent::Close => MediationAction::Close.text(),
            MediationEvent::Fail => MediationAction::Fail.text(),
        }
    }
}

impl From<MediationAction> for MediationEvent {
    fn from(a: MediationAction) -> Self {
        match a {
            MediationAction::Accept => MediationEvent::Accept,
            MediationAction::Begin => MediationEvent::Begin,
            MediationAction::Agree => MediationEvent::Agree,
            MediationAction::Resume => MediationEvent::Resume,
            MediationAction::Perform => MediationEvent::Perform,
            MediationAction::Close => MediationEvent::Close,
            MediationAction::Fail => MediationEvent::Fail,
        }
    }
}

/// The facts a history entry carries besides its kind, stored with it (as JSON) and worded
/// in the reader's language by `MediationEvent::describe`: which party, the record's kind, the
/// session's mode, the new time limit. Never words: what people typed (a refusal's reason, a
/// move's note, a term's proof) is the entry's `note`, shown as they wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileEventDetail {
    /// The parties the entry is about, by their names when it was written: who consented,
    /// refused, was told of their rights, confirmed the agreement, or had not been told.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<String>,
    /// The file's mediators after a change of mediators.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub mediators: Vec<String>,
    /// The mediators were chosen by the parties (otherwise assigned by the committee).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chosen_by_parties: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record_kind: Option<RecordKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session_mode: Option<SessionMode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub confirm_method: Option<ConfirmMethod>,
    /// The new time limit of an extension.
    #[serde(
        default,
        with = "crate::calendar::ymd::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub deadline: Option<Date>,
    /// The file was opened with a risk of the dispute turning violent (Art. 25).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub risk: bool,
}

impl FileEventDetail {
    pub fn is_empty(&self) -> bool {
        *self == FileEventDetail::default()
    }

    /// The people the entry names, as one piece of text ("刘建华、孙国强" / "刘建华, 孙国强"):
    /// user data the page marks as such inside `MediationEvent::describe`'s sentence.
    pub fn names(&self, lang: Lang) -> Option<String> {
        let list = if self.parties.is_empty() {
            &self.mediators
        } else {
            &self.parties
        };
        (!list.is_empty()).then(|| list.join(Text::new("、", ", ").get(lang)))
    }
}

impl MediationEvent {
    /// What the entry says beyond its label, from its facts, in the reader's language:
    /// "刘建华 同意调解" / "刘建华 agreed to mediation". `None` when the label says it all.
    /// The names in it are `detail.names(lang)`.
    pub fn describe(self, detail: &FileEventDetail, lang: Lang) -> Option<String> {
        let names = detail.names(lang).unwrap_or_default();
        let sentence = |t: Text| t.get(lang).replace("{names}", &names);
        let s = match self {
            MediationEvent::Intake if detail.risk => Text::new(
                "有激化风险：请及时通报公安机关（人民调解法第二十五条）",
                "Risk of escalation: notify the police promptly (People's Mediation Law, Art. 25)",
            )
            .get(lang)
            .to_string(),
            MediationEvent::Consent if !names.is_empty() => {
                sentence(Text::new("{names} 同意调解", "{names} agreed to mediation"))
            }
            MediationEvent::Refused if !names.is_empty() => {
                sentence(Text::new("{names} 不同意调解", "{names} refused mediation"))
            }
            MediationEvent::Notice if !names.is_empty() => sentence(Text::new(
                "已告知{names}调解的权利和义务",
                "{names} was told of the rights and duties in mediation",
            )),
            MediationEvent::NoticeMissing if !names.is_empty() => sentence(Text::new(
                "调解时尚未告知{names}调解的权利和义务",
                "{names} had not yet been told of the rights and duties in mediation",
            )),
            MediationEvent::Mediators if !names.is_empty() => {
                sentence(if detail.chosen_by_parties == Some(true) {
                    Text::new("{names}（当事人选定）", "{names} (chosen by the parties)")
                } else {
                    Text::new(
                        "{names}（调委会指派）",
                        "{names} (assigned by the committee)",
                    )
                })
            }
            MediationEvent::Record | MediationEvent::RecordPhoto => {
                detail.record_kind?.text().get(lang).to_string()
            }
            MediationEvent::Session => detail.session_mode?.text().get(lang).to_string(),
            MediationEvent::Confirmed if !names.is_empty() => match detail.confirm_method {
                Some(m) => format!(
                    "{}{}",
                    names,
                    Text::new("（{method}）", " ({method})")
                        .get(lang)
                        .replace("{method}", m.text().get(lang))
                ),
                None => names,
            },
            MediationEvent::Extend => Text::new(
                "经各方当事人同意，调解期限延长至 {date}",
                "With every party's consent, the time limit was extended to {date}",
            )
            .get(lang)
            .replace("{date}", &detail.deadline?.to_string()),
            // Ending a failed mediation tells the parties of the other routes (Art. 26).
            MediationEvent::Fail => OTHER_ROUTES_TOLD.get(lang).to_string(),
            _ => return None,
        };
        Some(s)
    }
}

/// Said when a mediation fails: the parties were told of the other routes (Art. 26).
pub const OTHER_ROUTES_TOLD: Text = Text::new(
    "已告知当事人可以依法通过仲裁、行政、司法等途径维护自己的权利",
    "The parties were told they may uphold their rights by arbitration, administrative or judicial means",
);
/// The parties a session is held with: everyone in a joint session, the one party in a
/// back-to-back one.
pub fn present_at(mode: SessionMode, party_id: Option<i64>, parties: &[i64]) -> Vec<i64> {
    match (mode, party_id) {
        (SessionMode::BackToBack, Some(p)) => parties.iter().copied().filter(|x| *x == p).collect(),
        _ => parties.to_vec(),
    }
}

/// Art. 23–24 of the People's Mediation Law: the parties are told of their rights and duties
/// before they are mediated. A session held without it is still recorded — it took place —
/// and the history says who had not been told (`MediationEvent::NoticeMissing`); an agreement
/// is not drafted until every party has been told (`ErrorCode::RightsNotNotified`): what a
/// party agrees to without knowing they may refuse is not freely agreed.
pub fn untold<'a>(parties: &'a [PartyView], among: &[i64]) -> Vec<&'a PartyView> {
    parties
        .iter()
        .filter(|p| among.contains(&p.id) && p.notified_at.is_none())
        .collect()
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

/// What is recorded on a file besides its moves, and the stages in which it may be: the
/// server refuses it elsewhere, the app offers it only there.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// A party's consent or refusal (before acceptance, Art. 17).
    Consent,
    Record(RecordKind),
    Session,
    /// Drafting or redrafting the agreement.
    Agreement,
    /// A party's confirmation of the agreement.
    Confirm,
    /// A term performed.
    Performed,
    /// The time limit extended.
    Extension,
}

impl Change {
    pub fn allowed_in(self, stage: MediationStage) -> bool {
        use MediationStage::*;
        match self {
            Change::Consent => stage == Intake,
            Change::Record(RecordKind::FollowUp) => matches!(stage, Performance | Closed),
            Change::Record(_) => stage.is_open(),
            Change::Session => matches!(stage, Accepted | InSession),
            Change::Agreement => matches!(stage, InSession | Agreement),
            Change::Confirm => stage == Agreement,
            Change::Performed => stage == Performance,
            Change::Extension => stage.is_open(),
        }
    }
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

// ---------------------------------------------------------------------------------------------
// Sessions and what each reader sees

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SessionMode {
    /// 面对面：all parties together
    Joint,
    /// 背靠背：one party alone with the mediator
    BackToBack,
}

impl SessionMode {
    pub fn as_str(self) -> &'static str {
        match self {
            SessionMode::Joint => "joint",
            SessionMode::BackToBack => "back_to_back",
        }
    }

    pub fn parse(s: &str) -> Option<SessionMode> {
        [SessionMode::Joint, SessionMode::BackToBack]
            .into_iter()
            .find(|m| m.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            SessionMode::Joint => Text::new("面对面调解", "Joint session"),
            SessionMode::BackToBack => Text::new("背靠背调解", "Back-to-back session"),
        }
    }

    /// Whether what a party says is, unless the mediator records otherwise, shared with the
    /// other side: in a joint session (面对面) the other side heard it in the room; in a
    /// back-to-back one it was said to the mediator alone.
    pub fn shared_by_default(self) -> bool {
        match self {
            SessionMode::Joint => true,
            SessionMode::BackToBack => false,
        }
    }
}

/// May a reader see one party's entry in a session record?
/// - mediators see everything;
/// - a party sees what they said, and what the other side allowed to be shared;
/// - the office sees that sessions took place, not what was said.
pub fn may_read_entry(
    access: Access,
    reader_party: Option<i64>,
    entry_party: i64,
    shareable: bool,
) -> bool {
    match access {
        Access::Mediator => true,
        Access::Party => reader_party == Some(entry_party) || shareable,
        Access::Office | Access::None => false,
    }
}

/// What one party said in a session, as the mediator records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryInput {
    pub party_id: i64,
    #[serde(default)]
    pub statement: String,
    /// 立场
    #[serde(default)]
    pub position: String,
    /// 深层利益
    #[serde(default)]
    pub interests: String,
    /// 提议
    #[serde(default)]
    pub proposal: String,
    /// The party allows this to be shared with the other side. Left out: the session mode's
    /// default ([`SessionMode::shared_by_default`]).
    #[serde(default)]
    pub shareable: Option<bool>,
}

impl EntryInput {
    /// Whether the other side may read this entry of a session held in `mode`.
    pub fn shared_in(&self, mode: SessionMode) -> bool {
        self.shareable.unwrap_or(mode.shared_by_default())
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewSession {
    pub mode: SessionMode,
    /// For a back-to-back session: the party present.
    #[serde(default)]
    pub party_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub held_at: OffsetDateTime,
    pub venue: String,
    /// Why the mediator chose this mode (the strategy switch is part of the record).
    #[serde(default)]
    pub strategy_note: String,
    #[serde(default)]
    pub entries: Vec<EntryInput>,
}

const MAX_FIELD: usize = 4000;

impl NewSession {
    pub fn validate(&self, party_ids: &[i64]) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match (self.mode, self.party_id) {
            (SessionMode::BackToBack, None) => errs.add("party_id", FieldErrorCode::Required),
            (SessionMode::BackToBack, Some(p)) if !party_ids.contains(&p) => {
                errs.add("party_id", FieldErrorCode::UnknownReference)
            }
            (SessionMode::Joint, Some(_)) => errs.add("party_id", FieldErrorCode::NotAllowed),
            _ => {}
        }
        match self.venue.trim().chars().count() {
            0 => errs.add("venue", FieldErrorCode::Required),
            n if n > 200 => errs.add("venue", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.strategy_note.chars().count() > MAX_FIELD {
            errs.add("strategy_note", FieldErrorCode::TooLong);
        }
        for (i, e) in self.entries.iter().enumerate() {
            if !party_ids.contains(&e.party_id) {
                errs.add(
                    format!("entries[{i}].party_id"),
                    FieldErrorCode::UnknownReference,
                );
            } else if self.mode == SessionMode::BackToBack && Some(e.party_id) != self.party_id {
                // Back-to-back: only the party in the room speaks.
                errs.add(format!("entries[{i}].party_id"), FieldErrorCode::NotAllowed);
            }
            for (name, v) in [
                ("statement", &e.statement),
                ("position", &e.position),
                ("interests", &e.interests),
                ("proposal", &e.proposal),
            ] {
                if v.chars().count() > MAX_FIELD {
                    errs.add(format!("entries[{i}].{name}"), FieldErrorCode::TooLong);
                }
            }
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EntryView {
    pub party_id: i64,
    pub party_name: String,
    pub statement: String,
    pub position: String,
    pub interests: String,
    pub proposal: String,
    pub shareable: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SessionView {
    pub id: i64,
    pub mode: SessionMode,
    pub party_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339")]
    pub held_at: OffsetDateTime,
    pub venue: String,
    pub mediator_name: String,
    /// Mediators only.
    pub strategy_note: Option<String>,
    /// Only the entries this reader may see.
    pub entries: Vec<EntryView>,
    /// Entries left out for this reader (so a reader knows the record is partial).
    pub withheld: u32,
}

// ---------------------------------------------------------------------------------------------
// Parties, intake, records

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Side {
    Applicant,
    Respondent,
    Other,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Applicant => "applicant",
            Side::Respondent => "respondent",
            Side::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Side> {
        [Side::Applicant, Side::Respondent, Side::Other]
            .into_iter()
            .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            Side::Applicant => Text::new("申请人", "Applicant"),
            Side::Respondent => Text::new("被申请人", "Respondent"),
            Side::Other => Text::new("其他当事人", "Other party"),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeType {
    Neighbour,
    Noise,
    WaterLeak,
    Property,
    Family,
    Other,
}

impl DisputeType {
    pub const ALL: [DisputeType; 6] = [
        DisputeType::Neighbour,
        DisputeType::Noise,
        DisputeType::WaterLeak,
        DisputeType::Property,
        DisputeType::Family,
        DisputeType::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DisputeType::Neighbour => "neighbour",
            DisputeType::Noise => "noise",
            DisputeType::WaterLeak => "water_leak",
            DisputeType::Property => "property",
            DisputeType::Family => "family",
            DisputeType::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<DisputeType> {
        DisputeType::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            DisputeType::Neighbour => Text::new("邻里纠纷", "Neighbours"),
            DisputeType::Noise => Text::new("噪音扰民", "Noise"),
            DisputeType::WaterLeak => Text::new("漏水滴水", "Water leak"),
            DisputeType::Property => Text::new("物业纠纷", "Property management"),
            DisputeType::Family => Text::new("家庭纠纷", "Family"),
            DisputeType::Other => Text::new("其他", "Other"),
        }
    }
}

/// A user who opens a dispute file only as its applicant: a resident with no role in the
/// committee's work (office, mediator, grid worker). Their file is their own application.
pub fn applies_for_self_only(who: &Principal) -> bool {
    !who.is_office() && !who.has_role(Role::Mediator) && !who.has_role(Role::GridWorker)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Origin {
    /// A party applied.
    Application,
    /// The committee's own initiative (a patrol found the dispute).
    Initiative,
    /// Referred from a case on the status board.
    Referral,
}

impl Origin {
    pub fn as_str(self) -> &'static str {
        match self {
            Origin::Application => "application",
            Origin::Initiative => "initiative",
            Origin::Referral => "referral",
        }
    }

    pub const ALL: [Origin; 3] = [Origin::Application, Origin::Initiative, Origin::Referral];

    pub fn parse(s: &str) -> Option<Origin> {
        Origin::ALL.into_iter().find(|x| x.as_str() == s)
    }

    /// May `who` open a file of this origin? Residents (without a role in the committee's
    /// work) apply for themselves only; the office, mediators and grid workers open any.
    pub fn may_choose(self, who: &Principal) -> bool {
        self == Origin::Application || !applies_for_self_only(who)
    }

    pub fn text(self) -> Text {
        match self {
            Origin::Application => Text::new("当事人申请", "A party applied"),
            Origin::Initiative => Text::new("主动调解", "Committee's initiative"),
            Origin::Referral => Text::new("事件转调解", "Referred from a case"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyInput {
    pub side: Side,
    pub name: String,
    /// Sensitive: stored, shown masked, revealed by an audited read.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub representative: Option<String>,
    /// The party's own resident account, so they can follow their file.
    #[serde(default)]
    pub user_id: Option<i64>,
    /// The same account by its username (what a resident can tell the office); resolved by
    /// the server when `user_id` is not given.
    #[serde(default)]
    pub username: Option<String>,
    /// The identity document's number (a resident identity card, or a passport or other
    /// certificate): an agreement names each party by it. Sensitive: shown masked.
    #[serde(default)]
    pub id_number: Option<String>,
    /// Where the party lives (住址), as the agreement states it.
    #[serde(default)]
    pub address: Option<String>,
}

/// A party's identity number as stored: an 18-character resident identity card number is
/// checked (GB 11643), anything else is a passport or other certificate (letters, digits and
/// dashes, at most 30).
pub fn parse_party_id_number(s: &str) -> Result<String, FieldErrorCode> {
    let t = s.trim().to_ascii_uppercase();
    let looks_like_id_card = t.len() == 18 && t.bytes().take(17).all(|b| b.is_ascii_digit());
    if looks_like_id_card {
        return crate::validate::IdCardNumber::parse(&t).map(|n| n.as_str().to_string());
    }
    if t.is_empty() || t.len() > 30 || !t.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-') {
        return Err(FieldErrorCode::InvalidFormat);
    }
    Ok(t)
}

impl PartyInput {
    pub fn validate(&self, prefix: &str, errs: &mut FieldErrors) {
        match self.name.trim().chars().count() {
            0 => errs.add(format!("{prefix}name"), FieldErrorCode::Required),
            n if n > 64 => errs.add(format!("{prefix}name"), FieldErrorCode::TooLong),
            _ => {}
        }
        if let Some(p) = self.phone.as_deref().filter(|p| !p.trim().is_empty())
            && let Err(c) = crate::validate::Phone::parse(p)
        {
            errs.add(format!("{prefix}phone"), c);
        }
        if self
            .representative
            .as_deref()
            .is_some_and(|r| r.chars().count() > 64)
        {
            errs.add(format!("{prefix}representative"), FieldErrorCode::TooLong);
        }
        if let Some(n) = self.id_number.as_deref().filter(|n| !n.trim().is_empty())
            && let Err(c) = parse_party_id_number(n)
        {
            errs.add(format!("{prefix}id_number"), c);
        }
        if self
            .address
            .as_deref()
            .is_some_and(|a| a.trim().chars().count() > 200)
        {
            errs.add(format!("{prefix}address"), FieldErrorCode::TooLong);
        }
    }
}

/// What the agreement (调解协议书) states of each party: name, identity number and address in
/// full, as the document the parties sign carries them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementParty {
    pub party_id: i64,
    pub id_number: Option<String>,
    pub address: Option<String>,
}

/// The facts an agreement document needs beyond the reader's view of the file: the parties'
/// identity numbers and addresses in full, and the committee that mediated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AgreementDocument {
    /// e.g. 幸福社区人民调解委员会
    pub committee: String,
    pub parties: Vec<AgreementParty>,
}

impl AgreementDocument {
    pub fn party(&self, id: i64) -> Option<&AgreementParty> {
        self.parties.iter().find(|p| p.party_id == id)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateFile {
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub dispute_type: DisputeType,
    pub origin: Origin,
    /// The case on the status board this dispute came from.
    #[serde(default)]
    pub source_case_id: Option<i64>,
    /// Where: a grid, micro-grid, building or household.
    pub place_id: i64,
    pub parties: Vec<PartyInput>,
    /// Mediators (users with the mediator role); chosen by the parties or assigned (Art. 19).
    #[serde(default)]
    pub mediator_ids: Vec<i64>,
    #[serde(default)]
    pub chosen_by_parties: bool,
    /// May turn into a public-order or criminal case: the police are to be told (Art. 25).
    #[serde(default)]
    pub risk: bool,
}

impl CreateFile {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match self.title.trim().chars().count() {
            0 => errs.add("title", FieldErrorCode::Required),
            n if n > 100 => errs.add("title", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.description.chars().count() > MAX_FIELD {
            errs.add("description", FieldErrorCode::TooLong);
        }
        if self.parties.len() < 2 || self.parties.len() > 20 {
            errs.add("parties", FieldErrorCode::OutOfRange);
        }
        if !self.parties.iter().any(|p| p.side == Side::Applicant)
            || !self.parties.iter().any(|p| p.side == Side::Respondent)
        {
            errs.add("parties", FieldErrorCode::Required);
        }
        for (i, p) in self.parties.iter().enumerate() {
            p.validate(&format!("parties[{i}]."), &mut errs);
        }
        if self.origin == Origin::Referral && self.source_case_id.is_none() {
            errs.add("source_case_id", FieldErrorCode::Required);
        }
        errs.into_result()
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Consent {
    pub agreed: bool,
    /// Why a party refuses (required then).
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// 现场核实
    SiteCheck,
    /// 回访
    FollowUp,
    /// Police notified of a risk (Art. 25).
    PoliceNotice,
    /// Invited participant (police officer, property company, relatives, experts; Art. 20).
    Invitation,
    Note,
}

impl RecordKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::SiteCheck => "site_check",
            RecordKind::FollowUp => "follow_up",
            RecordKind::PoliceNotice => "police_notice",
            RecordKind::Invitation => "invitation",
            RecordKind::Note => "note",
        }
    }

    pub fn parse(s: &str) -> Option<RecordKind> {
        [
            RecordKind::SiteCheck,
            RecordKind::FollowUp,
            RecordKind::PoliceNotice,
            RecordKind::Invitation,
            RecordKind::Note,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            RecordKind::SiteCheck => Text::new("现场核实", "Site check"),
            RecordKind::FollowUp => Text::new("回访", "Follow-up visit"),
            RecordKind::PoliceNotice => Text::new("通报公安机关", "Police notified"),
            RecordKind::Invitation => Text::new("邀请参与调解", "Invited participant"),
            RecordKind::Note => Text::new("备注", "Note"),
        }
    }

    /// Records that carry photos: what the mediator saw on site (现场核实) and at the
    /// follow-up visit (回访), e.g. the moved air-conditioner unit. Notices, invitations and
    /// notes are words only.
    pub fn takes_photos(self) -> bool {
        matches!(self, RecordKind::SiteCheck | RecordKind::FollowUp)
    }
}

/// Who sees a file's records (site checks, follow-ups, police notices, invitations, notes)
/// and so their photos: those who run or oversee the file — its mediators, the office and
/// the grid's workers. Parties do not (they learn the outcome from the sessions and the
/// agreement); anyone else sees no file at all.
pub fn may_see_records(a: Access) -> bool {
    a >= Access::Office
}

/// At most this many photos per record.
pub const PHOTOS_PER_RECORD: u64 = 6;

/// Who may add a photo to a record, and when: whoever may add such a record now (those who
/// run the file, `may_run`, in a stage where that kind of record is made,
/// `Change::Record`), for the kinds of record that carry photos.
pub fn may_add_record_photo(
    who: &Principal,
    rel: FileRelation,
    stage: MediationStage,
    kind: RecordKind,
) -> bool {
    kind.takes_photos() && may_run(who, rel) && Change::Record(kind).allowed_in(stage)
}

/// A photo of a record. Stored and checked like case photos (the types and size of
/// `crate::cases::PHOTO_TYPES` / `PHOTO_MAX_BYTES`, re-encoded without EXIF); served only to
/// those who may see the record (`may_see_records`), checked on every request.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordPhoto {
    pub id: i64,
    pub record_id: i64,
    pub width: u32,
    pub height: u32,
    pub url: String,
    pub thumb_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewRecord {
    pub kind: RecordKind,
    pub text: String,
    /// For invitations: the parties consented to the participant (Art. 20).
    #[serde(default)]
    pub parties_consented: bool,
}

impl NewRecord {
    pub fn validate(&self) -> Result<String, FieldErrors> {
        let mut errs = FieldErrors::new();
        let text = self.text.trim();
        match text.chars().count() {
            0 => errs.add("text", FieldErrorCode::Required),
            n if n > MAX_FIELD => errs.add("text", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.kind == RecordKind::Invitation && !self.parties_consented {
            errs.add("parties_consented", FieldErrorCode::Required);
        }
        errs.into_result()?;
        Ok(text.to_string())
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermInput {
    pub text: String,
    #[serde(with = "crate::calendar::ymd")]
    pub due: Date,
}

/// The agreement (调解协议书): facts and responsibility, terms with due dates.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementInput {
    /// 纠纷主要事实、争议事项及各方责任
    pub facts: String,
    pub terms: Vec<TermInput>,
    /// An oral agreement (口头协议) recorded instead of a signed document.
    #[serde(default)]
    pub oral: bool,
    /// The file's version the mediator saw.
    pub version: i64,
}

impl AgreementInput {
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errs = FieldErrors::new();
        match self.facts.trim().chars().count() {
            0 => errs.add("facts", FieldErrorCode::Required),
            n if n > MAX_FIELD => errs.add("facts", FieldErrorCode::TooLong),
            _ => {}
        }
        if self.terms.is_empty() || self.terms.len() > 30 {
            errs.add("terms", FieldErrorCode::OutOfRange);
        }
        for (i, t) in self.terms.iter().enumerate() {
            match t.text.trim().chars().count() {
                0 => errs.add(format!("terms[{i}].text"), FieldErrorCode::Required),
                n if n > 1000 => errs.add(format!("terms[{i}].text"), FieldErrorCode::TooLong),
                _ => {}
            }
        }
        errs.into_result()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ConfirmMethod {
    Signature,
    Thumbprint,
    Oral,
}

impl ConfirmMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfirmMethod::Signature => "signature",
            ConfirmMethod::Thumbprint => "thumbprint",
            ConfirmMethod::Oral => "oral",
        }
    }

    pub fn parse(s: &str) -> Option<ConfirmMethod> {
        [
            ConfirmMethod::Signature,
            ConfirmMethod::Thumbprint,
            ConfirmMethod::Oral,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            ConfirmMethod::Signature => Text::new("签名", "Signature"),
            ConfirmMethod::Thumbprint => Text::new("按手印", "Thumbprint"),
            ConfirmMethod::Oral => Text::new("口头确认", "Oral"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Confirm {
    pub method: ConfirmMethod,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Performed {
    /// What shows it was done (a note on the proof seen), 1–[`Performed::PROOF_MAX`] characters.
    pub proof: String,
}

impl Performed {
    pub const PROOF_MAX: usize = 2000;

    /// The trimmed proof.
    pub fn validate(&self) -> Result<String, crate::error::FieldErrors> {
        crate::validate::required_text(&self.proof, Self::PROOF_MAX)
            .map_err(|code| crate::error::FieldErrors::one("proof", code))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Extension {
    #[serde(with = "crate::calendar::ymd")]
    pub deadline: Date,
    /// Every party must consent (recorded by the mediator).
    pub consenting_party_ids: Vec<i64>,
    pub version: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveFile {
    pub action: MediationAction,
    pub version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Views

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyView {
    pub id: i64,
    pub side: Side,
    pub name: String,
    /// Masked.
    pub phone: Option<String>,
    /// Masked.
    #[serde(default)]
    pub id_number: Option<String>,
    /// For the office and the mediators (a party reads the other side's on the agreement).
    #[serde(default)]
    pub address: Option<String>,
    pub representative: Option<String>,
    pub has_account: bool,
    pub consent: Option<bool>,
    pub consent_note: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub consent_at: Option<OffsetDateTime>,
    /// When the notice of rights and duties was given.
    #[serde(with = "time::serde::rfc3339::option")]
    pub notified_at: Option<OffsetDateTime>,
    pub confirmed_by: Option<ConfirmMethod>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub confirmed_at: Option<OffsetDateTime>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct RecordView {
    pub id: i64,
    pub kind: RecordKind,
    pub text: String,
    pub author_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// Its photos, oldest first.
    #[serde(default)]
    pub photos: Vec<RecordPhoto>,
    /// The reader may add a photo to it now (`may_add_record_photo`).
    #[serde(default)]
    pub may_add_photo: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TermView {
    pub id: i64,
    pub text: String,
    #[serde(with = "crate::calendar::ymd")]
    pub due: Date,
    #[serde(with = "time::serde::rfc3339::option")]
    pub performed_at: Option<OffsetDateTime>,
    pub proof: Option<String>,
    pub overdue: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AgreementView {
    pub facts: String,
    pub oral: bool,
    pub terms: Vec<TermView>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub effective_at: Option<OffsetDateTime>,
    /// Art. 33: the parties may apply jointly for judicial confirmation until this day.
    #[serde(with = "crate::calendar::ymd::option")]
    pub judicial_confirmation_until: Option<Date>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_name: String,
    pub action: MediationEvent,
    pub from_stage: Option<MediationStage>,
    pub to_stage: Option<MediationStage>,
    /// The entry's facts, worded by `MediationEvent::describe`.
    #[serde(default)]
    pub detail: FileEventDetail,
    /// What someone typed with it (a refusal's reason, a move's note, a term's proof): user text.
    pub note: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileSummary {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub dispute_type: DisputeType,
    pub stage: MediationStage,
    pub grid_id: Option<i64>,
    pub risk: bool,
    #[serde(with = "crate::calendar::ymd::option")]
    pub deadline: Option<Date>,
    pub overdue: bool,
    pub mediator_names: Vec<String>,
    pub version: i64,
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// The case file (卷宗) as this reader may see it, in order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct FileView {
    pub summary: FileSummary,
    pub access: Access,
    pub description: String,
    pub origin: Origin,
    pub source_case_id: Option<i64>,
    pub place_id: i64,
    pub chosen_by_parties: bool,
    /// The mediators' user ids.
    #[serde(default)]
    pub mediator_ids: Vec<i64>,
    pub parties: Vec<PartyView>,
    pub records: Vec<RecordView>,
    pub sessions: Vec<SessionView>,
    pub agreement: Option<AgreementView>,
    /// Why the file ended not accepted or failed, as typed (the refusing party's reason, the
    /// mediator's note): user text. What the ending means is worded from the stage and the
    /// history (`MediationEvent::describe`).
    pub outcome_note: Option<String>,
    pub history: Vec<FileEvent>,
    pub legal_actions: Vec<MediationAction>,
}

/// Assign the file's mediators (Art. 19: assigned by the committee or chosen by the parties).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Mediators {
    pub user_ids: Vec<i64>,
    #[serde(default)]
    pub chosen_by_parties: bool,
    pub version: i64,
}

/// A party's full contact, from an audited read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PartyContact {
    pub party_id: i64,
    pub phone: Option<String>,
    #[serde(default)]
    pub id_number: Option<String>,
}

/// One column of the mediation board.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct BoardColumn {
    pub stage: MediationStage,
    pub cards: Vec<FileSummary>,
}

/// One change on the mediation board's live stream (`GET /api/v1/mediation/live`): which
/// file, its version and stage now. Never content: not even what kind of change it was (a
/// party must not learn of the other side's back-to-back sessions from the stream).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LiveFileChange {
    /// The history entry's id: the stream's cursor (`Last-Event-ID`).
    pub id: i64,
    pub file_id: i64,
    pub version: i64,
    pub stage: MediationStage,
}

/// Who may (re)assign a file's mediators (Art. 19: assigned by the committee, or chosen by the
/// parties and recorded so): the office, unless they are a party to the dispute themselves.
pub fn may_assign_mediators(who: &Principal, rel: FileRelation) -> bool {
    who.is_office() && !rel.party
}

pub fn deadline_overdue(stage: MediationStage, deadline: Option<Date>, today: Date) -> bool {
    stage.is_open() && deadline.is_some_and(|d| today > d)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn words_said_face_to_face_are_shared_by_default_and_back_to_back_are_not() {
        assert!(SessionMode::Joint.shared_by_default());
        assert!(!SessionMode::BackToBack.shared_by_default());
    }

    fn who(roles: &[Role], grids: &[i64]) -> Principal {
        Principal {
            user_id: 9,
            username: "x".into(),
            display_name: "X".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn residents_apply_for_themselves_only() {
        let resident = who(&[Role::Resident], &[]);
        assert!(Origin::Application.may_choose(&resident));
        assert!(!Origin::Initiative.may_choose(&resident));
        assert!(!Origin::Referral.may_choose(&resident));
        for office in [
            who(&[Role::Staff], &[]),
            who(&[Role::Mediator], &[]),
            who(&[Role::GridWorker, Role::Resident], &[1]),
        ] {
            assert!(!applies_for_self_only(&office));
            assert!(Origin::ALL.iter().all(|o| o.may_choose(&office)));
        }
    }

    #[test]
    fn a_term_is_performed_with_proof() {
        let done = |p: &str| Performed { proof: p.into() }.validate();
        assert_eq!(done(" 已付清 ").unwrap(), "已付清");
        assert!(done("").is_err());
        assert!(done(&"证".repeat(Performed::PROOF_MAX + 1)).is_err());
    }

    const ON_CASE: FileRelation = FileRelation {
        mediator: true,
        party: false,
        in_own_grid: false,
    };
    const PARTY: FileRelation = FileRelation {
        mediator: false,
        party: true,
        in_own_grid: false,
    };
    const NONE: FileRelation = FileRelation {
        mediator: false,
        party: false,
        in_own_grid: false,
    };

    #[test]
    fn access_by_role_and_relation() {
        let mediator = who(&[Role::Mediator], &[]);
        assert_eq!(access(&mediator, ON_CASE), Access::Mediator);
        assert_eq!(access(&mediator, NONE), Access::None, "another mediator");
        let resident = who(&[Role::Resident], &[]);
        assert_eq!(access(&resident, PARTY), Access::Party);
        assert_eq!(access(&resident, NONE), Access::None);
        assert_eq!(access(&who(&[Role::Staff], &[]), NONE), Access::Office);
        assert_eq!(access(&who(&[Role::Admin], &[]), NONE), Access::Office);
        let gw = who(&[Role::GridWorker], &[1]);
        assert_eq!(
            access(
                &gw,
                FileRelation {
                    in_own_grid: true,
                    ..NONE
                }
            ),
            Access::Office
        );
        assert_eq!(access(&gw, NONE), Access::None);
        // Staff in a dispute of their own are a party there, and do not run the file.
        let staff = who(&[Role::Staff], &[]);
        assert_eq!(access(&staff, PARTY), Access::Party);
        assert!(!may_run(&staff, PARTY));
        assert!(may_run(&staff, NONE));
    }

    #[test]
    fn the_office_assigns_mediators_but_not_in_its_own_dispute() {
        let staff = who(&[Role::Staff], &[]);
        assert!(may_assign_mediators(&staff, NONE));
        assert!(
            !may_assign_mediators(&staff, PARTY),
            "a party does not pick for the committee"
        );
        assert!(!may_assign_mediators(&who(&[Role::Mediator], &[]), ON_CASE));
        assert!(!may_assign_mediators(&who(&[Role::GridWorker], &[1]), NONE));
    }

    #[test]
    fn entries_by_reader() {
        // Applicant (party 1) and respondent (party 2); a back-to-back note of the applicant.
        assert!(may_read_entry(Access::Mediator, None, 1, false));
        assert!(
            may_read_entry(Access::Party, Some(1), 1, false),
            "own words"
        );
        assert!(
            !may_read_entry(Access::Party, Some(2), 1, false),
            "the other side's"
        );
        assert!(
            may_read_entry(Access::Party, Some(2), 1, true),
            "shared by permission"
        );
        assert!(
            !may_read_entry(Access::Office, None, 1, true),
            "staff see only that it took place"
        );
    }

    #[test]
    fn acceptance_needs_every_consent() {
        let m = who(&[Role::Mediator], &[]);
        let mut f = FileFacts {
            parties: 2,
            consented: 1,
            ..FileFacts::default()
        };
        assert_eq!(
            check_mediation_move(
                MediationStage::Intake,
                MediationAction::Accept,
                f,
                &m,
                ON_CASE
            ),
            Err(MediationRefusal::ConsentMissing)
        );
        f.consented = 2;
        assert_eq!(
            check_mediation_move(
                MediationStage::Intake,
                MediationAction::Accept,
                f,
                &m,
                ON_CASE
            ),
            Ok(MediationStage::Accepted)
        );
        assert_eq!(
            check_mediation_move(MediationStage::Intake, MediationAction::Accept, f, &m, NONE),
            Err(MediationRefusal::NotYours)
        );
        let resident = who(&[Role::Resident], &[]);
        assert!(legal_mediation_actions(MediationStage::Intake, f, &resident, PARTY).is_empty());
    }

    #[test]
    fn agreement_confirmation_and_performance() {
        let staff = who(&[Role::Staff], &[]);
        let mut f = FileFacts {
            parties: 2,
            consented: 2,
            ..FileFacts::default()
        };
        let stage = MediationStage::InSession;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Agree, f, &staff, NONE),
            Err(MediationRefusal::NoAgreement)
        );
        f.has_agreement = true;
        f.terms = 1;
        assert!(check_mediation_move(stage, MediationAction::Agree, f, &staff, NONE).is_ok());
        let stage = MediationStage::Agreement;
        f.confirmed = 1;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Perform, f, &staff, NONE),
            Err(MediationRefusal::NotConfirmed)
        );
        f.oral = true;
        assert!(check_mediation_move(stage, MediationAction::Perform, f, &staff, NONE).is_ok());
        let stage = MediationStage::Performance;
        assert_eq!(
            check_mediation_move(stage, MediationAction::Close, f, &staff, NONE),
            Err(MediationRefusal::NotPerformed)
        );
        f.terms_performed = 1;
        f.follow_ups = 1;
        assert!(check_mediation_move(stage, MediationAction::Close, f, &staff, NONE).is_ok());
        for s in [
            MediationStage::Closed,
            MediationStage::NotAccepted,
            MediationStage::Failed,
        ] {
            assert!(legal_mediation_actions(s, f, &staff, NONE).is_empty());
        }
    }

    #[test]
    fn changes_by_stage() {
        use MediationStage::*;
        assert!(Change::Consent.allowed_in(Intake));
        assert!(!Change::Consent.allowed_in(Accepted));
        assert!(Change::Session.allowed_in(Accepted) && !Change::Session.allowed_in(Agreement));
        assert!(Change::Record(RecordKind::FollowUp).allowed_in(Closed));
        assert!(!Change::Record(RecordKind::FollowUp).allowed_in(InSession));
        assert!(Change::Record(RecordKind::SiteCheck).allowed_in(Intake));
        assert!(!Change::Extension.allowed_in(Failed));
    }

    #[test]
    fn photos_on_site_checks_and_follow_ups_by_those_who_run_the_file() {
        use MediationStage::*;
        let m = who(&[Role::Mediator], &[]);
        let staff = who(&[Role::Staff], &[]);
        let gw = who(&[Role::GridWorker], &[1]);
        let resident = who(&[Role::Resident], &[]);
        let own_grid = FileRelation {
            in_own_grid: true,
            ..NONE
        };
        assert!(may_add_record_photo(
            &m,
            ON_CASE,
            Intake,
            RecordKind::SiteCheck
        ));
        assert!(may_add_record_photo(
            &staff,
            NONE,
            InSession,
            RecordKind::SiteCheck
        ));
        assert!(
            !may_add_record_photo(&m, NONE, Intake, RecordKind::SiteCheck),
            "another mediator"
        );
        assert!(
            !may_add_record_photo(&gw, own_grid, Intake, RecordKind::SiteCheck),
            "the grid's worker sees records but does not make them"
        );
        assert!(!may_add_record_photo(
            &resident,
            PARTY,
            Intake,
            RecordKind::SiteCheck
        ));
        assert!(
            !may_add_record_photo(&staff, PARTY, Intake, RecordKind::SiteCheck),
            "staff in a dispute of their own"
        );
        assert!(!may_add_record_photo(
            &m,
            ON_CASE,
            Closed,
            RecordKind::SiteCheck
        ));
        assert!(may_add_record_photo(
            &m,
            ON_CASE,
            Closed,
            RecordKind::FollowUp
        ));
        assert!(!may_add_record_photo(
            &m,
            ON_CASE,
            InSession,
            RecordKind::FollowUp
        ));
        for k in [
            RecordKind::PoliceNotice,
            RecordKind::Invitation,
            RecordKind::Note,
        ] {
            assert!(!may_add_record_photo(&m, ON_CASE, InSession, k), "{k:?}");
        }
        // Seen with the records: never by a party, nor by anyone who does not see the file.
        assert!(may_see_records(Access::Mediator) && may_see_records(Access::Office));
        assert!(!may_see_records(Access::Party) && !may_see_records(Access::None));
        assert_eq!(access(&gw, own_grid), Access::Office);
    }

    #[test]
    fn board_drops_are_moves() {
        use MediationStage::*;
        assert_eq!(
            MediationAction::between(Intake, Accepted),
            Some(MediationAction::Accept)
        );
        assert_eq!(
            MediationAction::between(Agreement, InSession),
            Some(MediationAction::Resume)
        );
        assert_eq!(MediationAction::between(Intake, Closed), None);
        assert_eq!(MediationAction::between(InSession, InSession), None);
    }

    #[test]
    fn extension_needs_every_party() {
        assert!(extension_allowed(&[1, 2], &[2, 1]));
        assert!(!extension_allowed(&[1, 2], &[1]));
        assert!(!extension_allowed(&[], &[]));
    }

    #[test]
    fn time_limits() {
        assert_eq!(
            default_deadline(date!(2026 - 11 - 29)),
            date!(2026 - 12 - 29)
        );
        assert_eq!(
            default_deadline(date!(2026 - 12 - 15)),
            date!(2027 - 01 - 15)
        );
        assert_eq!(
            default_deadline(date!(2027 - 01 - 31)),
            date!(2027 - 02 - 28)
        );
        assert_eq!(
            judicial_confirmation_until(date!(2026 - 12 - 10)),
            date!(2027 - 01 - 09)
        );
        assert!(deadline_overdue(
            MediationStage::InSession,
            Some(date!(2026 - 12 - 01)),
            date!(2026 - 12 - 02)
        ));
        assert!(!deadline_overdue(
            MediationStage::Closed,
            Some(date!(2026 - 12 - 01)),
            date!(2026 - 12 - 02)
        ));
    }

    #[test]
    fn back_to_back_sessions_hear_one_party() {
        let s = NewSession {
            mode: SessionMode::BackToBack,
            party_id: Some(1),
            held_at: OffsetDateTime::UNIX_EPOCH,
            venue: "调解室".into(),
            strategy_note: "双方情绪激动，改为背靠背".into(),
            entries: vec![EntryInput {
                party_id: 2,
                statement: "x".into(),
                position: String::new(),
                interests: String::new(),
                proposal: String::new(),
                shareable: Some(false),
            }],
        };
        assert_eq!(
            s.validate(&[1, 2]).unwrap_err().0[0].0,
            "entries[0].party_id"
        );
        let joint = NewSession {
            mode: SessionMode::Joint,
            party_id: None,
            ..s.clone()
        };
        assert!(joint.validate(&[1, 2]).is_ok());
        let no_party = NewSession {
            party_id: None,
            ..s
        };
        assert_eq!(no_party.validate(&[1, 2]).unwrap_err().0[0].0, "party_id");
    }
}

#[cfg(test)]
mod event_detail_tests {
    use super::*;

    fn party(name: &str) -> FileEventDetail {
        FileEventDetail {
            parties: vec![name.into()],
            ..Default::default()
        }
    }

    #[test]
    fn history_facts_read_in_each_language() {
        let d = party("刘建华");
        assert_eq!(
            MediationEvent::Consent.describe(&d, Lang::ZhCn).as_deref(),
            Some("刘建华 同意调解")
        );
        assert_eq!(
            MediationEvent::Consent.describe(&d, Lang::En).as_deref(),
            Some("刘建华 agreed to mediation")
        );
        assert_eq!(
            MediationEvent::Refused.describe(&d, Lang::En).as_deref(),
            Some("刘建华 refused mediation")
        );
        let site = FileEventDetail {
            record_kind: Some(RecordKind::SiteCheck),
            ..Default::default()
        };
        assert_eq!(
            MediationEvent::Record
                .describe(&site, Lang::ZhCn)
                .as_deref(),
            Some("现场核实")
        );
        assert_eq!(
            MediationEvent::Record.describe(&site, Lang::En).as_deref(),
            Some("Site check")
        );
        let two = FileEventDetail {
            parties: vec!["刘建华".into(), "孙国强".into()],
            ..Default::default()
        };
        assert_eq!(two.names(Lang::En).as_deref(), Some("刘建华, 孙国强"));
        assert_eq!(
            MediationEvent::NoticeMissing
                .describe(&two, Lang::ZhCn)
                .as_deref(),
            Some("调解时尚未告知刘建华、孙国强调解的权利和义务")
        );
        // Nothing to say beyond the label: no sentence.
        assert_eq!(
            MediationEvent::Consent.describe(&FileEventDetail::default(), Lang::En),
            None
        );
        assert_eq!(
            MediationEvent::AgreementDrafted.describe(&d, Lang::En),
            None
        );
    }

    #[test]
    fn every_language_has_its_own_words() {
        // The English of every fact is free of Han characters (names aside).
        let han = |s: &str| s.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c));
        let d = FileEventDetail {
            parties: vec!["P".into()],
            mediators: vec!["M".into()],
            chosen_by_parties: Some(true),
            record_kind: Some(RecordKind::PoliceNotice),
            session_mode: Some(SessionMode::BackToBack),
            confirm_method: Some(ConfirmMethod::Thumbprint),
            deadline: Some(time::macros::date!(2026 - 12 - 31)),
            risk: true,
        };
        for e in MediationEvent::ALL {
            if let Some(s) = e.describe(&d, Lang::En) {
                assert!(!han(&s), "{e:?}: {s}");
            }
            if let Some(s) = e.describe(&d, Lang::ZhCn) {
                assert!(han(&s), "{e:?}: {s}");
            }
        }
    }

    #[test]
    fn the_stored_shape_round_trips_and_omits_what_is_unset() {
        let d = party("王阿姨");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, r#"{"parties":["王阿姨"]}"#);
        assert_eq!(serde_json::from_str::<FileEventDetail>(&json).unwrap(), d);
        assert_eq!(
            serde_json::from_str::<FileEventDetail>("{}").unwrap(),
            FileEventDetail::default()
        );
    }
}
