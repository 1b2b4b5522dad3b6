//! An agenda item's record: its stage and tier as stored, the asking user's relation to it,
//! loading it, and the history entry every change appends.

use crate::council::store::{event, item};
use crate::db::OneOr404;
use crate::error::{AppError, AppResult};
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use shared::accounts::Principal;
use shared::council::*;

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
        at: Set(crate::clock::now()),
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
