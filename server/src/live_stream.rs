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
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use time::OffsetDateTime;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::{Notify, mpsc, watch};

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
    /// The newest history id (an index lookup): on SQLite, where ids follow commit order (one
    /// writer at a time), a new one means another process committed a change.
    fn latest(db: &Db) -> impl Future<Output = Result<Option<i64>, sea_orm::DbErr>> + Send;
}

/// How far back the poller looks: longer than any write transaction takes to commit, so a
/// change whose id was taken before another's but committed after it is still seen.
const LOOK_BACK: time::Duration = time::Duration::seconds(20);
const POLL_EVERY: Duration = Duration::from_millis(250);
/// On SQLite the poller looks this often whether the history has a newer entry (one index
/// lookup), and reads it only then — or every `POLL_EVERY × 12` regardless.
const LATEST_EVERY: Duration = Duration::from_millis(25);

/// A board's change bus in one server process. Every change leaves a history entry; a
/// poller reads the entries of the last seconds and publishes each once (by id), so changes
/// committed by other server processes (several behind a proxy on PostgreSQL, or tools on
/// the same SQLite file) reach this process's streams too. A write in this process kicks
/// the poller (or publishes itself) so its change goes out at once. Other processes' changes
/// wake it by notification on PostgreSQL (`across_processes`); on SQLite it looks at the
/// newest history id every 25 ms. The poller starts with the first subscriber and reads
/// nothing while nobody in the process watches.
pub struct Bus<H: History> {
    tx: broadcast::Sender<Arc<H::Change>>,
    /// Ids already published, with when; forgotten after twice the look-back.
    published: Mutex<HashMap<i64, Instant>>,
    kick: Notify,
    started: AtomicBool,
    /// Where this process tells the others of its changes (PostgreSQL: `across_processes`).
    announce: OnceLock<mpsc::UnboundedSender<&'static str>>,
    /// How often the poller reads the history: briefly, unless the other processes' changes
    /// arrive as notifications (then only to catch one that was missed).
    poll_ms: AtomicU64,
    /// Poll by looking at the newest history id (SQLite) rather than reading the history.
    watch_latest: AtomicBool,
}

impl<H: History> Default for Bus<H> {
    fn default() -> Self {
        Bus {
            tx: broadcast::channel(4096).0,
            published: Mutex::new(HashMap::new()),
            kick: Notify::new(),
            started: AtomicBool::new(false),
            announce: OnceLock::new(),
            poll_ms: AtomicU64::new(LATEST_EVERY.as_millis() as u64),
            watch_latest: AtomicBool::new(true),
        }
    }
}

impl<H: History> Bus<H> {
    /// Publish a change this process committed, and tell the other processes.
    pub fn publish(&self, change: H::Change) {
        self.send_once(change);
        self.announce();
    }

    /// Send a change to this process's streams unless it was sent already.
    fn send_once(&self, change: H::Change) {
        let mut seen = self.published.lock().expect("not poisoned");
        if seen.insert(change.cursor(), Instant::now()).is_none() {
            // No subscribers is fine: nobody is looking at the board.
            let _ = self.tx.send(Arc::new(change));
        }
    }

    /// A write committed in this process: read its history entries now, and tell the other
    /// processes to read theirs.
    pub fn kick(&self) {
        self.wake();
        self.announce();
    }

    /// Read the history now (a change was committed here or elsewhere).
    fn wake(&self) {
        if self.tx.receiver_count() > 0 {
            self.kick.notify_one();
        }
    }

    /// Another process changed `board`: if it is this one, read the history now.
    fn wake_for(&self, board: &str) {
        if board == H::BOARD {
            self.wake();
        }
    }

    fn announce(&self) {
        if let Some(tx) = self.announce.get() {
            let _ = tx.send(H::BOARD);
        }
    }

