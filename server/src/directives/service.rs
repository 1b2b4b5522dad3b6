//! Directive rules and transactions: issuing one on a subject (a case, a decided council item,
//! an agreement term), taking its steps, the history each change appends, the notification it
//! sends and who may see which directive.

use super::store::{directive, event};
use crate::accounts::store::user;
use crate::audit::{self, Record};
use crate::cases::service::{find_visible, stage_of};
use crate::cases::store::case;
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use crate::supervision::notify::NewNotification;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::Page;
use shared::accounts::{Principal, Work};
use shared::audit::AuditAction;
use shared::directives::{
    DirectiveEvent, DirectiveRelation, DirectiveState, DirectiveStep, DirectiveSubject,
    DirectiveView, IssueDirective, StepRefusal, TakeStep, check_step, is_overdue, legal_steps,
    may_issue, notifies_issuer,
};
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::HashMap;
use time::OffsetDateTime;

/// What a list asks for.
#[derive(Debug, Default)]
pub struct Filter {
    pub state: Option<DirectiveState>,
    pub overdue: bool,
    /// Only those addressed to the asker (the office otherwise sees all).
    pub mine: bool,
    pub case_id: Option<i64>,
    /// Those on this council item.
    pub council_item_id: Option<i64>,
    /// Those on the terms of this mediation file's agreement.
    pub mediation_file_id: Option<i64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

fn state_of(d: &directive::Model) -> DirectiveState {
    DirectiveState::parse(&d.state).unwrap_or(DirectiveState::Issued)
}

fn relation(me: &Principal, d: &directive::Model) -> DirectiveRelation {
    DirectiveRelation {
        is_addressee: d.addressee_id == me.user_id,
        is_issuer: d.issuer_id == me.user_id,
    }
}

/// The office sees every directive; everyone else those addressed to them or issued by them.
fn may_see(me: &Principal, d: &directive::Model) -> bool {
    let rel = relation(me, d);
    may_issue(me) || rel.is_addressee || rel.is_issuer
}

fn subject_of(d: &directive::Model) -> DirectiveSubject {
    DirectiveSubject::parse(&d.subject_kind, d.subject_id)
        .unwrap_or(DirectiveSubject::Case { id: d.subject_id })
}

/// What a view shows of a directive's subject, and what issuing on it checks.
#[derive(Clone, Debug, Default)]
struct SubjectFacts {
    case_id: Option<i64>,
    grid_id: Option<i64>,
    number: String,
    title: String,
    href: String,
    /// Still something to carry out: an open case, a decided item not yet done, a term not
    /// yet performed.
    open: bool,
    /// The mediation file's mediators (who may be addressed for a term besides the office
    /// and the grid's workers).
    mediators: Vec<i64>,
}

/// The facts of each subject, read in one query per kind (no visibility check: callers have
/// decided who may see the directive).
async fn subjects_facts(
    conn: &impl ConnectionTrait,
    subjects: &[DirectiveSubject],
) -> AppResult<HashMap<DirectiveSubject, SubjectFacts>> {
    use crate::council::store::item;
    use crate::mediation::store::{file, mediator, term};
    let ids = |kind: &str| -> Vec<i64> {
        subjects
            .iter()
            .filter(|s| s.kind() == kind)
            .map(|s| s.id())
            .collect()
    };
    let mut out = HashMap::new();
    for c in case::Entity::find()
        .filter(case::Column::Id.is_in(ids("case")))
        .all(conn)
        .await?
    {
        out.insert(
            DirectiveSubject::Case { id: c.id },
            SubjectFacts {
                case_id: Some(c.id),
                grid_id: c.grid_id,
                open: stage_of(&c).is_open(),
                href: format!("/cases/{}", c.id),
                number: c.number,
                title: c.title,
                mediators: Vec::new(),
            },
        );
    }
    for i in item::Entity::find()
        .filter(item::Column::Id.is_in(ids("council_item")))
        .all(conn)
        .await?
    {
        use shared::council::ItemStage;
        let stage = ItemStage::parse(&i.stage);
        out.insert(
            DirectiveSubject::CouncilItem { id: i.id },
            SubjectFacts {
                case_id: None,
                grid_id: i.grid_id,
                open: matches!(stage, Some(ItemStage::Decided | ItemStage::CarryingOut)),
                href: format!("/council/items/{}", i.id),
                number: format!("#{}", i.id),
                title: i.title,
                mediators: Vec::new(),
            },
        );
    }
    let terms = term::Entity::find()
        .filter(term::Column::Id.is_in(ids("agreement_term")))
        .all(conn)
        .await?;
    let file_ids: Vec<i64> = terms.iter().map(|t| t.file_id).collect();
    let files: HashMap<i64, file::Model> = file::Entity::find()
        .filter(file::Column::Id.is_in(file_ids.clone()))
        .all(conn)
        .await?
        .into_iter()
        .map(|f| (f.id, f))
        .collect();
    let mut mediators: HashMap<i64, Vec<i64>> = HashMap::new();
    for m in mediator::Entity::find()
        .filter(mediator::Column::FileId.is_in(file_ids))
        .all(conn)
        .await?
    {
        mediators.entry(m.file_id).or_default().push(m.user_id);
    }
    for t in terms {
        let Some(f) = files.get(&t.file_id) else {
            continue;
        };
        out.insert(
            DirectiveSubject::AgreementTerm { id: t.id },
            SubjectFacts {
                case_id: None,
                grid_id: f.grid_id,
                open: t.performed_at.is_none(),
                href: format!("/mediation/{}", f.id),
                number: f.number.clone(),
                title: t.text,
                mediators: mediators.remove(&f.id).unwrap_or_default(),
            },
        );
    }
    Ok(out)
}

fn to_view(
    me: &Principal,
    d: directive::Model,
    facts: Option<&SubjectFacts>,
    history: Vec<DirectiveEvent>,
    now: OffsetDateTime,
) -> DirectiveView {
    let state = state_of(&d);
    let facts = facts.cloned().unwrap_or_default();
    DirectiveView {
        id: d.id,
        subject: subject_of(&d),
        case_id: d.case_id,
        subject_number: facts.number,
        subject_title: facts.title,
        subject_href: facts.href,
        legal_steps: legal_steps(state, me, relation(me, &d)),
        overdue: is_overdue(state, d.deadline_at, now),
        instruction: d.instruction,
        deadline_at: d.deadline_at,
        addressee_id: d.addressee_id,
        addressee_name: d.addressee_name,
        issuer_id: d.issuer_id,
        issuer_name: d.issuer_name,
        state,
        issued_at: d.created_at,
        reported_at: d.reported_at,
        version: d.version,
        history,
    }
}

async fn full_view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    d: directive::Model,
) -> AppResult<DirectiveView> {
    let subject = subject_of(&d);
    let facts = subjects_facts(conn, &[subject]).await?;
    let history = event::Entity::find()
        .filter(event::Column::DirectiveId.eq(d.id))
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|e| DirectiveEvent {
            at: e.at,
            actor_name: e.actor_name,
            step: e.step.as_deref().and_then(DirectiveStep::parse),
            to_state: DirectiveState::parse(&e.to_state).unwrap_or(DirectiveState::Issued),
            note: e.note,
        })
        .collect();
    Ok(to_view(
        me,
        d,
        facts.get(&subject),
        history,
        crate::clock::now(),
    ))
}

