//! 督办 (directives): the secretary or the office tells someone to get a case done by a day.
//! A directive has its own small lifecycle — issued → acknowledged → reported done → accepted,
//! or sent back to be done again, or withdrawn — and this table is the one place that says
//! which step exists and who may take it: the app offers only these steps, the server refuses
//! every other.

use crate::accounts::Principal;
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectiveState {
    /// 已下达: waiting for the addressee to take it on.
    Issued,
    /// 已签收: the addressee has it in hand.
    Acknowledged,
    /// 已报结: the addressee says it is done; the issuer checks.
    Reported,
    /// 已办结: the issuer accepted the report.
    Accepted,
    /// 已撤回.
    Withdrawn,
}

impl DirectiveState {
    pub const ALL: [DirectiveState; 5] = [
        DirectiveState::Issued,
        DirectiveState::Acknowledged,
        DirectiveState::Reported,
        DirectiveState::Accepted,
        DirectiveState::Withdrawn,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveState::Issued => "issued",
            DirectiveState::Acknowledged => "acknowledged",
            DirectiveState::Reported => "reported",
            DirectiveState::Accepted => "accepted",
            DirectiveState::Withdrawn => "withdrawn",
        }
    }

    pub fn parse(s: &str) -> Option<DirectiveState> {
        DirectiveState::ALL.into_iter().find(|x| x.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            DirectiveState::Issued => Text::new("已下达", "Issued"),
            DirectiveState::Acknowledged => Text::new("已签收", "Acknowledged"),
            DirectiveState::Reported => Text::new("已报结", "Reported done"),
            DirectiveState::Accepted => Text::new("已办结", "Accepted"),
            DirectiveState::Withdrawn => Text::new("已撤回", "Withdrawn"),
        }
    }

    /// Still waiting on someone: counts against its deadline and shows on the board.
    pub fn is_open(self) -> bool {
        !matches!(self, DirectiveState::Accepted | DirectiveState::Withdrawn)
    }
}

/// A step of a directive's lifecycle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DirectiveStep {
    /// 签收: the addressee takes it on.
    Acknowledge,
    /// 报结: the addressee reports it done (with what was done).
    Report,
    /// 验收通过: the issuer (or the office) accepts the report.
    Accept,
    /// 退回重办: the report is not accepted (with why).
    SendBack,
    /// 撤回: the office withdraws it (with why).
    Withdraw,
}

/// Facts about the actor's relation to one directive that the rules need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct DirectiveRelation {
    pub is_addressee: bool,
    pub is_issuer: bool,
}

impl DirectiveStep {
    pub const ALL: [DirectiveStep; 5] = [
        DirectiveStep::Acknowledge,
        DirectiveStep::Report,
        DirectiveStep::Accept,
        DirectiveStep::SendBack,
        DirectiveStep::Withdraw,
    ];

    /// The states this step starts from and the state it ends in.
    pub fn edge(self) -> (&'static [DirectiveState], DirectiveState) {
        use DirectiveState::*;
        match self {
            DirectiveStep::Acknowledge => (&[Issued], Acknowledged),
            // Reporting done also takes it on: one tap for work done at once.
            DirectiveStep::Report => (&[Issued, Acknowledged], Reported),
            DirectiveStep::Accept => (&[Reported], Accepted),
            DirectiveStep::SendBack => (&[Reported], Acknowledged),
            DirectiveStep::Withdraw => (&[Issued, Acknowledged, Reported], Withdrawn),
        }
    }

    pub fn text(self) -> Text {
        match self {
            DirectiveStep::Acknowledge => Text::new("签收", "Acknowledge"),
            DirectiveStep::Report => Text::new("报结", "Report done"),
            DirectiveStep::Accept => Text::new("验收通过", "Accept"),
            DirectiveStep::SendBack => Text::new("退回重办", "Send back"),
            DirectiveStep::Withdraw => Text::new("撤回", "Withdraw"),
        }
    }

    /// Steps that must say something: what was done, why it goes back, why it is withdrawn.
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            DirectiveStep::Report | DirectiveStep::SendBack | DirectiveStep::Withdraw
        )
    }

    /// May this actor take this step? The addressee answers the directive; the one who issued
    /// it — or anyone who may issue directives — judges the answer and may withdraw it.
    pub fn allowed_for(self, who: &Principal, rel: DirectiveRelation) -> bool {
        let issuer_side = rel.is_issuer || may_issue(who);
        match self {
            DirectiveStep::Acknowledge | DirectiveStep::Report => rel.is_addressee,
            DirectiveStep::Accept | DirectiveStep::SendBack | DirectiveStep::Withdraw => {
                issuer_side
            }
        }
    }
}

