//! Patrols (巡查) on the map: a grid worker taps "开始巡查", the phone's position is watched
//! (`watchPosition`) and sent in batches, "结束巡查" sends the rest and ends the patrol. The
//! patrol layer draws the tracks of a chosen day. Who may patrol is `shared::map::may_patrol`;
//! the server checks the points (`shared::map::validate_track`).
//!
//! Every write of a patrol — its start, each batch, its end — goes through the outbox
//! (`crate::offline::outbox`): without signal (a garage) it is kept there in order and sent
//! exactly once when the signal returns; a patrol may even begin there (its start carries when
//! it began). The batch being gathered is kept in the outbox point by point (open: not sent
//! until it is full or the patrol ends), so a closed or reloaded page loses no point.

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::map::{AddTrackPoints, EndPatrol, Patrol, StartPatrol, TrackPoint};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::{MapCtx, canvas};
use crate::api;
use crate::i18n::{Key, use_i18n};
use crate::offline::outbox::{self, Item, Kind, PatrolRef, Sent};

/// Send the points gathered so far once this many have come (or when the patrol ends).
const BATCH: usize = 5;

/// The patrol under way on this device.
#[derive(Clone, Copy)]
pub struct Recorder {
    /// The patrol as drawn and told (a patrol begun without signal has number 0 here).
    pub active: RwSignal<Option<Patrol>>,
    /// How the outbox names the patrol under way.
    patrol: StoredValue<Option<PatrolRef>, LocalStorage>,
    batch: StoredValue<Batch, LocalStorage>,
    watch: StoredValue<Option<i32>, LocalStorage>,
    pub busy: RwSignal<bool>,
    /// A patrol of this user not ended but not followed on this page (the page was reloaded
    /// or closed): it can be continued or ended.
    pub interrupted: RwSignal<bool>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            active: RwSignal::new(None),
            patrol: StoredValue::new_local(None),
            batch: StoredValue::new_local(Batch::default()),
            watch: StoredValue::new_local(None),
            busy: RwSignal::new(false),
            interrupted: RwSignal::new(false),
        }
    }
}

/// The batch of points being gathered, and its copy in the outbox (written by one task at a
/// time, in order: `writing`; a point that came meanwhile: `dirty`).
#[derive(Default)]
struct Batch {
    /// Its number in the outbox, once kept there.
    id: Option<u32>,
    points: Vec<TrackPoint>,
    /// Full, or the patrol ends: close it in the outbox (it may go).
    closing: bool,
    writing: bool,
    dirty: bool,
}

impl Recorder {
    fn gathered(&self) -> Vec<TrackPoint> {
        self.batch
            .try_with_value(|b| b.points.clone())
            .unwrap_or_default()
    }

    /// Nothing left to write to the outbox.
    fn settled(&self) -> bool {
        self.batch
            .try_with_value(|b| b.points.is_empty() && !b.writing)
            .unwrap_or(true)
    }
}

/// Write the batch to the outbox (one writer; a point that comes meanwhile is written next).
fn keep_batch(ctx: MapCtx) {
    let rec = ctx.recorder;
    let first = rec.batch.try_update_value(|b| {
        if b.writing {
            b.dirty = true;
            false
        } else {
            b.writing = true;
            true
        }
    });
    if first != Some(true) {
        return;
    }
    spawn_local(async move {
        loop {
            let snapshot = rec.batch.try_update_value(|b| {
                b.dirty = false;
                (!b.points.is_empty()).then(|| (b.id, b.points.clone(), b.closing))
            });
            let (Some(Some((id, points, closing))), Some(Some(patrol))) =
                (snapshot, rec.patrol.try_get_value())
            else {
                break;
            };
            let n = points.len();
            let kept = outbox::keep_batch(id, &patrol, points, !closing).await;
            let again = rec.batch.try_update_value(|b| {
                if closing {
                    // Closed and on its way: its points join the line of the patrol; newer
                    // points begin the next batch.
                    let done: Vec<TrackPoint> = b.points.drain(..n).collect();
                    rec.active.try_update(|a| {
                        if let Some(a) = a {
                            a.points.extend(done);
                        }
                    });
                    b.id = None;
                    b.closing = false;
                } else {
                    b.id = kept.or(b.id);
                }
                b.dirty || (closing && !b.points.is_empty())
            });
            if again != Some(true) {
                break;
            }
        }
        rec.batch.try_update_value(|b| b.writing = false);
    });
}