async fn find_visible_directive(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<directive::Model> {
    match directive::Entity::find_by_id(id).one(conn).await? {
        Some(d) if may_see(me, &d) => Ok(d),
        _ => Err(AppError::Code(ErrorCode::NotFound)),
    }
}

#[allow(clippy::too_many_arguments)]
async fn record_event(
    conn: &impl ConnectionTrait,
    public_url: &str,
    d: &directive::Model,
    me: &Principal,
    step: Option<DirectiveStep>,
    to: DirectiveState,
    note: Option<String>,
    notify: i64,
    now: OffsetDateTime,
) -> AppResult<()> {
    event::ActiveModel {
        directive_id: Set(d.id),
        at: Set(now),
        actor_id: Set(Some(me.user_id)),
        actor_name: Set(me.display_name.clone()),
        step: Set(step.map(|s| s.as_str().to_string())),
        to_state: Set(to.as_str().to_string()),
        note: Set(note),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    // Through the one notification writer, so email and SMS carry it as the user wants.
    if notify != me.user_id {
        crate::supervision::notify::notify(
            conn,
            public_url,
            NewNotification {
                user_id: notify,
                case_id: d.case_id,
                directive_id: Some(d.id),
                action: step.map_or("issue", DirectiveStep::as_str).to_string(),
                actor_name: Some(me.display_name.clone()),
                ..Default::default()
            },
        )
        .await?;
    }
    Ok(())
}

/// The subject's facts for issuing a directive on it: 404 when it does not exist or the
/// issuer may not see it (a case by the cases' rule, a term by its mediation file's), 422
/// `illegal_move` when there is nothing left to carry out (a closed case, an item not decided
/// or already done, a term performed).
async fn issuable(
    conn: &impl ConnectionTrait,
    me: &Principal,
    subject: DirectiveSubject,
) -> AppResult<SubjectFacts> {
    match subject {
        DirectiveSubject::Case { id } => {
            find_visible(conn, me, id).await?;
        }
        DirectiveSubject::CouncilItem { id } => {
            crate::council::service::get_item(conn, me, id).await?;
        }
        DirectiveSubject::AgreementTerm { id } => {
            let t = crate::mediation::store::term::Entity::find_by_id(id)
                .one_or_404(conn)
                .await?;
            crate::mediation::service::find_accessible(conn, me, t.file_id).await?;
        }
    }
    let facts = subjects_facts(conn, &[subject])
        .await?
        .remove(&subject)
        .ok_or(AppError::Code(ErrorCode::NotFound))?;
    if !facts.open {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    Ok(facts)
}

/// Issue a directive on a subject the issuer may see, to someone who may carry it out: for a
/// case or a council item the office or a grid worker of its grid, for an agreement term also
/// the file's mediators.
pub async fn issue(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    subject: DirectiveSubject,
    req: IssueDirective,
) -> AppResult<DirectiveView> {
    if !may_issue(me) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let now = crate::clock::now();
    let instruction = req.validate(now)?;
    let txn = state.db.begin_write().await?;
    let facts = issuable(&*txn, me, subject).await?;
    if !facts.mediators.contains(&req.addressee_id) {
        crate::accounts::service::check_named_person(
            &*txn,
            me,
            Work::CaseAssignee,
            req.addressee_id,
            facts.grid_id,
            "addressee_id",
        )
        .await?;
    }
    let addressee = user::Entity::find_by_id(req.addressee_id)
        .one(&*txn)
        .await?
        .ok_or_else(|| AppError::field("addressee_id", FieldErrorCode::UnknownReference))?;
    let d = directive::ActiveModel {
        case_id: Set(facts.case_id),
        subject_kind: Set(subject.kind().to_string()),
        subject_id: Set(subject.id()),
        instruction: Set(instruction),
        deadline_at: Set(req.deadline_at),
        addressee_id: Set(addressee.id),
        addressee_name: Set(addressee.display_name),
        issuer_id: Set(me.user_id),
        issuer_name: Set(me.display_name.clone()),
        state: Set(DirectiveState::Issued.as_str().into()),
        reported_at: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        version: Set(1),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    record_event(
        &*txn,
        &state.config.public_url,
        &d,
        me,
        None,
        DirectiveState::Issued,
        None,
        d.addressee_id,
        now,
    )
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(AuditAction::DirectiveIssue, "directive", d.id),
    )
    .await?;
    let out = full_view(&*txn, me, d).await?;
    txn.commit().await?;
    Ok(out)
}

/// Take one step. A stale `version` gets 409 with the current directive; a step that does not
/// exist from its state 422 `illegal_move`; one the user may not take 403.
pub async fn take_step(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    req: TakeStep,
) -> AppResult<DirectiveView> {
    let note = req.validate()?;
    let txn = state.db.begin_write().await?;
    let d = find_visible_directive(&*txn, me, id).await?;
    if d.version != req.version {
        return Err(AppError::conflict(&full_view(&*txn, me, d).await?));
    }
    let to = match check_step(state_of(&d), req.step, me, relation(me, &d)) {
        Ok(to) => to,
        Err(StepRefusal::NotFromThisState) => return Err(AppError::Code(ErrorCode::IllegalMove)),
        Err(StepRefusal::NotYours) => return Err(AppError::Code(ErrorCode::Forbidden)),
    };
    let now = crate::clock::now();
    let mut q = directive::Entity::update_many()
        .col_expr(directive::Column::State, Expr::value(to.as_str()))
        .col_expr(directive::Column::Version, Expr::value(d.version + 1))
        .col_expr(directive::Column::UpdatedAt, Expr::value(now));
    if req.step == DirectiveStep::Report {
        q = q.col_expr(directive::Column::ReportedAt, Expr::value(Some(now)));
    }
    let res = q
        .filter(directive::Column::Id.eq(d.id))
        .filter(directive::Column::Version.eq(d.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        let current = directive::Entity::find_by_id(id).one_or_404(&*txn).await?;
        return Err(AppError::conflict(&full_view(&*txn, me, current).await?));
    }
    let notify = if notifies_issuer(req.step) {
        d.issuer_id
    } else {
        d.addressee_id
    };
    record_event(
        &*txn,
        &state.config.public_url,
        &d,
        me,
        Some(req.step),
        to,
        note,
        notify,
        now,
    )
    .await?;
    audit::record(
        &*txn,
        Some(me),
        ctx,
        Record::new(AuditAction::DirectiveStep, "directive", d.id).detail(req.step.as_str()),
    )
    .await?;
    let d = directive::Entity::find_by_id(id).one_or_404(&*txn).await?;
    let out = full_view(&*txn, me, d).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn get(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppResult<DirectiveView> {
    let d = find_visible_directive(conn, me, id).await?;
    full_view(conn, me, d).await
}

fn open_states() -> Vec<&'static str> {
    DirectiveState::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(DirectiveState::as_str)
        .collect()
}

/// Directives the user may see, soonest deadline first (history left out).
pub async fn list(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: Filter,
) -> AppResult<Page<DirectiveView>> {
    let now = crate::clock::now();
    let mut cond = Condition::all();
    if f.mine || !may_issue(me) {
        cond = cond.add(directive::Column::AddresseeId.eq(me.user_id));
    }
    if let Some(s) = f.state {
        cond = cond.add(directive::Column::State.eq(s.as_str()));
    }
    if f.overdue {
        cond = cond
            .add(directive::Column::State.is_in(open_states()))
            .add(directive::Column::DeadlineAt.lt(now));
    }
    if let Some(c) = f.case_id {
        cond = cond.add(directive::Column::CaseId.eq(c));
    }
    if let Some(i) = f.council_item_id {
        cond = cond
            .add(directive::Column::SubjectKind.eq("council_item"))
            .add(directive::Column::SubjectId.eq(i));
    }
    if let Some(file_id) = f.mediation_file_id {
        use crate::mediation::store::term;
        let terms: Vec<i64> = term::Entity::find()
            .select_only()
            .column(term::Column::Id)
            .filter(term::Column::FileId.eq(file_id))
            .into_tuple()
            .all(conn)
            .await?;
        cond = cond
            .add(directive::Column::SubjectKind.eq("agreement_term"))
            .add(directive::Column::SubjectId.is_in(terms));
    }
    let (offset, limit) = shared::clamp_paging(f.offset, f.limit);
    let total = directive::Entity::find()
        .filter(cond.clone())
        .count(conn)
        .await?;
    let rows = directive::Entity::find()
        .filter(cond)
        .order_by_asc(directive::Column::DeadlineAt)
        .order_by_asc(directive::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    let subjects: Vec<DirectiveSubject> = rows.iter().map(subject_of).collect();
    let facts = subjects_facts(conn, &subjects).await?;
    Ok(Page {
        items: rows
            .into_iter()
            .map(|d| {
                let f = facts.get(&subject_of(&d));
                to_view(me, d, f, Vec::new(), now)
            })
            .collect(),
        total,
        offset,
        limit,
    })
}

/// The cases with an open directive among those the user may see on the board: the board's
/// 督办 badge (the office all; others those addressed to them).
pub async fn open_case_ids(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<Vec<i64>> {
    let mut q = directive::Entity::find()
        .select_only()
        .column(directive::Column::CaseId)
        .distinct()
        .filter(directive::Column::CaseId.is_not_null())
        .filter(directive::Column::State.is_in(open_states()));
    if !may_issue(me) {
        q = q.filter(directive::Column::AddresseeId.eq(me.user_id));
    }
    Ok(q.into_tuple::<i64>().all(conn).await?)
}

/// The 督办 issued in `[from, to)` as the statistics count them: each with its subject's grid
/// and the moment it was first taken on (签收, or 报结 straight away).
pub async fn stats_records(
    conn: &impl ConnectionTrait,
    from: OffsetDateTime,
    to: OffsetDateTime,
) -> AppResult<Vec<shared::stats::DirectiveRecord>> {
    let rows = directive::Entity::find()
        .filter(directive::Column::CreatedAt.gte(from))
        .filter(directive::Column::CreatedAt.lt(to))
        .all(conn)
        .await?;
    let subjects: Vec<DirectiveSubject> = rows.iter().map(subject_of).collect();
    let facts = subjects_facts(conn, &subjects).await?;
    let mut taken_on: HashMap<i64, OffsetDateTime> = HashMap::new();
    for e in event::Entity::find()
        .filter(event::Column::DirectiveId.is_in(rows.iter().map(|d| d.id)))
        .filter(event::Column::Step.is_in([
            DirectiveStep::Acknowledge.as_str(),
            DirectiveStep::Report.as_str(),
        ]))
        .all(conn)
        .await?
    {
        let first = taken_on.entry(e.directive_id).or_insert(e.at);
        if e.at < *first {
            *first = e.at;
        }
    }
    Ok(rows
        .iter()
        .map(|d| shared::stats::DirectiveRecord {
            grid_id: facts.get(&subject_of(d)).and_then(|f| f.grid_id),
            issued_at: d.created_at,
            deadline_at: d.deadline_at,
            acknowledged_at: taken_on.get(&d.id).copied(),
            reported_at: d.reported_at,
            state: state_of(d),
        })
        .collect())
}
