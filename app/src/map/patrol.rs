//! Patrols (巡查) on the map: a grid worker taps "开始巡查", the phone's position is watched
//! (`watchPosition`) and sent in batches, "结束巡查" sends the rest and ends the patrol. The
//! patrol layer draws the tracks of a chosen day. Who may patrol is `shared::map::may_patrol`;
//! the server checks the points (`shared::map::validate_track`).
//!
//! Every write of a patrol — its start, each batch, its end — goes through the outbox
//! (`crate::offline::outbox`): without signal (a garage) it is kept there in order and sent
//! exactly once when the signal returns; a patrol may even begin there (its start carries when
//! it began). The points gathered since the last batch are handed to the outbox when the page
//! is hidden (the phone put away, the tab closed), so a closed page loses none of them.

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
    buffer: StoredValue<Vec<TrackPoint>, LocalStorage>,
    watch: StoredValue<Option<i32>, LocalStorage>,
    /// A batch is being handed over: the next waits (batches go in order).
    sending: StoredValue<bool, LocalStorage>,
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
            buffer: StoredValue::new_local(Vec::new()),
            watch: StoredValue::new_local(None),
            sending: StoredValue::new_local(false),
            busy: RwSignal::new(false),
            interrupted: RwSignal::new(false),
        }
    }
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
        let kept = outbox::unsent_patrol_items().await;
        // The last patrol written here ended (its end waits to be sent): nothing is under way.
        if kept.last().is_some_and(|i| i.kind == Kind::PatrolEnd) {
            return;
        }
        let (open, patrol, points) = match kept.iter().rposition(|i| i.kind == Kind::PatrolStart)
        {
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
                (local_patrol(user_id, &req, start.label.clone()), patrol, points)
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
                let points = kept
                    .iter()
                    .filter(|i| i.path.starts_with(&own))
                    .flat_map(points_of)
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
        a.points.extend(rec.buffer.try_get_value().unwrap_or_default());
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
                rec.patrol.set_value(Some(PatrolRef::Known { id: p.id, grid }));
                rec.active.set(Some(p));
                say(ctx, Key::MapPatrolStarted);
            }
            Ok(Sent::Kept) => {
                rec.active.set(Some(local_patrol(owner, &req, grid.clone())));
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
        rec.buffer.update_value(|b| {
            b.push(TrackPoint {
                lon: c.longitude(),
                lat: c.latitude(),
                at,
            })
        });
        load_local(ctx);
        if rec.buffer.with_value(Vec::len) >= BATCH {
            flush(ctx, None);
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
    // The phone put away or the page closed: what was gathered goes to the outbox now (a
    // hidden page may be ended without another word).
    let on_hidden = Closure::<dyn FnMut()>::new(move || {
        let hidden = web_sys::window()
            .and_then(|w| w.document())
            .is_some_and(|d| d.hidden());
        if hidden && rec.active.try_with_untracked(Option::is_some) == Some(true) {
            flush(ctx, None);
        }
    });
    if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
        let _ = doc.add_event_listener_with_callback(
            "visibilitychange",
            on_hidden.as_ref().unchecked_ref(),
        );
    }
    on_hidden.forget();
}

/// Redraw the patrol under way with its newest points (no server round trip).
fn load_local(ctx: MapCtx) {
    let Some(a) = ctx.recorder.active.get_untracked() else {
        return;
    };
    let pending = ctx.recorder.buffer.get_value();
    let mut mine = a.clone();
    mine.points.extend(pending);
    canvas::with(|e| {
        e.tracks.retain(|t| t.id != mine.id);
        let track = e.track_of(&mine, true);
        e.tracks.push(track);
        e.tracks_changed();
    });
}

/// Hand the gathered points to the outbox (sent now, or kept); then, if `then_end`, end
/// the patrol.
fn flush(ctx: MapCtx, then_end: Option<Box<dyn FnOnce()>>) {
    let rec = ctx.recorder;
    if rec.sending.try_get_value() != Some(false) {
        if let Some(f) = then_end {
            // Try again shortly: a batch is on its way.
            set_timeout(
                move || flush(ctx, Some(f)),
                std::time::Duration::from_millis(150),
            );
        }
        return;
    }
    let Some(patrol) = rec.patrol.get_value() else {
        return;
    };
    let points: Vec<TrackPoint> = rec
        .buffer
        .try_update_value(std::mem::take)
        .unwrap_or_default();
    if points.is_empty() {
        if let Some(f) = then_end {
            f();
        }
        return;
    }
    rec.sending.set_value(true);
    spawn_local(async move {
        let item = Item::patrol_points(&patrol, &AddTrackPoints { points });
        let handed = points_of(&item);
        let r = outbox::send::<Patrol>(item, Vec::new()).await;
        rec.sending.try_set_value(false);
        match r {
            Ok(Sent::Now(p)) => {
                if patrol.id() == Some(p.id) {
                    rec.active.try_set(Some(p));
                }
            }
            // Kept in order in the outbox: drawn from here meanwhile.
            Ok(Sent::Kept) => {
                rec.active.try_update(|a| {
                    if let Some(a) = a {
                        a.points.extend(handed);
                    }
                });
            }
            // Refused (e.g. far outside the grid): the server's reason.
            Err(e) => ctx.status.set(Some(e.reason(api::language()))),
        }
        load_local(ctx);
        if let Some(f) = then_end {
            f();
        }
    });
}

/// End the patrol under way: stop watching, send what is left, end it (through the outbox).
pub fn end(ctx: MapCtx) {
    let rec = ctx.recorder;
    if let Some(id) = rec.watch.try_update_value(Option::take).flatten() {
        if let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) {
            geo.clear_watch(id);
        }
    }
    rec.busy.set(true);
    flush(
        ctx,
        Some(Box::new(move || {
            let (Some(a), Some(patrol)) = (rec.active.get_untracked(), rec.patrol.get_value())
            else {
                rec.busy.set(false);
                return;
            };
            spawn_local(async move {
                let item = Item::patrol_end(&patrol, &EndPatrol { version: a.version });
                match outbox::send::<Patrol>(item, Vec::new()).await {
                    Ok(sent) => {
                        rec.patrol.set_value(None);
                        rec.active.set(None);
                        rec.interrupted.set(false);
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
                rec.busy.set(false);
            });
        })),
    );
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
        named.with_value(|g| g.iter().find(|g| g.0 == id).map(|g| g.1.clone()).unwrap_or_default())
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
