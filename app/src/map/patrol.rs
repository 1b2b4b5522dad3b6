//! Patrols (巡查) on the map: a grid worker taps "开始巡查", the phone's position is watched
//! (`watchPosition`) and sent in batches, "结束巡查" sends the rest and ends the patrol. The
//! patrol layer draws the tracks of a chosen day. Who may patrol is `shared::map::may_patrol`;
//! the server checks the points (`shared::map::validate_track`).

use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::map::{AddTrackPoints, EndPatrol, Patrol, StartPatrol, TrackPoint};
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::{MapCtx, canvas};
use crate::api;
use crate::i18n::{Key, use_i18n};

/// Send the points gathered so far once this many have come (or when the patrol ends).
const BATCH: usize = 5;

/// The patrol under way on this device.
#[derive(Clone, Copy)]
pub struct Recorder {
    pub active: RwSignal<Option<Patrol>>,
    buffer: StoredValue<Vec<TrackPoint>, LocalStorage>,
    watch: StoredValue<Option<i32>, LocalStorage>,
    sending: StoredValue<bool, LocalStorage>,
    pub busy: RwSignal<bool>,
    /// A patrol of this user still open on the server but not followed on this page (the
    /// page was reloaded or closed): it can be continued or ended.
    pub interrupted: RwSignal<bool>,
}

impl Recorder {
    pub fn new() -> Recorder {
        Recorder {
            active: RwSignal::new(None),
            buffer: StoredValue::new_local(Vec::new()),
            watch: StoredValue::new_local(None),
            sending: StoredValue::new_local(false),
            busy: RwSignal::new(false),
            interrupted: RwSignal::new(false),
        }
    }
}

/// Points gathered but not sent yet are kept in the browser too, so a reload loses none.
fn unsent_key(patrol_id: i64) -> String {
    format!("linju.patrol.{patrol_id}.unsent")
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window().and_then(|w| w.local_storage().ok().flatten())
}

fn keep_unsent(ctx: MapCtx) {
    let Some(a) = ctx.recorder.active.get_untracked() else {
        return;
    };
    let Some(s) = storage() else { return };
    let points = ctx.recorder.buffer.get_value();
    if points.is_empty() {
        let _ = s.remove_item(&unsent_key(a.id));
    } else if let Ok(json) = serde_json::to_string(&points) {
        let _ = s.set_item(&unsent_key(a.id), &json);
    }
}

/// Find this user's patrol of today that was never ended (after a reload): shown as under
/// way, to be continued or ended, with the points this browser had not sent yet.
pub fn find_interrupted(ctx: MapCtx, user_id: i64) {
    let rec = ctx.recorder;
    spawn_local(async move {
        let Ok(list) = api::get::<Vec<Patrol>>("/map/patrols").await else {
            return;
        };
        let Some(open) = list
            .into_iter()
            .find(|p| p.user_id == user_id && p.ended_at.is_none())
        else {
            return;
        };
        if rec.active.with_untracked(Option::is_some) {
            return;
        }
        let unsent: Vec<TrackPoint> = storage()
            .and_then(|s| s.get_item(&unsent_key(open.id)).ok().flatten())
            .and_then(|json| serde_json::from_str(&json).ok())
            .unwrap_or_default();
        rec.buffer.set_value(unsent);
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
    ctx.status.set(Some(
        Key::MapPatrolResumed
            .text()
            .get(api::language())
            .to_string(),
    ));
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
    if let Some(a) = &live {
        let pending = rec.buffer.try_get_value().unwrap_or_default();
        if let Some(p) = list.iter_mut().find(|p| p.id == a.id) {
            p.points.extend(pending);
        } else if ctx.patrol_day.get_untracked().is_empty()
            || ctx.patrol_day.get_untracked() == today()
        {
            let mut a = a.clone();
            a.points.extend(pending);
            list.push(a);
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

/// Begin patrolling `grid_id`: the server records the start, then the position is watched.
pub fn start(ctx: MapCtx, grid_id: i64) {
    let rec = ctx.recorder;
    rec.busy.set(true);
    spawn_local(async move {
        match api::post::<_, Patrol>("/map/patrols", &StartPatrol { grid_id }).await {
            Ok(p) => {
                rec.active.set(Some(p));
                rec.busy.set(false);
                ctx.layers.update(|l| l.patrols = true);
                watch(ctx);
                ctx.status.set(Some(
                    Key::MapPatrolStarted
                        .text()
                        .get(api::language())
                        .to_string(),
                ));
            }
            Err(e) => {
                rec.busy.set(false);
                ctx.status.set(Some(e.reason(api::language())));
            }
        }
    });
}

fn watch(ctx: MapCtx) {
    let rec = ctx.recorder;
    let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
        ctx.status.set(Some(
            Key::MapLocationFailed
                .text()
                .get(api::language())
                .to_string(),
        ));
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
        keep_unsent(ctx);
        load_local(ctx);
        if rec.buffer.with_value(Vec::len) >= BATCH {
            flush(ctx, None);
        }
    });
    let fail =
        Closure::<dyn FnMut(wasm_bindgen::JsValue)>::new(move |_e: wasm_bindgen::JsValue| {
            ctx.status.set(Some(
                Key::MapLocationFailed
                    .text()
                    .get(api::language())
                    .to_string(),
            ));
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

/// Send the gathered points; then, if `then_end`, end the patrol.
fn flush(ctx: MapCtx, then_end: Option<Box<dyn FnOnce()>>) {
    let rec = ctx.recorder;
    if rec.sending.get_value() {
        if let Some(f) = then_end {
            // Try again shortly: a batch is on its way.
            set_timeout(
                move || flush(ctx, Some(f)),
                std::time::Duration::from_millis(150),
            );
        }
        return;
    }
    let Some(a) = rec.active.get_untracked() else {
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
        let sent = points.clone();
        let r = api::post::<_, Patrol>(
            &format!("/map/patrols/{}/points", a.id),
            &AddTrackPoints { points },
        )
        .await;
        rec.sending.set_value(false);
        match r {
            Ok(p) => {
                if rec.active.with_untracked(|x| x.as_ref().map(|x| x.id)) == Some(p.id) {
                    rec.active.set(Some(p));
                }
                keep_unsent(ctx);
                load_local(ctx);
            }
            Err(e) => {
                if matches!(e, api::ApiError::Network) {
                    // No signal in a garage: not lost, sent again in front of newer points.
                    rec.buffer.update_value(|b| {
                        let newer = std::mem::take(b);
                        *b = sent;
                        b.extend(newer);
                    });
                    keep_unsent(ctx);
                }
                ctx.status.set(Some(e.reason(api::language())));
            }
        }
        if let Some(f) = then_end {
            f();
        }
    });
}

/// End the patrol under way: stop watching, send what is left, end it on the server.
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
            let Some(a) = rec.active.get_untracked() else {
                rec.busy.set(false);
                return;
            };
            spawn_local(async move {
                match api::post::<_, Patrol>(
                    &format!("/map/patrols/{}/end", a.id),
                    &EndPatrol { version: a.version },
                )
                .await
                {
                    Ok(_) => {
                        if let Some(s) = storage() {
                            let _ = s.remove_item(&unsent_key(a.id));
                        }
                        rec.active.set(None);
                        rec.interrupted.set(false);
                        ctx.status.set(Some(
                            Key::MapPatrolEnded.text().get(api::language()).to_string(),
                        ));
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
                            on:click=move |_| if let Some(g) = chosen.get_untracked() { start(ctx, g) }>
                            {i18n.t(Key::MapPatrolStart)}
                        </button>
                    }.into_any()
                }
            }}
        </fieldset>
    }
}
