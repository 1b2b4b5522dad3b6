//! "网格地图 / Grid map": the community drawn from its own geometry on a canvas — grids,
//! micro-grids, buildings, case pins — with pan and zoom by mouse, touch and keyboard, layer
//! toggles and a legend, a side panel (a bottom sheet on phones) for the grid clicked,
//! reporting at a point, a choropleth and a heat map of cases, and (admins) editing outlines.

mod canvas;
mod edit;
mod panel;
mod patrol;
mod tools;

use std::collections::HashMap;

use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use serde_json::Value;
use shared::geo::BBox;
use shared::map::GridFigures;
use wasm_bindgen::JsCast;

use crate::accounts::use_session;
use crate::api::{self, ApiError};
use crate::i18n::{Key, set_title, use_i18n};
use canvas::{Choropleth, Hit, Layers};
pub use panel::Selection;

/// Where the pointer went down, to tell a click from a drag and a long press.
#[derive(Clone, Copy, Debug)]
struct Press {
    x: f64,
    y: f64,
    at: f64,
    moved: bool,
}

fn now() -> f64 {
    js_sys::Date::now()
}

fn bbox_param(b: BBox) -> String {
    format!(
        "{:.6},{:.6},{:.6},{:.6}",
        b.min_lon.max(-180.0),
        b.min_lat.max(-90.0),
        b.max_lon.min(180.0),
        b.max_lat.min(90.0)
    )
}

fn grow(b: BBox, k: f64) -> BBox {
    let (w, h) = (b.max_lon - b.min_lon, b.max_lat - b.min_lat);
    BBox {
        min_lon: b.min_lon - w * k,
        min_lat: b.min_lat - h * k,
        max_lon: b.max_lon + w * k,
        max_lat: b.max_lat + h * k,
    }
}

fn covers(outer: BBox, inner: BBox) -> bool {
    outer.min_lon <= inner.min_lon
        && outer.min_lat <= inner.min_lat
        && outer.max_lon >= inner.max_lon
        && outer.max_lat >= inner.max_lat
}

/// The day `days` ago (Asia/Shanghai) as `YYYY-MM-DD`.
pub(crate) fn day_string(days_ago: i64) -> String {
    // The browser's clock: `time` has no clock of its own on wasm.
    let t =
        patrol::now_time().to_offset(shared::calendar::SHANGHAI) - time::Duration::days(days_ago);
    format!("{}-{:02}-{:02}", t.year(), t.month() as u8, t.day())
}

/// The map's shared state, `Copy` so every handler can hold it.
#[derive(Clone, Copy)]
pub struct MapCtx {
    pub layers: RwSignal<Layers>,
    pub choropleth: RwSignal<Choropleth>,
    pub heat_days: RwSignal<i64>,
    pub selection: RwSignal<Option<Selection>>,
    pub status: RwSignal<Option<String>>,
    pub error: RwSignal<Option<ApiError>>,
    /// Bumped whenever features should be fetched again (after a move or an edit).
    pub generation: RwSignal<u64>,
    pub editing: RwSignal<Option<edit::EditSession>>,
    /// May see the care layers (special groups somewhere: the office, grid workers).
    pub sees_care: bool,
    /// May see patrols (the office, grid workers).
    pub sees_patrols: bool,
    /// The day whose patrol tracks are drawn (`YYYY-MM-DD`; empty: today).
    pub patrol_day: RwSignal<String>,
    pub patrol_count: RwSignal<usize>,
    pub recorder: patrol::Recorder,
    /// A new micro-grid being drawn (admins).
    pub drawing: RwSignal<Option<edit::DrawSession>>,
}

/// Below this scale (pixels per metre) buildings are too small to draw, so none are fetched.
pub(crate) const BUILDINGS_FROM_SCALE: f64 = 0.05;

/// Fetch what the current view needs: features when the view comes near the edge of the
/// loaded box (a margin is fetched ahead, one fetch at a time, only places not held yet;
/// they are taken in between frames while the old ones are drawn), figures for the
/// choropleth, the heat map, the care counts and the patrol tracks.
pub(crate) fn refresh(ctx: MapCtx, force: bool) {
    fetch_features(ctx, force);
    let Some(view_box) = canvas::with(|e| e.view.bbox()) else {
        return;
    };
    let layers = ctx.layers.get_untracked();
    if (layers.special || layers.visits) && ctx.sees_care {
        let b = grow(view_box, 0.5);
        spawn_local(async move {
            if let Ok(c) =
                api::get::<shared::map::CareOverlay>(&format!("/map/care?bbox={}", bbox_param(b)))
                    .await
            {
                canvas::with(|e| {
                    e.care = Some(c);
                    e.invalidate();
                });
            }
        });
    }
    if layers.patrols && ctx.sees_patrols {
        patrol::load_tracks(ctx);
    }
    refresh_figures(ctx, view_box, layers);
}

