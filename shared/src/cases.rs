//! The case lifecycle, following GB/T 30428: reported (上报) → registered (立案) or refused
//! (不予立案) → dispatched (派遣) → in progress (处置) → handled (反馈) → verified (核查) →
//! closed (结案); failed verification sends a case back (返工); postponement (缓办) is
//! requested and approved; a closed case may be reopened within a window.
//!
//! This table is the one place that says which move exists and who may make it: the board
//! offers only these moves and the server refuses every other.

use crate::accounts::{Principal, Role};
use crate::i18n::{Lang, Text};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    Reported,
    Registered,
    Dispatched,
    InProgress,
    PostponeRequested,
    Postponed,
    Handled,
    Verified,
    Closed,
    Refused,
    /// 作废: taken off the books on an approved request (entered twice, not a real case …).
    Voided,
    /// Taken back by its reporter before anyone acted on it (撤回): kept, never counted.
    Withdrawn,
}

impl Stage {
    pub const ALL: [Stage; 12] = [
        Stage::Reported,
        Stage::Registered,
        Stage::Dispatched,
        Stage::InProgress,
        Stage::PostponeRequested,
        Stage::Postponed,
        Stage::Handled,
        Stage::Verified,
        Stage::Closed,
        Stage::Refused,
        Stage::Voided,
        Stage::Withdrawn,
    ];

    /// The status board's columns, left to right.
    pub const BOARD: [Stage; 8] = [
        Stage::Reported,
        Stage::Registered,
        Stage::Dispatched,
        Stage::InProgress,
        Stage::Postponed,
        Stage::Handled,
        Stage::Verified,
        Stage::Closed,
    ];

    pub fn text(self) -> Text {
        match self {
            Stage::Reported => Text::new("上报", "Reported"),
            Stage::Registered => Text::new("立案", "Registered"),
            Stage::Dispatched => Text::new("派遣", "Dispatched"),
            Stage::InProgress => Text::new("处置中", "In progress"),
            Stage::PostponeRequested => Text::new("申请缓办", "Postponement requested"),
            Stage::Postponed => Text::new("缓办", "Postponed"),
            Stage::Handled => Text::new("已反馈", "Handled"),
            Stage::Verified => Text::new("已核查", "Verified"),
            Stage::Closed => Text::new("结案", "Closed"),
            Stage::Refused => Text::new("不予立案", "Refused"),
            Stage::Voided => Text::new("已作废", "Voided"),
            Stage::Withdrawn => Text::new("已撤回", "Withdrawn"),
        }
    }

    pub fn label(self, lang: Lang) -> &'static str {
        self.text().get(lang)
    }

    /// Open cases count against deadlines; closed, refused and withdrawn ones do not.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Stage::Closed | Stage::Refused | Stage::Voided | Stage::Withdrawn
        )
    }

    /// The deadline clock stops while a postponement is approved.
    pub fn clock_runs(self) -> bool {
        self.is_open() && self != Stage::Postponed
    }
}

/// Why a report is not registered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RefusalReason {
    Duplicate,
    NotOurResponsibility,
    InsufficientInformation,
}

/// A move of a case from one stage to another.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Register,
    Refuse,
    Dispatch,
    Start,
    RequestPostpone,
    ApprovePostpone,
    RejectPostpone,
    Resume,
    Feedback,
    VerifyPass,
    VerifyFail,
    Close,
    Reopen,
}

/// What a move needs from the person making it, so the board can open a small form first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Needs {
    Nothing,
    /// A refusal reason (and a note).
    RefusalReason,
    /// Responsible party, assignee (deadline comes from the SLA table).
    Assignment,
    /// A reason and a new deadline.
    PostponeReason,
    /// What was done, with a photo.
    Feedback,
    /// A note on what the verifier found.
    Note,
}

/// Facts about the actor's relation to one case that the rules need.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CaseRelation {
    /// The actor reported this case.
    pub is_reporter: bool,
    /// The actor is the assignee.
    pub is_assignee: bool,
    /// The actor reported the case as handled (gave the feedback being verified).
    pub gave_feedback: bool,
    /// The case lies in one of the actor's grids.
    pub in_own_grid: bool,
    /// For reopening: the case closed recently enough.
    pub within_reopen_window: bool,
    /// A request (回退/作废/延期/缓办) on the case waits for a decision: no second one meanwhile.
    pub request_pending: bool,
}

impl Action {
    pub const ALL: [Action; 13] = [
        Action::Register,
        Action::Refuse,
        Action::Dispatch,
        Action::Start,
        Action::RequestPostpone,
        Action::ApprovePostpone,
        Action::RejectPostpone,
        Action::Resume,
        Action::Feedback,
        Action::VerifyPass,
        Action::VerifyFail,
        Action::Close,
        Action::Reopen,
    ];

    /// The move's start and end stage.
    pub fn edge(self) -> (Stage, Stage) {
        use Stage::*;
        match self {
            Action::Register => (Reported, Registered),
            Action::Refuse => (Reported, Refused),
            Action::Dispatch => (Registered, Dispatched),
            Action::Start => (Dispatched, InProgress),
            Action::RequestPostpone => (InProgress, PostponeRequested),
            Action::ApprovePostpone => (PostponeRequested, Postponed),
            Action::RejectPostpone => (PostponeRequested, InProgress),
            Action::Resume => (Postponed, InProgress),
            Action::Feedback => (InProgress, Handled),
            Action::VerifyPass => (Handled, Verified),
            Action::VerifyFail => (Handled, InProgress),
            Action::Close => (Verified, Closed),
            Action::Reopen => (Closed, Registered),
        }
    }

    pub fn from(self) -> Stage {
        self.edge().0
    }

    pub fn to(self) -> Stage {
        self.edge().1
    }

    pub fn needs(self) -> Needs {
        match self {
            Action::Refuse => Needs::RefusalReason,
            Action::Dispatch => Needs::Assignment,
            Action::RequestPostpone => Needs::PostponeReason,
            Action::Feedback => Needs::Feedback,
            Action::VerifyFail | Action::RejectPostpone | Action::Reopen => Needs::Note,
            _ => Needs::Nothing,
        }
    }

    /// May its maker take this move back (undo)? A postponement's request and decision are
    /// in the approvals ledger, which is not rewritten: they are not undone.
    pub fn undoable(self) -> bool {
        !matches!(
            self,
            Action::RequestPostpone | Action::ApprovePostpone | Action::RejectPostpone
        )
    }

    /// Failed verification is rework (返工) and counts in the rework rate.
    pub fn is_rework(self) -> bool {
        self == Action::VerifyFail
    }

    pub fn text(self) -> Text {
        match self {
            Action::Register => Text::new("立案", "Register"),
            Action::Refuse => Text::new("不予立案", "Refuse"),
            Action::Dispatch => Text::new("派遣", "Dispatch"),
            Action::Start => Text::new("开始处置", "Start work"),
            Action::RequestPostpone => Text::new("申请缓办", "Request postponement"),
            Action::ApprovePostpone => Text::new("批准缓办", "Approve postponement"),
            Action::RejectPostpone => Text::new("驳回缓办", "Reject postponement"),
            Action::Resume => Text::new("恢复处置", "Resume"),
            Action::Feedback => Text::new("处置反馈", "Report as handled"),
            Action::VerifyPass => Text::new("核查通过", "Verified on site"),
            Action::VerifyFail => Text::new("核查不通过（返工）", "Verification failed (rework)"),
            Action::Close => Text::new("结案", "Close"),
            Action::Reopen => Text::new("重新办理", "Reopen"),
        }
    }

