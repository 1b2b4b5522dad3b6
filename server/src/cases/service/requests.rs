//! Requests that need the office's approval (审批) — send back (回退), void (作废), extend
//! (延期), postpone (缓办) — and their ledger (审批台账). Which request exists from which stage,
//! who may ask and what an approval does are `shared::cases::RequestKind`'s rules; 缓办 is the
//! lifecycle's own postponement moves, which write the ledger here as they are made.

use super::lifecycle::{append, move_in, rank_last};
use super::query::{find_visible, name_of, parse, relation, stage_of, view};
use crate::audit::{self, Record};
use crate::cases::store::{case, request};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use crate::stats::export::{BATCH, Rows};
use crate::stats::sheet::{Cell, Column, Kind};
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, DatabaseConnection, EntityTrait,
    PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::Page;
use shared::accounts::Principal;
use shared::audit::AuditAction;
use shared::cases::{
    Action, CaseRequest, CaseView, DecideCaseRequest, LedgerQuery, MoveCase, NewCaseRequest,
    RequestKind, RequestState, Stage,
};
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::HashMap;
use time::OffsetDateTime;

fn to_view(r: request::Model, number: String, title: String) -> CaseRequest {
    CaseRequest {
        id: r.id,
        case_id: r.case_id,
        case_number: number,
        case_title: title,
        kind: RequestKind::parse(&r.kind).unwrap_or(RequestKind::Extend),
        state: RequestState::parse(&r.state).unwrap_or(RequestState::Pending),
        reason: r.reason,
        from_stage: parse(&r.from_stage).unwrap_or(Stage::Registered),
        old_deadline: r.old_deadline,
        new_deadline: r.new_deadline,
        requested_by_name: r.requested_by_name,
        requested_at: r.requested_at,
        decided_by_name: r.decided_by_name,
        decided_at: r.decided_at,
        decision_note: r.decision_note,
        version: r.version,
    }
}

/// Ledger rows with their cases' numbers and titles.
async fn views(
    conn: &impl ConnectionTrait,
    rows: Vec<request::Model>,
) -> AppResult<Vec<CaseRequest>> {
    let ids: Vec<i64> = rows.iter().map(|r| r.case_id).collect();
    let cases: HashMap<i64, (String, String)> = case::Entity::find()
        .filter(case::Column::Id.is_in(ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, (c.number, c.title)))
        .collect();
    Ok(rows
        .into_iter()
        .map(|r| {
            let (n, t) = cases.get(&r.case_id).cloned().unwrap_or_default();
            to_view(r, n, t)
        })
        .collect())
}

fn pending_filter(case_id: i64) -> Condition {
    Condition::all()
        .add(request::Column::CaseId.eq(case_id))
        .add(request::Column::State.eq(RequestState::Pending.as_str()))
}

/// The request waiting on a case, if any.
pub async fn pending_of(
    conn: &impl ConnectionTrait,
    c: &case::Model,
) -> AppResult<Option<CaseRequest>> {
    let Some(r) = request::Entity::find()
        .filter(pending_filter(c.id))
        .one(conn)
        .await?
    else {
        return Ok(None);
    };
    Ok(Some(to_view(r, c.number.clone(), c.title.clone())))
}

fn set_pending(kind: Option<RequestKind>) -> Expr {
    Expr::value(kind.map(|k| k.as_str().to_string()))
}

