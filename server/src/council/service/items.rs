//! Agenda items: raising one, and moving it through its stages; a decision becomes a case on
//! the status board.

use super::agenda::{next_meeting, put_on_agenda};
use super::ballots::freeze_due_ballots;
use super::records::{append, find_item, relation};
use super::settings::settings;
use super::views::{facts, get_item, view};
use super::voters::{lineage, may_raise, scope_place};
use crate::cases::store::{case, party};
use crate::council::store::{item, meeting};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use crate::places::store::place;
use crate::state::AppState;
use sea_orm::sea_query::Expr;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, Set};
use shared::accounts::Principal;
use shared::calendar::SHANGHAI;
use shared::cases::{CreateCase, Source, Stage, Urgency};
use shared::council::*;
use shared::error::{ErrorCode, FieldErrorCode};
use time::{Date, OffsetDateTime};

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
    let now = crate::clock::now();
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
    let today = crate::clock::today();
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
    let now = crate::clock::now();
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
    let now = crate::clock::now();
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