    /// May this actor make this move on a case they stand in `rel` to?
    pub fn allowed_for(self, who: &Principal, rel: CaseRelation) -> bool {
        let office = who.is_office();
        let field = who.has_role(Role::GridWorker) && rel.in_own_grid;
        match self {
            // Registering, refusing, dispatching, deciding on postponements and closing are
            // the office's decisions.
            Action::Register
            | Action::Refuse
            | Action::Dispatch
            | Action::ApprovePostpone
            | Action::RejectPostpone
            | Action::Close => office,
            // The work itself: whoever it is assigned to, the grid's workers, or the office.
            Action::RequestPostpone => (office || field || rel.is_assignee) && !rel.request_pending,
            Action::Start | Action::Resume | Action::Feedback => office || field || rel.is_assignee,
            // Verification is done on site by the grid's workers (or the office), never by
            // the one who did the work.
            Action::VerifyPass | Action::VerifyFail => {
                (office || field) && !rel.is_assignee && !rel.gave_feedback
            }
            // The reporter may reopen within the window; the office may always.
            Action::Reopen => office || (rel.is_reporter && rel.within_reopen_window),
        }
    }
}

/// The move from `from` to `to`, if the lifecycle has one (a board drop between columns).
pub fn action_between(from: Stage, to: Stage) -> Option<Action> {
    Action::ALL.into_iter().find(|a| a.edge() == (from, to))
}

/// Every move this actor may make on a case in `stage`: what the UI offers.
pub fn legal_actions(stage: Stage, who: &Principal, rel: CaseRelation) -> Vec<Action> {
    Action::ALL
        .into_iter()
        .filter(|a| a.from() == stage && a.allowed_for(who, rel))
        .collect()
}

/// What one entry of a case's history records: the filing, one of the lifecycle's moves, or
/// something that happened to the case without moving it. Stored and sent by the same names
/// as the moves (`register`, `verify_fail`, …) plus `created`, `photo`, `rating`, `undo` and
/// `reorder`; the one place that says how each reads in a timeline or a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum CaseEventKind {
    Created,
    Register,
    Refuse,
    Dispatch,
    Start,
    RequestPostpone,
    ApprovePostpone,
    RejectPostpone,
    Resume,
    Feedback,
    VerifyPass,
    VerifyFail,
    Close,
    Reopen,
    /// A photo added to the case (its stage unchanged).
    Photo,
    /// The reporter's satisfaction after closing.
    Rating,
    /// A move taken back by its maker (from the stage it had reached back to the one before).
    Undo,
    /// The report taken back by its reporter before anyone acted on it.
    Withdraw,
    /// The card's place in its board column changed; not part of the case's story.
    Reorder,
    /// A request to send the case back (回退), void it (作废) or extend its deadline (延期).
    RequestSendBack,
    RequestVoid,
    RequestExtend,
    /// Such a request approved: the case went back to registration, was voided, got a new deadline.
    SendBack,
    Void,
    Extend,
    /// Such a request rejected.
    RejectRequest,
}

impl From<Action> for CaseEventKind {
    fn from(a: Action) -> Self {
        match a {
            Action::Register => CaseEventKind::Register,
            Action::Refuse => CaseEventKind::Refuse,
            Action::Dispatch => CaseEventKind::Dispatch,
            Action::Start => CaseEventKind::Start,
            Action::RequestPostpone => CaseEventKind::RequestPostpone,
            Action::ApprovePostpone => CaseEventKind::ApprovePostpone,
            Action::RejectPostpone => CaseEventKind::RejectPostpone,
            Action::Resume => CaseEventKind::Resume,
            Action::Feedback => CaseEventKind::Feedback,
            Action::VerifyPass => CaseEventKind::VerifyPass,
            Action::VerifyFail => CaseEventKind::VerifyFail,
            Action::Close => CaseEventKind::Close,
            Action::Reopen => CaseEventKind::Reopen,
        }
    }
}

impl CaseEventKind {
    /// The stored and sent name (`verify_fail`).
    pub fn as_str(self) -> &'static str {
        match self {
            CaseEventKind::Created => "created",
            CaseEventKind::Register => "register",
            CaseEventKind::Refuse => "refuse",
            CaseEventKind::Dispatch => "dispatch",
            CaseEventKind::Start => "start",
            CaseEventKind::RequestPostpone => "request_postpone",
            CaseEventKind::ApprovePostpone => "approve_postpone",
            CaseEventKind::RejectPostpone => "reject_postpone",
            CaseEventKind::Resume => "resume",
            CaseEventKind::Feedback => "feedback",
            CaseEventKind::VerifyPass => "verify_pass",
            CaseEventKind::VerifyFail => "verify_fail",
            CaseEventKind::Close => "close",
            CaseEventKind::Reopen => "reopen",
            CaseEventKind::Photo => "photo",
            CaseEventKind::Rating => "rating",
            CaseEventKind::Undo => "undo",
            CaseEventKind::Withdraw => "withdraw",
            CaseEventKind::Reorder => "reorder",
            CaseEventKind::RequestSendBack => "request_send_back",
            CaseEventKind::RequestVoid => "request_void",
            CaseEventKind::RequestExtend => "request_extend",
            CaseEventKind::SendBack => "send_back",
            CaseEventKind::Void => "void",
            CaseEventKind::Extend => "extend",
            CaseEventKind::RejectRequest => "reject_request",
        }
    }

    pub fn parse(name: &str) -> Option<CaseEventKind> {
        serde_json::from_value(serde_json::Value::String(name.to_string())).ok()
    }

    /// The lifecycle move this entry records, if it is one.
    pub fn action(self) -> Option<Action> {
        Action::ALL
            .into_iter()
            .find(|a| CaseEventKind::from(*a) == self)
    }

    /// A short label: the move's name, or what happened.
    pub fn text(self) -> Text {
        match self {
            CaseEventKind::Created => Text::new("上报", "Reported"),
            CaseEventKind::Photo => Text::new("添加照片", "Photo added"),
            CaseEventKind::Rating => Text::new("评价", "Rated"),
            CaseEventKind::Undo => Text::new("撤销", "Undone"),
            CaseEventKind::Withdraw => Text::new("撤回", "Withdrawn"),
            CaseEventKind::Reorder => Text::new("调整顺序", "Reordered"),
            CaseEventKind::RequestSendBack => Text::new("申请回退", "Asked to send back"),
            CaseEventKind::RequestVoid => Text::new("申请作废", "Asked to void"),
            CaseEventKind::RequestExtend => Text::new("申请延期", "Asked for more time"),
            CaseEventKind::SendBack => Text::new("批准回退", "Sent back"),
            CaseEventKind::Void => Text::new("批准作废", "Voided"),
            CaseEventKind::Extend => Text::new("批准延期", "Deadline extended"),
            CaseEventKind::RejectRequest => Text::new("驳回申请", "Request rejected"),
            move_ => move_
                .action()
                .map(Action::text)
                .unwrap_or(Text::new("", "")),
        }
    }

    /// What happened, as a sentence naming who did it and from which stage to which:
    /// "王书记 将事件从 上报 移至 立案". `who` is `None` for the system.
    pub fn describe(
        self,
        who: Option<&str>,
        from: Option<Stage>,
        to: Option<Stage>,
        lang: Lang,
    ) -> String {
        let system = Text::new("系统", "The system").get(lang);
        let who = who.filter(|w| !w.trim().is_empty()).unwrap_or(system);
        let stage = |s: Option<Stage>| s.map(|s| s.text().get(lang)).unwrap_or("");
        let template = match self {
            CaseEventKind::Created => Text::new("{who} 上报了事件", "{who} reported the case"),
            CaseEventKind::Photo => Text::new("{who} 添加了照片", "{who} added a photo"),
            CaseEventKind::Rating => Text::new(
                "{who} 评价了办理结果",
                "{who} rated how the case was handled",
            ),
            CaseEventKind::Reorder => Text::new(
                "{who} 调整了事件在看板上的顺序",
                "{who} reordered the case on the board",
            ),
            CaseEventKind::Withdraw => Text::new("{who} 撤回了上报", "{who} withdrew the report"),
            CaseEventKind::Undo => Text::new(
                "{who} 撤销了上一步，事件从 {from} 回到 {to}",
                "{who} undid the last move: the case went back from {from} to {to}",
            ),
            _ if from.is_some() && to.is_some() && from != to => Text::new(
                "{who} 将事件从 {from} 移至 {to}",
                "{who} moved the case from {from} to {to}",
            ),
            // A move whose stages were not kept reads as the move itself.
            _ => Text::new("{who}：{action}", "{who}: {action}"),
        };
        template
            .get(lang)
            .replace("{who}", who)
            .replace("{from}", stage(from))
            .replace("{to}", stage(to))
            .replace("{action}", self.text().get(lang))
    }

    /// History entries whose notes the reporter sees. The others' notes (dispatch details, a
    /// failed verification, a postponement) are the office's working notes; the reporter
    /// still sees that the step happened and who took it.
    pub fn note_is_public(self) -> bool {
        matches!(
            self,
            CaseEventKind::Created
                | CaseEventKind::Refuse
                | CaseEventKind::Feedback
                | CaseEventKind::Close
                | CaseEventKind::Reopen
                | CaseEventKind::Rating
                | CaseEventKind::Void
        )
    }
}

