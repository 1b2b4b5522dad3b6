//! The lifecycle: filing a case, moving it through its stages, undoing a move, rating it,
//! and the history each change appends.

use super::query::{find_visible, name_of, parse, relation, stage_of, view};
use super::timing::{calendar, limit_for};
use crate::cases::store::{case, category, event, party, wip_limit};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::service::{self as places};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, Set,
};
use shared::accounts::Principal;
use shared::cases::{
    Action, CaseEventKind, CaseOrigin, CaseView, CreateCase, MoveCase, MoveRefusal, Rating, Stage,
    check_move, validate_case, validate_move,
};
use shared::error::{ErrorCode, FieldErrorCode};
use time::OffsetDateTime;

/// A sortable key that puts a case last in its column. Moves write only the moved case.
pub fn rank_last(now: OffsetDateTime) -> String {
    // Never ends in the zero digit, so keys between two of these always exist.
    format!("{:020}i", now.unix_timestamp_nanos() / 1000)
}

/// The reporter's satisfaction rating of a closed case (回访); may be given again to change it.
pub async fn rate(state: &AppState, me: &Principal, id: i64, r: Rating) -> AppResult<CaseView> {
    r.validate()?;
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    if c.reporter_id != Some(me.user_id) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if stage_of(&c) != Stage::Closed {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let note = shared::validate::optional_text(r.note.as_deref(), 500)
        .ok()
        .flatten();
    case::Entity::update_many()
        .col_expr(case::Column::RatingScore, Expr::value(i32::from(r.score)))
        .col_expr(case::Column::RatingNote, Expr::value(note.clone()))
        .col_expr(
            case::Column::Version,
            crate::db::next_version(case::Column::Version),
        )
        .filter(case::Column::Id.eq(id))
        .exec(&*txn)
        .await?;
    let text = format!("{}/5 {}", r.score, note.unwrap_or_default())
        .trim()
        .to_string();
    append(
        &*txn,
        id,
        me,
        CaseEventKind::Rating,
        Some(Stage::Closed),
        Some(Stage::Closed),
        Some(text),
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c, state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    Ok(out)
}

/// Append to a case's history; returns the entry's id (the live stream's cursor).
pub async fn append(
    conn: &impl ConnectionTrait,
    case_id: i64,
    me: &Principal,
    kind: CaseEventKind,
    from: Option<Stage>,
    to: Option<Stage>,
    note: Option<String>,
    detail: Option<String>,
) -> AppResult<i64> {
    let e = event::ActiveModel {
        case_id: Set(case_id),
        at: Set(crate::clock::now()),
        // Machine clients (Open311) act under user id 0: no account, but a name.
        actor_id: Set((me.user_id != 0).then_some(me.user_id)),
        actor_name: Set(Some(me.display_name.clone())),
        action: Set(kind.as_str().to_string()),
        from_stage: Set(from.map(name_of)),
        to_stage: Set(to.map(name_of)),
        note: Set(note),
        detail: Set(detail),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(e.id)
}

pub async fn create(
    state: &AppState,
    me: &Principal,
    _ctx: &RequestCtx,
    req: CreateCase,
) -> AppResult<CaseView> {
    let (title, description) = validate_case(&req)?;
    if !req.source.may_file(me) {
        return Err(AppError::field("source", FieldErrorCode::NotAllowed));
    }
    let txn = state.db.begin_write().await?;
    // The place must be one the reporter may see (a household only within people scope).
    let place = match places::find(&*txn, req.place_id).await {
        Ok(p) if places::check_visible(me, &p).is_ok() => p,
        _ => {
            return Err(AppError::field(
                "place_id",
                FieldErrorCode::UnknownReference,
            ));
        }
    };
    let c = file_in(&*txn, me, &req, title, description, &place, None).await?;
    let out = view(&*txn, me, c.case.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state.live.publish(crate::cases::live::Change::of(
        c.event_id, "created", &c.case,
    ));
    Ok(out)
}

/// A filed case and the history entry that records it.
pub struct Filed {
    pub case: case::Model,
    pub event_id: i64,
}

impl std::ops::Deref for Filed {
    type Target = case::Model;
    fn deref(&self) -> &case::Model {
        &self.case
    }
}

impl Clone for Filed {
    fn clone(&self) -> Self {
        Filed {
            case: self.case.clone(),
            event_id: self.event_id,
        }
    }
}

/// Write a new case at a checked place, inside the caller's transaction (also used by Open311).
pub async fn file_in(
    txn: &impl ConnectionTrait,
    me: &Principal,
    req: &CreateCase,
    title: String,
    description: String,
    place: &crate::places::store::place::Model,
    origin: Option<&CaseOrigin>,
) -> AppResult<Filed> {
    let cat = category::Entity::find_by_id(req.category_id)
        .one(txn)
        .await?;
    if !cat.is_some_and(|c| c.active && c.parent_id.is_some()) {
        return Err(AppError::field(
            "category_id",
            FieldErrorCode::UnknownReference,
        ));
    }
    let now = crate::clock::now();
    let c = case::ActiveModel {
        // Unique until the id is known (the column holds 24 characters).
        number: Set(format!(
            "tmp-{}",
            &uuid::Uuid::new_v4().simple().to_string()[..16]
        )),
        title: Set(title),
        description: Set(description),
        category_id: Set(req.category_id),
        urgency: Set(req.urgency.as_str().to_string()),
        source: Set(req.source.as_str().to_string()),
        stage: Set(name_of(Stage::Reported)),
        grid_id: Set(place.grid_id),
        place_id: Set(Some(place.id)),
        lon: Set(req.lon),
        lat: Set(req.lat),
        reporter_id: Set((me.user_id != 0).then_some(me.user_id)),
        reporter_name: Set(Some(me.display_name.clone())),
        reporter_hidden: Set(req.reporter_hidden),
        origin: Set(origin.map(|o| serde_json::to_string(o).expect("an origin is plain data"))),
        stage_entered_at: Set(now),
        board_rank: Set(rank_last(now)),
        rework_count: Set(0),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(txn)
    .await?;
    // Case numbers read like the office's register: year and a running number.
    let number = format!(
        "{}-{:06}",
        now.to_offset(shared::calendar::SHANGHAI).year(),
        c.id
    );
    case::Entity::update_many()
        .col_expr(case::Column::Number, Expr::value(number))
        .filter(case::Column::Id.eq(c.id))
        .exec(txn)
        .await?;
    let event_id = append(
        txn,
        c.id,
        me,
        CaseEventKind::Created,
        None,
        Some(Stage::Reported),
        None,
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(c.id).one_or_404(txn).await?;
    Ok(Filed { case: c, event_id })
}

/// The hard work-in-progress limit of a column refuses one card more. The limit's row stays
/// locked until the move commits, so moves into the column at once are counted one by one.
async fn check_wip(txn: &crate::db::WriteTxn, stage: Stage) -> AppResult<()> {
    let Some(hard) = txn
        .lock::<wip_limit::Entity>(name_of(stage))
        .await?
        .and_then(|l| l.hard)
    else {
        return Ok(());
    };
    let n = case::Entity::find()
        .filter(case::Column::Stage.eq(name_of(stage)))
        .count(&**txn)
        .await?;
    if n >= Ord::max(hard, 0) as u64 {
        Err(AppError::Code(ErrorCode::WipLimitReached))
    } else {
        Ok(())
    }
}

/// The fields a move changes, kept with the move so that it can be undone.
#[derive(serde::Serialize, serde::Deserialize)]
struct Snapshot {
    stage: String,
    stage_entered_at: OffsetDateTime,
    board_rank: String,
    deadline_at: Option<OffsetDateTime>,
    registered_at: Option<OffsetDateTime>,
    closed_at: Option<OffsetDateTime>,
    responsible_party_id: Option<i64>,
    assignee_id: Option<i64>,
    feedback_by: Option<i64>,
    postpone_until: Option<OffsetDateTime>,
    rework_count: i32,
}

impl Snapshot {
    fn of(c: &case::Model) -> Snapshot {
        Snapshot {
            stage: c.stage.clone(),
            stage_entered_at: c.stage_entered_at,
            board_rank: c.board_rank.clone(),
            deadline_at: c.deadline_at,
            registered_at: c.registered_at,
            closed_at: c.closed_at,
            responsible_party_id: c.responsible_party_id,
            assignee_id: c.assignee_id,
            feedback_by: c.feedback_by,
            postpone_until: c.postpone_until,
            rework_count: c.rework_count,
        }
    }
}

use shared::undo::UNDO_WINDOW;

/// Until when `me` may withdraw this report (`shared::cases::withdraw_until`): their own,
/// filed by themselves (a report filed on their behalf is withdrawn with whoever filed it).
pub async fn withdraw_until_for(
    conn: &impl ConnectionTrait,
    me: &Principal,
    c: &case::Model,
    now: OffsetDateTime,
) -> AppResult<Option<OffsetDateTime>> {
    let is_reporter = c.reporter_id == Some(me.user_id);
    if !is_reporter || stage_of(c) != Stage::Reported {
        return Ok(None);
    }
    let filed_by_themselves = event::Entity::find()
        .filter(event::Column::CaseId.eq(c.id))
        .filter(event::Column::Action.eq(CaseEventKind::Created.as_str()))
        .one(conn)
        .await?
        .is_some_and(|e| e.actor_id == Some(me.user_id));
    Ok(shared::cases::withdraw_until(
        stage_of(c),
        filed_by_themselves,
        c.created_at,
        now,
    ))
}

/// The reporter takes their report back (撤回) within the undo window, before anyone acted
/// on it. The case is kept, in the stage 已撤回, with the step in its history and the audit
/// log; it counts in no figure and leaves the board.
pub async fn withdraw(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    version: i64,
) -> AppResult<CaseView> {
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    if c.reporter_id != Some(me.user_id) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let now = crate::clock::now();
    if withdraw_until_for(&*txn, me, &c, now).await?.is_none() {
        return Err(AppError::Code(ErrorCode::CannotWithdraw));
    }
    if c.version != version {
        return Err(AppError::conflict(
            &view(&*txn, me, c, state.config.duplicate_radius_m).await?,
        ));
    }
    let res = case::Entity::update_many()
        .col_expr(case::Column::Stage, Expr::value(name_of(Stage::Withdrawn)))
        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
        .col_expr(
            case::Column::Version,
            crate::db::next_version(case::Column::Version),
        )
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(version))
        .filter(case::Column::Stage.eq(name_of(Stage::Reported)))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Code(ErrorCode::CannotWithdraw));
    }
    let event_id = append(
        &*txn,
        id,
        me,
        CaseEventKind::Withdraw,
        Some(Stage::Reported),
        Some(Stage::Withdrawn),
        None,
        None,
    )
    .await?;
    crate::audit::record(
        &*txn,
        Some(me),
        ctx,
        crate::audit::Record {
            action: shared::audit::AuditAction::CaseWithdraw,
            entity: Some("case"),
            entity_id: Some(id),
            resident_id: None,
            detail: None,
        },
    )
    .await?;
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state
        .live
        .publish(crate::cases::live::Change::of(event_id, "withdraw", &c));
    Ok(out)
}

/// Undo one's own last move (Ctrl+Z on the board): only while nothing else happened to the
/// case since, within the undo window; the case returns to exactly where it was.
pub async fn undo(state: &AppState, me: &Principal, id: i64, version: i64) -> AppResult<CaseView> {
    let txn = state.db.begin_write().await?;
    let c = find_visible(&*txn, me, id).await?;
    if c.version != version {
        return Err(AppError::conflict(
            &view(&*txn, me, c, state.config.duplicate_radius_m).await?,
        ));
    }
    let last = event::Entity::find()
        .filter(event::Column::CaseId.eq(id))
        .order_by_desc(event::Column::Id)
        .one(&*txn)
        .await?;
    let now = crate::clock::now();
    let snapshot = last
        .filter(|e| {
            e.actor_id == Some(me.user_id)
                && e.at + UNDO_WINDOW > now
                && parse::<Action>(&e.action).is_some_and(Action::undoable)
        })
        .and_then(|e| e.detail)
        .and_then(|d| serde_json::from_str::<Snapshot>(&d).ok())
        .ok_or(AppError::Code(ErrorCode::CannotUndo))?;
    let back: Stage = parse(&snapshot.stage).unwrap_or(Stage::Reported);
    let res = case::Entity::update_many()
        .col_expr(case::Column::Stage, Expr::value(snapshot.stage.clone()))
        .col_expr(
            case::Column::StageEnteredAt,
            Expr::value(snapshot.stage_entered_at),
        )
        .col_expr(
            case::Column::BoardRank,
            Expr::value(snapshot.board_rank.clone()),
        )
        .col_expr(case::Column::DeadlineAt, Expr::value(snapshot.deadline_at))
        .col_expr(
            case::Column::RegisteredAt,
            Expr::value(snapshot.registered_at),
        )
        .col_expr(case::Column::ClosedAt, Expr::value(snapshot.closed_at))
        .col_expr(
            case::Column::ResponsiblePartyId,
            Expr::value(snapshot.responsible_party_id),
        )
        .col_expr(case::Column::AssigneeId, Expr::value(snapshot.assignee_id))
        .col_expr(case::Column::FeedbackBy, Expr::value(snapshot.feedback_by))
        .col_expr(
            case::Column::PostponeUntil,
            Expr::value(snapshot.postpone_until),
        )
        .col_expr(
            case::Column::ReworkCount,
            Expr::value(snapshot.rework_count),
        )
        .col_expr(
            case::Column::Version,
            crate::db::next_version(case::Column::Version),
        )
        .col_expr(case::Column::UpdatedAt, Expr::value(now))
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::Code(ErrorCode::CannotUndo));
    }
    let event_id = append(
        &*txn,
        id,
        me,
        CaseEventKind::Undo,
        Some(stage_of(&c)),
        Some(back),
        None,
        None,
    )
    .await?;
    let c = case::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state
        .live
        .publish(crate::cases::live::Change::of(event_id, "undo", &c));
    Ok(out)
}

/// The key that puts a card after `after_id` and before `before_id` in `stage`'s column
/// (neighbours from another column are ignored); last in the column without neighbours.
pub async fn placed_rank(
    conn: &impl ConnectionTrait,
    stage: Stage,
    after_id: Option<i64>,
    before_id: Option<i64>,
    now: OffsetDateTime,
) -> AppResult<String> {
    let rank_of = |id: Option<i64>| async move {
        match id {
            Some(id) => Ok::<_, AppError>(
                case::Entity::find_by_id(id)
                    .one(conn)
                    .await?
                    .filter(|c| c.stage == name_of(stage))
                    .map(|c| c.board_rank),
            ),
            None => Ok(None),
        }
    };
    let (lo, hi) = (rank_of(after_id).await?, rank_of(before_id).await?);
    Ok(match (lo, hi) {
        (None, None) => rank_last(now),
        (lo, hi) if lo.is_some() && hi.is_some() && lo >= hi => rank_last(now),
        (lo, hi) => shared::board::rank_between(lo.as_deref(), hi.as_deref()),
    })
}

/// Make one lifecycle move. The shared table decides whether it exists and who may make it;
/// this applies its effects and appends it to the history, all in one transaction.
pub async fn make_move(
    state: &AppState,
    me: &Principal,
    _ctx: &RequestCtx,
    id: i64,
    m: MoveCase,
) -> AppResult<CaseView> {
    validate_move(&m)?;
    let txn = state.db.begin_write().await?;
    let (event_id, c) = move_in(&txn, state, me, id, &m).await?;
    let out = view(&*txn, me, c.clone(), state.config.duplicate_radius_m).await?;
    txn.commit().await?;
    state.live.publish(crate::cases::live::Change::of(
        event_id,
        &name_of(m.action),
        &c,
    ));
    Ok(out)
}

/// One validated move inside the caller's transaction: the rules, its effects, the history
/// entry, the reporter's notification and — for a postponement — the approvals ledger.
/// Returns the history entry's id and the case as it now is.
pub(super) async fn move_in(
    txn: &crate::db::WriteTxn,
    state: &AppState,
    me: &Principal,
    id: i64,
    m: &MoveCase,
) -> AppResult<(i64, case::Model)> {
    let c = find_visible(&**txn, me, id).await?;
    let now = crate::clock::now();
    if c.version != m.version {
        return Err(AppError::conflict(
            &view(&**txn, me, c, state.config.duplicate_radius_m).await?,
        ));
    }
    let from = stage_of(&c);
    let to = match check_move(from, m.action, me, relation(me, &c, now)) {
        Ok(to) => to,
        Err(MoveRefusal::NotFromThisStage) => return Err(AppError::Code(ErrorCode::IllegalMove)),
        Err(MoveRefusal::NotYours) => return Err(AppError::Code(ErrorCode::Forbidden)),
    };
    check_wip(txn, to).await?;
    let note = shared::validate::optional_text(m.note.as_deref(), 1000)
        .ok()
        .flatten();
    let rank = placed_rank(&**txn, to, m.after_id, m.before_id, now).await?;
    let mut q = case::Entity::update_many()
        .col_expr(case::Column::Stage, Expr::value(name_of(to)))
        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
        .col_expr(case::Column::BoardRank, Expr::value(rank))
        .col_expr(case::Column::Version, Expr::value(c.version + 1))
        .col_expr(case::Column::UpdatedAt, Expr::value(now));
    let mut detail = None;
    match m.action {
        Action::Register | Action::Reopen => {
            // The clock starts at registration (again, for a reopened case).
            let cal = calendar(&**txn).await?;
            let deadline = limit_for(&**txn, c.category_id, &c.urgency)
                .await?
                .map(|l| cal.deadline(now, l));
            q = q
                .col_expr(case::Column::RegisteredAt, Expr::value(now))
                .col_expr(case::Column::DeadlineAt, Expr::value(deadline))
                .col_expr(
                    case::Column::ClosedAt,
                    Expr::value(Option::<OffsetDateTime>::None),
                );
        }
        Action::Refuse => {
            detail = m.refusal_reason.map(name_of);
            q = q.col_expr(case::Column::ClosedAt, Expr::value(Some(now)));
        }
        Action::Dispatch => {
            let party_id = m.responsible_party_id.expect("validated");
            if party::Entity::find_by_id(party_id)
                .one(&**txn)
                .await?
                .is_none_or(|p| !p.active)
            {
                return Err(AppError::field(
                    "responsible_party_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
            if let Some(a) = m.assignee_id {
                crate::accounts::service::check_named_person(
                    &**txn,
                    me,
                    shared::accounts::Work::CaseAssignee,
                    a,
                    c.grid_id,
                    "assignee_id",
                )
                .await?;
            }
            q = q
                .col_expr(case::Column::ResponsiblePartyId, Expr::value(party_id))
                .col_expr(case::Column::AssigneeId, Expr::value(m.assignee_id));
        }
        Action::RequestPostpone => {
            let until = m.postpone_until.expect("validated");
            if until <= now {
                return Err(AppError::field(
                    "postpone_until",
                    FieldErrorCode::OutOfRange,
                ));
            }
            q = q.col_expr(case::Column::PostponeUntil, Expr::value(Some(until)));
        }
        Action::ApprovePostpone => {
            q = q.col_expr(case::Column::DeadlineAt, Expr::value(c.postpone_until));
        }
        Action::RejectPostpone => {
            q = q.col_expr(
                case::Column::PostponeUntil,
                Expr::value(Option::<OffsetDateTime>::None),
            );
        }
        Action::Feedback => {
            q = q.col_expr(case::Column::FeedbackBy, Expr::value(Some(me.user_id)));
        }
        Action::VerifyFail => {
            q = q.col_expr(case::Column::ReworkCount, Expr::value(c.rework_count + 1));
        }
        Action::Close => {
            q = q.col_expr(case::Column::ClosedAt, Expr::value(Some(now)));
        }
        Action::Start | Action::Resume | Action::VerifyPass => {}
    }
    let res = q
        .filter(case::Column::Id.eq(id))
        .filter(case::Column::Version.eq(m.version))
        .exec(&**txn)
        .await?;
    if res.rows_affected != 1 {
        let current = case::Entity::find_by_id(id).one_or_404(&**txn).await?;
        return Err(AppError::conflict(
            &view(&**txn, me, current, state.config.duplicate_radius_m).await?,
        ));
    }
    let note = match detail {
        Some(reason) => Some(
            note.map(|n| format!("[{reason}] {n}"))
                .unwrap_or(format!("[{reason}]")),
        ),
        None => note,
    };
    let snapshot = serde_json::to_string(&Snapshot::of(&c)).ok();
    let event_id = append(
        &**txn,
        id,
        me,
        CaseEventKind::from(m.action),
        Some(from),
        Some(to),
        note,
        snapshot,
    )
    .await?;
    // The reporter hears of every step of their report (not of their own moves).
    if let Some(reporter) = c.reporter_id.filter(|r| *r != me.user_id) {
        crate::supervision::notify::notify(
            &**txn,
            &state.config.public_url,
            crate::supervision::notify::NewNotification {
                user_id: reporter,
                case_id: Some(id),
                letter_id: None,
                action: name_of(m.action),
                stage: Some(name_of(to)),
                actor_name: Some(me.display_name.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    super::requests::record_postpone_move(&**txn, me, &c, m, now).await?;
    let c = case::Entity::find_by_id(id).one_or_404(&**txn).await?;
    Ok((event_id, c))
}
