//! Tiers (小事、大事、要事、难事), the route each takes to a decision, and the kinds of meeting.

use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

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