/// Until when the reporter may withdraw their report (撤回): within the undo window of filing
/// and only while it is still just reported — once the office registers or refuses it,
/// someone has acted on it. `None`: not (or no longer) theirs to withdraw.
pub fn withdraw_until(
    stage: Stage,
    is_reporter: bool,
    filed_at: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Option<time::OffsetDateTime> {
    if !is_reporter || stage != Stage::Reported {
        return None;
    }
    crate::undo::undo_until(filed_at, now, None)
}

/// Withdraw one's report (`POST /cases/{id}/withdraw`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Withdraw {
    /// The case's version as the reporter saw it.
    pub version: i64,
}

/// Why a move was refused, for the message the user sees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MoveRefusal {
    /// No such move from the case's current stage.
    NotFromThisStage,
    /// The move exists but this actor may not make it.
    NotYours,
}

/// Check a move: the one function both the board and the server call.
pub fn check_move(
    stage: Stage,
    action: Action,
    who: &Principal,
    rel: CaseRelation,
) -> Result<Stage, MoveRefusal> {
    if action.from() != stage {
        return Err(MoveRefusal::NotFromThisStage);
    }
    if !action.allowed_for(who, rel) {
        return Err(MoveRefusal::NotYours);
    }
    Ok(action.to())
}

#[cfg(test)]
mod event_kind_tests {
    use super::*;

    #[test]
    fn a_move_says_who_moved_the_case_from_which_stage_to_which() {
        let k = CaseEventKind::from(Action::Register);
        assert_eq!(
            k.describe(
                Some("王书记"),
                Some(Stage::Reported),
                Some(Stage::Registered),
                Lang::ZhCn
            ),
            "王书记 将事件从 上报 移至 立案"
        );
        assert_eq!(
            k.describe(
                Some("Wang"),
                Some(Stage::Reported),
                Some(Stage::Registered),
                Lang::En
            ),
            "Wang moved the case from Reported to Registered"
        );
        assert_eq!(
            CaseEventKind::Created.describe(
                Some("刘先生"),
                None,
                Some(Stage::Reported),
                Lang::ZhCn
            ),
            "刘先生 上报了事件"
        );
        assert_eq!(
            CaseEventKind::Undo.describe(
                None,
                Some(Stage::Registered),
                Some(Stage::Reported),
                Lang::ZhCn
            ),
            "系统 撤销了上一步，事件从 立案 回到 上报"
        );
    }

