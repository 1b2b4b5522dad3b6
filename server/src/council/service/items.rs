//! Agenda items: raising, listing and viewing them, and moving them through their stages;
//! a decision becomes a case on the status board.

use super::ballots::{ballot_view, freeze_due_ballots, outcome_of};
use super::settings::settings;
use super::support::may_support;
use super::voters::{lineage, lives_in, scope_place};
use crate::accounts::residents::{resident_id_of, resident_of};
use crate::cases::store::{case, party};
use crate::council::store::{agenda, ballot, comment, event, item, meeting, support};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult, Or404};
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::Page;
use shared::accounts::{Principal, Role};
use shared::calendar::SHANGHAI;
use shared::cases::{CreateCase, Source, Stage, Urgency};
use shared::council::*;
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};

pub(super) fn stage_of(m: &item::Model) -> ItemStage {
    ItemStage::parse(&m.stage).unwrap_or(ItemStage::Proposed)
}

pub(super) fn tier_of(m: &item::Model) -> Option<Tier> {
    m.tier.as_deref().and_then(Tier::parse)
}

pub(crate) fn relation(me: &Principal, grid_id: Option<i64>) -> ItemRelation {
    ItemRelation {
        in_own_grid: grid_id.is_some_and(|g| me.grid_ids.contains(&g)),
    }
}

pub(super) fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(e.to_string())
}

/// May `me` raise an item in `scope`? The office anywhere; grid workers in their grids;
/// residents where they live (verified).
pub(super) async fn may_raise(
    conn: &impl ConnectionTrait,
    me: &Principal,
    scope: &place::Model,
) -> AppResult<bool> {
    let lives_here = match resident_of(conn, me.user_id).await? {
        Some(r) if me.has_role(Role::Resident) => lives_in(conn, &r, scope).await?,
        _ => false,
    };
    Ok(shared::council::may_raise(
        me,
        relation(me, scope.grid_id),
        lives_here,
    ))
}

