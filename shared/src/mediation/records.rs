//! Parties, intake, consent, the file's records, the agreement and its performance.

use super::sessions::*;
use super::stages::*;
use crate::accounts::{Principal, Role};
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

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