/// Who may issue a directive: whoever the permission table gives `issue_directives`.
pub fn may_issue(who: &Principal) -> bool {
    who.may(crate::accounts::Permission::IssueDirectives)
}

/// Who hears of a step (the notification): the addressee's answers go to the issuer, the
/// issuer's judgement to the addressee.
pub fn notifies_issuer(step: DirectiveStep) -> bool {
    matches!(step, DirectiveStep::Acknowledge | DirectiveStep::Report)
}

/// A notification's sentence: "李书记 向您下达了督办", "赵网格员 报结了督办".
pub fn notice(step: Option<DirectiveStep>, who: &str, lang: Lang) -> String {
    let t = match step {
        None => Text::new("{who} 向您下达了督办", "{who} issued you a directive"),
        Some(DirectiveStep::Acknowledge) => {
            Text::new("{who} 签收了督办", "{who} acknowledged the directive")
        }
        Some(DirectiveStep::Report) => {
            Text::new("{who} 报结了督办", "{who} reported the directive done")
        }
        Some(DirectiveStep::Accept) => {
            Text::new("{who} 验收通过了督办", "{who} accepted your report")
        }
        Some(DirectiveStep::SendBack) => Text::new(
            "{who} 退回了督办，请重办",
            "{who} sent the directive back to be done again",
        ),
        Some(DirectiveStep::Withdraw) => {
            Text::new("{who} 撤回了督办", "{who} withdrew the directive")
        }
    };
    t.get(lang).replace("{who}", who)
}

/// The short Chinese text of an email or SMS about a directive on case `number`: the notice
/// (it names the member of staff who acted, whom the recipient works with) and the number.
pub fn short_message(step: Option<DirectiveStep>, who: &str, number: &str) -> String {
    format!("【邻聚】{}：事件 {number}。", notice(step, who, Lang::ZhCn))
}

#[cfg(test)]
mod subject_tests {
    use super::*;

    #[test]
    fn a_subject_is_kind_and_id_both_ways() {
        for kind in DirectiveSubject::KINDS {
            let s = DirectiveSubject::parse(kind, 5).unwrap();
            assert_eq!((s.kind(), s.id()), (kind, 5));
            let json = serde_json::to_value(s).unwrap();
            assert_eq!(json, serde_json::json!({"kind": kind, "id": 5}));
            assert_eq!(serde_json::from_value::<DirectiveSubject>(json).unwrap(), s);
        }
        assert_eq!(DirectiveSubject::parse("ballot", 1), None);
    }
}

impl DirectiveStep {
    pub fn as_str(self) -> &'static str {
        match self {
            DirectiveStep::Acknowledge => "acknowledge",
            DirectiveStep::Report => "report",
            DirectiveStep::Accept => "accept",
            DirectiveStep::SendBack => "send_back",
            DirectiveStep::Withdraw => "withdraw",
        }
    }

    pub fn parse(s: &str) -> Option<DirectiveStep> {
        DirectiveStep::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// Why a step was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StepRefusal {
    NotFromThisState,
    NotYours,
}

/// Check a step: the one function the app and the server call.
pub fn check_step(
    state: DirectiveState,
    step: DirectiveStep,
    who: &Principal,
    rel: DirectiveRelation,
) -> Result<DirectiveState, StepRefusal> {
    let (from, to) = step.edge();
    if !from.contains(&state) {
        return Err(StepRefusal::NotFromThisState);
    }
    if !step.allowed_for(who, rel) {
        return Err(StepRefusal::NotYours);
    }
    Ok(to)
}

/// Every step this actor may take now: what the app offers.
pub fn legal_steps(
    state: DirectiveState,
    who: &Principal,
    rel: DirectiveRelation,
) -> Vec<DirectiveStep> {
    DirectiveStep::ALL
        .into_iter()
        .filter(|s| check_step(state, *s, who, rel).is_ok())
        .collect()
}

/// Past its deadline and still open.
pub fn is_overdue(state: DirectiveState, deadline: OffsetDateTime, now: OffsetDateTime) -> bool {
    state.is_open() && now > deadline
}

/// Reported done by its deadline and accepted: what 按期办结 counts.
pub fn done_on_time(
    state: DirectiveState,
    deadline: OffsetDateTime,
    reported_at: Option<OffsetDateTime>,
) -> bool {
    state == DirectiveState::Accepted && reported_at.is_some_and(|r| r <= deadline)
}

/// What a 督办 is about: a case, a decided council item (its 落实) or a term of a mediation
/// agreement (its 履行). Stored as kind and id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DirectiveSubject {
    Case { id: i64 },
    CouncilItem { id: i64 },
    AgreementTerm { id: i64 },
}

