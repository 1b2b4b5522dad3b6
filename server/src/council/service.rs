//! Grid deliberation: items, supports, comments, ballots and votes, meetings. The rules come
//! from `shared::council`; this module applies them inside transactions.

use super::store::{
    agenda, attendee, ballot, comment, event, item, meeting, settings, support, tally, vote,
};
use crate::accounts::residents::{resident_id_of, resident_of};
use crate::cases::store::{case, party};
use crate::db::{OnUnique, OneOr404};
use crate::error::{AppError, AppResult, Or404};
use crate::places::store::{place, resident};
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
use shared::places::PlaceKind;
use std::collections::{HashMap, HashSet};
use time::{Date, OffsetDateTime};

fn stage_of(m: &item::Model) -> ItemStage {
    ItemStage::parse(&m.stage).unwrap_or(ItemStage::Proposed)
}

fn tier_of(m: &item::Model) -> Option<Tier> {
    m.tier.as_deref().and_then(Tier::parse)
}

pub(crate) fn relation(me: &Principal, grid_id: Option<i64>) -> ItemRelation {
    ItemRelation {
        in_own_grid: grid_id.is_some_and(|g| me.grid_ids.contains(&g)),
    }
}

fn internal(e: serde_json::Error) -> AppError {
    AppError::Internal(e.to_string())
}

// ---------------------------------------------------------------------------------------------
// Settings

pub async fn settings(conn: &impl ConnectionTrait) -> AppResult<CouncilSettings> {
    let s = settings::Entity::find_by_id(1)
        .one(conn)
        .await?
        .ok_or_else(|| AppError::Internal("council settings row missing".into()))?;
    Ok(CouncilSettings {
        support_threshold: s.support_threshold.max(0) as u32,
        small_matter_days: s.small_matter_days.max(0) as u32,
        version: s.version,
    })
}

