//! The change bus behind live boards. A committed change is published at once to the
//! process that made it; a poller picks up changes committed by other server processes
//! (several processes on PostgreSQL, or tools on the same SQLite file) from the case
//! history, so every open board sees every change. History ids let a reconnecting client
//! ask for what it missed.

use crate::cases::service::{name_of, stage_of};
use crate::cases::store::{case, event};
use crate::db::Db;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use shared::board::LiveChange;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::broadcast;

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

/// How far back the poller looks: longer than any write transaction takes to commit, so a
/// change whose id was taken before another's but committed after it is still seen.
const LOOK_BACK: time::Duration = time::Duration::seconds(20);
const POLL_EVERY: Duration = Duration::from_millis(200);

pub struct Live {
    tx: broadcast::Sender<Arc<Change>>,
    /// Ids already published, with when; forgotten after the look-back window.
    published: Mutex<HashMap<i64, Instant>>,
}

impl Default for Live {
    fn default() -> Self {
        Live {
            tx: broadcast::channel(4096).0,
            published: Mutex::new(HashMap::new()),
        }
    }
}

impl Live {
    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Change>> {
        self.tx.subscribe()
    }

    /// Publish a committed change unless it was published already.
    pub fn publish(&self, change: Change) {
        let mut seen = self.published.lock().expect("not poisoned");
        if seen.insert(change.public.id, Instant::now()).is_none() {
            // No subscribers is fine: nobody is looking at a board.
            let _ = self.tx.send(Arc::new(change));
        }
    }

    fn forget_old(&self) {
        let limit = Duration::from_secs(LOOK_BACK.whole_seconds() as u64 * 2);
        self.published
            .lock()
            .expect("not poisoned")
            .retain(|_, at| at.elapsed() < limit);
    }

    /// Changes after `since` from the history (for reconnecting clients and the poller).
    pub async fn changes_since(
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

    /// Watch the history for changes made by other processes.
    pub fn start_poller(self: &Arc<Self>, db: Db) {
        let live = self.clone();
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(POLL_EVERY);
            tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            loop {
                tick.tick().await;
                // Nobody in this process is watching a board: nothing to read.
                if live.tx.receiver_count() == 0 {
                    continue;
                }
                let after = OffsetDateTime::now_utc() - LOOK_BACK;
                match Live::changes_since(&db, None, Some(after), 2000).await {
                    Ok(changes) => changes.into_iter().for_each(|c| live.publish(c)),
                    Err(e) => tracing::warn!(error = %e, "live poller could not read changes"),
                }
                live.forget_old();
            }
        });
    }
}

/// For tests and tools that want to know the event name of an action.
pub fn action_name(a: shared::cases::Action) -> String {
    name_of(a)
}
