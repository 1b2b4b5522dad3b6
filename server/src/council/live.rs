//! The council board's live stream. Every change to an agenda item leaves an entry in the
//! council history (`council_events`, supports included); a poller reads new entries and
//! publishes, for each, the item's id, version, stage and support count — what a board card
//! needs to refresh, and nothing a user may not see (every signed-in user reads every item).
//! The poller looks back a few seconds, so entries committed by other server processes (or
//! committed late) are seen too; entries are published once, by id. Writes in this process
//! kick the poller right after they commit, so the change goes out at once.

use super::store::{event, item};
use crate::db::Db;
use crate::live_stream::LiveChange;
use axum::response::sse::Event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::accounts::Principal;
use shared::council::{CouncilLiveChange, ItemStage};
use std::collections::{HashMap, HashSet};
use time::OffsetDateTime;

/// The council history, read back for the board's bus.
pub struct ItemHistory;

/// The council board's bus.
pub type CouncilLive = crate::live_stream::Bus<ItemHistory>;

impl crate::live_stream::History for ItemHistory {
    type Change = CouncilLiveChange;
    const BOARD: &'static str = "council";

    /// History entries after `since` (or newer than `after`), with their items' state now.
    async fn latest(db: &Db) -> Result<Option<i64>, sea_orm::DbErr> {
        crate::db::largest::<event::Entity>(&db.conn, event::Column::Id).await
    }

    async fn changes(
        db: &Db,
        since: Option<i64>,
        after: Option<OffsetDateTime>,
        limit: u64,
    ) -> Result<Vec<CouncilLiveChange>, sea_orm::DbErr> {
        let mut q = event::Entity::find()
            .order_by_asc(event::Column::Id)
            .limit(limit);
        if let Some(id) = since {
            q = q.filter(event::Column::Id.gt(id));
        }
        if let Some(t) = after {
            q = q.filter(event::Column::At.gt(t));
        }
        let events = q.all(&db.conn).await?;
        let ids: HashSet<i64> = events.iter().map(|e| e.item_id).collect();
        let items: HashMap<i64, item::Model> = item::Entity::find()
            .filter(item::Column::Id.is_in(ids))
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|i| (i.id, i))
            .collect();
        Ok(events
            .into_iter()
            .filter_map(|e| {
                let i = items.get(&e.item_id)?;
                Some(CouncilLiveChange {
                    id: e.id,
                    item_id: i.id,
                    version: i.version,
                    stage: ItemStage::parse(&i.stage)?,
                    support_count: i.support_count.max(0) as u64,
                })
            })
            .collect())
    }
}

impl LiveChange for CouncilLiveChange {
    fn cursor(&self) -> i64 {
        self.id
    }
    /// Every signed-in user reads every agenda item, and the change carries nothing more.
    fn visible_to(&self, _me: &Principal) -> bool {
        true
    }
    fn event(&self) -> Event {
        Event::default()
            .event("item")
            .id(self.id.to_string())
            .json_data(self)
            .unwrap_or_else(|_| Event::default().comment("unencodable"))
    }
}