    #[test]
    fn every_kind_keeps_its_stored_name_and_every_move_is_a_kind() {
        for a in Action::ALL {
            let k = CaseEventKind::from(a);
            assert_eq!(k.action(), Some(a));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::to_value(a).unwrap()
            );
            assert_eq!(CaseEventKind::parse(k.as_str()), Some(k));
            assert_eq!(k.text(), a.text());
        }
        for k in [
            CaseEventKind::Created,
            CaseEventKind::Photo,
            CaseEventKind::Rating,
            CaseEventKind::Undo,
            CaseEventKind::Reorder,
        ] {
            assert_eq!(k.action(), None);
            assert_eq!(CaseEventKind::parse(k.as_str()), Some(k));
            assert!(!k.text().zh.is_empty() && !k.text().en.is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn who(roles: &[Role]) -> Principal {
        Principal {
            user_id: 7,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: vec![1],
        }
    }

    const NONE: CaseRelation = CaseRelation {
        is_reporter: false,
        is_assignee: false,
        gave_feedback: false,
        in_own_grid: false,
        within_reopen_window: false,
        request_pending: false,
    };

    #[test]
    fn every_stage_but_the_end_has_a_way_forward_and_moves_are_unique() {
        for s in Stage::ALL {
            let out: Vec<_> = Action::ALL.iter().filter(|a| a.from() == s).collect();
            assert_eq!(
                out.is_empty(),
                matches!(s, Stage::Refused | Stage::Voided | Stage::Withdrawn),
                "{s:?}"
            );
        }
        for a in Action::ALL {
            assert_eq!(
                action_between(a.from(), a.to()),
                Some(a),
                "one action per edge"
            );
        }
        assert_eq!(action_between(Stage::Reported, Stage::Closed), None);
    }

    /// The whole table: every action × every role × relation to the case.
    #[test]
    fn who_may_make_each_move() {
        let staff = who(&[Role::Staff]);
        let admin = who(&[Role::Admin]);
        let gw = who(&[Role::GridWorker]);
        let resident = who(&[Role::Resident]);
        let mediator = who(&[Role::Mediator]);
        let own = CaseRelation {
            in_own_grid: true,
            ..NONE
        };
        let assigned = CaseRelation {
            is_assignee: true,
            in_own_grid: true,
            ..NONE
        };
        let reporter_in_window = CaseRelation {
            is_reporter: true,
            within_reopen_window: true,
            ..NONE
        };
        let reporter_late = CaseRelation {
            is_reporter: true,
            ..NONE
        };
        for a in Action::ALL {
            let office_only = matches!(
                a,
                Action::Register
                    | Action::Refuse
                    | Action::Dispatch
                    | Action::ApprovePostpone
                    | Action::RejectPostpone
                    | Action::Close
            );
            let verification = matches!(a, Action::VerifyPass | Action::VerifyFail);
            assert!(a.allowed_for(&staff, NONE), "staff may {a:?}");
            assert!(a.allowed_for(&admin, NONE), "admin may {a:?}");
            assert_eq!(
                a.allowed_for(&gw, own),
                !office_only && a != Action::Reopen,
                "grid worker in own grid: {a:?}"
            );
            assert!(
                !a.allowed_for(&gw, NONE),
                "grid worker outside their grids: {a:?}"
            );
            assert_eq!(
                a.allowed_for(&gw, assigned),
                !office_only && !verification && a != Action::Reopen,
                "assignee: {a:?}"
            );
            assert!(!a.allowed_for(&mediator, NONE), "mediator: {a:?}");
            assert_eq!(
                a.allowed_for(&resident, reporter_in_window),
                a == Action::Reopen,
                "reporter: {a:?}"
            );
            assert!(
                !a.allowed_for(&resident, reporter_late),
                "reporter after the window: {a:?}"
            );
            assert!(!a.allowed_for(&resident, NONE), "other resident: {a:?}");
        }
        assert!(
            !Action::VerifyPass.allowed_for(
                &staff,
                CaseRelation {
                    is_assignee: true,
                    ..NONE
                }
            ),
            "nobody verifies their own work"
        );
        assert!(
            !Action::VerifyFail.allowed_for(
                &gw,
                CaseRelation {
                    gave_feedback: true,
                    ..own
                }
            ),
            "nor work they reported as done"
        );
    }

    #[test]
    fn legal_actions_follow_stage_and_role() {
        let gw = who(&[Role::GridWorker]);
        let own = CaseRelation {
            in_own_grid: true,
            ..NONE
        };
        assert_eq!(
            legal_actions(Stage::InProgress, &gw, own),
            vec![Action::RequestPostpone, Action::Feedback]
        );
        assert_eq!(legal_actions(Stage::Reported, &gw, own), vec![]);
        assert_eq!(
            legal_actions(Stage::Reported, &who(&[Role::Staff]), NONE),
            vec![Action::Register, Action::Refuse]
        );
        assert_eq!(
            legal_actions(Stage::Handled, &gw, own),
            vec![Action::VerifyPass, Action::VerifyFail]
        );
    }

    #[test]
    fn check_move_names_the_reason() {
        let gw = who(&[Role::GridWorker]);
        let own = CaseRelation {
            in_own_grid: true,
            ..NONE
        };
        assert_eq!(
            check_move(Stage::Reported, Action::Close, &gw, own),
            Err(MoveRefusal::NotFromThisStage)
        );
        assert_eq!(
            check_move(Stage::Reported, Action::Register, &gw, own),
            Err(MoveRefusal::NotYours)
        );
        assert_eq!(
            check_move(Stage::Handled, Action::VerifyFail, &gw, own),
            Ok(Stage::InProgress)
        );
        assert!(Action::VerifyFail.is_rework());
    }

    #[test]
    fn clocks_and_openness() {
        assert!(!Stage::Closed.is_open() && !Stage::Refused.is_open());
        assert!(Stage::Postponed.is_open() && !Stage::Postponed.clock_runs());
        assert!(Stage::InProgress.clock_runs());
        for s in Stage::BOARD {
            assert_ne!(s.label(Lang::ZhCn), s.label(Lang::En));
        }
        assert_eq!(Action::Dispatch.needs(), Needs::Assignment);
    }
}

/// How urgent a case is; with the category it picks the time limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Normal,
    Urgent,
    Critical,
}

impl Urgency {
    pub const ALL: [Urgency; 3] = [Urgency::Normal, Urgency::Urgent, Urgency::Critical];
    pub fn as_str(self) -> &'static str {
        match self {
            Urgency::Normal => "normal",
            Urgency::Urgent => "urgent",
            Urgency::Critical => "critical",
        }
    }
    pub fn parse(s: &str) -> Option<Urgency> {
        Urgency::ALL.into_iter().find(|u| u.as_str() == s)
    }
    pub fn text(self) -> Text {
        match self {
            Urgency::Normal => Text::new("一般", "Normal"),
            Urgency::Urgent => Text::new("紧急", "Urgent"),
            Urgency::Critical => Text::new("特急", "Critical"),
        }
    }
}

/// Where a case came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// 居民上报
    ResidentReport,
    /// 网格员巡查
    Patrol,
    /// 入户走访 / 敲门问需
    Visit,
    /// 网格议事决定
    Council,
    /// 调解转办
    Mediation,
    /// 书记信箱
    Mailbox,
    /// 12345 热线
    Hotline,
    /// Open311
    Open311,
}

impl Source {
    pub const ALL: [Source; 8] = [
        Source::ResidentReport,
        Source::Patrol,
        Source::Visit,
        Source::Council,
        Source::Mediation,
        Source::Mailbox,
        Source::Hotline,
        Source::Open311,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Source::ResidentReport => "resident_report",
            Source::Patrol => "patrol",
            Source::Visit => "visit",
            Source::Council => "council",
            Source::Mediation => "mediation",
            Source::Mailbox => "mailbox",
            Source::Hotline => "hotline",
            Source::Open311 => "open311",
        }
    }
    pub fn parse(s: &str) -> Option<Source> {
        Source::ALL.into_iter().find(|x| x.as_str() == s)
    }
    pub fn text(self) -> Text {
        match self {
            Source::ResidentReport => Text::new("居民上报", "Resident report"),
            Source::Patrol => Text::new("网格巡查", "Patrol"),
            Source::Visit => Text::new("入户走访", "Door-knock visit"),
            Source::Council => Text::new("网格议事", "Council decision"),
            Source::Mediation => Text::new("调解转办", "Mediation referral"),
            Source::Mailbox => Text::new("书记信箱", "Secretary's mailbox"),
            Source::Hotline => Text::new("12345热线", "12345 hotline"),
            Source::Open311 => Text::new("Open311", "Open311"),
        }
    }
    /// Which sources a user may file directly. Council, mediation, mailbox and Open311 cases
    /// are created by those areas, not typed in.
    pub fn may_file(self, who: &Principal) -> bool {
        let office = who.is_office();
        match self {
            Source::ResidentReport => true,
            Source::Patrol | Source::Visit => office || who.has_role(Role::GridWorker),
            Source::Hotline => office,
            Source::Council | Source::Mediation | Source::Mailbox | Source::Open311 => false,
        }
    }
}

/// Where a case came from when another area filed it: the record it was turned from. The case's
/// description holds only what people wrote (the letter, the needs found, the decision); the
/// origin is a fact, worded by the reader's app in the reader's language.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum CaseOrigin {
    /// A letter to the secretary (书记信箱). A private letter's words stay with the secretary:
    /// the case carries only the secretary's handling of it.
    Letter { letter_id: i64, private: bool },
    /// Needs found on a home visit to a person in care (入户走访).
    Visit { visit_id: i64 },
    /// A decision of the grid council (网格议事) on an agenda item.
    Council { item_id: i64 },
}

