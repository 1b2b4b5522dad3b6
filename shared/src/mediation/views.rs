//! What the API shows of a file: parties, records, terms, the agreement, events, the board.

use super::events::*;
use super::records::*;
use super::sessions::*;
use super::stages::*;
use crate::accounts::Principal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

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
