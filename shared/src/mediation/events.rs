//! A file's history: what each entry records (moves and the changes besides them) and the
//! facts it keeps, said in the reader's language.

use super::records::*;
use super::sessions::*;
use super::stages::*;
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::Date;

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