impl CaseOrigin {
    /// May a case of this origin be offered to anyone reporting nearby (as a
    /// [`DuplicateCandidate`])? A council decision is public; a letter to the secretary or the
    /// needs found at a cared-for person's home are not: even their titles may tell about a
    /// person.
    pub fn offered_to_anyone(&self) -> bool {
        matches!(self, CaseOrigin::Council { .. })
    }

    /// The origin as one phrase, e.g. "网格议事决定（议题 #12）".
    pub fn text(&self, lang: Lang) -> String {
        match self {
            CaseOrigin::Letter { private: true, .. } => Text::new(
                "书记信箱来信（私信，原文仅书记可见；此处为书记的处理意见）",
                "A private letter to the secretary (only the secretary reads the letter; this is the secretary's handling of it)",
            )
            .get(lang)
            .to_string(),
            CaseOrigin::Letter { .. } => Text::new("书记信箱来信", "A letter to the secretary")
                .get(lang)
                .to_string(),
            CaseOrigin::Visit { .. } => Text::new("入户走访时发现", "Found on a home visit")
                .get(lang)
                .to_string(),
            CaseOrigin::Council { item_id } => match lang {
                Lang::ZhCn => format!("网格议事决定（议题 #{item_id}）"),
                Lang::En => format!("A council decision (agenda item #{item_id})"),
            },
        }
    }
}

/// A category of the two-level tree (top level: 部件 facilities / 事件 events / 服务 services).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Category {
    pub id: i64,
    pub parent_id: Option<i64>,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    /// `component` (部件), `event` (事件) or `service` (服务).
    #[serde(default)]
    pub class: String,
    #[serde(default = "yes")]
    pub active: bool,
    /// Shown through Open311 and other public channels.
    #[serde(default = "yes")]
    pub public: bool,
}

fn yes() -> bool {
    true
}

/// A new category or changes to one (admin). `parent_id` and `code` are fixed once created.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CategoryInput {
    #[serde(default)]
    pub parent_id: Option<i64>,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default)]
    pub class: Option<String>,
    #[serde(default = "yes")]
    pub active: bool,
    #[serde(default = "yes")]
    pub public: bool,
}

/// A new responsible party or changes to one (admin). Documented as `ResponsiblePartyInput`:
/// schema names are one namespace, and mediation has its own `PartyInput` (a party to a dispute).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema), schema(as = ResponsiblePartyInput))]
pub struct PartyInput {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default = "yes")]
    pub active: bool,
}

/// A party that can be made responsible for a case (社区, 物业, 供暖公司 …).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ResponsibleParty {
    pub id: i64,
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    #[serde(default = "yes")]
    pub active: bool,
}

/// What the case forms need.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseMeta {
    pub categories: Vec<Category>,
    pub parties: Vec<ResponsibleParty>,
}

/// A new report.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CreateCase {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A second-level category.
    pub category_id: i64,
    pub urgency: Urgency,
    pub source: Source,
    /// Where: a place (grid, micro-grid, building, or a household the reporter may see).
    pub place_id: i64,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
    /// Hide the reporter's name from everyone but the office.
    #[serde(default)]
    pub reporter_hidden: bool,
}

/// A problem an elderly resident reports with one tap on the simple home (长辈版 我要报事):
/// its words become the report's title, its category is found by code in the office's catalog
/// (a preset whose category the office removed is not offered).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QuickProblem {
    /// A stable name, for test ids.
    pub name: &'static str,
    pub text: Text,
    pub category_code: &'static str,
}

/// The simple home's problems, the most common of elderly residents' reports first.
pub const QUICK_PROBLEMS: [QuickProblem; 4] = [
    QuickProblem {
        name: "stair_light",
        text: Text::new("楼道灯坏了", "The stairwell light is out"),
        category_code: "S-REP-01",
    },
    QuickProblem {
        name: "water_leak",
        text: Text::new("家里或楼道漏水", "Water is leaking"),
        category_code: "E-NEI-02",
    },
    QuickProblem {
        name: "rubbish",
        text: Text::new("垃圾没人清", "Rubbish is not cleared"),
        category_code: "E-ENV-01",
    },
    QuickProblem {
        name: "noise",
        text: Text::new("噪音吵得睡不着", "Noise keeps me awake"),
        category_code: "E-NEI-01",
    },
];

impl QuickProblem {
    /// The active category this problem is filed under, if the catalog still has it.
    pub fn category(&self, categories: &[Category]) -> Option<i64> {
        categories
            .iter()
            .find(|c| c.active && c.parent_id.is_some() && c.code == self.category_code)
            .map(|c| c.id)
    }
}

/// A case in lists and on cards.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseSummary {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub stage: Stage,
    pub category_id: i64,
    pub urgency: Urgency,
    pub source: Source,
    pub grid_id: Option<i64>,
    pub place_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub responsible_party_id: Option<i64>,
    #[serde(with = "time::serde::rfc3339::option")]
    pub deadline_at: Option<time::OffsetDateTime>,
    pub overdue: bool,
    /// 黄牌 (warned) or 红牌 (overdue or escalated), from supervision.
    #[serde(default)]
    pub mark: Option<crate::supervision::CaseMark>,
    pub rework_count: i32,
    #[serde(with = "time::serde::rfc3339")]
    pub stage_entered_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub version: i64,
}

/// One entry of a case's history (append-only).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseEvent {
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
    pub actor_name: Option<String>,
    pub action: CaseEventKind,
    pub from_stage: Option<Stage>,
    pub to_stage: Option<Stage>,
    pub note: Option<String>,
}

/// Whether a viewer may know who reported a case. A reporter who asked to be hidden
/// (`reporter_hidden`) is known to the office and to themselves only; everyone else sees no
/// trace of them: no name on the case, none on the history entries they made (the report,
/// their photos, their rating). The one rule; the server masks every view with it.
pub fn may_see_reporter(
    reporter_hidden: bool,
    viewer_is_office: bool,
    viewer_is_reporter: bool,
) -> bool {
    !reporter_hidden || viewer_is_office || viewer_is_reporter
}

/// A case with its history and the moves the asking user may make now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseView {
    #[serde(flatten)]
    pub summary: CaseSummary,
    pub description: String,
    /// The record another area turned into this case; none for a case reported directly.
    #[serde(default)]
    pub origin: Option<CaseOrigin>,
    /// Where: the place and its parents from the grid down ("第一网格 / 1栋"). A hidden
    /// reporter's household is left out for those who may not know the reporter.
    #[serde(default)]
    pub place_path: Vec<crate::places::PlaceRef>,
    pub reporter_name: Option<String>,
    pub lon: Option<f64>,
    pub lat: Option<f64>,
    pub history: Vec<CaseEvent>,
    pub legal_actions: Vec<Action>,
    /// The reporter's satisfaction after closing (回访).
    pub rating: Option<Rating>,
    /// The asking user reported this case and it is closed: they may rate it.
    pub may_rate: bool,
    /// For the office: open cases of the same category at the same place or nearby.
    pub possible_duplicates: Vec<CaseSummary>,
    /// How many others said "this is my problem too" (我也遇到了) instead of reporting it again.
    #[serde(default)]
    pub also_reported: u32,
    /// The requests (回退/作废/延期) the asking user may make now; 缓办 is `request_postpone`.
    #[serde(default)]
    pub legal_requests: Vec<RequestKind>,
    /// The request waiting for a decision, for those who work on the case.
    #[serde(default)]
    pub pending_request: Option<CaseRequest>,
    /// The asking user reported it and may still withdraw it, until then
    /// (`withdraw_until`); `None` otherwise.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub withdraw_until: Option<time::OffsetDateTime>,
}