/// Features, when the view comes near the edge of what is loaded (cheap to call on every
/// move: it asks the server only then, and never twice at once).
pub(crate) fn fetch_features(ctx: MapCtx, force: bool) {
    let Some((view_box, scale, placed)) =
        canvas::with(|e| (e.view.bbox(), e.view.scale, e.placed()))
    else {
        return;
    };
    // Before the community is placed the view is nowhere: nothing to fetch for it yet.
    if !placed && !force {
        return;
    }
    let want_buildings = scale > BUILDINGS_FROM_SCALE;
    let (loaded, fetching) = canvas::with(|e| (e.loaded, e.fetching)).unwrap_or((None, false));
    // Ahead of time: fetch when the view grown by a quarter is no longer covered.
    let need = force
        || loaded.is_none_or(|(l, with_b)| {
            !covers(l, grow(view_box, 0.25)) || (want_buildings && !with_b)
        });
    if need && !fetching {
        let wanted = grow(view_box, 1.0);
        // Places wholly inside the box already loaded (with the same layers) are held.
        let have = loaded
            .filter(|(_, with_b)| !force && (*with_b || !want_buildings))
            .map(|(l, _)| format!("&have={}", bbox_param(l)))
            .unwrap_or_default();
        let epoch = canvas::with(|e| {
            e.fetching = true;
            e.epoch
        })
        .unwrap_or(0);
        spawn_local(async move {
            let path = format!(
                "/map/features?bbox={}&layers=communities,grids,micro_grids{},cases{have}",
                bbox_param(wanted),
                if want_buildings { ",buildings" } else { "" },
            );
            let result = api::get::<Value>(&path).await;
            canvas::with(|e| e.fetching = false);
            match result {
                Ok(fc) => {
                    canvas::with(|e| {
                        // Places forgotten meanwhile (a split, a new micro-grid): start again.
                        if e.epoch == epoch {
                            // Nothing drawn yet: no frames to keep smooth.
                            let first = e.grids.is_empty() && e.buildings.is_empty();
                            e.enqueue(fc, first);
                            e.loaded = Some((wanted, want_buildings));
                        }
                    });
                    // The view may have moved on while this was under way.
                    fetch_features(ctx, false);
                }
                Err(err) => ctx.error.set(Some(err)),
            }
        });
    }
}

fn refresh_figures(ctx: MapCtx, view_box: BBox, layers: Layers) {
    if ctx.choropleth.get_untracked() != Choropleth::Off {
        let b = grow(view_box, 0.5);
        spawn_local(async move {
            if let Ok(list) =
                api::get::<Vec<GridFigures>>(&format!("/map/figures?bbox={}", bbox_param(b))).await
            {
                canvas::with(|e| {
                    e.figures = list
                        .into_iter()
                        .map(|f| (f.grid_id, f))
                        .collect::<HashMap<_, _>>();
                    e.invalidate();
                });
            }
        });
    }
    if layers.heat {
        let days = ctx.heat_days.get_untracked();
        spawn_local(async move {
            let path = format!(
                "/map/heat?bbox={}&from={}&to={}",
                bbox_param(view_box),
                day_string(days - 1),
                day_string(0)
            );
            if let Ok(h) = api::get::<shared::map::Heat>(&path).await {
                canvas::with(|e| {
                    e.heat = Some(h);
                    e.invalidate();
                });
            }
        });
    }
}

/// Fetch again shortly after the last move (wheel and keys come in bursts).
fn refresh_soon(ctx: MapCtx) {
    ctx.generation.update(|g| *g += 1);
    let mine = ctx.generation.get_untracked();
    set_timeout(
        move || {
            // The page may have been left in the meantime: then nothing is fetched.
            if ctx.generation.try_get_untracked() == Some(mine) {
                refresh(ctx, false);
            }
        },
        std::time::Duration::from_millis(180),
    );
}

