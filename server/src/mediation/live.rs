//! The mediation board's live stream, built like the status board's (`crate::cases::live`): every
//! write appends to the file's history (`mediation_events`), whose ids are the cursor. The
//! process that wrote kicks the bus's poller after the commit; it reads the last seconds of
//! the history, so changes written by other processes reach every board too. What goes out is
//! the file id, version and stage — never content — and only to those who may see the file
//! (`shared::mediation::access`, the same rule as every read).

use super::service::{shown_in_history, stage_of};
use super::store::{event, file, mediator, party};
use crate::db::Db;
use crate::live_stream::LiveChange;
use axum::response::sse::Event;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::accounts::Principal;
use shared::mediation::{Access, FileRelation, LiveFileChange, access};
use std::collections::HashMap;
use time::OffsetDateTime;

/// A change with what visibility is decided on (only `public` is sent).
#[derive(Clone, Debug)]
pub struct Change {
    pub public: LiveFileChange,
    /// The history entry's action: parties do not learn of sessions and records from it.
    action: String,
    grid_id: Option<i64>,
    mediator_ids: Vec<i64>,
    party_user_ids: Vec<i64>,
}

impl LiveChange for Change {
    fn cursor(&self) -> i64 {
        self.public.id
    }

    /// May `me` see this file, and learn of this entry of its history? The rules of every
    /// read (`access`, and the file page's history filter), not second ones.
    fn visible_to(&self, me: &Principal) -> bool {
        let rel = FileRelation {
            mediator: self.mediator_ids.contains(&me.user_id),
            party: self.party_user_ids.contains(&me.user_id),
            in_own_grid: self.grid_id.is_some_and(|g| me.grid_ids.contains(&g)),
        };
        let a = access(me, rel);
        a != Access::None && shown_in_history(a, &self.action)
    }

    fn event(&self) -> Event {
        Event::default()
            .event("file")
            .id(self.public.id.to_string())
            .json_data(&self.public)
            .unwrap_or_else(|_| Event::default().comment("unencodable"))
    }
}

/// The mediation history, read back for the board's bus.
pub struct FileHistory;

/// The mediation board's bus.
pub type Live = crate::live_stream::Bus<FileHistory>;

impl crate::live_stream::History for FileHistory {
    type Change = Change;
    const BOARD: &'static str = "mediation";

    /// History entries after `since` (a reconnecting client) or after `after` (the poller),
    /// with each file's state now.
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
        if events.is_empty() {
            return Ok(Vec::new());
        }
        let mut ids: Vec<i64> = events.iter().map(|e| e.file_id).collect();
        ids.sort_unstable();
        ids.dedup();
        let files: HashMap<i64, file::Model> = file::Entity::find()
            .filter(file::Column::Id.is_in(ids.clone()))
            .all(&db.conn)
            .await?
            .into_iter()
            .map(|f| (f.id, f))
            .collect();
        let mut mediators: HashMap<i64, Vec<i64>> = HashMap::new();
        for m in mediator::Entity::find()
            .filter(mediator::Column::FileId.is_in(ids.clone()))
            .all(&db.conn)
            .await?
        {
            mediators.entry(m.file_id).or_default().push(m.user_id);
        }
        let mut parties: HashMap<i64, Vec<i64>> = HashMap::new();
        for p in party::Entity::find()
            .filter(party::Column::FileId.is_in(ids))
            .filter(party::Column::UserId.is_not_null())
            .all(&db.conn)
            .await?
        {
            if let Some(u) = p.user_id {
                parties.entry(p.file_id).or_default().push(u);
            }
        }
        Ok(events
            .into_iter()
            .filter_map(|e| {
                let f = files.get(&e.file_id)?;
                Some(Change {
                    public: LiveFileChange {
                        id: e.id,
                        file_id: f.id,
                        version: f.version,
                        stage: stage_of(f),
                    },
                    action: e.action,
                    grid_id: f.grid_id,
                    mediator_ids: mediators.get(&f.id).cloned().unwrap_or_default(),
                    party_user_ids: parties.get(&f.id).cloned().unwrap_or_default(),
                })
            })
            .collect())
    }
}
