//! The council board's live stream. Every change to an agenda item leaves an entry in the
//! council history (`council_events`, supports included); a poller reads new entries and
//! publishes, for each, the item's id, version, stage and support count — what a board card
//! needs to refresh, and nothing a user may not see (every signed-in user reads every item).
//! The poller looks back a few seconds, so entries committed by other server processes (or
//! committed late) are seen too; entries are published once, by id. Writes in this process
//! kick the poller right after they commit, so the change goes out at once.

use super::store::{event, item};
use crate::AppState;
use crate::accounts::CurrentUser;
use crate::db::Db;
use crate::error::AppResult;
use crate::live_stream::{self, LiveChange};
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures::Stream;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use shared::accounts::Principal;
use shared::council::{CouncilLiveChange, ItemStage};
use shared::error::Problem;
use std::collections::{HashMap, HashSet};
use std::convert::Infallible;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::broadcast;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Longer than any write transaction takes to commit: an entry whose id was taken before
/// another's but committed after it is still seen.
const LOOK_BACK: time::Duration = time::Duration::seconds(20);
const POLL_EVERY: Duration = Duration::from_millis(250);

pub struct CouncilLive {
    tx: broadcast::Sender<Arc<CouncilLiveChange>>,
    published: Mutex<HashMap<i64, Instant>>,
    kick: tokio::sync::Notify,
    started: AtomicBool,
}

impl Default for CouncilLive {
    fn default() -> Self {
        CouncilLive {
            tx: broadcast::channel(4096).0,
            published: Mutex::new(HashMap::new()),
            kick: tokio::sync::Notify::new(),
            started: AtomicBool::new(false),
        }
    }
}

impl CouncilLive {
    /// A write committed: look for its history entries now.
    pub fn kick(&self) {
        if self.tx.receiver_count() > 0 {
            self.kick.notify_one();
        }
    }

    fn publish(&self, c: CouncilLiveChange) {
        let mut seen = self.published.lock().expect("not poisoned");
        if seen.insert(c.id, Instant::now()).is_none() {
            let _ = self.tx.send(Arc::new(c));
        }
    }

    /// History entries after `since` (or newer than `after`), with their items' state now.
    pub async fn changes_since(
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

    /// Subscribe; the first subscriber starts the poller (it then runs until shutdown).
    fn subscribe(
        self: &Arc<Self>,
        db: &Db,
        shutdown: &tokio::sync::watch::Sender<bool>,
    ) -> broadcast::Receiver<Arc<CouncilLiveChange>> {
        let rx = self.tx.subscribe();
        if !self.started.swap(true, Ordering::SeqCst) {
            let (live, db, mut stop) = (self.clone(), db.clone(), shutdown.subscribe());
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(POLL_EVERY) => {}
                        _ = live.kick.notified() => {}
                    }
                    if live.tx.receiver_count() == 0 {
                        continue;
                    }
                    let after = OffsetDateTime::now_utc() - LOOK_BACK;
                    match CouncilLive::changes_since(&db, None, Some(after), 2000).await {
                        Ok(changes) => changes.into_iter().for_each(|c| live.publish(c)),
                        Err(e) => tracing::warn!(error = %e, "council live poller could not read"),
                    }
                    let limit = Duration::from_secs(LOOK_BACK.whole_seconds() as u64 * 2);
                    live.published
                        .lock()
                        .expect("not poisoned")
                        .retain(|_, at| at.elapsed() < limit);
                }
            });
        }
        rx
    }
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LiveQuery {
    /// Resume after this change id; `Last-Event-ID` does the same.
    pub since: Option<i64>,
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

/// Changes to agenda items as server-sent events (`event: item`, JSON `CouncilLiveChange`:
/// item id, version, stage, support count). Given `since` or `Last-Event-ID`, missed changes
/// are sent first. An `event: resync` asks the client to reload the board. Each connection
/// ends after a few minutes and the browser reconnects (see `live_stream`).
#[utoipa::path(get, path = "/council/live", tag = "council", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of CouncilLiveChange", content_type = "text/event-stream", body = CouncilLiveChange),
              (status = 401, body = Problem)))]
async fn live(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    // Subscribe before reading the history, so nothing falls between the two.
    let rx = state.council_live.subscribe(&state.db, &state.shutdown);
    let replay = match live_stream::resume_after(&headers, q.since) {
        Some(s) => {
            CouncilLive::changes_since(&state.db, Some(s), None, live_stream::REPLAY_LIMIT).await?
        }
        None => Vec::new(),
    };
    Ok(live_stream::respond(
        replay,
        rx,
        me,
        state.shutdown.subscribe(),
    ))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(live))
}
