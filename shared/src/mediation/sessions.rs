//! Sessions (joint or back-to-back) and what each reader may see of their records.

use super::stages::*;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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

pub const MAX_FIELD: usize = 4000;

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

/// The parties a session is held with: everyone in a joint session, the one party in a
/// back-to-back one.
pub fn present_at(mode: SessionMode, party_id: Option<i64>, parties: &[i64]) -> Vec<i64> {
    match (mode, party_id) {
        (SessionMode::BackToBack, Some(p)) => parties.iter().copied().filter(|x| *x == p).collect(),
        _ => parties.to_vec(),
    }
}
