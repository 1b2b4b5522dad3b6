//! Putting an item on the agenda of the next meeting that fits its tier.

use super::records::tier_of;
use super::voters::lineage;
use crate::council::store::{agenda, item, meeting};
use crate::error::AppResult;
use sea_orm::sea_query::OnConflict;
use sea_orm::{
    ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set,
};
use shared::council::*;

/// The next planned meeting in an item's scope (or above it) that fits its tier.
/// After a carried round: the first one later than the meeting it was carried from.
pub(super) async fn next_meeting(
    conn: &impl ConnectionTrait,
    m: &item::Model,
) -> AppResult<Option<meeting::Model>> {
    let scopes = lineage(conn, m.scope_place_id).await?;
    let tier = tier_of(m);
    let mut after = crate::clock::now();
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
