//! The case board's live feed (the status board's changes): a committed change is published
//! at once by the process that made it; the bus's poller (`crate::live_stream::Bus`) reads the
//! case history for changes committed by other server processes. History ids let a
//! reconnecting client ask for what it missed.

use super::service::{name_of, stage_of};
use super::store::{case, event};
use crate::db::Db;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::board::LiveChange;
use std::collections::HashMap;
use time::OffsetDateTime;

/// A change with the fields visibility is decided on (not all of them are sent).
#[derive(Clone, Debug)]
pub struct Change {
    pub public: LiveChange,
    pub grid_id: Option<i64>,
    pub reporter_id: Option<i64>,
    pub assignee_id: Option<i64>,
}

impl Change {
    pub fn of(event_id: i64, action: &str, c: &case::Model) -> Change {
        Change {
            public: LiveChange {
                id: event_id,
                case_id: c.id,
                version: c.version,
                stage: stage_of(c),
                rank: c.board_rank.clone(),
                action: action.to_string(),
                grid_id: c.grid_id,
            },
            grid_id: c.grid_id,
            reporter_id: c.reporter_id,
            assignee_id: c.assignee_id,
        }
    }
}

/// The case history, read back for the board's bus.
pub struct CaseHistory;

/// The status board's bus.
pub type Live = crate::live_stream::Bus<CaseHistory>;

impl crate::live_stream::History for CaseHistory {
    type Change = Change;
    const BOARD: &'static str = "cases";

    async fn latest(db: &Db) -> Result<Option<i64>, sea_orm::DbErr> {
        crate::db::largest::<event::Entity>(&db.conn, event::Column::Id).await
    }

    async fn changes(
        db: &Db,
        since: Option<i64>,
        after: Option<OffsetDateTime>,
        limit: u64,
    ) -> Result<Vec<Change>, sea_orm::DbErr> {
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
        let ids: Vec<i64> = events.iter().map(|e| e.case_id).collect();
        let cases: HashMap<i64, case::Model> = case::Entity::find()
            .filter(case::Column::Id.is_in(ids))
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|c| (c.id, c))
            .collect();
        Ok(events
            .into_iter()
            .filter_map(|e| {
                cases
                    .get(&e.case_id)
                    .map(|c| Change::of(e.id, &e.action, c))
            })
            .collect())
    }
}

/// For tests and tools that want to know the event name of an action.
pub fn action_name(a: shared::cases::Action) -> String {
    name_of(a)
}