/// Close the batch: it goes when it can, after what is ahead of it.
fn close_batch(ctx: MapCtx) {
    ctx.recorder.batch.try_update_value(|b| b.closing = true);
    keep_batch(ctx);
}

fn say(ctx: MapCtx, key: Key) {
    ctx.status
        .set(Some(key.text().get(api::language()).to_string()));
}

/// A patrol as this page knows it before the server does (begun without signal).
fn local_patrol(user_id: i64, start: &StartPatrol, grid: String) -> Patrol {
    Patrol {
        id: 0,
        user_id,
        worker_name: String::new(),
        grid_id: start.grid_id,
        grid_name: grid,
        started_at: start.started_at.unwrap_or_else(now_time),
        ended_at: None,
        points: Vec::new(),
        version: 1,
    }
}

fn points_of(item: &Item) -> Vec<TrackPoint> {
    item.body
        .as_deref()
        .and_then(|b| serde_json::from_str::<AddTrackPoints>(b).ok())
        .map(|a| a.points)
        .unwrap_or_default()
}

/// Find this user's patrol that was never ended (after a reload): shown as under way, to be
/// continued or ended, with the points still waiting in the outbox. A patrol whose start
/// still waits there is found there (also offline); else the server is asked.
pub fn find_interrupted(ctx: MapCtx, user_id: i64) {
    let rec = ctx.recorder;
    spawn_local(async move {
        // Batches a closed page was gathering may go now; this page gathers its own.
        outbox::close_open_batches().await;
        spawn_local(outbox::drain(true));
        let kept = outbox::unsent_patrol_items().await;
        // The last patrol written here ended (its end waits to be sent): nothing is under way.
        if kept.last().is_some_and(|i| i.kind == Kind::PatrolEnd) {
            return;
        }
        let (open, patrol, points) = match kept.iter().rposition(|i| i.kind == Kind::PatrolStart) {
            Some(at) => {
                let start = &kept[at];
                let Some(req) = start
                    .body
                    .as_deref()
                    .and_then(|b| serde_json::from_str::<StartPatrol>(b).ok())
                else {
                    return;
                };
                let patrol = PatrolRef::Kept {
                    start_key: start.key.clone(),
                    grid: start.label.clone(),
                };
                let points = kept[at..].iter().flat_map(points_of).collect::<Vec<_>>();
                (
                    local_patrol(user_id, &req, start.label.clone()),
                    patrol,
                    points,
                )
            }
            None => {
                let Ok(list) = api::get::<Vec<Patrol>>("/map/patrols").await else {
                    return;
                };
                let Some(open) = list
                    .into_iter()
                    .find(|p| p.user_id == user_id && p.ended_at.is_none())
                else {
                    return;
                };
                let own = format!("/map/patrols/{}/", open.id);
                // A batch the app's start sent meanwhile is in the server's line already.
                let last = open.points.last().map(|p| p.at);
                let points = kept
                    .iter()
                    .filter(|i| i.path.starts_with(&own))
                    .flat_map(points_of)
                    .filter(|p| last.is_none_or(|l| p.at > l))
                    .collect();
                let patrol = PatrolRef::Known {
                    id: open.id,
                    grid: open.grid_name.clone(),
                };
                (open, patrol, points)
            }
        };
        if rec.active.try_with_untracked(Option::is_some) != Some(false) {
            return;
        }
        let mut open = open;
        open.points.extend(points);
        rec.patrol.set_value(Some(patrol));
        rec.active.set(Some(open));
        rec.interrupted.set(true);
        ctx.layers.update(|l| l.patrols = true);
        load_local(ctx);
    });
}

/// Go on recording an interrupted patrol.
pub fn resume(ctx: MapCtx) {
    ctx.recorder.interrupted.set(false);
    watch(ctx);
    say(ctx, Key::MapPatrolResumed);
}

fn today() -> String {
    super::day_string(0)
}

/// The day's tracks for the patrol layer (and the one under way drawn live).
pub fn load_tracks(ctx: MapCtx) {
    let day = ctx.patrol_day.get_untracked();
    let day = if day.is_empty() { today() } else { day };
    spawn_local(async move {
        if let Ok(list) = api::get::<Vec<Patrol>>(&format!("/map/patrols?day={day}")).await {
            show(ctx, list);
        }
    });
}