/// Where a new report is about to be filed, to look for an open case of the same problem
/// (`GET /cases/duplicates`, and the body of "this is my problem too").
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema, utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct DuplicateQuery {
    pub category_id: i64,
    #[serde(default)]
    pub place_id: Option<i64>,
    #[serde(default)]
    pub lon: Option<f64>,
    #[serde(default)]
    pub lat: Option<f64>,
}

/// An open case near a new report, as anyone about to report may see it: what the problem is
/// and how far it has got. Never who reported it, what they wrote or photographed, or where
/// they live: a resident is offered other people's reports in this shape only.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DuplicateCandidate {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub category_id: i64,
    pub stage: Stage,
    /// Metres from the point of the new report (none when only the place matched).
    pub distance_m: Option<u32>,
    /// Reported for the same place (building, micro-grid…) as the new report.
    pub same_place: bool,
    /// How many others said "this is my problem too" (我也遇到了).
    pub also_reported: u32,
    /// The asker already said so.
    pub also_reported_by_me: bool,
    /// The asker may open the case itself (their own report, or one they work on).
    pub may_open: bool,
}

/// The reporter's satisfaction with a closed case.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Rating {
    /// 1 (very dissatisfied) to 5 (very satisfied).
    pub score: u8,
    #[serde(default)]
    pub note: Option<String>,
}

impl Rating {
    pub fn validate(&self) -> Result<(), crate::error::FieldErrors> {
        let mut errs = crate::error::FieldErrors::new();
        if !(1..=5).contains(&self.score) {
            errs.add("score", crate::error::FieldErrorCode::OutOfRange);
        }
        if crate::validate::optional_text(self.note.as_deref(), 500).is_err() {
            errs.add("note", crate::error::FieldErrorCode::TooLong);
        }
        errs.into_result()
    }
}

/// A message to a user about a change to a case they reported.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Notification {
    pub id: i64,
    /// What it is about: a case the user reported, or the user's letter to the secretary.
    #[serde(flatten)]
    pub about: NotificationAbout,
    /// The case move that happened (it says from which stage to which); none for a letter's answer.
    pub action: Option<Action>,
    /// A warning or escalation of the case by the scheduler (no move, no actor).
    #[serde(default)]
    pub alert: Option<crate::supervision::Alert>,
    pub stage: Option<Stage>,
    /// Who made it.
    pub actor_name: Option<String>,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
    pub read: bool,
}

/// The record a notification is about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum NotificationAbout {
    /// A step of a case the user reported.
    Case {
        case_id: i64,
        case_number: String,
        case_title: String,
    },
    /// The secretary answered the user's letter (action `letter_answered`).
    Letter {
        letter_id: i64,
        letter_subject: String,
    },
    /// A 督办 on a case: issued to the user, or a step on one the user issued or was given
    /// (`step` none: issued).
    Directive {
        directive_id: i64,
        case_id: i64,
        case_number: String,
        case_title: String,
        step: Option<crate::directives::DirectiveStep>,
    },
    /// A reminder of the scheduler (a visit due, a ballot closing, a mediation time limit …).
    Reminder {
        reminder: crate::supervision::reminders::Reminder,
    },
}

/// The action of a notification that a letter to the secretary was answered.
pub const LETTER_ANSWERED: &str = "letter_answered";

/// Mark notifications read: these ids, or all when empty.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MarkRead {
    #[serde(default)]
    pub ids: Vec<i64>,
}

/// A move request from the board or a case page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MoveCase {
    pub action: Action,
    /// The version the client saw.
    pub version: i64,
    #[serde(default)]
    pub note: Option<String>,
    #[serde(default)]
    pub refusal_reason: Option<RefusalReason>,
    #[serde(default)]
    pub responsible_party_id: Option<i64>,
    #[serde(default)]
    pub assignee_id: Option<i64>,
    /// For a postponement request: the proposed new deadline.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub postpone_until: Option<time::OffsetDateTime>,
    /// Board position in the target column: after this card …
    #[serde(default)]
    pub after_id: Option<i64>,
    /// … and before this one. Neither: at the end.
    #[serde(default)]
    pub before_id: Option<i64>,
}

impl MoveCase {
    /// A move with nothing but its action and the version it is based on.
    pub fn new(action: Action, version: i64) -> MoveCase {
        MoveCase {
            action,
            version,
            note: None,
            refusal_reason: None,
            responsible_party_id: None,
            assignee_id: None,
            postpone_until: None,
            after_id: None,
            before_id: None,
        }
    }
}

/// Reorder a card within its column.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Reorder {
    pub version: i64,
    #[serde(default)]
    pub after_id: Option<i64>,
    #[serde(default)]
    pub before_id: Option<i64>,
}

/// Check that a move carries what it needs (`Action::needs`).
pub fn validate_move(m: &MoveCase) -> Result<(), crate::error::FieldErrors> {
    use crate::error::{FieldErrorCode, FieldErrors};
    let mut errs = FieldErrors::new();
    let note = crate::validate::optional_text(m.note.as_deref(), 1000);
    if note.is_err() {
        errs.add("note", FieldErrorCode::TooLong);
    }
    let has_note = matches!(note, Ok(Some(_)));
    match m.action.needs() {
        Needs::RefusalReason if m.refusal_reason.is_none() => {
            errs.add("refusal_reason", FieldErrorCode::Required)
        }
        Needs::Assignment if m.responsible_party_id.is_none() => {
            errs.add("responsible_party_id", FieldErrorCode::Required)
        }
        Needs::PostponeReason => {
            if !has_note {
                errs.add("note", FieldErrorCode::Required);
            }
            if m.postpone_until.is_none() {
                errs.add("postpone_until", FieldErrorCode::Required);
            }
        }
        Needs::Feedback | Needs::Note if !has_note => errs.add("note", FieldErrorCode::Required),
        _ => {}
    }
    errs.into_result()
}

/// Check a new report's own fields (references are checked by the server).
pub fn validate_case(c: &CreateCase) -> Result<(String, String), crate::error::FieldErrors> {
    use crate::error::{FieldErrorCode, FieldErrors};
    let mut errs = FieldErrors::new();
    let title = c.title.trim();
    match title.chars().count() {
        0 => errs.add("title", FieldErrorCode::Required),
        n if n > 100 => errs.add("title", FieldErrorCode::TooLong),
        _ => {}
    }
    let description = c.description.trim();
    if description.chars().count() > 4000 {
        errs.add("description", FieldErrorCode::TooLong);
    }
    match (c.lon, c.lat) {
        (None, None) => {}
        (Some(lon), Some(lat))
            if (-180.0..=180.0).contains(&lon) && (-90.0..=90.0).contains(&lat) => {}
        _ => errs.add("lon", FieldErrorCode::OutOfRange),
    }
    errs.into_result()?;
    Ok((title.to_string(), description.to_string()))
}

#[cfg(test)]
mod form_tests {
    use super::*;

