//! Agenda items: what is raised, its validation and its views.

use super::ballots::*;
use super::photos::*;
use super::routes::*;
use super::stages::*;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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
    /// The asking user may take back their support until then (`support_withdraw_until`).
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub support_withdraw_until: Option<OffsetDateTime>,
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