/// The ledger's side of a postponement move (`c` as it was before the move): the request is
/// written when asked, and decided when approved or rejected.
pub(super) async fn record_postpone_move(
    conn: &impl ConnectionTrait,
    me: &Principal,
    c: &case::Model,
    m: &MoveCase,
    now: OffsetDateTime,
) -> AppResult<()> {
    let decided = match m.action {
        Action::RequestPostpone => {
            request::ActiveModel {
                case_id: Set(c.id),
                kind: Set(RequestKind::Postpone.as_str().into()),
                state: Set(RequestState::Pending.as_str().into()),
                reason: Set(m.note.as_deref().unwrap_or_default().trim().to_string()),
                from_stage: Set(name_of(stage_of(c))),
                old_deadline: Set(c.deadline_at),
                new_deadline: Set(m.postpone_until),
                requested_by: Set((me.user_id != 0).then_some(me.user_id)),
                requested_by_name: Set(me.display_name.clone()),
                requested_at: Set(now),
                version: Set(1),
                ..Default::default()
            }
            .insert(conn)
            .await?;
            case::Entity::update_many()
                .col_expr(
                    case::Column::PendingRequest,
                    set_pending(Some(RequestKind::Postpone)),
                )
                .filter(case::Column::Id.eq(c.id))
                .exec(conn)
                .await?;
            return Ok(());
        }
        Action::ApprovePostpone => RequestState::Approved,
        Action::RejectPostpone => RequestState::Rejected,
        _ => return Ok(()),
    };
    request::Entity::update_many()
        .col_expr(request::Column::State, Expr::value(decided.as_str()))
        .col_expr(request::Column::DecidedBy, Expr::value(Some(me.user_id)))
        .col_expr(
            request::Column::DecidedByName,
            Expr::value(Some(me.display_name.clone())),
        )
        .col_expr(request::Column::DecidedAt, Expr::value(Some(now)))
        .col_expr(
            request::Column::DecisionNote,
            Expr::value(
                shared::validate::optional_text(m.note.as_deref(), 1000)
                    .ok()
                    .flatten(),
            ),
        )
        .col_expr(
            request::Column::Version,
            crate::db::next_version(request::Column::Version),
        )
        .filter(pending_filter(c.id))
        .exec(conn)
        .await?;
    case::Entity::update_many()
        .col_expr(case::Column::PendingRequest, set_pending(None))
        .filter(case::Column::Id.eq(c.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ask for an approval on a case. 缓办 is the lifecycle move `request_postpone`; the others
/// leave the case where it is and wait. A stale `version` gets 409 with the current case.
pub async fn create_request(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    case_id: i64,
    req: NewCaseRequest,
) -> AppResult<CaseView> {
    let reason = req.validate()?;
    let txn = state.db.begin_write().await?;
    let now = crate::clock::now();
    let (event_id, action, c) = if req.kind == RequestKind::Postpone {
        let mut m = MoveCase::new(Action::RequestPostpone, req.version);
        m.note = Some(reason);
        m.postpone_until = req.new_deadline;
        let (event_id, c) = move_in(&txn, state, me, case_id, &m).await?;
        (event_id, name_of(Action::RequestPostpone), c)
    } else {
        let c = find_visible(&*txn, me, case_id).await?;
        if c.version != req.version {
            return Err(AppError::conflict(
                &view(&*txn, me, c, state.config.duplicate_radius_m).await?,
            ));
        }
        let stage = stage_of(&c);
        let rel = relation(me, &c, now);
        if !req.kind.from_stages().contains(&stage) || rel.request_pending {
            return Err(AppError::Code(ErrorCode::IllegalMove));
        }
        if !req.kind.may_request(stage, me, rel) {
            return Err(AppError::Code(ErrorCode::Forbidden));
        }
        if req.kind == RequestKind::Extend {
            let new = req.new_deadline.expect("validated");
            if new <= now || c.deadline_at.is_some_and(|d| new <= d) {
                return Err(AppError::field("new_deadline", FieldErrorCode::OutOfRange));
            }
        }
        request::ActiveModel {
            case_id: Set(c.id),
            kind: Set(req.kind.as_str().into()),
            state: Set(RequestState::Pending.as_str().into()),
            reason: Set(reason.clone()),
            from_stage: Set(name_of(stage)),
            old_deadline: Set(c.deadline_at),
            new_deadline: Set(req.new_deadline.filter(|_| req.kind.needs_deadline())),
            requested_by: Set(Some(me.user_id)),
            requested_by_name: Set(me.display_name.clone()),
            requested_at: Set(now),
            version: Set(1),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
        let res = case::Entity::update_many()
            .col_expr(case::Column::PendingRequest, set_pending(Some(req.kind)))
            .col_expr(case::Column::Version, Expr::value(c.version + 1))
            .col_expr(case::Column::UpdatedAt, Expr::value(now))
            .filter(case::Column::Id.eq(c.id))
            .filter(case::Column::Version.eq(c.version))
            .exec(&*txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(AppError::Code(ErrorCode::VersionConflict));
        }
        let event_id = append(
            &*txn,
            c.id,
            me,
            req.kind.events().0,
            Some(stage),
            Some(stage),
            Some(reason),
            None,
        )
        .await?;
        let c = case::Entity::find_by_id(c.id).one_or_404(&*txn).await?;
        (event_id, req.kind.events().0.as_str().to_string(), c)
    };
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(AuditAction::CaseRequestCreate, "case", c.id).detail(req.kind.as_str()),
    )
    .await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state
        .live
        .publish(crate::cases::live::Change::of(event_id, &action, &c));
    Ok(out)
}

/// Approve or reject a waiting request (the office). A stale `version` gets 409 with the
/// current request; a request already decided, or whose case has since moved to a stage the
/// approval no longer fits, 422 `illegal_move`.
pub async fn decide_request(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    d: DecideCaseRequest,
) -> AppResult<CaseRequest> {
    if !shared::cases::may_decide_requests(me) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let note = d.validate()?;
    let txn = state.db.begin_write().await?;
    let now = crate::clock::now();
    let r = request::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let c = case::Entity::find_by_id(r.case_id)
        .one_or_404(&*txn)
        .await?;
    if r.version != d.version {
        let current = to_view(r, c.number.clone(), c.title.clone());
        return Err(AppError::conflict(&current));
    }
    if r.state != RequestState::Pending.as_str() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let kind = RequestKind::parse(&r.kind).unwrap_or(RequestKind::Extend);
    let (event_id, action, c) = if kind == RequestKind::Postpone {
        let action = if d.approve {
            Action::ApprovePostpone
        } else {
            Action::RejectPostpone
        };
        let mut m = MoveCase::new(action, c.version);
        m.note = note.clone();
        let (event_id, c) = move_in(&txn, state, me, c.id, &m).await?;
        (event_id, name_of(action), c)
    } else {
        let from = stage_of(&c);
        if d.approve && !kind.from_stages().contains(&from) {
            return Err(AppError::Code(ErrorCode::IllegalMove));
        }
        let to = if d.approve {
            kind.approved_stage(from)
        } else {
            from
        };
        let mut q = case::Entity::update_many()
            .col_expr(case::Column::PendingRequest, set_pending(None))
            .col_expr(case::Column::Version, Expr::value(c.version + 1))
            .col_expr(case::Column::UpdatedAt, Expr::value(now));
        if d.approve {
            match kind {
                RequestKind::SendBack => {
                    q = q
                        .col_expr(case::Column::Stage, Expr::value(name_of(to)))
                        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
                        .col_expr(case::Column::BoardRank, Expr::value(rank_last(now)))
                        .col_expr(case::Column::AssigneeId, Expr::value(Option::<i64>::None))
                        .col_expr(
                            case::Column::ResponsiblePartyId,
                            Expr::value(Option::<i64>::None),
                        );
                }
                RequestKind::Void => {
                    q = q
                        .col_expr(case::Column::Stage, Expr::value(name_of(to)))
                        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
                        .col_expr(case::Column::BoardRank, Expr::value(rank_last(now)))
                        .col_expr(case::Column::ClosedAt, Expr::value(Some(now)));
                }
                RequestKind::Extend => {
                    q = q.col_expr(case::Column::DeadlineAt, Expr::value(r.new_deadline));
                }
                RequestKind::Postpone => unreachable!("decided by the lifecycle above"),
            }
        }
        let res = q
            .filter(case::Column::Id.eq(c.id))
            .filter(case::Column::Version.eq(c.version))
            .exec(&*txn)
            .await?;
        if res.rows_affected != 1 {
            return Err(AppError::Code(ErrorCode::VersionConflict));
        }
        let (_, yes, no) = kind.events();
        let event = if d.approve { yes } else { no };
        let event_id = append(
            &*txn,
            c.id,
            me,
            event,
            Some(from),
            Some(to),
            note.clone(),
            None,
        )
        .await?;
        request::Entity::update_many()
            .col_expr(
                request::Column::State,
                Expr::value(if d.approve {
                    RequestState::Approved.as_str()
                } else {
                    RequestState::Rejected.as_str()
                }),
            )
            .col_expr(request::Column::DecidedBy, Expr::value(Some(me.user_id)))
            .col_expr(
                request::Column::DecidedByName,
                Expr::value(Some(me.display_name.clone())),
            )
            .col_expr(request::Column::DecidedAt, Expr::value(Some(now)))
            .col_expr(request::Column::DecisionNote, Expr::value(note.clone()))
            .col_expr(request::Column::Version, Expr::value(r.version + 1))
            .filter(request::Column::Id.eq(r.id))
            .exec(&*txn)
            .await?;
        let c = case::Entity::find_by_id(c.id).one_or_404(&*txn).await?;
        (event_id, event.as_str().to_string(), c)
    };
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(AuditAction::CaseRequestDecide, "case_request", r.id).detail(if d.approve {
            "approved"
        } else {
            "rejected"
        }),
    )
    .await?;
    let decided = request::Entity::find_by_id(r.id).one_or_404(&*txn).await?;
    let out = to_view(decided, c.number.clone(), c.title.clone());
    txn.commit().await?;
    state
        .live
        .publish(crate::cases::live::Change::of(event_id, &action, &c));
    Ok(out)
}

/// The ledger's filters as a condition (asked on Beijing days `from` to `to`, inclusive).
pub fn ledger_condition(q: &LedgerQuery) -> AppResult<Condition> {
    let mut cond = Condition::all();
    if let Some(k) = q.kind {
        cond = cond.add(request::Column::Kind.eq(k.as_str()));
    }
    if let Some(s) = q.state {
        cond = cond.add(request::Column::State.eq(s.as_str()));
    }
    if let Some(id) = q.case_id {
        cond = cond.add(request::Column::CaseId.eq(id));
    }
    let day = |field: &str, s: &Option<String>| -> AppResult<Option<time::Date>> {
        match s.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            None => Ok(None),
            Some(s) => shared::calendar::parse_day(s)
                .map(Some)
                .ok_or_else(|| AppError::field(field, FieldErrorCode::InvalidFormat)),
        }
    };
    let start = |d: time::Date| {
        d.midnight()
            .assume_offset(shared::calendar::SHANGHAI)
            .to_offset(time::UtcOffset::UTC)
    };
    if let Some(d) = day("from", &q.from)? {
        cond = cond.add(request::Column::RequestedAt.gte(start(d)));
    }
    if let Some(next) = day("to", &q.to)?.and_then(|d| d.next_day()) {
        cond = cond.add(request::Column::RequestedAt.lt(start(next)));
    }
    Ok(cond)
}

/// A page of the ledger, newest first.
pub async fn ledger(conn: &impl ConnectionTrait, q: &LedgerQuery) -> AppResult<Page<CaseRequest>> {
    let cond = ledger_condition(q)?;
    let (offset, limit) = shared::clamp_paging(q.offset, q.limit);
    let total = request::Entity::find()
        .filter(cond.clone())
        .count(conn)
        .await?;
    let rows = request::Entity::find()
        .filter(cond)
        .order_by_desc(request::Column::RequestedAt)
        .order_by_desc(request::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(Page {
        items: views(conn, rows).await?,
        total,
        offset,
        limit,
    })
}

/// How many ledger rows the filters select (for the export's audit entry).
pub async fn ledger_count(conn: &impl ConnectionTrait, q: &LedgerQuery) -> AppResult<u64> {
    Ok(request::Entity::find()
        .filter(ledger_condition(q)?)
        .count(conn)
        .await?)
}

/// The ledger as the statistics exports write it (`crate::stats::export`), a batch at a time.
pub struct LedgerRows {
    filter: Condition,
    after: Option<(OffsetDateTime, i64)>,
}

impl LedgerRows {
    pub fn new(q: &LedgerQuery) -> AppResult<LedgerRows> {
        Ok(LedgerRows {
            filter: ledger_condition(q)?,
            after: None,
        })
    }
}

impl Rows for LedgerRows {
    fn columns(&self) -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("事件编号", Text, 18.0),
            Column::new("事件标题", Text, 30.0),
            Column::new("申请类型", Text, 8.0),
            Column::new("审批状态", Text, 8.0),
            Column::new("申请理由", Text, 30.0),
            Column::new("申请时阶段", Text, 10.0),
            Column::new("原期限", Moment, 17.0),
            Column::new("申请期限", Moment, 17.0),
            Column::new("申请人", Text, 10.0),
            Column::new("申请时间", Moment, 17.0),
            Column::new("审批人", Text, 10.0),
            Column::new("审批时间", Moment, 17.0),
            Column::new("审批意见", Text, 30.0),
        ]
    }

    async fn next_batch(&mut self, conn: &DatabaseConnection) -> AppResult<Vec<Vec<Cell>>> {
        let mut q = request::Entity::find().filter(self.filter.clone());
        if let Some((at, id)) = self.after {
            q = q.filter(
                Condition::any()
                    .add(request::Column::RequestedAt.lt(at))
                    .add(
                        Condition::all()
                            .add(request::Column::RequestedAt.eq(at))
                            .add(request::Column::Id.lt(id)),
                    ),
            );
        }
        let rows = q
            .order_by_desc(request::Column::RequestedAt)
            .order_by_desc(request::Column::Id)
            .limit(BATCH)
            .all(conn)
            .await?;
        if let Some(last) = rows.last() {
            self.after = Some((last.requested_at.to_offset(time::UtcOffset::UTC), last.id));
        }
        let zh = shared::i18n::Lang::ZhCn;
        Ok(views(conn, rows)
            .await?
            .into_iter()
            .map(|r| {
                vec![
                    r.case_number.into(),
                    r.case_title.into(),
                    r.kind.text().get(zh).into(),
                    r.state.text().get(zh).into(),
                    r.reason.into(),
                    r.from_stage.text().get(zh).into(),
                    r.old_deadline.into(),
                    r.new_deadline.into(),
                    r.requested_by_name.into(),
                    r.requested_at.into(),
                    r.decided_by_name.unwrap_or_default().into(),
                    r.decided_at.into(),
                    r.decision_note.unwrap_or_default().into(),
                ]
            })
            .collect())
    }
}