    fn poll_every(&self) -> Duration {
        Duration::from_millis(self.poll_ms.load(Ordering::Relaxed))
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
                let (mut seen_latest, mut last_read) = (None, Instant::now());
                loop {
                    let by_clock = tokio::select! {
                        _ = stop.changed() => return,
                        _ = tokio::time::sleep(bus.poll_every()) => true,
                        _ = bus.kick.notified() => false,
                    };
                    if bus.tx.receiver_count() == 0 {
                        continue;
                    }
                    // On SQLite, a look at the newest id decides whether to read at all.
                    if by_clock
                        && bus.watch_latest.load(Ordering::Relaxed)
                        && last_read.elapsed() < POLL_EVERY * 12
                    {
                        match H::latest(&db).await {
                            Ok(latest) if latest == seen_latest => continue,
                            Ok(latest) => seen_latest = latest,
                            Err(e) => {
                                tracing::warn!(error = %e, board = H::BOARD, "live poller could not read");
                                continue;
                            }
                        }
                    }
                    last_read = Instant::now();
                    let after = OffsetDateTime::now_utc() - LOOK_BACK;
                    match H::changes(&db, None, Some(after), 2000).await {
                        Ok(changes) => changes.into_iter().for_each(|c| bus.send_once(c)),
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

/// The PostgreSQL channel on which processes tell each other that a board changed.
const CHANNEL: &str = "linju_live";

/// Live boards across server processes on PostgreSQL: a process that commits a change sends
/// `NOTIFY linju_live, '<board> <process>'` (coalesced per burst), and every process LISTENs
/// and reads that board's history at once. The history stays the one source of truth — a
/// notification only says "read now", so a lost one costs at most the safety poll's delay,
/// and replay after a reconnect is unchanged. SQLite (one machine, normally one process)
/// keeps the short poll.
pub fn across_processes(state: &crate::state::AppState) {
    use sea_orm::{ConnectionTrait, DbBackend, Statement};
    if state.db.backend() != DbBackend::Postgres {
        return;
    }
    // Ids need not follow commit order here (concurrent writers): the poller reads the
    // history by time, woken by notifications.
    for (watch, poll) in [
        (&state.live.watch_latest, &state.live.poll_ms),
        (
            &state.mediation_live.watch_latest,
            &state.mediation_live.poll_ms,
        ),
        (
            &state.council_live.watch_latest,
            &state.council_live.poll_ms,
        ),
    ] {
        watch.store(false, Ordering::Relaxed);
        poll.store(POLL_EVERY.as_millis() as u64, Ordering::Relaxed);
    }
    let me = uuid::Uuid::new_v4().simple().to_string();
    let (tx, mut rx) = mpsc::unbounded_channel::<&'static str>();
    let _ = state.live.announce.set(tx.clone());
    let _ = state.mediation_live.announce.set(tx.clone());
    let _ = state.council_live.announce.set(tx);

    let (db, origin) = (state.db.clone(), me.clone());
    tokio::spawn(async move {
        while let Some(board) = rx.recv().await {
            let mut boards = std::collections::BTreeSet::from([board]);
            while let Ok(b) = rx.try_recv() {
                boards.insert(b);
            }
            for b in boards {
                let notify = Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT pg_notify($1, $2)",
                    [CHANNEL.into(), format!("{b} {origin}").into()],
                );
                if let Err(e) = db.conn.query_one_raw(notify).await {
                    tracing::warn!(error = %e, board = b, "could not notify the other processes");
                }
            }
        }
    });

    let state = state.clone();
    tokio::spawn(async move {
        let mut stop = state.shutdown.subscribe();
        let set_notified = |on: bool| {
            let every = if on {
                state.config.live_check_every
            } else {
                POLL_EVERY
            };
            let ms = every.as_millis().max(1) as u64;
            state.live.poll_ms.store(ms, Ordering::Relaxed);
            state.mediation_live.poll_ms.store(ms, Ordering::Relaxed);
            state.council_live.poll_ms.store(ms, Ordering::Relaxed);
        };
        let wake_all = || {
            state.live.wake();
            state.mediation_live.wake();
            state.council_live.wake();
        };
        loop {
            // A connection of its own, outside the pool: it is held for as long as we listen.
            let listener = match sea_orm::sqlx::postgres::PgListener::connect(
                &state.config.database_url,
            )
            .await
            {
                Ok(mut l) => l.listen(CHANNEL).await.map(|()| l),
                Err(e) => Err(e),
            };
            match listener {
                Ok(mut listener) => {
                    set_notified(true);
                    // Whatever came while we were not listening.
                    wake_all();
                    loop {
                        tokio::select! {
                            _ = stop.changed() => return,
                            n = listener.try_recv() => match n {
                                Ok(Some(n)) => {
                                    let (board, from) = n.payload().split_once(' ').unwrap_or(("", ""));
                                    if from == me {
                                        continue;
                                    }
                                    state.live.wake_for(board);
                                    state.mediation_live.wake_for(board);
                                    state.council_live.wake_for(board);
                                }
                                // The connection was lost (the listener makes a new one on the
                                // next call): notifications may have been missed meanwhile.
                                Ok(None) => wake_all(),
                                Err(e) => {
                                    tracing::warn!(error = %e, "listening for other processes' changes failed");
                                    break;
                                }
                            }
                        }
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "cannot listen for other processes' changes; polling")
                }
            }
            set_notified(false);
            tokio::select! {
                _ = stop.changed() => return,
                _ = tokio::time::sleep(Duration::from_secs(2)) => {}
            }
        }
    });
}