impl DirectiveSubject {
    pub const KINDS: [&'static str; 3] = ["case", "council_item", "agreement_term"];

    pub fn kind(self) -> &'static str {
        match self {
            DirectiveSubject::Case { .. } => "case",
            DirectiveSubject::CouncilItem { .. } => "council_item",
            DirectiveSubject::AgreementTerm { .. } => "agreement_term",
        }
    }

    pub fn id(self) -> i64 {
        match self {
            DirectiveSubject::Case { id }
            | DirectiveSubject::CouncilItem { id }
            | DirectiveSubject::AgreementTerm { id } => id,
        }
    }

    pub fn parse(kind: &str, id: i64) -> Option<DirectiveSubject> {
        match kind {
            "case" => Some(DirectiveSubject::Case { id }),
            "council_item" => Some(DirectiveSubject::CouncilItem { id }),
            "agreement_term" => Some(DirectiveSubject::AgreementTerm { id }),
            _ => None,
        }
    }

    /// What the subject is called before its number: 事件 / 议事 / 调解协议.
    pub fn text(self) -> Text {
        match self {
            DirectiveSubject::Case { .. } => Text::new("事件", "Case"),
            DirectiveSubject::CouncilItem { .. } => Text::new("议事决定", "Council decision"),
            DirectiveSubject::AgreementTerm { .. } => Text::new("调解协议条款", "Agreement term"),
        }
    }
}

/// A new directive on a council item or an agreement term (`POST /directives`); a case's
/// directive is issued at `POST /cases/{id}/directives`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueDirectiveOn {
    pub subject: DirectiveSubject,
    #[serde(flatten)]
    pub directive: IssueDirective,
}

/// A new directive on a case.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct IssueDirective {
    /// What is to be done (at most 500 characters).
    pub instruction: String,
    /// By when.
    #[serde(with = "time::serde::rfc3339")]
    pub deadline_at: OffsetDateTime,
    /// Whom it is for: someone who may work on the case (the office, or a grid worker of the
    /// case's grid).
    pub addressee_id: i64,
}

impl IssueDirective {
    /// The instruction, trimmed; field errors name what is wrong.
    pub fn validate(&self, now: OffsetDateTime) -> Result<String, crate::error::FieldErrors> {
        use crate::error::{FieldErrorCode, FieldErrors};
        let mut errs = FieldErrors::new();
        let instruction = match crate::validate::optional_text(Some(&self.instruction), 500) {
            Ok(Some(t)) => t,
            Ok(None) => {
                errs.add("instruction", FieldErrorCode::Required);
                String::new()
            }
            Err(code) => {
                errs.add("instruction", code);
                String::new()
            }
        };
        if self.deadline_at <= now || self.deadline_at > now + time::Duration::days(366) {
            errs.add("deadline_at", FieldErrorCode::OutOfRange);
        }
        errs.into_result()?;
        Ok(instruction)
    }
}

/// A step on a directive, based on the version the client saw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TakeStep {
    pub step: DirectiveStep,
    pub version: i64,
    #[serde(default)]
    pub note: Option<String>,
}

impl TakeStep {
    /// The note, trimmed; required for the steps that need one.
    pub fn validate(&self) -> Result<Option<String>, crate::error::FieldErrors> {
        use crate::error::{FieldErrorCode, FieldErrors};
        let mut errs = FieldErrors::new();
        let note = match crate::validate::optional_text(self.note.as_deref(), 1000) {
            Ok(n) => n,
            Err(code) => {
                errs.add("note", code);
                None
            }
        };
        if note.is_none() && self.step.needs_note() && errs.0.is_empty() {
            errs.add("note", FieldErrorCode::Required);
        }
        errs.into_result()?;
        Ok(note)
    }
}

/// One entry of a directive's history (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    pub actor_name: String,
    /// None: the issue itself.
    pub step: Option<DirectiveStep>,
    pub to_state: DirectiveState,
    pub note: Option<String>,
}

impl DirectiveEvent {
    /// "李书记 签收" / "李书记 下达督办".
    pub fn describe(&self, lang: Lang) -> String {
        let what = match self.step {
            Some(s) => s.text().get(lang),
            None => Text::new("下达督办", "issued the directive").get(lang),
        };
        format!("{} {}", self.actor_name, what)
    }
}

