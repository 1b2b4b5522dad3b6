//! Accountability: decided items, who is responsible, by when, and how far the case is.

use super::records::stage_of;
use super::views::decision_of;
use crate::council::store::item;
use crate::error::AppResult;
use crate::places::store::place;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::Page;
use shared::council::*;

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
    let today = crate::clock::today();
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