#[component]
pub fn MapPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let navigate = use_navigate();
    Effect::new(move |_| set_title(i18n.t(Key::MapTitle), i18n.get()));
    let principal = session.principal();
    let office_or_grid = principal.as_ref().is_some_and(crate::board::may_use_board);
    // A finger has no keys or wheel: the help speaks of dragging, pinching and tapping.
    let touch = crate::drag::touch_screen();
    let is_admin = session.may(shared::accounts::Permission::EditPlaces);

    let ctx = MapCtx {
        layers: RwSignal::new(Layers::default()),
        choropleth: RwSignal::new(Choropleth::Off),
        heat_days: RwSignal::new(30),
        selection: RwSignal::new(None),
        status: RwSignal::new(None),
        error: RwSignal::new(None),
        generation: RwSignal::new(0),
        editing: RwSignal::new(None),
        sees_care: session.may(shared::accounts::Permission::RevealSensitive),
        sees_patrols: office_or_grid,
        patrol_day: RwSignal::new(String::new()),
        patrol_count: RwSignal::new(0),
        recorder: patrol::Recorder::new(),
        drawing: RwSignal::new(None),
    };
    // Grids this user may patrol (grid workers their own; the office any), once loaded.
    let patrol_grids = RwSignal::new(Vec::<(i64, String)>::new());
    let may_patrol_any = principal
        .as_ref()
        .is_some_and(|p| p.may(shared::accounts::Permission::Patrol));
    provide_context(ctx);
    let canvas_ref = NodeRef::<leptos::html::Canvas>::new();
    let tiles = RwSignal::new(None::<shared::map::TileLayer>);
    let presses = StoredValue::new_local(HashMap::<i32, Press>::new());
    let pinch = StoredValue::new_local(None::<f64>);

    let principal_for_patrol = principal.clone();
    // Mount: the engine, the community to fit, then the features of the view.
    Effect::new(move |_| {
        let principal_for_patrol = principal_for_patrol.clone();
        let Some(el) = canvas_ref.get() else { return };
        let el: web_sys::HtmlCanvasElement = el;
        canvas::install(el);
        spawn_local(async move {
            if let Ok(cfg) = api::get::<shared::map::MapConfig>("/map/config").await {
                tiles.set(cfg.tiles.clone());
                canvas::with(|e| {
                    e.tile_layer = cfg.tiles;
                    e.invalidate();
                });
            }
        });
        spawn_local(async move {
            match api::get::<Value>("/map/features?bbox=-180,-90,180,90&layers=communities").await {
                Ok(fc) => {
                    canvas::with(|e| {
                        e.add_features(&fc, false);
                        if let Some(b) = e.community_box() {
                            e.fit(b);
                        }
                    });
                    if canvas::with(|e| e.community_box().is_none()).unwrap_or(true) {
                        // No community shapes: load the grids of the whole world and fit to them.
                        if let Ok(fc) =
                            api::get::<Value>("/map/features?bbox=-180,-90,180,90&layers=grids")
                                .await
                        {
                            canvas::with(|e| {
                                e.add_features(&fc, false);
                                if let Some(b) = e.community_box() {
                                    e.fit(b);
                                }
                            });
                        }
                    }
                    refresh(ctx, true);
                }
                Err(err) => ctx.error.set(Some(err)),
            }
            // Patrols also without signal (the grids are a kept copy; a patrol whose start
            // waits in the outbox is found there).
            if may_patrol_any {
                if let Some(p) = principal_for_patrol.clone() {
                    patrol::find_interrupted(ctx, p.user_id);
                    if let Ok(list) = api::grids().await {
                        patrol_grids.set(
                            list.into_iter()
                                .filter(|g| shared::map::may_patrol(&p, g.place.id))
                                .map(|g| (g.place.id, g.place.name))
                                .collect(),
                        );
                    }
                }
            }
        });
    });
    on_cleanup(canvas::uninstall);

    // A window resize changes the canvas; keep drawing sharp.
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        canvas::with(|e| {
            if e.resize() {
                e.invalidate();
            }
        });
        refresh_soon(ctx);
    });
    on_cleanup(move || resize.remove());

    // Layer toggles and the choropleth redraw; new needs fetch.
    Effect::new(move |_| {
        let layers = ctx.layers.get();
        let ch = ctx.choropleth.get();
        ctx.heat_days.track();
        ctx.patrol_day.track();
        canvas::with(|e| {
            e.layers = layers;
            e.choropleth = ch;
            e.invalidate();
        });
        refresh(ctx, false);
    });

    // Selection outlines follow the panel.
    Effect::new(move |_| {
        let sel = ctx.selection.get();
        canvas::with(|e| {
            e.selected = match &sel {
                Some(Selection::Grid { id, .. }) => Some(*id),
                _ => None,
            };
            e.marker = match &sel {
                Some(Selection::Grid { point: Some(p), .. }) => Some(*p),
                Some(Selection::Outside { lon, lat }) => Some((*lon, *lat)),
                _ => None,
            };
            e.invalidate();
        });
    });

    let offset = move |ev: &web_sys::MouseEvent| -> (f64, f64) {
        (ev.offset_x() as f64, ev.offset_y() as f64)
    };

    let select_hit = move |hit: Hit| match hit {
        Hit::Pin(id) => {
            let info = canvas::with(|e| {
                e.pins.get(&id).map(|p| panel::PinInfo {
                    id: p.id,
                    number: p.number.clone(),
                    title: p.title.clone(),
                    stage: p.stage,
                    overdue: p.overdue,
                })
            })
            .flatten();
            if let Some(info) = info {
                ctx.selection.set(Some(Selection::Pin(info)));
            }
        }
        Hit::Grid { id, lon, lat } => ctx.selection.set(Some(Selection::Grid {
            id,
            point: Some((lon, lat)),
        })),
        Hit::Nothing { lon, lat } => ctx.selection.set(Some(Selection::Outside { lon, lat })),
    };

    let navigate_report = navigate.clone();
    let report_at = move |lon: f64, lat: f64| {
        let navigate = navigate_report.clone();
        spawn_local(async move {
            match api::get::<shared::map::Location>(&format!("/map/locate?lon={lon}&lat={lat}"))
                .await
            {
                Ok(_) => navigate(
                    &format!("/report?lon={lon:.7}&lat={lat:.7}"),
                    Default::default(),
                ),
                Err(e) => {
                    ctx.selection.set(Some(Selection::Outside { lon, lat }));
                    ctx.status.set(Some(e.reason(i18n.lang.get_untracked())));
                }
            }
        });
    };
    let report = panel::ReportAt(StoredValue::new_local(
        std::rc::Rc::new(report_at) as std::rc::Rc<dyn Fn(f64, f64)>
    ));
    provide_context(report);

    let on_down = move |ev: web_sys::PointerEvent| {
        if ev.button() > 0 {
            return;
        }
        let (x, y) = offset(&ev);
        if let Some(c) = canvas_ref.get_untracked() {
            let c: web_sys::HtmlCanvasElement = c;
            let _ = c.set_pointer_capture(ev.pointer_id());
            let _ = c.focus();
        }
        // Editing: grab a vertex.
        if ctx.editing.with_untracked(Option::is_some) && edit::pointer_down(x, y) {
            presses.update_value(|p| {
                p.insert(
                    ev.pointer_id(),
                    Press {
                        x,
                        y,
                        at: now(),
                        moved: true,
                    },
                );
            });
            return;
        }
        presses.update_value(|p| {
            p.insert(
                ev.pointer_id(),
                Press {
                    x,
                    y,
                    at: now(),
                    moved: false,
                },
            );
        });
        pinch.set_value(None);
        if edit::drawing_open(ctx) {
            return;
        }
        // A long press (no move) reports at the point.
        let id = ev.pointer_id();
        set_timeout(
            move || {
                // `try_`: the map may have been left during the press.
                let still = presses
                    .try_with_value(|p| {
                        p.get(&id).is_some_and(|p| !p.moved && p.len_ok()) && p.len() == 1
                    })
                    .unwrap_or(false);
                if still {
                    presses.update_value(|p| {
                        if let Some(p) = p.get_mut(&id) {
                            p.moved = true;
                        }
                    });
                    if let Some((lon, lat)) = canvas::with(|e| e.view.to_lon_lat(x, y)) {
                        report.call(lon, lat);
                    }
                }
            },
            std::time::Duration::from_millis(650),
        );
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let id = ev.pointer_id();
        let (x, y) = offset(&ev);
        let Some(prev) = presses.with_value(|p| p.get(&id).copied()) else {
            return;
        };
        if ctx.editing.with_untracked(Option::is_some) && edit::pointer_move(x, y) {
            return;
        }
        let count = presses.with_value(|p| p.len());
        if count >= 2 {
            // Pinch: zoom about the middle of the two fingers, by the change of their distance.
            presses.update_value(|p| {
                if let Some(me) = p.get_mut(&id) {
                    me.x = x;
                    me.y = y;
                    me.moved = true;
                }
            });
            let pts: Vec<Press> = presses.with_value(|p| p.values().copied().take(2).collect());
            let (a, b) = (pts[0], pts[1]);
            let d = (a.x - b.x).hypot(a.y - b.y);
            let (mx, my) = ((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
            if let Some(before) = pinch.get_value() {
                if before > 0.0 {
                    canvas::with(|e| {
                        e.view.zoom_at(d / before, mx, my);
                        e.moved();
                    });
                }
            }
            pinch.set_value(Some(d));
            return;
        }
        let moved = prev.moved || (x - prev.x).hypot(y - prev.y) > 6.0;
        if moved {
            canvas::with(|e| {
                e.view.pan(x - prev.x, y - prev.y);
                e.moved();
            });
            // Ahead of the edge: the features next door arrive while the drag goes on.
            fetch_features(ctx, false);
            presses.update_value(|p| {
                p.insert(
                    id,
                    Press {
                        x,
                        y,
                        at: prev.at,
                        moved: true,
                    },
                );
            });
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let id = ev.pointer_id();
        let (x, y) = offset(&ev);
        let press = presses.try_update_value(|p| p.remove(&id)).flatten();
        pinch.set_value(None);
        if ctx.editing.with_untracked(Option::is_some) && edit::pointer_up() {
            return;
        }
        match press {
            Some(p) if !p.moved && now() - p.at < 650.0 => {
                if edit::drawing_open(ctx) {
                    edit::draw_click(x, y);
                } else if ctx.editing.with_untracked(Option::is_some) {
                    edit::click(x, y);
                } else if let Some(hit) = canvas::with(|e| e.hit(x, y)) {
                    ctx.status.set(None);
                    select_hit(hit);
                }
            }
            _ => refresh_soon(ctx),
        }
    };
    let on_cancel = move |ev: web_sys::PointerEvent| {
        presses.update_value(|p| {
            p.remove(&ev.pointer_id());
        });
        pinch.set_value(None);
    };
    let on_wheel = move |ev: web_sys::WheelEvent| {
        ev.prevent_default();
        let (x, y) = (ev.offset_x() as f64, ev.offset_y() as f64);
        let dy = match ev.delta_mode() {
            1 => ev.delta_y() * 16.0,
            2 => ev.delta_y() * 400.0,
            _ => ev.delta_y(),
        };
        canvas::with(|e| {
            e.view.zoom_at((-dy * 0.0022).exp(), x, y);
            e.moved();
        });
        fetch_features(ctx, false);
        refresh_soon(ctx);
    };
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let step = 80.0;
        let mut handled = true;
        let key = ev.key();
        if edit::drawing_open(ctx) && edit::draw_key(ctx, &key) {
            ev.prevent_default();
            return;
        }
        if ctx.editing.with_untracked(Option::is_some) && edit::key(&key) {
            ev.prevent_default();
            return;
        }
        canvas::with(|e| {
            let (w, h) = (e.view.width, e.view.height);
            match key.as_str() {
                "+" | "=" => e.view.zoom_at(1.5, w / 2.0, h / 2.0),
                "-" | "_" => e.view.zoom_at(1.0 / 1.5, w / 2.0, h / 2.0),
                "ArrowLeft" => e.view.pan(step, 0.0),
                "ArrowRight" => e.view.pan(-step, 0.0),
                "ArrowUp" => e.view.pan(0.0, step),
                "ArrowDown" => e.view.pan(0.0, -step),
                "0" | "Home" => {
                    if let Some(b) = e.community_box() {
                        e.fit(b);
                    }
                }
                _ => handled = false,
            }
            e.moved();
        });
        match key.as_str() {
            "Enter" | " " => {
                handled = true;
                if let Some(hit) = canvas::with(|e| e.hit(e.view.width / 2.0, e.view.height / 2.0))
                {
                    select_hit(hit);
                }
            }
            "r" | "R" => {
                handled = true;
                if let Some((lon, lat)) =
                    canvas::with(|e| e.view.to_lon_lat(e.view.width / 2.0, e.view.height / 2.0))
                {
                    report.call(lon, lat);
                }
            }
            _ => {}
        }
        if handled {
            ev.prevent_default();
            refresh_soon(ctx);
        }
    };

    let zoom_by = move |f: f64| {
        canvas::with(|e| {
            let (w, h) = (e.view.width, e.view.height);
            e.view.zoom_at(f, w / 2.0, h / 2.0);
            e.moved();
        });
        refresh_soon(ctx);
    };
    let fit = move |_| {
        canvas::with(|e| {
            if let Some(b) = e.community_box() {
                e.fit(b);
            }
        });
        refresh_soon(ctx);
    };
    let locating = RwSignal::new(false);
    let my_location = move |_| {
        use wasm_bindgen::closure::Closure;
        let Some(geo) = web_sys::window().and_then(|w| w.navigator().geolocation().ok()) else {
            ctx.status
                .set(Some(i18n.t(Key::MapLocationFailed).to_string()));
            return;
        };
        locating.set(true);
        let ok = Closure::once_into_js(move |pos: web_sys::Position| {
            locating.set(false);
            let c = pos.coords();
            let (lon, lat) = (c.longitude(), c.latitude());
            let grid = canvas::with(|e| {
                let (x, y) = e.view.to_screen(lon, lat);
                e.view.pan(e.view.width / 2.0 - x, e.view.height / 2.0 - y);
                e.moved();
                e.grid_at(lon, lat)
            })
            .flatten();
            ctx.selection.set(Some(match grid {
                Some(id) => Selection::Grid {
                    id,
                    point: Some((lon, lat)),
                },
                None => Selection::Outside { lon, lat },
            }));
            refresh_soon(ctx);
        });
        let fail = Closure::once_into_js(move |_e: wasm_bindgen::JsValue| {
            locating.set(false);
            ctx.status
                .set(Some(i18n.t(Key::MapLocationFailed).to_string()));
        });
        let opts = web_sys::PositionOptions::new();
        opts.set_timeout(15_000);
        if geo
            .get_current_position_with_error_callback_and_options(
                ok.unchecked_ref(),
                Some(fail.unchecked_ref()),
                &opts,
            )
            .is_err()
        {
            locating.set(false);
        }
    };

    view! {
        <div class="map-page" data-testid="map-page">
            <div class="page-head map-head">
                <h1>{move || i18n.t(Key::MapTitle)}</h1>
                <p class="lead">{move || i18n.t(Key::MapIntro)}</p>
            </div>
            {move || ctx.error.get().map(|e| view! { <p class="alert alert-error" role="alert">{e.message(i18n.get())}</p> })}
            <div class="map-layout">
                <div class="map-stage">
                    <div class="map-controls" role="toolbar" aria-label=move || i18n.t(Key::MapTitle)>
                        <button type="button" class="button button-secondary map-zoom" data-testid="map-zoom-in"
                            aria-label=move || i18n.t(Key::MapZoomIn) on:click=move |_| zoom_by(1.5)>"+"</button>
                        <button type="button" class="button button-secondary map-zoom" data-testid="map-zoom-out"
                            aria-label=move || i18n.t(Key::MapZoomOut) on:click=move |_| zoom_by(1.0 / 1.5)>"−"</button>
                        <button type="button" class="button button-secondary" data-testid="map-fit" on:click=fit>
                            {move || i18n.t(Key::MapFit)}
                        </button>
                        <button type="button" class="button button-secondary" data-testid="map-my-location" on:click=my_location
                            disabled=move || locating.get()>
                            {move || if locating.get() { i18n.t(Key::Locating) } else { i18n.t(Key::UseMyLocation) }}
                        </button>
                    </div>
                    <canvas node_ref=canvas_ref class="map-canvas" data-testid="map-canvas" tabindex="0" role="application"
                        aria-label=move || i18n.t(Key::MapCanvasLabel) aria-describedby="map-help"
                        on:pointerdown=on_down on:pointermove=on_move on:pointerup=on_up on:pointercancel=on_cancel
                        on:wheel=on_wheel on:keydown=on_key
                        on:dblclick=move |_| if edit::drawing_open(ctx) { edit::finish_drawing(ctx) }
                        on:focus=move |_| { canvas::with(|e| { e.focused = true; e.invalidate(); }); }
                        on:blur=move |_| { canvas::with(|e| { e.focused = false; e.invalidate(); }); }
                        on:contextmenu=move |ev| ev.prevent_default()>
                    </canvas>
                    <p id="map-help" class="map-help hint">{move || i18n.t(if touch { Key::MapHelpTouch } else { Key::MapHelp })}</p>
                    <p class="map-status" role="status" aria-live="polite" data-testid="map-status">
                        {move || ctx.status.get()}
                    </p>
                </div>
                <panel::Panel office_or_grid=office_or_grid is_admin=is_admin/>
                <tools::MapTools ctx tiles may_patrol_any patrol_grids office_or_grid/>
            </div>
        </div>
    }
}

impl Press {
    fn len_ok(&self) -> bool {
        now() - self.at >= 600.0
    }
}