fn show(ctx: MapCtx, mut list: Vec<Patrol>) {
    let rec = ctx.recorder;
    // The tracks may arrive after the user left the map: then there is nothing to draw on.
    let Some(live) = rec.active.try_get_untracked() else {
        return;
    };
    // Points gathered but not sent yet belong on the line too.
    let live = live.map(|mut a| {
        a.points.extend(rec.gathered());
        a
    });
    if let Some(a) = &live {
        let on_server = rec
            .patrol
            .try_with_value(|p| p.as_ref().and_then(PatrolRef::id))
            .flatten();
        match list.iter_mut().find(|p| Some(p.id) == on_server) {
            // The server's line with what this page holds that it has not got yet.
            Some(p) if p.points.len() < a.points.len() => *p = a.clone(),
            Some(_) => {}
            None if ctx.patrol_day.get_untracked().is_empty()
                || ctx.patrol_day.get_untracked() == today() =>
            {
                list.push(a.clone())
            }
            None => {}
        }
    }
    ctx.patrol_count.set(list.len());
    canvas::with(|e| e.set_tracks(&list, live.map(|a| a.id)));
}

pub(crate) fn now_time() -> time::OffsetDateTime {
    let ms = js_sys::Date::now();
    time::OffsetDateTime::from_unix_timestamp_nanos((ms * 1_000_000.0) as i128)
        .unwrap_or(time::OffsetDateTime::UNIX_EPOCH)
}

/// Begin patrolling `grid_id`: the start goes through the outbox (kept without signal), then
/// the position is watched.
pub fn start(ctx: MapCtx, grid_id: i64, grid: String) {
    let rec = ctx.recorder;
    rec.busy.set(true);
    spawn_local(async move {
        let req = StartPatrol {
            grid_id,
            started_at: Some(now_time()),
        };
        let item = Item::patrol_start(&req, &grid);
        let start_key = item.key.clone();
        let owner = item.owner;
        let sent = outbox::send::<Patrol>(item, Vec::new()).await;
        rec.busy.set(false);
        match sent {
            Ok(Sent::Now(p)) => {
                rec.patrol
                    .set_value(Some(PatrolRef::Known { id: p.id, grid }));
                rec.active.set(Some(p));
                say(ctx, Key::MapPatrolStarted);
            }
            Ok(Sent::Kept) => {
                rec.active
                    .set(Some(local_patrol(owner, &req, grid.clone())));
                rec.patrol
                    .set_value(Some(PatrolRef::Kept { start_key, grid }));
                say(ctx, Key::MapPatrolKept);
            }
            Err(e) => {
                ctx.status.set(Some(e.reason(api::language())));
                return;
            }
        }
        ctx.layers.update(|l| l.patrols = true);
        watch(ctx);
    });
}

fn watch(ctx: MapCtx) {
    let rec = ctx.recorder;
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        say(ctx, Key::MapLocationFailed);
        return;
    };
    let ok = Closure::<dyn FnMut(web_sys::Position)>::new(move |pos: web_sys::Position| {
        let c = pos.coords();
        let at = now_time();
        // A position came after all: a "could not get your location" from before is stale.
        let failed = Key::MapLocationFailed.text().get(api::language());
        if ctx.status.with_untracked(|s| s.as_deref() == Some(failed)) {
            ctx.status.set(None);
        }
        let full = rec.batch.try_update_value(|b| {
            b.points.push(TrackPoint {
                lon: c.longitude(),
                lat: c.latitude(),
                at,
            });
            b.points.len() >= BATCH
        });
        load_local(ctx);
        if full == Some(true) {
            close_batch(ctx);
        } else {
            keep_batch(ctx);
        }
    });
    let fail =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_e: wasm_bindgen::JsValue| {
            say(ctx, Key::MapLocationFailed);
        });
    let opts = web_sys::PositionOptions::new();
    opts.set_enable_high_accuracy(true);
    opts.set_maximum_age(0);
    if let Ok(id) = geo.watch_position_with_error_callback_and_options(
        ok.as_ref().unchecked_ref(),
        Some(fail.as_ref().unchecked_ref()),
        &opts,
    ) {
        rec.watch.set_value(Some(id));
    }
    // The callbacks live as long as the page; the watch is cleared when the patrol ends.
    ok.forget();
    fail.forget();
}

/// Redraw the patrol under way with its newest points (no server round trip).
fn load_local(ctx: MapCtx) {
    let Some(a) = ctx.recorder.active.get_untracked() else {
        return;
    };
    let pending = ctx.recorder.gathered();
    let mut mine = a.clone();
    mine.points.extend(pending);
    canvas::with(|e| {
        e.tracks.retain(|t| t.id != mine.id);
        let track = e.track_of(&mine, true);
        e.tracks.push(track);
        e.tracks_changed();
    });
}

