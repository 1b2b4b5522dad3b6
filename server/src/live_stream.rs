//! One way to stream a board's changes to a browser, for every live board (cases, mediation,
//! council): missed changes first (from the history, by `Last-Event-ID`), then the bus, each
//! change once and only to those who may see it.
//!
//! A stream lasts a few minutes, then ends; the browser's EventSource reconnects at once with
//! its `Last-Event-ID`, so nothing is missed, and reconnecting signs in again: a signed-out,
//! disabled or re-scoped account stops getting (or gets other) changes within that time.

use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use shared::accounts::Principal;
use std::collections::{HashSet, VecDeque};
use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::broadcast::{self, error::RecvError};
use tokio::sync::watch;

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
