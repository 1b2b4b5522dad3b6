//! One way to stream a board's changes to a browser, for every live board (cases, mediation,
//! council): missed changes first (from the history, by `Last-Event-ID`), then the bus, each
//! change once and only to those who may see it. The bus (`Bus`) is one too: each area only
//! says how its history is read (`History`) and who may see a change (`LiveChange`).
//!
//! A stream lasts a few minutes, then ends; the browser's EventSource reconnects at once with
//! its `Last-Event-ID`, so nothing is missed, and reconnecting signs in again: a signed-out,
//! disabled or re-scoped account stops getting (or gets other) changes within that time.

use crate::db::Db;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use shared::accounts::Principal;
use std::collections::{HashMap, HashSet, VecDeque};
use std::convert::Infallible;
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::{Notify, watch};

/// How long one connection lasts before the browser is made to reconnect.
pub const STREAM_LIFETIME: Duration = Duration::from_secs(300);
/// How many missed changes a reconnecting client is sent; further behind, it reloads.
pub const REPLAY_LIMIT: u64 = 1000;

/// A change on some board's bus.
pub trait LiveChange: Send + Sync + 'static {
    /// Its history id: the `id:` of the event, what a reconnecting client resumes after.
    fn cursor(&self) -> i64;
    /// May this user learn of it? The area's rule of every read, asked, not restated.
    fn visible_to(&self, me: &Principal) -> bool;
    /// The event as sent (never more than the area decided may go out).
    fn event(&self) -> Event;
}

fn resync() -> Event {
    Event::default().event("resync").data("{}")
}

/// The SSE response: `replay` (read from the history after subscribing to `rx`, at most
/// `REPLAY_LIMIT`), then live changes, until the lifetime, the server's shutdown or the bus
/// closes. A replay that hit the limit is not sent: the client is told to reload instead.
pub fn respond<C: LiveChange>(
    replay: Vec<C>,
    rx: broadcast::Receiver<Arc<C>>,
    me: Principal,
    shutdown: watch::Receiver<bool>,
) -> Sse<impl Stream<Item = Result<Event, Infallible>>> {
    let too_far_behind = replay.len() as u64 >= REPLAY_LIMIT;
    let replayed: HashSet<i64> = replay.iter().map(LiveChange::cursor).collect();
    let mut first: VecDeque<Event> = VecDeque::new();
    if too_far_behind {
        first.push_back(resync());
    } else {
        first.extend(
            replay
                .iter()
                .filter(|c| c.visible_to(&me))
                .map(LiveChange::event),
        );
    }
    let deadline = Box::pin(tokio::time::sleep(STREAM_LIFETIME));
    let state = (first, rx, me, replayed, shutdown, deadline);
    let stream = futures::stream::unfold(state, |mut s| async move {
        let (first, rx, me, replayed, shutdown, deadline) = &mut s;
        if let Some(e) = first.pop_front() {
            return Some((Ok(e), s));
        }
        loop {
            tokio::select! {
                _ = shutdown.changed() => return None,
                _ = deadline.as_mut() => return None,
                msg = rx.recv() => match msg {
                    Ok(c) if !replayed.contains(&c.cursor()) && c.visible_to(me) => {
                        let e = c.event();
                        return Some((Ok(e), s));
                    }
                    Ok(_) => continue,
                    Err(RecvError::Lagged(_)) => return Some((Ok(resync()), s)),
                    Err(RecvError::Closed) => return None,
                }
            }
        }
    });
    Sse::new(stream).keep_alive(KeepAlive::default())
}

/// The id to resume after: `Last-Event-ID` (a reconnecting EventSource) or `?since=`.
pub fn resume_after(headers: &axum::http::HeaderMap, since: Option<i64>) -> Option<i64> {
    headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .or(since)
}

/// Where a board's changes are read back from: its history table, with each record's state
/// now. The one thing each area tells the bus.
pub trait History: Send + Sync + 'static {
    type Change: LiveChange;
    /// Which board, for the log.
    const BOARD: &'static str;
    /// Entries after the id `since` (a reconnecting client) or newer than `after` (the
    /// poller), at most `limit`, oldest first.
    fn changes(
        db: &Db,
        since: Option<i64>,
        after: Option<OffsetDateTime>,
        limit: u64,
    ) -> impl Future<Output = Result<Vec<Self::Change>, sea_orm::DbErr>> + Send;
}

/// How far back the poller looks: longer than any write transaction takes to commit, so a
/// change whose id was taken before another's but committed after it is still seen.
const LOOK_BACK: time::Duration = time::Duration::seconds(20);
const POLL_EVERY: Duration = Duration::from_millis(250);

