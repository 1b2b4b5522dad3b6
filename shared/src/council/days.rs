//! Deliberation days (议事日): meetings, agendas, attendance and minutes.

use super::items::*;
use super::routes::*;
use super::stages::*;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

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