pub async fn update_settings(state: &AppState, new: CouncilSettings) -> AppResult<CouncilSettings> {
    new.validate()?;
    let txn = state.db.begin_write().await?;
    let res = settings::Entity::update_many()
        .col_expr(
            settings::Column::SupportThreshold,
            Expr::value(new.support_threshold as i32),
        )
        .col_expr(
            settings::Column::SmallMatterDays,
            Expr::value(new.small_matter_days as i32),
        )
        .col_expr(settings::Column::Version, Expr::value(new.version + 1))
        .filter(settings::Column::Id.eq(1))
        .filter(settings::Column::Version.eq(new.version))
        .exec(&*txn)
        .await?;
    if res.rows_affected != 1 {
        return Err(AppError::conflict(&settings(&*txn).await?));
    }
    let out = settings(&*txn).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Scopes and voters

/// A place items and meetings may be scoped to: the community, a grid or a micro-grid.
async fn scope_place(conn: &impl ConnectionTrait, id: i64, field: &str) -> AppResult<place::Model> {
    let p = place::Entity::find_by_id(id).one(conn).await?;
    match p {
        Some(p)
            if matches!(
                PlaceKind::parse(&p.kind),
                Some(PlaceKind::Community | PlaceKind::Grid | PlaceKind::MicroGrid)
            ) =>
        {
            Ok(p)
        }
        Some(_) => Err(AppError::field(field, FieldErrorCode::InvalidParent)),
        None => Err(AppError::field(field, FieldErrorCode::UnknownReference)),
    }
}

/// The ids of a place and everything above it.
async fn lineage(conn: &impl ConnectionTrait, id: i64) -> AppResult<Vec<i64>> {
    let mut out = vec![id];
    let mut next = place::Entity::find_by_id(id)
        .one(conn)
        .await?
        .and_then(|p| p.parent_id);
    while let Some(p) = next {
        if out.contains(&p) || out.len() > 8 {
            break;
        }
        out.push(p);
        next = place::Entity::find_by_id(p)
            .one(conn)
            .await?
            .and_then(|p| p.parent_id);
    }
    Ok(out)
}

/// Does a resident live within `scope` (their household lies below it)?
async fn lives_in(
    conn: &impl ConnectionTrait,
    r: &resident::Model,
    scope: &place::Model,
) -> AppResult<bool> {
    if scope.id == r.grid_id {
        return Ok(true);
    }
    Ok(lineage(conn, r.household_id).await?.contains(&scope.id))
}

/// Residents (or households) registered within a scope: the quorum's denominator.
async fn eligible_count(
    conn: &impl ConnectionTrait,
    scope: &place::Model,
    per_household: bool,
) -> AppResult<u64> {
    let mut q = resident::Entity::find();
    q = match PlaceKind::parse(&scope.kind) {
        Some(PlaceKind::Grid) => q.filter(resident::Column::GridId.eq(scope.id)),
        Some(PlaceKind::Community) => q.filter(
            resident::Column::GridId.in_subquery(
                sea_orm::sea_query::Query::select()
                    .column(place::Column::Id)
                    .from(place::Entity)
                    .and_where(place::Column::ParentId.eq(scope.id))
                    .to_owned(),
            ),
        ),
        _ => {
            // A micro-grid: households in its buildings (or directly below it).
            let below: Vec<i64> = place::Entity::find()
                .select_only()
                .column(place::Column::Id)
                .filter(place::Column::ParentId.eq(scope.id))
                .into_tuple()
                .all(conn)
                .await?;
            q.filter(
                resident::Column::HouseholdId.in_subquery(
                    sea_orm::sea_query::Query::select()
                        .column(place::Column::Id)
                        .from(place::Entity)
                        .and_where(sea_orm::sea_query::ExprTrait::or(
                            place::Column::ParentId.is_in(below.clone()),
                            place::Column::Id.is_in(below),
                        ))
                        .to_owned(),
                ),
            )
        }
    };
    if per_household {
        let n: Option<i64> = q
            .select_only()
            .column_as(
                sea_orm::sea_query::ExprTrait::count_distinct(Expr::col(
                    resident::Column::HouseholdId,
                )),
                "n",
            )
            .into_tuple()
            .one(conn)
            .await?;
        Ok(n.unwrap_or(0).max(0) as u64)
    } else {
        Ok(q.count(conn).await?)
    }
}

/// The asking user's standing as a voter.
pub async fn voter_status(conn: &impl ConnectionTrait, me: &Principal) -> AppResult<VoterStatus> {
    let r = resident_of(conn, me.user_id).await?;
    let mut micro_grid_id = None;
    if let Some(r) = &r {
        let above = lineage(conn, r.household_id).await?;
        micro_grid_id = place::Entity::find()
            .filter(place::Column::Id.is_in(above))
            .filter(place::Column::Kind.eq(PlaceKind::MicroGrid.as_str()))
            .one(conn)
            .await?
            .map(|p| p.id);
    }
    Ok(VoterStatus {
        verified: r.is_some(),
        grid_id: r.as_ref().map(|r| r.grid_id),
        household_id: r.as_ref().map(|r| r.household_id),
        micro_grid_id,
    })
}

/// Verify a user account as a registered resident (or remove the link); answers the account's
/// standing as a voter.
pub async fn link_resident(
    state: &AppState,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    user_id: i64,
    req: LinkResident,
) -> AppResult<VoterStatus> {
    let txn = state.db.begin_write().await?;
    crate::accounts::residents::link(&txn, me, ctx, user_id, req.resident_id).await?;
    let me_as = Principal {
        user_id,
        ..me.clone()
    };
    let out = voter_status(&*txn, &me_as).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Items

/// May `me` raise an item in `scope`? The office anywhere; grid workers in their grids;
/// residents where they live (verified).
async fn may_raise(
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
async fn append(
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
async fn summaries(
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

async fn decision_of(
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
    let photos = super::photos::of_item(conn, m.id).await?;
    let may_add_photo = super::photos::may_add(me, &m);
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
async fn next_meeting(
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

async fn put_on_agenda(
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

// ---------------------------------------------------------------------------------------------
// Support

async fn may_support(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: &item::Model,
) -> AppResult<bool> {
    let Some(r) = resident_of(conn, me.user_id).await? else {
        return Ok(false);
    };
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(conn)
        .await?;
    lives_in(conn, &r, &scope).await
}

/// Support an item (idempotent). Reaching the threshold schedules it onto the next meeting
/// that fits its tier.
pub async fn support(state: &AppState, me: &Principal, id: i64, on: bool) -> AppResult<ItemView> {
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, id).await?;
    if stage_of(&m) != ItemStage::Gathering {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    if !may_support(&*txn, me, &m).await? {
        return Err(AppError::Code(ErrorCode::NotEligible));
    }
    // One support per verified resident, whichever of their accounts gives it (a unique
    // index on item and resident backs this under concurrency).
    let resident_id = resident_id_of(&*txn, me.user_id)
        .await?
        .ok_or(AppError::Code(ErrorCode::NotEligible))?;
    let changed = if on {
        support::Entity::insert(support::ActiveModel {
            item_id: Set(id),
            user_id: Set(me.user_id),
            resident_id: Set(Some(resident_id)),
            created_at: Set(OffsetDateTime::now_utc()),
        })
        .on_conflict(OnConflict::new().do_nothing().to_owned())
        .exec_without_returning(&*txn)
        .await?
    } else {
        support::Entity::delete_many()
            .filter(support::Column::ItemId.eq(id))
            .filter(support::Column::ResidentId.eq(resident_id))
            .exec(&*txn)
            .await?
            .rows_affected
    };
    if changed == 1 {
        let delta = if on { 1 } else { -1 };
        item::Entity::update_many()
            .col_expr(
                item::Column::SupportCount,
                sea_orm::sea_query::ExprTrait::add(Expr::col(item::Column::SupportCount), delta),
            )
            .filter(item::Column::Id.eq(id))
            .exec(&*txn)
            .await?;
        // For the live board (left out of the item's history).
        append(
            &*txn,
            id,
            Some(me),
            SUPPORT_ACTIONS[if on { 0 } else { 1 }],
            None,
            None,
            ItemEventDetail::default(),
            None,
            None,
        )
        .await?;
    }
    let m = find_item(&*txn, id).await?;
    let threshold = settings(&*txn).await?.support_threshold;
    if on && support_reached(m.support_count.max(0) as u64, threshold) {
        let next = next_meeting(&*txn, &m).await?;
        let res = item::Entity::update_many()
            .col_expr(
                item::Column::Stage,
                Expr::value(ItemStage::Scheduled.as_str()),
            )
            .col_expr(
                item::Column::MeetingId,
                Expr::value(next.as_ref().map(|n| n.id)),
            )
            .col_expr(item::Column::Version, Expr::value(m.version + 1))
            .col_expr(
                item::Column::UpdatedAt,
                Expr::value(OffsetDateTime::now_utc()),
            )
            .filter(item::Column::Id.eq(id))
            .filter(item::Column::Stage.eq(ItemStage::Gathering.as_str()))
            .exec(&*txn)
            .await?;
        if res.rows_affected == 1 {
            if let Some(n) = &next {
                put_on_agenda(&*txn, n.id, id).await?;
            }
            append(
                &*txn,
                id,
                None,
                "scheduled_by_support",
                Some(ItemStage::Gathering),
                Some(ItemStage::Scheduled),
                ItemEventDetail::default(),
                Some(format!("{} / {threshold}", m.support_count)),
                next.map(|n| n.id),
            )
            .await?;
        }
    }
    let out = get_item(&*txn, me, id).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Comments

pub async fn comments(
    conn: &impl ConnectionTrait,
    me: &Principal,
    item_id: i64,
) -> AppResult<Vec<CommentView>> {
    let m = find_item(conn, item_id).await?;
    let office = may_manage(me, relation(me, m.grid_id));
    Ok(comment::Entity::find()
        .filter(comment::Column::ItemId.eq(item_id))
        .order_by_asc(comment::Column::Id)
        .all(conn)
        .await?
        .into_iter()
        .map(|c| CommentView {
            id: c.id,
            author_name: c.author_name,
            body: if c.hidden && !office {
                String::new()
            } else {
                c.body
            },
            hidden: c.hidden,
            hidden_reason: c.hidden_reason,
            created_at: c.created_at,
        })
        .collect())
}

pub async fn add_comment(
    state: &AppState,
    me: &Principal,
    item_id: i64,
    req: NewComment,
) -> AppResult<CommentView> {
    let body = req.validate()?;
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, item_id).await?;
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&*txn)
        .await?;
    if !may_raise(&*txn, me, &scope).await? {
        return Err(AppError::Code(ErrorCode::NotEligible));
    }
    let c = comment::ActiveModel {
        item_id: Set(item_id),
        author_id: Set(Some(me.user_id)),
        author_name: Set(me.display_name.clone()),
        body: Set(body),
        hidden: Set(false),
        created_at: Set(OffsetDateTime::now_utc()),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    txn.commit().await?;
    Ok(CommentView {
        id: c.id,
        author_name: c.author_name,
        body: c.body,
        hidden: false,
        hidden_reason: None,
        created_at: c.created_at,
    })
}

pub async fn hide_comment(
    state: &AppState,
    me: &Principal,
    comment_id: i64,
    req: HideComment,
) -> AppResult<CommentView> {
    let reason = req.validate()?;
    let txn = state.db.begin_write().await?;
    let c = comment::Entity::find_by_id(comment_id)
        .one_or_404(&*txn)
        .await?;
    let m = find_item(&*txn, c.item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let mut a: comment::ActiveModel = c.into();
    a.hidden = Set(true);
    a.hidden_reason = Set(Some(reason));
    a.hidden_by = Set(Some(me.user_id));
    let c = a.update(&*txn).await?;
    txn.commit().await?;
    Ok(CommentView {
        id: c.id,
        author_name: c.author_name,
        body: c.body,
        hidden: true,
        hidden_reason: c.hidden_reason,
        created_at: c.created_at,
    })
}

// ---------------------------------------------------------------------------------------------
// Ballots

fn kind_of(b: &ballot::Model) -> AppResult<BallotKind> {
    serde_json::from_str(&b.kind).map_err(internal)
}

fn rules_of(b: &ballot::Model) -> AppResult<BallotRules> {
    serde_json::from_str(&b.rules).map_err(internal)
}

/// Votes counted so far: from the votes themselves, or from the counters of an anonymous
/// ballot. Returns (turnout, counts).
async fn count_votes(conn: &impl ConnectionTrait, b: &ballot::Model) -> AppResult<(u64, Counts)> {
    let kind = kind_of(b)?;
    let rules = rules_of(b)?;
    let mut counts = Counts::empty(&kind);
    let turnout = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .count(conn)
        .await?;
    if rules.anonymous {
        for t in tally::Entity::find()
            .filter(tally::Column::BallotId.eq(b.id))
            .all(conn)
            .await?
        {
            counts.add(&t.key, t.count.max(0) as u64);
        }
    } else {
        let rows: Vec<(Option<String>, i64)> = vote::Entity::find()
            .select_only()
            .column(vote::Column::Answer)
            .column_as(vote::Column::Id.count(), "n")
            .filter(vote::Column::BallotId.eq(b.id))
            .group_by(vote::Column::Answer)
            .into_tuple()
            .all(conn)
            .await?;
        for (answer, n) in rows {
            for key in answer.unwrap_or_default().split(',') {
                counts.add(key, n.max(0) as u64);
            }
        }
    }
    Ok((turnout, counts))
}

/// The result of a closed ballot: frozen, or counted now when its time ran out.
async fn outcome_of(conn: &impl ConnectionTrait, b: &ballot::Model) -> AppResult<Option<Outcome>> {
    let now = OffsetDateTime::now_utc();
    if ballot_state(now, b.opens_at, b.closes_at, b.frozen) != BallotState::Closed {
        return Ok(None);
    }
    let (kind, rules) = (kind_of(b)?, rules_of(b)?);
    let (eligible, turnout, counts) = frozen_or_live(conn, b).await?;
    Ok(Some(tally(&kind, &rules, eligible, turnout, &counts)))
}

async fn frozen_or_live(
    conn: &impl ConnectionTrait,
    b: &ballot::Model,
) -> AppResult<(u64, u64, Counts)> {
    if b.frozen
        && let (Some(e), Some(t), Some(c)) = (b.eligible, b.turnout, b.counts.as_deref())
    {
        let counts: Counts = serde_json::from_str(c).map_err(internal)?;
        return Ok((e.max(0) as u64, t.max(0) as u64, counts));
    }
    let eligible = match b.eligible {
        Some(e) => e.max(0) as u64,
        None => {
            let m = find_item(conn, b.item_id).await?;
            let scope = place::Entity::find_by_id(m.scope_place_id)
                .one_or_404(conn)
                .await?;
            eligible_count(conn, &scope, rules_of(b)?.per_household).await?
        }
    };
    let (turnout, counts) = count_votes(conn, b).await?;
    Ok((eligible, turnout, counts))
}

/// Freeze a ballot's result: eligible, turnout and counts stored, no vote after this.
async fn freeze(conn: &impl ConnectionTrait, b: &ballot::Model) -> AppResult<()> {
    let (eligible, turnout, counts) = frozen_or_live(conn, b).await?;
    let now = OffsetDateTime::now_utc();
    ballot::Entity::update_many()
        .col_expr(ballot::Column::Frozen, Expr::value(true))
        .col_expr(ballot::Column::Eligible, Expr::value(eligible as i64))
        .col_expr(ballot::Column::Turnout, Expr::value(turnout as i64))
        .col_expr(
            ballot::Column::Counts,
            Expr::value(serde_json::to_string(&counts).map_err(internal)?),
        )
        .col_expr(ballot::Column::ClosesAt, Expr::value(b.closes_at.min(now)))
        .col_expr(ballot::Column::Version, Expr::value(b.version + 1))
        .filter(ballot::Column::Id.eq(b.id))
        .exec(conn)
        .await?;
    Ok(())
}

/// Ballots whose time ran out are frozen when the item moves on.
async fn freeze_due_ballots(conn: &impl ConnectionTrait, m: &item::Model) -> AppResult<()> {
    let now = OffsetDateTime::now_utc();
    for b in ballot::Entity::find()
        .filter(ballot::Column::ItemId.eq(m.id))
        .filter(ballot::Column::Frozen.eq(false))
        .all(conn)
        .await?
    {
        if b.closes_at <= now {
            freeze(conn, &b).await?;
        }
    }
    Ok(())
}

async fn ballot_view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    m: &item::Model,
    b: ballot::Model,
) -> AppResult<BallotView> {
    let (kind, rules) = (kind_of(&b)?, rules_of(&b)?);
    let now = OffsetDateTime::now_utc();
    let state = ballot_state(now, b.opens_at, b.closes_at, b.frozen);
    let (counts, outcome) = if results_visible(&rules, state) {
        let (eligible, turnout, counts) = frozen_or_live(conn, &b).await?;
        let outcome = (state == BallotState::Closed)
            .then(|| tally(&kind, &rules, eligible, turnout, &counts));
        (Some(counts), outcome)
    } else {
        (None, None)
    };
    let me_resident = resident_of(conn, me.user_id).await?;
    let mut my_answer = None;
    let mut i_voted = false;
    let mut may_vote = false;
    if let Some(r) = &me_resident {
        let key = voter_key(&rules, r.id, r.household_id);
        if let Some(v) = vote::Entity::find()
            .filter(vote::Column::BallotId.eq(b.id))
            .filter(vote::Column::VoterKey.eq(key))
            .one(conn)
            .await?
        {
            i_voted = v.resident_id == r.id;
            if i_voted && !rules.anonymous {
                my_answer = v.answer.as_deref().and_then(|a| Answer::decode(a, &kind));
            }
            may_vote = state == BallotState::Open && v.resident_id == r.id && !rules.anonymous;
        } else {
            may_vote = state == BallotState::Open && may_support(conn, me, m).await?;
        }
    }
    Ok(BallotView {
        id: b.id,
        item_id: b.item_id,
        question: b.question,
        kind,
        rules,
        opens_at: b.opens_at,
        closes_at: b.closes_at,
        state,
        frozen: b.frozen,
        counts,
        outcome,
        my_answer,
        i_voted,
        may_vote,
        version: b.version,
    })
}

pub async fn create_ballot(
    state: &AppState,
    me: &Principal,
    item_id: i64,
    req: CreateBallot,
) -> AppResult<BallotView> {
    let question = req.validate()?;
    let txn = state.db.begin_write().await?;
    let m = find_item(&*txn, item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if !stage_of(&m).is_undecided() {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let now = OffsetDateTime::now_utc();
    if req.closes_at <= now {
        return Err(AppError::field("closes_at", FieldErrorCode::OutOfRange));
    }
    let kind = match req.kind {
        BallotKind::Poll {
            options,
            max_choices,
        } => BallotKind::Poll {
            options: options.into_iter().map(|o| o.trim().to_string()).collect(),
            max_choices,
        },
        k => k,
    };
    // The quorum's denominator is the register when the ballot opens: nobody can move it
    // afterwards by editing residents.
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&*txn)
        .await?;
    let eligible = eligible_count(&*txn, &scope, req.rules.per_household).await?;
    let b = ballot::ActiveModel {
        item_id: Set(item_id),
        eligible: Set(Some(eligible as i64)),
        question: Set(question.clone()),
        kind: Set(serde_json::to_string(&kind).map_err(internal)?),
        rules: Set(serde_json::to_string(&req.rules).map_err(internal)?),
        opens_at: Set(req.opens_at),
        closes_at: Set(req.closes_at),
        frozen: Set(false),
        created_by: Set(Some(me.user_id)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    append(
        &*txn,
        item_id,
        Some(me),
        "ballot_opened",
        None,
        None,
        ItemEventDetail::default(),
        Some(question),
        m.meeting_id,
    )
    .await?;
    let out = ballot_view(&*txn, me, &m, b).await?;
    txn.commit().await?;
    Ok(out)
}

/// Cast or change a vote. The ballot row is locked for the count, and the unique
/// (ballot, voter) index is the last word on one person one vote.
pub async fn cast_vote(
    state: &AppState,
    me: &Principal,
    ctx: &crate::http::RequestCtx,
    ballot_id: i64,
    req: CastVote,
) -> AppResult<BallotView> {
    let txn = state.db.begin_write().await?;
    let b = ballot::Entity::find_by_id(ballot_id)
        .lock_exclusive()
        .one_or_404(&*txn)
        .await?;
    let (kind, rules) = (kind_of(&b)?, rules_of(&b)?);
    let answer = req
        .answer
        .check(&kind)
        .map_err(|c| AppError::field("answer", c))?;
    let m = find_item(&*txn, b.item_id).await?;
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&*txn)
        .await?;
    // Whose vote: one's own, or an attendee's recorded by the office (show of hands).
    let (voter, recorded_by) = match req.resident_id {
        None => (resident_of(&*txn, me.user_id).await?, None),
        Some(rid) => {
            if !may_record_votes(me, relation(me, m.grid_id)) {
                return Err(AppError::Code(ErrorCode::Forbidden));
            }
            if rules.anonymous {
                return Err(AppError::field("resident_id", FieldErrorCode::NotAllowed));
            }
            let r = resident::Entity::find_by_id(rid).one(&*txn).await?;
            if r.is_none() {
                return Err(AppError::field(
                    "resident_id",
                    FieldErrorCode::UnknownReference,
                ));
            }
            // A show of hands is recorded only for those present at the item's meeting.
            let present = match m.meeting_id {
                Some(mt) => attendee::Entity::find()
                    .filter(attendee::Column::MeetingId.eq(mt))
                    .filter(attendee::Column::ResidentId.eq(rid))
                    .one(&*txn)
                    .await?
                    .is_some(),
                None => false,
            };
            if !present {
                return Err(AppError::field("resident_id", FieldErrorCode::NotAllowed));
            }
            (r, Some(me.user_id))
        }
    };
    let now = OffsetDateTime::now_utc();
    let state_now = ballot_state(now, b.opens_at, b.closes_at, b.frozen);
    let eligible = match &voter {
        Some(r) => lives_in(&*txn, r, &scope).await?,
        None => false,
    };
    let (rid, hid) = voter.as_ref().map_or((0, 0), |r| (r.id, r.household_id));
    let key = voter_key(&rules, rid, hid);
    let previous = vote::Entity::find()
        .filter(vote::Column::BallotId.eq(b.id))
        .filter(vote::Column::VoterKey.eq(key.clone()))
        .one(&*txn)
        .await?;
    match check_vote(
        state_now,
        &rules,
        eligible,
        rid,
        previous.as_ref().map(|p| p.resident_id),
    ) {
        Ok(()) => {}
        Err(VoteRefusal::NotOpen) => return Err(AppError::Code(ErrorCode::BallotClosed)),
        Err(VoteRefusal::NotEligible) => return Err(AppError::Code(ErrorCode::NotEligible)),
        Err(VoteRefusal::AlreadyVoted) => return Err(AppError::Code(ErrorCode::AlreadyVoted)),
    }
    // A resident's own vote is theirs: the office does not record over it.
    if recorded_by.is_some() && previous.as_ref().is_some_and(|p| p.recorded_by.is_none()) {
        return Err(AppError::Code(ErrorCode::AlreadyVoted));
    }
    let stored = (!rules.anonymous).then(|| answer.encode());
    match previous {
        Some(p) => {
            vote::Entity::update_many()
                .col_expr(vote::Column::Answer, Expr::value(stored))
                .col_expr(vote::Column::RecordedBy, Expr::value(recorded_by))
                .col_expr(vote::Column::UpdatedAt, Expr::value(now))
                .filter(vote::Column::Id.eq(p.id))
                .exec(&*txn)
                .await?;
        }
        None => {
            vote::ActiveModel {
                ballot_id: Set(b.id),
                voter_key: Set(key),
                resident_id: Set(rid),
                household_id: Set(Some(hid)),
                user_id: Set(recorded_by.is_none().then_some(me.user_id)),
                recorded_by: Set(recorded_by),
                answer: Set(stored),
                updated_at: Set(now),
                ..Default::default()
            }
            .insert(&*txn)
            .await
            .on_unique(AppError::Code(ErrorCode::AlreadyVoted))?;
            if rules.anonymous {
                for k in answer.keys() {
                    tally::Entity::insert(tally::ActiveModel {
                        ballot_id: Set(b.id),
                        key: Set(k),
                        count: Set(1),
                    })
                    .on_conflict(
                        OnConflict::columns([tally::Column::BallotId, tally::Column::Key])
                            .value(
                                tally::Column::Count,
                                sea_orm::sea_query::ExprTrait::add(
                                    Expr::col((tally::Entity, tally::Column::Count)),
                                    1,
                                ),
                            )
                            .to_owned(),
                    )
                    .exec_without_returning(&*txn)
                    .await?;
                }
            }
        }
    }
    if recorded_by.is_some() {
        crate::audit::record(
            &*txn,
            Some(me),
            ctx,
            crate::audit::Record {
                action: shared::audit::AuditAction::CouncilVoteRecord,
                entity: Some("ballot"),
                entity_id: Some(ballot_id),
                resident_id: Some(rid),
                detail: Some(shared::audit::AuditDetail::VoteFor { resident_id: rid }.to_json()),
            },
        )
        .await?;
    }
    let b = ballot::Entity::find_by_id(ballot_id)
        .one_or_404(&*txn)
        .await?;
    let out = ballot_view(&*txn, me, &m, b).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn close_ballot(
    state: &AppState,
    me: &Principal,
    ballot_id: i64,
) -> AppResult<BallotView> {
    let txn = state.db.begin_write().await?;
    let b = ballot::Entity::find_by_id(ballot_id)
        .lock_exclusive()
        .one_or_404(&*txn)
        .await?;
    let m = find_item(&*txn, b.item_id).await?;
    if !may_manage(me, relation(me, m.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    if b.frozen {
        return Err(AppError::Code(ErrorCode::BallotClosed));
    }
    freeze(&*txn, &b).await?;
    let b = ballot::Entity::find_by_id(ballot_id)
        .one_or_404(&*txn)
        .await?;
    let out = ballot_view(&*txn, me, &m, b).await?;
    // The count as numbers; whether a decision passed as a fact the reader's app words.
    let summary = match &out.outcome {
        Some(o) => format!("{} / {}", o.turnout, o.eligible),
        None => String::new(),
    };
    let detail = ItemEventDetail {
        passed: match (&out.outcome, &out.kind) {
            (Some(o), BallotKind::Decision) => Some(o.passed == Some(true)),
            _ => None,
        },
        ..Default::default()
    };
    append(
        &*txn,
        m.id,
        Some(me),
        "ballot_closed",
        None,
        None,
        detail,
        Some(summary),
        m.meeting_id,
    )
    .await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Meetings

fn meeting_summary(mt: meeting::Model, scope_name: String, agenda_count: u64) -> MeetingSummary {
    MeetingSummary {
        id: mt.id,
        scope_place_id: mt.scope_place_id,
        scope_name,
        kind: MeetingKind::parse(&mt.kind).unwrap_or(MeetingKind::Regular),
        title: mt.title,
        venue: mt.venue,
        starts_at: mt.starts_at,
        agenda_count,
        version: mt.version,
    }
}

pub async fn create_meeting(
    state: &AppState,
    me: &Principal,
    req: CreateMeeting,
) -> AppResult<MeetingView> {
    let (title, venue) = req.validate()?;
    let txn = state.db.begin_write().await?;
    let scope = scope_place(&*txn, req.scope_place_id, "scope_place_id").await?;
    if !may_manage(me, relation(me, scope.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let now = OffsetDateTime::now_utc();
    if req.starts_at < now - time::Duration::days(1) {
        return Err(AppError::field("starts_at", FieldErrorCode::OutOfRange));
    }
    let mt = meeting::ActiveModel {
        scope_place_id: Set(scope.id),
        grid_id: Set(scope.grid_id),
        kind: Set(req.kind.as_str().into()),
        title: Set(title),
        venue: Set(venue),
        starts_at: Set(req.starts_at),
        created_by: Set(Some(me.user_id)),
        version: Set(1),
        created_at: Set(now),
        ..Default::default()
    }
    .insert(&*txn)
    .await?;
    // Items already scheduled in this scope and waiting for a meeting join its agenda.
    let scopes_below: Vec<i64> = place::Entity::find()
        .select_only()
        .column(place::Column::Id)
        .filter(sea_orm::sea_query::ExprTrait::or(
            place::Column::ParentId.eq(scope.id),
            place::Column::Id.eq(scope.id),
        ))
        .into_tuple()
        .all(&*txn)
        .await?;
    for waiting in item::Entity::find()
        .filter(item::Column::Stage.eq(ItemStage::Scheduled.as_str()))
        .filter(item::Column::MeetingId.is_null())
        .filter(item::Column::ScopePlaceId.is_in(scopes_below))
        .all(&*txn)
        .await?
    {
        if meeting_fits(tier_of(&waiting), req.kind) {
            put_on_agenda(&*txn, mt.id, waiting.id).await?;
            item::Entity::update_many()
                .col_expr(item::Column::MeetingId, Expr::value(mt.id))
                .col_expr(item::Column::Version, Expr::value(waiting.version + 1))
                .filter(item::Column::Id.eq(waiting.id))
                .exec(&*txn)
                .await?;
        }
    }
    let out = meeting_view(&*txn, me, mt).await?;
    txn.commit().await?;
    Ok(out)
}

pub async fn list_meetings(
    conn: &impl ConnectionTrait,
    scope_place_id: Option<i64>,
    upcoming: bool,
) -> AppResult<Vec<MeetingSummary>> {
    let mut q = meeting::Entity::find();
    if let Some(s) = scope_place_id {
        q = q.filter(meeting::Column::ScopePlaceId.eq(s));
    }
    if upcoming {
        q = q
            .filter(
                meeting::Column::StartsAt.gt(OffsetDateTime::now_utc() - time::Duration::hours(12)),
            )
            .order_by_asc(meeting::Column::StartsAt);
    } else {
        q = q.order_by_desc(meeting::Column::StartsAt);
    }
    let meetings = q.limit(100).all(conn).await?;
    let mut out = Vec::with_capacity(meetings.len());
    for mt in meetings {
        let name = place::Entity::find_by_id(mt.scope_place_id)
            .one(conn)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let n = agenda::Entity::find()
            .filter(agenda::Column::MeetingId.eq(mt.id))
            .count(conn)
            .await?;
        out.push(meeting_summary(mt, name, n));
    }
    Ok(out)
}

async fn meeting_view(
    conn: &impl ConnectionTrait,
    me: &Principal,
    mt: meeting::Model,
) -> AppResult<MeetingView> {
    let scope_name = place::Entity::find_by_id(mt.scope_place_id)
        .one(conn)
        .await?
        .map(|p| p.name)
        .unwrap_or_default();
    let rows = agenda::Entity::find()
        .filter(agenda::Column::MeetingId.eq(mt.id))
        .order_by_asc(agenda::Column::Position)
        .all(conn)
        .await?;
    let items: HashMap<i64, item::Model> = item::Entity::find()
        .filter(item::Column::Id.is_in(rows.iter().map(|r| r.item_id).collect::<Vec<_>>()))
        .all(conn)
        .await?
        .into_iter()
        .map(|i| (i.id, i))
        .collect();
    let ordered: Vec<item::Model> = rows
        .iter()
        .filter_map(|r| items.get(&r.item_id).cloned())
        .collect();
    let minutes: HashMap<i64, Option<String>> = rows
        .iter()
        .map(|r| (r.item_id, r.minutes.clone()))
        .collect();
    let agenda: Vec<AgendaEntry> = summaries(conn, me, ordered)
        .await?
        .into_iter()
        .map(|s| AgendaEntry {
            minutes: minutes.get(&s.id).cloned().flatten(),
            item: s,
        })
        .collect();
    // The review opens the meeting: what the previous meeting in this scope decided.
    let previous = meeting::Entity::find()
        .filter(meeting::Column::ScopePlaceId.eq(mt.scope_place_id))
        .filter(meeting::Column::StartsAt.lt(mt.starts_at))
        .order_by_desc(meeting::Column::StartsAt)
        .one(conn)
        .await?;
    let mut review = Vec::new();
    if let Some(p) = &previous {
        let decided: Vec<i64> = event::Entity::find()
            .select_only()
            .column(event::Column::ItemId)
            .filter(event::Column::MeetingId.eq(p.id))
            .filter(event::Column::Action.eq(ItemAction::Decide.as_str()))
            .into_tuple()
            .all(conn)
            .await?;
        let today = shared::calendar::today();
        for i in item::Entity::find()
            .filter(item::Column::Id.is_in(decided))
            .order_by_asc(item::Column::Id)
            .all(conn)
            .await?
        {
            if let Some(d) = decision_of(conn, &i).await? {
                let stage = stage_of(&i);
                review.push(ReviewEntry {
                    item_id: i.id,
                    title: i.title.clone(),
                    stage,
                    overdue: decision_overdue(stage, d.deadline, today),
                    decision: d,
                });
            }
        }
    }
    let attendees = attendee::Entity::find()
        .filter(attendee::Column::MeetingId.eq(mt.id))
        .order_by_asc(attendee::Column::Position)
        .all(conn)
        .await?
        .into_iter()
        .map(|a| Attendee {
            kind: AttendeeKind::parse(&a.kind).unwrap_or(AttendeeKind::Other),
            name: a.name,
            resident_id: a.resident_id,
        })
        .collect();
    let may_manage = may_manage(me, relation(me, mt.grid_id));
    let n = rows.len() as u64;
    Ok(MeetingView {
        summary: meeting_summary(mt, scope_name, n),
        previous_meeting_id: previous.map(|p| p.id),
        review,
        agenda,
        attendees,
        may_manage,
    })
}

async fn find_meeting(conn: &impl ConnectionTrait, id: i64) -> AppResult<meeting::Model> {
    meeting::Entity::find_by_id(id).one_or_404(conn).await
}

pub async fn get_meeting(
    conn: &impl ConnectionTrait,
    me: &Principal,
    id: i64,
) -> AppResult<MeetingView> {
    let mt = find_meeting(conn, id).await?;
    meeting_view(conn, me, mt).await
}

/// Check the meeting's version and bump it, or answer 409 with the current meeting.
async fn bump_meeting(
    conn: &impl ConnectionTrait,
    me: &Principal,
    mt: &meeting::Model,
    version: i64,
) -> AppResult<()> {
    let res = meeting::Entity::update_many()
        .col_expr(meeting::Column::Version, Expr::value(mt.version + 1))
        .filter(meeting::Column::Id.eq(mt.id))
        .filter(meeting::Column::Version.eq(version))
        .exec(conn)
        .await?;
    if res.rows_affected != 1 {
        let current = find_meeting(conn, mt.id).await?;
        return Err(AppError::conflict(&meeting_view(conn, me, current).await?));
    }
    Ok(())
}

pub async fn set_attendance(
    state: &AppState,
    me: &Principal,
    id: i64,
    req: Attendance,
) -> AppResult<MeetingView> {
    req.validate()?;
    let txn = state.db.begin_write().await?;
    let mt = find_meeting(&*txn, id).await?;
    if !may_manage(me, relation(me, mt.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    bump_meeting(&*txn, me, &mt, req.version).await?;
    attendee::Entity::delete_many()
        .filter(attendee::Column::MeetingId.eq(id))
        .exec(&*txn)
        .await?;
    for (i, a) in req.attendees.iter().enumerate() {
        if let Some(rid) = a.resident_id
            && resident::Entity::find_by_id(rid)
                .one(&*txn)
                .await?
                .is_none()
        {
            return Err(AppError::field(
                &format!("attendees[{i}].resident_id"),
                FieldErrorCode::UnknownReference,
            ));
        }
        attendee::ActiveModel {
            meeting_id: Set(id),
            position: Set(i as i32),
            kind: Set(a.kind.as_str().into()),
            name: Set(a.name.trim().to_string()),
            resident_id: Set(a.resident_id),
            ..Default::default()
        }
        .insert(&*txn)
        .await?;
    }
    let out = get_meeting(&*txn, me, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// Record the minutes of one agenda item; the item's history keeps the round.
pub async fn set_minutes(
    state: &AppState,
    me: &Principal,
    meeting_id: i64,
    item_id: i64,
    req: Minutes,
) -> AppResult<MeetingView> {
    let text = req.validate()?;
    let txn = state.db.begin_write().await?;
    let mt = find_meeting(&*txn, meeting_id).await?;
    if !may_manage(me, relation(me, mt.grid_id)) {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let row = agenda::Entity::find_by_id((meeting_id, item_id))
        .one_or_404(&*txn)
        .await?;
    bump_meeting(&*txn, me, &mt, req.version).await?;
    let mut a: agenda::ActiveModel = row.into();
    a.minutes = Set(Some(text.clone()));
    a.update(&*txn).await?;
    append(
        &*txn,
        item_id,
        Some(me),
        "minutes",
        None,
        None,
        ItemEventDetail::default(),
        Some(text),
        Some(meeting_id),
    )
    .await?;
    let out = get_meeting(&*txn, me, meeting_id).await?;
    txn.commit().await?;
    Ok(out)
}

// ---------------------------------------------------------------------------------------------
// Accountability

/// Decided items, who is responsible, by when, and how far the case is: public to residents.
pub async fn accountability(
    conn: &impl ConnectionTrait,
    scope_place_id: Option<i64>,
    offset: Option<u64>,
    limit: Option<u64>,
) -> AppResult<Page<AccountabilityEntry>> {
    let (offset, limit) = shared::clamp_paging(offset, limit);
    let mut q = item::Entity::find().filter(item::Column::Stage.is_in([
        ItemStage::Decided.as_str(),
        ItemStage::CarryingOut.as_str(),
        ItemStage::Done.as_str(),
    ]));
    if let Some(s) = scope_place_id {
        q = q.filter(item::Column::ScopePlaceId.eq(s));
    }
    let total = q.clone().count(conn).await?;
    let items = q
        .order_by_desc(item::Column::DecidedAt)
        .order_by_desc(item::Column::Id)
        .offset(offset)
        .limit(limit)
        .all(conn)
        .await?;
    let today = shared::calendar::today();
    let mut out = Vec::with_capacity(items.len());
    for i in items {
        let Some(d) = decision_of(conn, &i).await? else {
            continue;
        };
        let scope_name = place::Entity::find_by_id(i.scope_place_id)
            .one(conn)
            .await?
            .map(|p| p.name)
            .unwrap_or_default();
        let stage = stage_of(&i);
        out.push(AccountabilityEntry {
            item_id: i.id,
            title: i.title.clone(),
            scope_name,
            stage,
            decided_at: i.decided_at.unwrap_or(i.updated_at),
            overdue: decision_overdue(stage, d.deadline, today),
            decision: d,
        });
    }
    Ok(Page {
        items: out,
        total,
        offset,
        limit,
    })
}
