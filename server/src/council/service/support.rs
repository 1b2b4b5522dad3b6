//! Support for an item: one per verified resident; reaching the threshold puts the item on
//! the next meeting that fits its tier. A resident may take their support back within the
//! undo window while the item still gathers support (`shared::council::support_withdraw_until`).

use super::agenda::{next_meeting, put_on_agenda};
use super::records::{append, find_item, stage_of};
use super::settings::settings;
use super::views::get_item;
use super::voters::{lives_in, may_support};
use crate::accounts::residents::resident_id_of;
use crate::council::store::{item, support};
use crate::db::{OneOr404, WriteTxn};
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::places::store::{place, resident};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::accounts::Principal;
use shared::council::*;
use shared::error::ErrorCode;

/// Who gives a support: a resident on their own account, or on their behalf (代办).
pub struct Supporter {
    pub resident_id: i64,
    /// Their own account; none when given on their behalf.
    pub user_id: Option<i64>,
    pub proxy_action_id: Option<i64>,
}

/// Support an item (idempotent), or take one's support back. Reaching the threshold
/// schedules it onto the next meeting that fits its tier.
pub async fn support(
    state: &AppState,
    me: &Principal,
    ctx: &RequestCtx,
    id: i64,
    on: bool,
) -> AppResult<ItemView> {
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
    if on {
        give_support(
            &txn,
            me,
            &m,
            Supporter {
                resident_id,
                user_id: Some(me.user_id),
                proxy_action_id: None,
            },
        )
        .await?;
    } else {
        withdraw_support(&txn, me, ctx, &m, resident_id).await?;
    }
    let out = get_item(&*txn, me, id).await?;
    txn.commit().await?;
    Ok(out)
}

/// May the resident support this item: it gathers support and they live within its scope?
pub(crate) async fn check_supporter(
    txn: &WriteTxn,
    m: &item::Model,
    r: &resident::Model,
) -> AppResult<()> {
    if stage_of(m) != ItemStage::Gathering {
        return Err(AppError::Code(ErrorCode::IllegalMove));
    }
    let scope = place::Entity::find_by_id(m.scope_place_id)
        .one_or_404(&**txn)
        .await?;
    if !lives_in(&**txn, r, &scope).await? {
        return Err(AppError::Code(ErrorCode::NotEligible));
    }
    Ok(())
}

/// Add a support inside the caller's transaction (eligibility checked by the caller); `me`
/// is who gave it, for the live board. Returns whether it is new.
pub(crate) async fn give_support(
    txn: &WriteTxn,
    me: &Principal,
    m: &item::Model,
    s: Supporter,
) -> AppResult<bool> {
    let id = m.id;
    let changed = support::Entity::insert(support::ActiveModel {
        item_id: Set(id),
        user_id: Set(s.user_id),
        resident_id: Set(Some(s.resident_id)),
        proxy_action_id: Set(s.proxy_action_id),
        created_at: Set(crate::clock::now()),
        ..Default::default()
    })
    .on_conflict(OnConflict::new().do_nothing().to_owned())
    .exec_without_returning(&**txn)
    .await?;
    if changed != 1 {
        return Ok(false);
    }
    bump(txn, me, id, true).await?;
    let m = find_item(&**txn, id).await?;
    let threshold = settings(&**txn).await?.support_threshold;
    if support_reached(m.support_count.max(0) as u64, threshold) {
        let next = next_meeting(&**txn, &m).await?;
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
            .col_expr(item::Column::UpdatedAt, Expr::value(crate::clock::now()))
            .filter(item::Column::Id.eq(id))
            .filter(item::Column::Stage.eq(ItemStage::Gathering.as_str()))
            .exec(&**txn)
            .await?;
        if res.rows_affected == 1 {
            if let Some(n) = &next {
                put_on_agenda(&**txn, n.id, id).await?;
            }
            append(
                &**txn,
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
    Ok(true)
}

/// Take back one's own support: only one's own (not one given on one's behalf) and only
/// within the undo window. The support count drops, the live board hears of it, and the
/// audit log keeps that it was given and taken back.
async fn withdraw_support(
    txn: &WriteTxn,
    me: &Principal,
    ctx: &RequestCtx,
    m: &item::Model,
    resident_id: i64,
) -> AppResult<()> {
    let Some(s) = support::Entity::find()
        .filter(support::Column::ItemId.eq(m.id))
        .filter(support::Column::ResidentId.eq(resident_id))
        .one(&**txn)
        .await?
    else {
        // Nothing to take back: as idempotent as giving it.
        return Ok(());
    };
    let now = crate::clock::now();
    if support_withdraw_until(stage_of(m), s.proxy_action_id.is_none(), s.created_at, now).is_none()
    {
        return Err(AppError::Code(ErrorCode::CannotWithdraw));
    }
    support::Entity::delete_by_id(s.id).exec(&**txn).await?;
    bump(txn, me, m.id, false).await?;
    crate::audit::record(
        &**txn,
        Some(me),
        ctx,
        crate::audit::Record {
            action: shared::audit::AuditAction::CouncilSupportWithdraw,
            entity: Some("council_item"),
            entity_id: Some(m.id),
            resident_id: Some(resident_id),
            detail: None,
        },
    )
    .await?;
    Ok(())
}

/// Count a support in or out, and tell the live board (left out of the item's history).
async fn bump(txn: &WriteTxn, me: &Principal, id: i64, on: bool) -> AppResult<()> {
    let delta = if on { 1 } else { -1 };
    item::Entity::update_many()
        .col_expr(
            item::Column::SupportCount,
            sea_orm::sea_query::ExprTrait::add(Expr::col(item::Column::SupportCount), delta),
        )
        .filter(item::Column::Id.eq(id))
        .exec(&**txn)
        .await?;
    append(
        &**txn,
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
    Ok(())
}
