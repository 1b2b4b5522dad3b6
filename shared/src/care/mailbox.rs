//! The secretary's mailbox (书记信箱): letters from residents, who may read and answer them.

use crate::accounts::Principal;
use crate::error::{FieldErrorCode, FieldErrors};
use crate::i18n::Text;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum LetterStatus {
    Open,
    Answered,
    /// Turned into a case on the status board (and answered with its number).
    TurnedIntoCase,
}

impl LetterStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LetterStatus::Open => "open",
            LetterStatus::Answered => "answered",
            LetterStatus::TurnedIntoCase => "turned_into_case",
        }
    }

    pub fn parse(s: &str) -> Option<LetterStatus> {
        [
            LetterStatus::Open,
            LetterStatus::Answered,
            LetterStatus::TurnedIntoCase,
        ]
        .into_iter()
        .find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            LetterStatus::Open => Text::new("待回复", "Awaiting reply"),
            LetterStatus::Answered => Text::new("已回复", "Answered"),
            LetterStatus::TurnedIntoCase => Text::new("已转为事件办理", "Handled as a case"),
        }
    }
}

/// Who reads a letter: its writer; the secretary (admins) always; the office the letters that
/// are not private; everyone an answered letter that is not private (公开答复).
pub fn may_read_letter(
    who: &Principal,
    is_writer: bool,
    private: bool,
    status: LetterStatus,
) -> bool {
    use crate::accounts::Role;
    is_writer
        || who.has_role(Role::Admin)
        || (!private && who.has_role(Role::Staff))
        || (!private && status != LetterStatus::Open)
}

/// Who answers letters: the secretary, and for letters that are not private the office.
pub fn may_answer_letter(who: &Principal, private: bool) -> bool {
    use crate::accounts::Role;
    who.has_role(Role::Admin) || (!private && who.has_role(Role::Staff))
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterInput {
    pub subject: String,
    pub body: String,
    /// Only the secretary reads it — the default, as the mailbox promises the secretary
    /// reads and answers in person; the writer may open it to the office.
    #[serde(default = "private_by_default")]
    pub private: bool,
}

fn private_by_default() -> bool {
    true
}

impl LetterInput {
    pub fn validate(&self) -> Result<(String, String), FieldErrors> {
        let mut errs = FieldErrors::new();
        let subject = self.subject.trim();
        match subject.chars().count() {
            0 => errs.add("subject", FieldErrorCode::Required),
            n if n > 100 => errs.add("subject", FieldErrorCode::TooLong),
            _ => {}
        }
        let body = self.body.trim();
        match body.chars().count() {
            0 => errs.add("body", FieldErrorCode::Required),
            n if n > 4000 => errs.add("body", FieldErrorCode::TooLong),
            _ => {}
        }
        errs.into_result()?;
        Ok((subject.to_string(), body.to_string()))
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterAnswer {
    pub text: String,
    pub version: i64,
    /// Also turn the letter into a case of this category on the status board.
    #[serde(default)]
    pub case_category_id: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct LetterView {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub private: bool,
    /// Hidden from others than the office when the letter is shown publicly.
    pub writer_name: Option<String>,
    pub status: LetterStatus,
    pub answer: Option<String>,
    pub answered_by: Option<String>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub answered_at: Option<OffsetDateTime>,
    pub case_id: Option<i64>,
    pub case_number: Option<String>,
    pub case_stage: Option<crate::cases::Stage>,
    pub mine: bool,
    pub may_answer: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    pub version: i64,
}
