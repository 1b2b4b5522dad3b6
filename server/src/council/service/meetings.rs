//! Deliberation days: the agenda, attendance and minutes.

use super::agenda::put_on_agenda;
use super::records::{append, relation, stage_of, tier_of};
use super::views::{decision_of, summaries};
use super::voters::scope_place;
use crate::council::store::{agenda, attendee, event, item, meeting};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::places::store::{place, resident};
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use shared::accounts::Principal;
use shared::council::*;
use shared::error::{ErrorCode, FieldErrorCode};
use std::collections::HashMap;

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
    let now = crate::clock::now();
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
            .filter(meeting::Column::StartsAt.gt(crate::clock::now() - time::Duration::hours(12)))
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
        let today = crate::clock::today();
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