/// End the patrol under way: stop watching, close the last batch, send what waits (in
/// order), then the end — through the outbox, kept there without signal.
pub fn end(ctx: MapCtx) {
    let rec = ctx.recorder;
    if let Some(id) = rec.watch.try_update_value(Option::take).flatten() {
        if let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) {
            geo.clear_watch(id);
        }
    }
    rec.busy.set(true);
    close_batch(ctx);
    spawn_local(async move {
        // The last batch is written to the outbox first (a write takes a moment).
        while !rec.settled() {
            crate::offline::pause(50).await;
        }
        let (Some(Some(a)), Some(Some(patrol))) =
            (rec.active.try_get_untracked(), rec.patrol.try_get_value())
        else {
            rec.busy.try_set(false);
            return;
        };
        // With signal, what waits goes now, so the end can follow at once.
        outbox::drain_all().await;
        let item = Item::patrol_end(&patrol, &EndPatrol { version: a.version });
        match outbox::send::<Patrol>(item, Vec::new()).await {
            Ok(sent) => {
                rec.patrol.try_set_value(None);
                rec.active.try_set(None);
                rec.interrupted.try_set(false);
                say(
                    ctx,
                    match sent {
                        Sent::Now(_) => Key::MapPatrolEnded,
                        Sent::Kept => Key::MapPatrolKept,
                    },
                );
                load_tracks(ctx);
            }
            Err(e) => ctx.status.set(Some(e.reason(api::language()))),
        }
        rec.busy.try_set(false);
    });
}

/// "开始巡查 / 结束巡查" with the grid to patrol, for those who may patrol.
#[component]
pub fn PatrolControl(grids: Vec<(i64, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    let rec = ctx.recorder;
    let chosen = RwSignal::new(grids.first().map(|g| g.0));
    let many = grids.len() > 1;
    let grids_named = StoredValue::new(grids.clone());
    let grid_name = |named: &StoredValue<Vec<(i64, String)>>, id: i64| {
        named.with_value(|g| {
            g.iter()
                .find(|g| g.0 == id)
                .map(|g| g.1.clone())
                .unwrap_or_default()
        })
    };
    view! {
        <fieldset class="field map-patrol" data-testid="map-patrol">
            <legend>{move || i18n.t(Key::MapPatrol)}</legend>
            {move || match rec.active.get() {
                Some(p) => view! {
                    <p class="hint" data-testid="patrol-under-way">
                        {i18n.fmt_with_data(Key::MapPatrolUnderWay, &[("grid", &p.grid_name), ("n", &p.points.len().to_string())])}
                    </p>
                    {move || rec.interrupted.get().then(|| view! {
                        <p class="alert alert-info" role="status" data-testid="patrol-interrupted">{i18n.t(Key::MapPatrolInterrupted)}</p>
                        <button type="button" class="button button-primary" data-testid="patrol-resume"
                            disabled=move || rec.busy.get() on:click=move |_| resume(ctx)>{i18n.t(Key::MapPatrolResume)}</button>
                    })}
                    <button type="button" class="button button-primary" data-testid="patrol-end"
                        disabled=move || rec.busy.get() on:click=move |_| end(ctx)>{i18n.t(Key::MapPatrolEnd)}</button>
                }.into_any(),
                None => {
                    let grids = grids.clone();
                    view! {
                        {many.then(|| view! {
                            <label for="patrol-grid">{i18n.t(Key::MapPatrolGrid)}</label>
                            <select id="patrol-grid" data-testid="patrol-grid"
                                on:change=move |ev| chosen.set(event_target_value(&ev).parse().ok())>
                                {grids.iter().map(|(id, name)| view! { <option value=id.to_string() data-user-text>{name.clone()}</option> }).collect_view()}
                            </select>
                        })}
                        <button type="button" class="button button-primary" data-testid="patrol-start"
                            disabled=move || rec.busy.get() || chosen.get().is_none()
                            on:click=move |_| if let Some(g) = chosen.get_untracked() { start(ctx, g, grid_name(&grids_named, g)) }>
                            {i18n.t(Key::MapPatrolStart)}
                        </button>
                    }.into_any()
                }
            }}
        </fieldset>
    }
}
