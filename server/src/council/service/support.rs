//! Support for an item: one per verified resident; reaching the threshold puts the item on
//! the next meeting that fits its tier.

use super::agenda::{next_meeting, put_on_agenda};
use super::records::{append, find_item, stage_of};
use super::settings::settings;
use super::views::get_item;
use super::voters::may_support;
use crate::accounts::residents::resident_id_of;
use crate::council::store::{item, support};
use crate::error::{AppError, AppResult};
use crate::state::AppState;
use sea_orm::sea_query::{Expr, OnConflict};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, Set};
use shared::accounts::Principal;
use shared::council::*;
use shared::error::ErrorCode;

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
            created_at: Set(crate::clock::now()),
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
            .col_expr(item::Column::UpdatedAt, Expr::value(crate::clock::now()))
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