    #[test]
    fn moves_must_carry_what_they_need() {
        let base = MoveCase::new(Action::Refuse, 1);
        assert_eq!(validate_move(&base).unwrap_err().0[0].0, "refusal_reason");
        assert!(
            validate_move(&MoveCase {
                refusal_reason: Some(RefusalReason::Duplicate),
                ..base.clone()
            })
            .is_ok()
        );
        let feedback = MoveCase {
            action: Action::Feedback,
            ..base.clone()
        };
        assert_eq!(validate_move(&feedback).unwrap_err().0[0].0, "note");
        assert!(
            validate_move(&MoveCase {
                note: Some("已修复".into()),
                ..feedback
            })
            .is_ok()
        );
        let postpone = MoveCase {
            action: Action::RequestPostpone,
            note: Some("等材料".into()),
            ..base.clone()
        };
        assert_eq!(
            validate_move(&postpone).unwrap_err().0[0].0,
            "postpone_until"
        );
        assert!(
            validate_move(&MoveCase {
                action: Action::Register,
                ..base
            })
            .is_ok()
        );
    }

    #[test]
    fn ratings_are_one_to_five() {
        assert!(
            Rating {
                score: 5,
                note: None
            }
            .validate()
            .is_ok()
        );
        assert!(
            Rating {
                score: 0,
                note: None
            }
            .validate()
            .is_err()
        );
        assert!(
            Rating {
                score: 6,
                note: None
            }
            .validate()
            .is_err()
        );
        assert!(
            Rating {
                score: 3,
                note: Some("很".repeat(501))
            }
            .validate()
            .is_err()
        );
    }

    #[test]
    fn who_may_file_what() {
        let p = |roles: &[Role]| Principal {
            user_id: 1,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: vec![],
        };
        assert!(Source::ResidentReport.may_file(&p(&[Role::Resident])));
        assert!(!Source::Patrol.may_file(&p(&[Role::Resident])));
        assert!(Source::Patrol.may_file(&p(&[Role::GridWorker])));
        assert!(!Source::Hotline.may_file(&p(&[Role::GridWorker])));
        assert!(Source::Hotline.may_file(&p(&[Role::Staff])));
        assert!(
            !Source::Council.may_file(&p(&[Role::Admin])),
            "created by the council area"
        );
    }
}

/// One row of the SLA table: the time limit for a category at an urgency.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SlaRule {
    pub category_id: i64,
    pub urgency: Urgency,
    pub limit: crate::calendar::Limit,
}

/// A day of the office calendar that differs from the usual week.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CalendarDay {
    /// `YYYY-MM-DD`.
    #[cfg_attr(feature = "openapi", schema(value_type = String, format = Date))]
    #[serde(with = "crate::calendar::ymd")]
    pub day: time::Date,
    pub kind: DayKind,
    #[serde(default)]
    pub name: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayKind {
    /// A public holiday: no working hours.
    Holiday,
    /// A weekend day worked by adjustment (调休).
    Workday,
}

/// What a photo shows: the problem as reported, or the result of the work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PhotoKind {
    Report,
    Feedback,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Photo {
    pub id: i64,
    pub case_id: i64,
    pub kind: PhotoKind,
    pub width: u32,
    pub height: u32,
    /// `/api/v1/photos/{id}` and `/api/v1/photos/{id}/thumb`.
    pub url: String,
    pub thumb_url: String,
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: time::OffsetDateTime,
}

/// Upload limits: what phones produce, nothing else.
pub const PHOTO_MAX_BYTES: usize = 12 * 1024 * 1024;
pub const PHOTO_TYPES: [&str; 3] = ["image/jpeg", "image/png", "image/webp"];
pub const PHOTOS_PER_CASE: u64 = 12;

/// Someone a case can be assigned to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Assignee {
    pub id: i64,
    pub display_name: String,
    pub roles: Vec<Role>,
    pub grid_ids: Vec<i64>,
}

/// A request on a case that needs the office's approval (审批): send it back to be dispatched
/// again (回退), void it (作废), extend its deadline (延期) or postpone it (缓办). Every request
/// and decision is kept in the approvals ledger (审批台账). 缓办 is the lifecycle's own
/// `RequestPostpone` → `ApprovePostpone`/`RejectPostpone`; the others leave the stage alone
/// until they are decided.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestKind {
    SendBack,
    Void,
    Extend,
    Postpone,
}

impl RequestKind {
    pub const ALL: [RequestKind; 4] = [
        RequestKind::SendBack,
        RequestKind::Void,
        RequestKind::Extend,
        RequestKind::Postpone,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RequestKind::SendBack => "send_back",
            RequestKind::Void => "void",
            RequestKind::Extend => "extend",
            RequestKind::Postpone => "postpone",
        }
    }

    pub fn parse(s: &str) -> Option<RequestKind> {
        RequestKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    pub fn text(self) -> Text {
        match self {
            RequestKind::SendBack => Text::new("回退", "Send back"),
            RequestKind::Void => Text::new("作废", "Void"),
            RequestKind::Extend => Text::new("延期", "Extend"),
            RequestKind::Postpone => Text::new("缓办", "Postpone"),
        }
    }

    /// The stages a request of this kind may be made from.
    pub fn from_stages(self) -> &'static [Stage] {
        use Stage::*;
        match self {
            // Dispatched to the wrong party or person: back to the office to dispatch again.
            RequestKind::SendBack => &[Dispatched, InProgress],
            RequestKind::Void => &[Registered, Dispatched, InProgress, Postponed],
            // More time while the clock runs.
            RequestKind::Extend => &[Registered, Dispatched, InProgress],
            RequestKind::Postpone => &[InProgress],
        }
    }

    /// A new deadline comes with the request (延期: the new deadline; 缓办: until when).
    pub fn needs_deadline(self) -> bool {
        matches!(self, RequestKind::Extend | RequestKind::Postpone)
    }

    /// May this actor make a request of this kind on a case in `stage`? Those who work on the
    /// case ask — the office, the grid's workers, the assignee —, one request at a time.
    pub fn may_request(self, stage: Stage, who: &Principal, rel: CaseRelation) -> bool {
        if !self.from_stages().contains(&stage) {
            return false;
        }
        match self {
            RequestKind::Postpone => Action::RequestPostpone.allowed_for(who, rel),
            _ => {
                let field = who.has_role(Role::GridWorker) && rel.in_own_grid;
                (who.is_office() || field || rel.is_assignee) && !rel.request_pending
            }
        }
    }

    /// The stage a case is in once a request of this kind is approved.
    pub fn approved_stage(self, stage: Stage) -> Stage {
        match self {
            RequestKind::SendBack => Stage::Registered,
            RequestKind::Void => Stage::Voided,
            RequestKind::Extend => stage,
            RequestKind::Postpone => Stage::Postponed,
        }
    }

    /// The history entries of asking, approving and rejecting.
    pub fn events(self) -> (CaseEventKind, CaseEventKind, CaseEventKind) {
        match self {
            RequestKind::SendBack => (
                CaseEventKind::RequestSendBack,
                CaseEventKind::SendBack,
                CaseEventKind::RejectRequest,
            ),
            RequestKind::Void => (
                CaseEventKind::RequestVoid,
                CaseEventKind::Void,
                CaseEventKind::RejectRequest,
            ),
            RequestKind::Extend => (
                CaseEventKind::RequestExtend,
                CaseEventKind::Extend,
                CaseEventKind::RejectRequest,
            ),
            RequestKind::Postpone => (
                CaseEventKind::RequestPostpone,
                CaseEventKind::ApprovePostpone,
                CaseEventKind::RejectPostpone,
            ),
        }
    }
}