/// A board's change bus in one server process. Every change leaves a history entry; a
/// poller reads the entries of the last seconds and publishes each once (by id), so changes
/// committed by other server processes (several behind a proxy on PostgreSQL, or tools on
/// the same SQLite file) reach this process's streams too. A write in this process kicks
/// the poller (or publishes itself) so its change goes out at once. The poller starts with
/// the first subscriber and reads nothing while nobody in the process watches.
pub struct Bus<H: History> {
    tx: broadcast::Sender<Arc<H::Change>>,
    /// Ids already published, with when; forgotten after twice the look-back.
    published: Mutex<HashMap<i64, Instant>>,
    kick: Notify,
    started: AtomicBool,
}

impl<H: History> Default for Bus<H> {
    fn default() -> Self {
        Bus {
            tx: broadcast::channel(4096).0,
            published: Mutex::new(HashMap::new()),
            kick: Notify::new(),
            started: AtomicBool::new(false),
        }
    }
}

impl<H: History> Bus<H> {
    /// Publish a committed change unless it was published already.
    pub fn publish(&self, change: H::Change) {
        let mut seen = self.published.lock().expect("not poisoned");
        if seen.insert(change.cursor(), Instant::now()).is_none() {
            // No subscribers is fine: nobody is looking at the board.
            let _ = self.tx.send(Arc::new(change));
        }
    }

    /// A write committed in this process: read its history entries now.
    pub fn kick(&self) {
        if self.tx.receiver_count() > 0 {
            self.kick.notify_one();
        }
    }

    /// Before the first subscriber of a quiet spell: what the history already holds is not
    /// news to anyone (boards loaded it, reconnecting ones replay it), so the poller must not
    /// send it out as new when it wakes.
    async fn prime(&self, db: &Db) {
        let after = OffsetDateTime::now_utc() - LOOK_BACK;
        match H::changes(db, None, Some(after), 2000).await {
            Ok(changes) => {
                let mut seen = self.published.lock().expect("not poisoned");
                for c in changes {
                    seen.entry(c.cursor()).or_insert_with(Instant::now);
                }
            }
            Err(e) => tracing::warn!(error = %e, board = H::BOARD, "live bus could not read"),
        }
    }

    /// Subscribe; the first subscriber starts the poller (it runs until shutdown).
    fn subscribe(
        self: &Arc<Self>,
        db: &Db,
        shutdown: &watch::Sender<bool>,
    ) -> broadcast::Receiver<Arc<H::Change>> {
        let rx = self.tx.subscribe();
        if !self.started.swap(true, Ordering::SeqCst) {
            let (bus, db, mut stop) = (self.clone(), db.clone(), shutdown.subscribe());
            tokio::spawn(async move {
                loop {
                    tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(POLL_EVERY) => {}
                        _ = bus.kick.notified() => {}
                    }
                    if bus.tx.receiver_count() == 0 {
                        continue;
                    }
                    let after = OffsetDateTime::now_utc() - LOOK_BACK;
                    match H::changes(&db, None, Some(after), 2000).await {
                        Ok(changes) => changes.into_iter().for_each(|c| bus.publish(c)),
                        Err(e) => {
                            tracing::warn!(error = %e, board = H::BOARD, "live poller could not read")
                        }
                    }
                    let limit = Duration::from_secs(LOOK_BACK.whole_seconds() as u64 * 2);
                    bus.published
                        .lock()
                        .expect("not poisoned")
                        .retain(|_, at| at.elapsed() < limit);
                }
            });
        }
        rx
    }

    /// The live stream for one user: subscribed first, then what they missed (by
    /// `Last-Event-ID` or `since`) read from the history, then the bus (see `respond`).
    pub async fn stream(
        self: &Arc<Self>,
        state: &crate::state::AppState,
        me: Principal,
        headers: &axum::http::HeaderMap,
        since: Option<i64>,
    ) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>> + use<H>>, sea_orm::DbErr> {
        if self.tx.receiver_count() == 0 {
            self.prime(&state.db).await;
        }
        // Subscribe before reading the history, so nothing falls between the two.
        let rx = self.subscribe(&state.db, &state.shutdown);
        let replay = match resume_after(headers, since) {
            Some(s) => H::changes(&state.db, Some(s), None, REPLAY_LIMIT).await?,
            None => Vec::new(),
        };
        Ok(respond(replay, rx, me, state.shutdown.subscribe()))
    }
}