/// A directive as lists and the case page show it, with the steps the reader may take now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DirectiveView {
    pub id: i64,
    pub subject: DirectiveSubject,
    /// The case's id for a directive on a case (the board's badge, the case page).
    pub case_id: Option<i64>,
    /// The subject's number (case or mediation file number, `#id` of a council item).
    pub subject_number: String,
    /// The subject's title (for a term: the term's text).
    pub subject_title: String,
    /// Where the subject's page is in the app.
    pub subject_href: String,
    pub instruction: String,
    #[serde(with = "time::serde::rfc3339")]
    pub deadline_at: OffsetDateTime,
    pub addressee_id: i64,
    pub addressee_name: String,
    pub issuer_id: i64,
    pub issuer_name: String,
    pub state: DirectiveState,
    pub overdue: bool,
    #[serde(with = "time::serde::rfc3339")]
    pub issued_at: OffsetDateTime,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub reported_at: Option<OffsetDateTime>,
    pub version: i64,
    pub legal_steps: Vec<DirectiveStep>,
    /// Oldest first; empty in lists.
    #[serde(default)]
    pub history: Vec<DirectiveEvent>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts::Role;

    fn who(roles: &[Role]) -> Principal {
        Principal {
            user_id: 7,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: vec![1],
        }
    }

    const ADDRESSEE: DirectiveRelation = DirectiveRelation {
        is_addressee: true,
        is_issuer: false,
    };
    const NONE: DirectiveRelation = DirectiveRelation {
        is_addressee: false,
        is_issuer: false,
    };

    #[test]
    fn the_office_issues_and_judges_the_addressee_answers() {
        let gw = who(&[Role::GridWorker]);
        let staff = who(&[Role::Staff]);
        let admin = who(&[Role::Admin]);
        assert!(may_issue(&staff) && may_issue(&admin));
        for r in [Role::GridWorker, Role::Resident, Role::Mediator] {
            assert!(!may_issue(&who(&[r])), "{r:?} may not issue");
        }
        assert_eq!(
            legal_steps(DirectiveState::Issued, &gw, ADDRESSEE),
            vec![DirectiveStep::Acknowledge, DirectiveStep::Report]
        );
        assert_eq!(legal_steps(DirectiveState::Issued, &gw, NONE), vec![]);
        assert_eq!(
            legal_steps(DirectiveState::Reported, &gw, ADDRESSEE),
            vec![],
            "nobody judges their own report"
        );
        assert_eq!(
            legal_steps(DirectiveState::Reported, &admin, NONE),
            vec![
                DirectiveStep::Accept,
                DirectiveStep::SendBack,
                DirectiveStep::Withdraw
            ]
        );
        assert_eq!(
            check_step(
                DirectiveState::Reported,
                DirectiveStep::SendBack,
                &staff,
                NONE
            ),
            Ok(DirectiveState::Acknowledged)
        );
        assert_eq!(
            check_step(
                DirectiveState::Accepted,
                DirectiveStep::Withdraw,
                &staff,
                NONE
            ),
            Err(StepRefusal::NotFromThisState)
        );
        assert_eq!(
            check_step(
                DirectiveState::Issued,
                DirectiveStep::Acknowledge,
                &staff,
                NONE
            ),
            Err(StepRefusal::NotYours),
            "the office does not acknowledge for the addressee"
        );
        for s in DirectiveState::ALL {
            assert_eq!(DirectiveState::parse(s.as_str()), Some(s));
            let ways_out = DirectiveStep::ALL
                .iter()
                .filter(|step| step.edge().0.contains(&s))
                .count();
            assert_eq!(ways_out == 0, !s.is_open(), "{s:?}");
        }
    }

    #[test]
    fn deadlines_and_notes() {
        let now = time::macros::datetime!(2026-12-07 08:00 UTC);
        let d = now + time::Duration::days(2);
        assert!(!is_overdue(DirectiveState::Issued, d, now));
        assert!(is_overdue(
            DirectiveState::Acknowledged,
            d,
            d + time::Duration::minutes(1)
        ));
        assert!(!is_overdue(
            DirectiveState::Accepted,
            d,
            d + time::Duration::days(1)
        ));
        assert!(done_on_time(DirectiveState::Accepted, d, Some(d)));
        assert!(!done_on_time(
            DirectiveState::Accepted,
            d,
            Some(d + time::Duration::seconds(1))
        ));
        assert!(!done_on_time(DirectiveState::Reported, d, Some(now)));
        let issue = IssueDirective {
            instruction: "  三日内修复井盖 ".into(),
            deadline_at: d,
            addressee_id: 3,
        };
        assert_eq!(issue.validate(now).unwrap(), "三日内修复井盖");
        let past = IssueDirective {
            deadline_at: now,
            instruction: " ".into(),
            ..issue
        };
        let errs = past.validate(now).unwrap_err();
        let fields: Vec<_> = errs.0.iter().map(|e| e.0.as_str()).collect();
        assert_eq!(fields, vec!["instruction", "deadline_at"]);
        let step = TakeStep {
            step: DirectiveStep::Report,
            version: 1,
            note: None,
        };
        assert_eq!(step.validate().unwrap_err().0[0].0, "note");
        assert_eq!(
            TakeStep {
                step: DirectiveStep::Acknowledge,
                ..step
            }
            .validate()
            .unwrap(),
            None
        );
    }
}