/// Who decides requests: whoever the permission table gives `decide_case_requests` (the
/// office) — the same people who decide a postponement.
pub fn may_decide_requests(who: &Principal) -> bool {
    who.may(crate::accounts::Permission::DecideCaseRequests)
}

/// The requests (other than 缓办, which is the lifecycle move `request_postpone`) this actor
/// may make now: what the case page offers.
pub fn legal_requests(stage: Stage, who: &Principal, rel: CaseRelation) -> Vec<RequestKind> {
    RequestKind::ALL
        .into_iter()
        .filter(|k| *k != RequestKind::Postpone && k.may_request(stage, who, rel))
        .collect()
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RequestState {
    Pending,
    Approved,
    Rejected,
}

impl RequestState {
    pub const ALL: [RequestState; 3] = [
        RequestState::Pending,
        RequestState::Approved,
        RequestState::Rejected,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            RequestState::Pending => "pending",
            RequestState::Approved => "approved",
            RequestState::Rejected => "rejected",
        }
    }
    pub fn parse(s: &str) -> Option<RequestState> {
        RequestState::ALL.into_iter().find(|k| k.as_str() == s)
    }
    pub fn text(self) -> Text {
        match self {
            RequestState::Pending => Text::new("待审批", "Pending"),
            RequestState::Approved => Text::new("已批准", "Approved"),
            RequestState::Rejected => Text::new("已驳回", "Rejected"),
        }
    }
}

/// A new request on a case (`POST /cases/{id}/requests`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct NewCaseRequest {
    pub kind: RequestKind,
    /// Why (at most 1000 characters).
    pub reason: String,
    /// 延期: the new deadline, after the current one; 缓办: until when.
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub new_deadline: Option<time::OffsetDateTime>,
    /// The case's version the requester saw.
    pub version: i64,
}

impl NewCaseRequest {
    /// The reason, trimmed; field errors for what is missing.
    pub fn validate(&self) -> Result<String, crate::error::FieldErrors> {
        use crate::error::{FieldErrorCode, FieldErrors};
        let mut errs = FieldErrors::new();
        let reason = match crate::validate::optional_text(Some(&self.reason), 1000) {
            Ok(Some(r)) => r,
            Ok(None) => {
                errs.add("reason", FieldErrorCode::Required);
                String::new()
            }
            Err(code) => {
                errs.add("reason", code);
                String::new()
            }
        };
        if self.kind.needs_deadline() && self.new_deadline.is_none() {
            errs.add("new_deadline", FieldErrorCode::Required);
        }
        errs.into_result()?;
        Ok(reason)
    }
}

/// The decision on a request (`POST /case-requests/{id}/decision`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DecideCaseRequest {
    pub approve: bool,
    /// The decision note; required to reject.
    #[serde(default)]
    pub note: Option<String>,
    /// The request's version the decider saw.
    pub version: i64,
}

impl DecideCaseRequest {
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
        if !self.approve && note.is_none() && errs.0.is_empty() {
            errs.add("note", FieldErrorCode::Required);
        }
        errs.into_result()?;
        Ok(note)
    }
}

/// One row of the approvals ledger: the request, who decided, when, the decision note.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseRequest {
    pub id: i64,
    pub case_id: i64,
    pub case_number: String,
    pub case_title: String,
    pub kind: RequestKind,
    pub state: RequestState,
    pub reason: String,
    /// The stage the case was in when asked.
    pub from_stage: Stage,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub old_deadline: Option<time::OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub new_deadline: Option<time::OffsetDateTime>,
    pub requested_by_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub requested_at: time::OffsetDateTime,
    pub decided_by_name: Option<String>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    pub decided_at: Option<time::OffsetDateTime>,
    pub decision_note: Option<String>,
    pub version: i64,
}

/// The ledger's filters (`GET /case-requests`, and its export).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "openapi", into_params(parameter_in = Query))]
pub struct LedgerQuery {
    pub kind: Option<RequestKind>,
    pub state: Option<RequestState>,
    pub case_id: Option<i64>,
    /// Asked on or after this Beijing day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Asked on or before this Beijing day (`YYYY-MM-DD`).
    pub to: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

#[cfg(test)]
mod request_tests {
    use super::*;

    fn who(roles: &[Role]) -> Principal {
        Principal {
            user_id: 7,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: vec![1],
        }
    }

    #[test]
    fn who_may_ask_and_who_decides() {
        let gw = who(&[Role::GridWorker]);
        let staff = who(&[Role::Staff]);
        let resident = who(&[Role::Resident]);
        let own = CaseRelation {
            in_own_grid: true,
            ..Default::default()
        };
        let pending = CaseRelation {
            request_pending: true,
            ..own
        };
        assert_eq!(
            legal_requests(Stage::InProgress, &gw, own),
            vec![
                RequestKind::SendBack,
                RequestKind::Void,
                RequestKind::Extend
            ]
        );
        assert_eq!(
            legal_requests(Stage::Registered, &gw, own),
            vec![RequestKind::Void, RequestKind::Extend]
        );
        assert_eq!(legal_requests(Stage::InProgress, &gw, pending), vec![]);
        assert!(!RequestKind::Postpone.may_request(Stage::InProgress, &gw, pending));
        assert!(!Action::RequestPostpone.allowed_for(&gw, pending));
        assert!(RequestKind::Postpone.may_request(Stage::InProgress, &gw, own));
        assert_eq!(
            legal_requests(Stage::InProgress, &gw, CaseRelation::default()),
            vec![],
            "another grid"
        );
        assert_eq!(legal_requests(Stage::InProgress, &resident, own), vec![]);
        assert_eq!(legal_requests(Stage::Closed, &staff, own), vec![]);
        assert!(may_decide_requests(&staff) && !may_decide_requests(&gw));
        assert_eq!(
            RequestKind::Void.approved_stage(Stage::InProgress),
            Stage::Voided
        );
        assert_eq!(
            RequestKind::Extend.approved_stage(Stage::Dispatched),
            Stage::Dispatched
        );
        for k in RequestKind::ALL {
            assert_eq!(RequestKind::parse(k.as_str()), Some(k));
            let (ask, yes, no) = k.events();
            assert_eq!(CaseEventKind::parse(ask.as_str()), Some(ask));
            assert_ne!(yes, no);
        }
        assert!(!Action::ApprovePostpone.undoable() && Action::Register.undoable());
    }

    #[test]
    fn requests_and_decisions_say_why() {
        let r = NewCaseRequest {
            kind: RequestKind::Extend,
            reason: " 等待配件 ".into(),
            new_deadline: None,
            version: 1,
        };
        assert_eq!(r.validate().unwrap_err().0[0].0, "new_deadline");
        let r = NewCaseRequest {
            kind: RequestKind::Void,
            ..r
        };
        assert_eq!(r.validate().unwrap(), "等待配件");
        let no = DecideCaseRequest {
            approve: false,
            note: None,
            version: 1,
        };
        assert_eq!(no.validate().unwrap_err().0[0].0, "note");
        assert_eq!(
            DecideCaseRequest {
                approve: true,
                ..no
            }
            .validate()
            .unwrap(),
            None
        );
    }
}