pub async fn create_item(state: &AppState, me: &Principal, req: CreateItem) -> AppResult<ItemView> {
    let (title, description) = req.validate()?;
    let txn = state.db.begin_write().await?;
    let scope = scope_place(&*txn, req.scope_place_id, "scope_place_id").await?;
    if !may_raise(&*txn, me, &scope).await? {
        return Err(AppError::Code(ErrorCode::NotEligible));
    }
    if let Some(c) = req.category_id
        && crate::cases::store::category::Entity::find_by_id(c)
            .one(&*txn)
            .await?
            .is_none_or(|c| !c.active)
    {
        return Err(AppError::field(
            "category_id",
            FieldErrorCode::UnknownReference,
        ));
    }
    let now = OffsetDateTime::now_utc();
    let m = item::ActiveModel {
        scope_place_id: Set(scope.id),
        grid_id: Set(scope.grid_id),
        title: Set(title),
        description: Set(description),
        category_id: Set(req.category_id),
        lon: Set(req.lon),
        lat: Set(req.lat),
        stage: Set(ItemStage::Proposed.as_str().into()),
        support_count: Set(0),
        raised_by: Set(Some(me.user_id)),
        raised_by_name: Set(me.display_name.clone()),
        version: Set(1),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    append(
        &*txn,
        m.id,
        Some(me),
        "raised",
        None,
        Some(ItemStage::Proposed),
        ItemEventDetail::default(),
        None,
        None,
    )
    .await?;
    let out = view(&*txn, me, m).await?;
    txn.commit().await?;
    Ok(out)
}

#[allow(clippy::too_many_arguments)]
pub(super) async fn append(
    conn: &impl ConnectionTrait,
    item_id: i64,
    actor: Option<&Principal>,
    action: &str,
    from: Option<ItemStage>,
    to: Option<ItemStage>,
    detail: ItemEventDetail,
    note: Option<String>,
    meeting_id: Option<i64>,
) -> AppResult<()> {
    event::ActiveModel {
        item_id: Set(item_id),
        at: Set(OffsetDateTime::now_utc()),
        actor_id: Set(actor.map(|a| a.user_id)),
        // No actor: the system (the app names it in the reader's language).
        actor_name: Set(actor.map_or_else(String::new, |a| a.display_name.clone())),
        action: Set(action.to_string()),
        from_stage: Set(from.map(|s| s.as_str().to_string())),
        to_stage: Set(to.map(|s| s.as_str().to_string())),
        note: Set(note),
        meeting_id: Set(meeting_id),
        detail: Set((!detail.is_empty())
            .then(|| serde_json::to_string(&detail).expect("plain data serializes"))),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(())
}

pub(crate) async fn find_item(conn: &impl ConnectionTrait, id: i64) -> AppResult<item::Model> {
    item::Entity::find_by_id(id).one_or_404(conn).await
}

/// Summaries for a page of items, with the few lookups batched.
pub(super) async fn summaries(
    conn: &impl ConnectionTrait,
    me: &Principal,
    items: Vec<item::Model>,
) -> AppResult<Vec<ItemSummary>> {
    let ids: Vec<i64> = items.iter().map(|i| i.id).collect();
    let threshold = settings(conn).await?.support_threshold;
    let scope_ids: HashSet<i64> = items.iter().map(|i| i.scope_place_id).collect();
    let names: HashMap<i64, String> = place::Entity::find()
        .filter(place::Column::Id.is_in(scope_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    // Support is per resident: an account sees the support its resident gave.
    let who = match resident_id_of(conn, me.user_id).await? {
        Some(resident_id) => support::Column::ResidentId.eq(resident_id),
        None => support::Column::UserId.eq(me.user_id),
    };
    let mine: HashSet<i64> = support::Entity::find()
        .filter(support::Column::ItemId.is_in(ids.clone()))
        .filter(who)
        .all(conn)
        .await?
        .into_iter()
        .map(|s| s.item_id)
        .collect();
    let now = OffsetDateTime::now_utc();
    let mut ballots: HashMap<i64, BallotState> = HashMap::new();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.is_in(ids.clone()))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?
    {
        ballots.insert(
            b.item_id,
            ballot_state(now, b.opens_at, b.closes_at, b.frozen),
        );
    }
    let meeting_ids: HashSet<i64> = items.iter().filter_map(|i| i.meeting_id).collect();
    let meetings: HashMap<i64, OffsetDateTime> = meeting::Entity::find()
        .filter(meeting::Column::Id.is_in(meeting_ids))
        .all(conn)
        .await?
        .into_iter()
        .map(|m| (m.id, m.starts_at))
        .collect();
    let comments: HashMap<i64, i64> = comment::Entity::find()
        .select_only()
        .column(comment::Column::ItemId)
        .column_as(comment::Column::Id.count(), "n")
        .filter(comment::Column::ItemId.is_in(ids))
        .group_by(comment::Column::ItemId)
        .into_tuple::<(i64, i64)>()
        .all(conn)
        .await?
        .into_iter()
        .collect();
    let today = shared::calendar::today();
    Ok(items
        .into_iter()
        .map(|i| {
            let stage = stage_of(&i);
            let due = if stage.is_accountable() {
                i.decision_deadline
            } else {
                i.due
            };
            let overdue = match (stage, due) {
                (s, Some(d)) if s.is_undecided() => today > d,
                (s, Some(d)) => decision_overdue(s, d, today),
                _ => false,
            };
            ItemSummary {
                id: i.id,
                title: i.title,
                stage,
                tier: i.tier.as_deref().and_then(Tier::parse),
                scope_place_id: i.scope_place_id,
                scope_name: names.get(&i.scope_place_id).cloned().unwrap_or_default(),
                grid_id: i.grid_id,
                support_count: i.support_count.max(0) as u64,
                support_threshold: threshold,
                supported: mine.contains(&i.id),
                ballot_state: ballots.get(&i.id).copied(),
                meeting_id: i.meeting_id,
                meeting_at: i.meeting_id.and_then(|m| meetings.get(&m).copied()),
                due,
                overdue,
                case_id: i.case_id,
                comment_count: comments.get(&i.id).copied().unwrap_or(0).max(0) as u64,
                version: i.version,
                created_at: i.created_at,
            }
        })
        .collect())
}

pub struct ItemFilter {
    pub stage: Option<ItemStage>,
    pub scope_place_id: Option<i64>,
    pub grid_id: Option<i64>,
    pub mine: bool,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// Items are public deliberation: every signed-in user sees them.
pub async fn list_items(
    conn: &impl ConnectionTrait,
    me: &Principal,
    f: ItemFilter,
) -> AppResult<Page<ItemSummary>> {
    let (offset, limit) = shared::clamp_paging(f.offset, f.limit);
    let mut q = item::Entity::find();
    if let Some(s) = f.stage {
        q = q.filter(item::Column::Stage.eq(s.as_str()));
    }
    if let Some(p) = f.scope_place_id {
        q = q.filter(item::Column::ScopePlaceId.eq(p));
    }
    if let Some(g) = f.grid_id {
        q = q.filter(item::Column::GridId.eq(g));
    }
    if f.mine {
        q = q.filter(item::Column::RaisedBy.eq(me.user_id));
    }
    let total = q.clone().count(conn).await?;
    let items = q
        .order_by_desc(item::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    Ok(Page {
        items: summaries(conn, me, items).await?,
        total,
        offset,
        limit,
    })
}

async fn facts(conn: &impl ConnectionTrait, m: &item::Model) -> AppResult<ItemFacts> {
    let now = OffsetDateTime::now_utc();
    let ballots = ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?;
    let ballot_open = ballots
        .iter()
        .any(|b| ballot_state(now, b.opens_at, b.closes_at, b.frozen) != BallotState::Closed);
    let mut last_ballot_passed = None;
    for b in ballots.iter().rev() {
        if let Some(o) = outcome_of(conn, b).await?.and_then(|o| o.passed) {
            last_ballot_passed = Some(o);
            break;
        }
    }
    let case_closed = match m.case_id {
        Some(c) => Some(
            case::Entity::find_by_id(c)
                .one(conn)
                .await?
                .is_none_or(|c| c.stage == crate::cases::service::name_of(Stage::Closed)),
        ),
        None => None,
    };
    Ok(ItemFacts {
        stage: stage_of(m),
        tier: tier_of(m),
        ballot_open,
        last_ballot_passed,
        case_closed,
    })
}

pub(super) async fn decision_of(
    conn: &impl ConnectionTrait,
    m: &item::Model,
) -> AppResult<Option<DecisionView>> {
    let (Some(text), Some(party_id), Some(deadline)) =
        (m.decision_text.clone(), m.party_id, m.decision_deadline)
    else {
        return Ok(None);
    };
    let party = party::Entity::find_by_id(party_id)
        .one(conn)
        .await?
        .map(|p| p.name_zh)
        .unwrap_or_default();
    let c = match m.case_id {
        Some(id) => case::Entity::find_by_id(id).one(conn).await?,
        None => None,
    };
    Ok(Some(DecisionView {
        text,
        responsible_party_id: party_id,
        responsible_party: party,
        deadline,
        case_id: m.case_id,
        case_number: c.as_ref().map(|c| c.number.clone()),
        case_stage: c.as_ref().map(crate::cases::service::stage_of),
    }))
}

pub async fn view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: item::Model,
) -> AppResult<ItemView> {
    let f = facts(conn, &m).await?;
    let rel = relation(me, m.grid_id);
    let history = event::Entity::find()
        .filter(event::Column::ItemId.eq(m.id))
        .order_by_asc(event::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .filter(|e| !SUPPORT_ACTIONS.contains(&e.action.as_str()))
        .map(|e| ItemEvent {
            id: e.id,
            at: e.at,
            actor_name: e.actor_name,
            action: e.action,
            from_stage: e.from_stage.as_deref().and_then(ItemStage::parse),
            to_stage: e.to_stage.as_deref().and_then(ItemStage::parse),
            detail: e
                .detail
                .as_deref()
                .and_then(|d| serde_json::from_str(d).ok())
                .unwrap_or_default(),
            note: e.note,
            meeting_id: e.meeting_id,
        })
        .collect();
    let mut ballots = Vec::new();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .order_by_asc(ballot::Column::Id)
        .all(conn)
        .await?
    {
        ballots.push(ballot_view(conn, me, &m, b).await?);
    }
    let may_support = f.stage == ItemStage::Gathering && may_support(conn, me, &m).await?;
    let decision = decision_of(conn, &m).await?;
    let photos = crate::council::photos::of_item(conn, m.id).await?;
    let may_add_photo = crate::council::photos::may_add(me, &m);
    let description = m.description.clone();
    let (category_id, lon, lat, raised_by_name, reason) = (
        m.category_id,
        m.lon,
        m.lat,
        m.raised_by_name.clone(),
        m.reason.clone(),
    );
    let summary = summaries(conn, me, vec![m]).await?.pop().or_404()?;
    Ok(ItemView {
        summary,
        description,
        category_id,
        lon,
        lat,
        raised_by_name,
        decision,
        reason,
        history,
        ballots,
        legal_actions: legal_item_actions(f, me, rel),
        may_support,
        may_manage: may_manage(me, rel),
        photos,
        may_add_photo,
    })
}

pub async fn get_item(conn: &impl ConnectionTrait, me: &Principal, id: i64) -> AppResult<ItemView> {
    let m = find_item(conn, id).await?;
    view(conn, me, m).await
}

/// The next planned meeting in an item's scope (or above it) that fits its tier.
/// After a carried round: the first one later than the meeting it was carried from.
pub(super) async fn next_meeting(
    conn: &impl ConnectionTrait,
    m: &item::Model,
) -> AppResult<Option<meeting::Model>> {
    let scopes = lineage(conn, m.scope_place_id).await?;
    let tier = tier_of(m);
    let mut after = OffsetDateTime::now_utc();
    if let Some(current) = m.meeting_id
        && let Some(c) = meeting::Entity::find_by_id(current).one(conn).await?
    {
        after = after.max(c.starts_at);
    }
    Ok(meeting::Entity::find()
        .filter(meeting::Column::ScopePlaceId.is_in(scopes))
        .filter(meeting::Column::StartsAt.gt(after))
        .order_by_asc(meeting::Column::StartsAt)
        .all(conn)
        .await?
        .into_iter()
        .find(|mt| MeetingKind::parse(&mt.kind).is_some_and(|k| meeting_fits(tier, k))))
}

pub(super) async fn put_on_agenda(
    conn: &impl ConnectionTrait,
    meeting_id: i64,
    item_id: i64,
) -> AppResult<()> {
    let last: Option<i32> = agenda::Entity::find()
        .select_only()
        .column_as(agenda::Column::Position.max(), "p")
        .filter(agenda::Column::MeetingId.eq(meeting_id))
        .into_tuple::<Option<i32>>()
        .one(conn)
        .await?
        .flatten();
    agenda::Entity::insert(agenda::ActiveModel {
        meeting_id: Set(meeting_id),
        item_id: Set(item_id),
        position: Set(last.unwrap_or(0) + 1),
        minutes: Set(None),
    })
    .on_conflict(
        OnConflict::columns([agenda::Column::MeetingId, agenda::Column::ItemId])
            .do_nothing()
            .to_owned(),
    )
    .exec_without_returning(conn)
    .await?;
    Ok(())
}

/// End of a deadline day in Shanghai, as the case's deadline instant.
fn end_of_day(d: Date) -> OffsetDateTime {
    d.with_hms(23, 59, 59)
        .expect("valid time")
        .assume_offset(SHANGHAI)
        .to_offset(time::UtcOffset::UTC)
}

pub async fn move_item(
    state: &AppState,
    me: &Principal,
    id: i64,
    req: MoveItem,
) -> AppResult<ItemView> {
    let today = shared::calendar::today();
    let note = req.validate(today)?;
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if m.version != req.version {
        return Err(AppError::conflict(&view(&*txn, me, m).await?));
    }
    let mut f = facts(&*txn, &m).await?;
    if req.action == ItemAction::Accept {
        f.tier = req.tier;
    }
    let from = f.stage;
    let to = match check_item_move(f, req.action, me, relation(me, m.grid_id)) {
        Ok(to) => to,
        Err(ItemRefusal::NotYours) => return Err(AppError::Code(ErrorCode::Forbidden)),
        Err(_) => return Err(AppError::Code(ErrorCode::IllegalMove)),
    };
    let now = OffsetDateTime::now_utc();
    let mut q = item::Entity::update_many()
        .col_expr(item::Column::Stage, Expr::value(to.as_str()))
        .col_expr(item::Column::Version, Expr::value(m.version + 1))
        .col_expr(item::Column::UpdatedAt, Expr::value(now));
    let mut meeting_id = m.meeting_id;
    let mut event_note = note.clone();
    let mut event_detail = ItemEventDetail::default();
    match req.action {
        ItemAction::Accept => {
            let tier = req.tier.expect("validated");
            let days = settings(&*txn).await?.small_matter_days;
            let due = (tier == Tier::Small).then(|| today + time::Duration::days(i64::from(days)));
            q = q
                .col_expr(item::Column::Tier, Expr::value(tier.as_str()))
                .col_expr(item::Column::Due, Expr::value(due));
            // The tier is a fact the reader's app words; the note stays as typed.
            event_detail.tier = Some(tier);
        }
        ItemAction::Schedule => {
            let mid = req.meeting_id.expect("validated");
            let mt = meeting::Entity::find_by_id(mid).one(&*txn).await?;
            let scopes = lineage(&*txn, m.scope_place_id).await?;
            let Some(mt) = mt.filter(|mt| {
                scopes.contains(&mt.scope_place_id)
                    && MeetingKind::parse(&mt.kind).is_some_and(|k| meeting_fits(f.tier, k))
                    && mt.starts_at > now - time::Duration::hours(12)
            }) else {
                return Err(AppError::field("meeting_id", FieldErrorCode::NotAllowed));
            };
            put_on_agenda(&*txn, mt.id, m.id).await?;
            meeting_id = Some(mt.id);
            q = q.col_expr(item::Column::MeetingId, Expr::value(mt.id));
        }
        ItemAction::Carry => {
            // The round's record stays with this meeting; the item waits for the next one.
            freeze_due_ballots(&*txn, &m).await?;
            let next = next_meeting(&*txn, &m).await?;
            if let Some(n) = &next {
                put_on_agenda(&*txn, n.id, m.id).await?;
            }
            q = q.col_expr(item::Column::MeetingId, Expr::value(next.map(|n| n.id)));
        }
        ItemAction::Decide => {
            freeze_due_ballots(&*txn, &m).await?;
            let d = req.decision.clone().expect("validated");
            if party::Entity::find_by_id(d.responsible_party_id)
                .one(&*txn)
                .await?
                .is_none_or(|p| !p.active)
            {
                return Err(AppError::field(
                    "decision.responsible_party_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
            let case_id = file_decision_case(&*txn, me, &m, &d)
                .await
                .map_err(|e| match e {
                    AppError::Validation(_) => {
                        AppError::field("decision.category_id", FieldErrorCode::UnknownReference)
                    }
                    e => e,
                })?;
            q = q
                .col_expr(item::Column::DecisionText, Expr::value(d.text.trim()))
                .col_expr(item::Column::PartyId, Expr::value(d.responsible_party_id))
                .col_expr(item::Column::DecisionCategoryId, Expr::value(d.category_id))
                .col_expr(item::Column::DecisionDeadline, Expr::value(d.deadline))
                .col_expr(item::Column::DecidedAt, Expr::value(now))
                .col_expr(item::Column::CaseId, Expr::value(case_id));
            event_note = Some(d.text.trim().to_string());
        }
        ItemAction::Reject => {
            freeze_due_ballots(&*txn, &m).await?;
            q = q.col_expr(item::Column::Reason, Expr::value(note.clone()));
        }
        ItemAction::Open | ItemAction::Start | ItemAction::Complete => {}
    }
    let res = q
        .filter(item::Column::Id.eq(id))
        .filter(item::Column::Version.eq(req.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        let current = find_item(&*txn, id).await?;
        return Err(AppError::conflict(&view(&*txn, me, current).await?));
    }
    // The meeting a move belongs to: where the item stood when it was made (for a schedule,
    // the new one).
    let at_meeting = match req.action {
        ItemAction::Schedule => meeting_id,
        _ => m.meeting_id,
    };
    append(
        &*txn,
        id,
        Some(me),
        req.action.as_str(),
        Some(from),
        Some(to),
        event_detail,
        event_note,
        at_meeting,
    )
    .await?;
    let out = get_item(&*txn, me, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// The decision becomes a case on the status board: registered at once, with the decision's
/// responsible party and deadline (the meeting already did what registration decides).
async fn file_decision_case(
    txn: &impl ConnectionTrait,
    me: &Principal,
    m: &item::Model,
    d: &Decision,
) -> AppResult<i64> {
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(txn)
        .await?;
    let req = CreateCase {
        title: m.title.chars().take(100).collect(),
        // What was decided, then what was asked: both as people wrote them.
        description: [d.text.trim(), m.description.trim()]
            .into_iter()
            .filter(|t| !t.is_empty())
            .collect::<Vec<_>>()
            .join("\n\n")
            .chars()
            .take(4000)
            .collect(),
        category_id: d.category_id,
        urgency: Urgency::Normal,
        source: Source::Council,
        place_id: scope.id,
        lon: m.lon,
        lat: m.lat,
        reporter_hidden: false,
    };
    let filed = crate::cases::service::file_in(
        txn,
        me,
        &req,
        req.title.clone(),
        req.description.clone(),
        &scope,
        Some(&shared::cases::CaseOrigin::Council { item_id: m.id }),
    )
    .await?;
    let now = OffsetDateTime::now_utc();
    case::Entity::update_many()
        .col_expr(
            case::Column::Stage,
            Expr::value(crate::cases::service::name_of(Stage::Registered)),
        )
        .col_expr(case::Column::RegisteredAt, Expr::value(now))
        .col_expr(case::Column::StageEnteredAt, Expr::value(now))
        .col_expr(
            case::Column::ResponsiblePartyId,
            Expr::value(d.responsible_party_id),
        )
        .col_expr(
            case::Column::DeadlineAt,
            Expr::value(Some(end_of_day(d.deadline))),
        )
        .col_expr(case::Column::Version, Expr::value(filed.case.version + 1))
        .filter(case::Column::Id.eq(filed.case.id))
        .exec(txn)
        .await?;
    crate::cases::service::append(
        txn,
        filed.case.id,
        me,
        shared::cases::CaseEventKind::Register,
        Some(Stage::Reported),
        Some(Stage::Registered),
        // The case's origin says which decision registered it.
        None,
        None,
    )
    .await?;
    Ok(filed.case.id)
}
