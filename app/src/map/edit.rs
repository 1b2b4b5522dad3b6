//! Editing a grid's or micro-grid's outline (admins): drag a vertex, click an edge to add
//! one, select one and press Delete to remove it; save through `PUT /places/{id}` with the
//! version read (a stale one is refused). The server checks the shape; a refused save marks
//! the place in the way on the map and names it.

use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::{Value, json};
use shared::places::{PlaceView, UpdatePlace};

use super::MapCtx;
use super::canvas::{self, Editing};
use crate::api::{self, ApiError};
use crate::i18n::{Key, use_i18n};

/// The place being edited as the server last sent it.
#[derive(Clone, Debug, PartialEq)]
pub struct EditSession {
    pub place: PlaceView,
    pub busy: bool,
    pub error: Option<String>,
    pub saved: bool,
    /// Drawing a line to split along (micro-grids).
    pub cutting: bool,
}

/// The outer ring of a Polygon (closing point left off); other shapes are not editable here.
pub fn outer_ring(geometry: &Value) -> Option<Vec<(f64, f64)>> {
    if geometry["type"] != "Polygon" {
        return None;
    }
    let ring: Vec<(f64, f64)> = geometry["coordinates"][0]
        .as_array()?
        .iter()
        .map(|p| Some((p[0].as_f64()?, p[1].as_f64()?)))
        .collect::<Option<_>>()?;
    let mut ring = ring;
    if ring.len() > 1 && ring.first() == ring.last() {
        ring.pop();
    }
    (ring.len() >= 3).then_some(ring)
}

/// A Polygon of a ring (closed again), keeping the holes of `old`.
pub fn polygon(ring: &[(f64, f64)], old: &Value) -> Value {
    let mut outer: Vec<Value> = ring.iter().map(|(x, y)| json!([x, y])).collect();
    if let Some(first) = outer.first().cloned() {
        outer.push(first);
    }
    let mut rings = vec![Value::Array(outer)];
    if let Some(holes) = old["coordinates"].as_array() {
        rings.extend(holes.iter().skip(1).cloned());
    }
    json!({"type": "Polygon", "coordinates": rings})
}

/// Begin editing a place's outline.
pub fn start(ctx: MapCtx, id: i64) {
    spawn_local(async move {
        match api::place(id).await {
            Ok(place) => {
                let Some(ring) = place.geometry.as_ref().and_then(outer_ring) else {
                    ctx.status.set(Some(
                        Key::MapNotEditable
                            .text()
                            .get(crate::api::language())
                            .to_string(),
                    ));
                    return;
                };
                canvas::with(|e| {
                    e.editing = Some(Editing {
                        place_id: id,
                        ring,
                        dragging: None,
                        selected: None,
                        cut: None,
                    });
                    e.trouble.clear();
                    e.invalidate();
                });
                ctx.editing.set(Some(EditSession {
                    place,
                    busy: false,
                    error: None,
                    saved: false,
                    cutting: false,
                }));
            }
            Err(e) => ctx.error.set(Some(e)),
        }
    });
}

pub fn stop(ctx: MapCtx) {
    canvas::with(|e| {
        e.editing = None;
        e.trouble.clear();
        e.invalidate();
    });
    ctx.editing.set(None);
}

/// A pointer went down: grab a vertex under it. True when the edit took the event.
pub fn pointer_down(x: f64, y: f64) -> bool {
    canvas::with(|e| {
        let v = e.vertex_at(x, y);
        if let Some(ed) = e.editing.as_mut() {
            ed.dragging = v;
            if v.is_some() {
                ed.selected = v;
            }
        }
        e.invalidate();
        v.is_some()
    })
    .unwrap_or(false)
}

pub fn pointer_move(x: f64, y: f64) -> bool {
    canvas::with(|e| {
        let (lon, lat) = e.view.to_lon_lat(x, y);
        let Some(ed) = e.editing.as_mut() else {
            return false;
        };
        let Some(i) = ed.dragging else { return false };
        ed.ring[i] = (lon, lat);
        e.invalidate();
        true
    })
    .unwrap_or(false)
}

pub fn pointer_up() -> bool {
    canvas::with(|e| {
        let Some(ed) = e.editing.as_mut() else {
            return false;
        };
        ed.dragging.take().is_some()
    })
    .unwrap_or(false)
}

/// A click while editing: on an edge adds a vertex there; elsewhere clears the selection.
/// While a cutting line is drawn, clicks are its two ends.
pub fn click(x: f64, y: f64) {
    let cutting = canvas::with(|e| {
        let (lon, lat) = e.view.to_lon_lat(x, y);
        let ed = e.editing.as_mut()?;
        let cut = ed.cut.as_mut()?;
        if cut.len() >= 2 {
            cut.clear();
        }
        cut.push((lon, lat));
        e.invalidate();
        Some(())
    })
    .flatten();
    if cutting.is_some() {
        return;
    }
    canvas::with(|e| {
        let edge = e.edge_at(x, y);
        let (lon, lat) = e.view.to_lon_lat(x, y);
        if let Some(ed) = e.editing.as_mut() {
            match edge {
                Some(i) => {
                    // Exactly on the edge, so adding a corner alone does not change the shape.
                    let n = ed.ring.len();
                    let (a, b) = (ed.ring[i], ed.ring[(i + 1) % n]);
                    ed.ring.insert(i + 1, on_segment(a, b, (lon, lat)));
                    ed.selected = Some(i + 1);
                }
                None => ed.selected = None,
            }
        }
        e.invalidate();
    });
}

/// The point of segment a–b nearest p (in degrees; edges are short enough).
fn on_segment(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> (f64, f64) {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    if len2 == 0.0 {
        return a;
    }
    let t = (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0);
    (a.0 + t * dx, a.1 + t * dy)
}

/// Keys while editing: Delete removes the selected vertex; arrows nudge it by a pixel or
/// ten (with Shift). True when handled.
pub fn key(key: &str) -> bool {
    canvas::with(|e| {
        let mpp = 1.0 / e.view.scale;
        let Some(ed) = e.editing.as_mut() else {
            return false;
        };
        let Some(i) = ed.selected else { return false };
        let step = 4.0 * mpp;
        let (dx, dy) = match key {
            "Delete" | "Backspace" => {
                if ed.ring.len() > 3 {
                    ed.ring.remove(i);
                    ed.selected = None;
                }
                e.invalidate();
                return true;
            }
            "Tab" => return false,
            "ArrowLeft" => (-step, 0.0),
            "ArrowRight" => (step, 0.0),
            "ArrowUp" => (0.0, step),
            "ArrowDown" => (0.0, -step),
            _ => return false,
        };
        let (lon, lat) = ed.ring[i];
        let (x, y) = shared::map::mercator(lon, lat);
        ed.ring[i] = shared::map::unmercator(x + dx, y + dy);
        e.invalidate();
        true
    })
    .unwrap_or(false)
}

/// Remove the selected vertex (a button for touch users).
fn remove_selected() {
    key("Delete");
}

/// Save the outline; the server checks it.
fn save(ctx: MapCtx) {
    let Some(session) = ctx.editing.get_untracked() else {
        return;
    };
    let Some(ring) = canvas::with(|e| e.editing.as_ref().map(|ed| ed.ring.clone())).flatten()
    else {
        return;
    };
    let p = session.place.clone();
    let old = p.geometry.clone().unwrap_or(Value::Null);
    let geometry = polygon(&ring, &old);
    let input = UpdatePlace {
        code: p.code.clone(),
        name: p.name.clone(),
        address: p.address.clone(),
        geometry: Some(geometry.clone()),
        leaders: p.leaders.clone(),
        version: p.version,
    };
    ctx.editing.update(|s| {
        if let Some(s) = s {
            s.busy = true;
            s.error = None;
            s.saved = false;
        }
    });
    spawn_local(async move {
        match api::update_place(p.id, &input).await {
            Ok(view) => {
                canvas::with(|e| {
                    e.trouble.clear();
                    e.replace_geometry(view.id, geometry);
                });
                ctx.editing.update(|s| {
                    if let Some(s) = s {
                        s.place = view;
                        s.busy = false;
                        s.saved = true;
                    }
                });
            }
            Err(err) => {
                let message = refusal(&err);
                let current: Option<PlaceView> = err.current();
                ctx.editing.update(|s| {
                    if let Some(s) = s {
                        s.busy = false;
                        s.error = Some(message);
                        if let Some(c) = current {
                            s.place = c;
                        }
                    }
                });
            }
        }
    });
}

/// The server's reasons, with the places in the way marked on the map and named.
fn refusal(err: &ApiError) -> String {
    let lang = crate::api::language();
    let mut lines = vec![err.message(lang)];
    let mut trouble = Vec::new();
    for f in err.field_errors() {
        let code = f
            .field
            .strip_prefix("geometry/overlaps/")
            .or_else(|| f.field.strip_prefix("geometry/children/"));
        if let Some(code) = code {
            let found = canvas::with(|e| {
                e.grids
                    .values()
                    .chain(e.micro_grids.values())
                    .find(|s| s.code == code)
                    .map(|s| (s.id, s.name.clone()))
            })
            .flatten();
            let name = found
                .as_ref()
                .map(|f| f.1.clone())
                .unwrap_or(code.to_string());
            if let Some((id, _)) = found {
                trouble.push(id);
            }
            lines.push(format!("{name}：{}", f.code.message(lang)));
        } else {
            lines.push(f.code.message(lang).to_string());
        }
    }
    canvas::with(|e| {
        e.trouble = trouble;
        e.invalidate();
    });
    lines.join(" ")
}

fn set_busy(ctx: MapCtx) {
    ctx.editing.update(|s| {
        if let Some(s) = s {
            s.busy = true;
            s.error = None;
            s.saved = false;
        }
    });
}

fn refused(ctx: MapCtx, err: ApiError) {
    let message = refusal(&err);
    let current: Option<PlaceView> = err.current();
    ctx.editing.update(|s| {
        if let Some(s) = s {
            s.busy = false;
            s.error = Some(message);
            if let Some(c) = current {
                s.place = c;
            }
        }
    });
}

/// Put back the outline before the last saved change.
fn undo(ctx: MapCtx) {
    let Some(session) = ctx.editing.get_untracked() else {
        return;
    };
    set_busy(ctx);
    let (id, version) = (session.place.id, session.place.version);
    spawn_local(async move {
        let r: Result<PlaceView, ApiError> = api::post(
            &format!("/places/{id}/geometry/undo"),
            &shared::map::UndoGeometry { version },
        )
        .await;
        match r {
            Ok(view) => {
                let geometry = view.geometry.clone().unwrap_or(Value::Null);
                canvas::with(|e| {
                    e.trouble.clear();
                    e.replace_geometry(id, geometry.clone());
                    if let (Some(ed), Some(ring)) = (e.editing.as_mut(), outer_ring(&geometry)) {
                        ed.ring = ring;
                        ed.selected = None;
                    }
                    e.invalidate();
                });
                ctx.editing.update(|s| {
                    if let Some(s) = s {
                        s.place = view;
                        s.busy = false;
                        s.saved = true;
                    }
                });
            }
            Err(err) => refused(ctx, err),
        }
    });
}

fn start_cut(ctx: MapCtx) {
    canvas::with(|e| {
        if let Some(ed) = e.editing.as_mut() {
            ed.cut = Some(Vec::new());
        }
        e.invalidate();
    });
    ctx.editing.update(|s| {
        if let Some(s) = s {
            s.cutting = true;
            s.error = None;
        }
    });
}

/// Split along the drawn line; the new part gets `code` and `name`.
fn split(ctx: MapCtx, code: String, name: String) {
    let Some(session) = ctx.editing.get_untracked() else {
        return;
    };
    let line = canvas::with(|e| e.editing.as_ref().and_then(|ed| ed.cut.clone())).flatten();
    let Some([a, b]) = line
        .as_deref()
        .and_then(|l| <[(f64, f64); 2]>::try_from(l).ok())
    else {
        ctx.editing.update(|s| {
            if let Some(s) = s {
                s.error = Some(
                    Key::MapCutNeedsLine
                        .text()
                        .get(crate::api::language())
                        .to_string(),
                );
            }
        });
        return;
    };
    set_busy(ctx);
    let req = shared::map::SplitPlace {
        version: session.place.version,
        line: [[a.0, a.1], [b.0, b.1]],
        code,
        name,
    };
    let id = session.place.id;
    spawn_local(async move {
        match api::post::<_, Vec<PlaceView>>(&format!("/map/places/{id}/split"), &req).await {
            Ok(_) => {
                stop(ctx);
                canvas::with(|e| e.forget_places());
                super::refresh(ctx, true);
                ctx.status.set(Some(
                    Key::MapSplitDone
                        .text()
                        .get(crate::api::language())
                        .to_string(),
                ));
            }
            Err(err) => refused(ctx, err),
        }
    });
}

/// Join a sibling into the place being edited.
fn merge(ctx: MapCtx, other: PlaceView) {
    let Some(session) = ctx.editing.get_untracked() else {
        return;
    };
    set_busy(ctx);
    let req = shared::map::MergePlaces {
        version: session.place.version,
        other_id: other.id,
        other_version: other.version,
    };
    let id = session.place.id;
    spawn_local(async move {
        match api::post::<_, PlaceView>(&format!("/map/places/{id}/merge"), &req).await {
            Ok(_) => {
                stop(ctx);
                canvas::with(|e| e.forget_places());
                super::refresh(ctx, true);
                ctx.status.set(Some(
                    Key::MapMergeDone
                        .text()
                        .get(crate::api::language())
                        .to_string(),
                ));
            }
            Err(err) => refused(ctx, err),
        }
    });
}

/// Split and merge, for micro-grids.
#[component]
fn MicroGridTools(place: PlaceView, cutting: bool, busy: bool) -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    let code = RwSignal::new(format!("{}-2", place.code));
    let name = RwSignal::new(format!("{}（二）", place.name));
    let siblings = RwSignal::new(Vec::<PlaceView>::new());
    let parent = place.parent_id;
    let me = place.id;
    if let Some(parent) = parent {
        spawn_local(async move {
            if let Ok(list) = api::children(parent).await {
                let mut out = Vec::new();
                for c in list.into_iter().filter(|c| c.id != me) {
                    if let Ok(v) = api::place(c.id).await {
                        out.push(v);
                    }
                }
                siblings.set(out);
            }
        });
    }
    view! {
        <div class="map-links">
            {(!cutting).then(|| view! {
                <button type="button" class="button button-secondary" data-testid="edit-cut"
                    on:click=move |_| start_cut(ctx)>{i18n.t(Key::MapCut)}</button>
            })}
        </div>
        {cutting.then(|| view! {
            <div class="map-cut" data-testid="edit-cut-form">
                <p class="hint">{i18n.t(Key::MapCutHelp)}</p>
                <div class="form-grid">
                    <div class="field">
                        <label for="cut-code">{i18n.t(Key::Code)}</label>
                        <input id="cut-code" type="text" data-testid="cut-code" bind:value=code/>
                    </div>
                    <div class="field">
                        <label for="cut-name">{i18n.t(Key::Name)}</label>
                        <input id="cut-name" type="text" data-testid="cut-name" bind:value=name/>
                    </div>
                </div>
                <button type="button" class="button button-primary" data-testid="cut-save" disabled=busy
                    on:click=move |_| split(ctx, code.get_untracked(), name.get_untracked())>{i18n.t(Key::MapCutSave)}</button>
            </div>
        })}
        {move || {
            let list = siblings.get();
            (!list.is_empty()).then(|| view! {
                <div class="field">
                    <label for="merge-with">{i18n.t(Key::MapMergeWith)}</label>
                    <div class="search-row">
                        <select id="merge-with" data-testid="merge-with">
                            {list.iter().map(|s| view! { <option value=s.id.to_string() data-user-text>{s.name.clone()}</option> }).collect_view()}
                        </select>
                        <button type="button" class="button button-secondary" data-testid="merge-save" disabled=busy
                            on:click=move |_| {
                                let chosen = web_sys::window()
                                    .and_then(|w| w.document())
                                    .and_then(|d| d.get_element_by_id("merge-with"))
                                    .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlSelectElement>(e).ok())
                                    .and_then(|s| s.value().parse::<i64>().ok());
                                let other = chosen.and_then(|id| siblings.get_untracked().into_iter().find(|s| s.id == id));
                                if let Some(o) = other { merge(ctx, o); }
                            }>{i18n.t(Key::MapMerge)}</button>
                    </div>
                </div>
            })
        }}
    }
}

#[component]
pub fn EditBar() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    view! {
        {move || ctx.editing.get().map(|s| view! {
            <section class="map-edit card" data-testid="map-edit" aria-labelledby="map-edit-title">
                <h2 id="map-edit-title">{i18n.fmt_with_data(Key::MapEditing, &[("name", &s.place.name)])}</h2>
                <p class="hint">{i18n.t(Key::MapEditHelp)}</p>
                {s.error.clone().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="edit-error">{m}</p> })}
                {s.saved.then(|| view! { <p class="alert alert-success" role="status" data-testid="edit-saved">{i18n.t(Key::Saved)}</p> })}
                <div class="map-links">
                    <button type="button" class="button button-primary" data-testid="edit-save" disabled=s.busy
                        on:click=move |_| save(ctx)>{i18n.t(Key::Save)}</button>
                    <button type="button" class="button button-secondary" data-testid="edit-remove-vertex"
                        on:click=move |_| remove_selected()>{i18n.t(Key::MapRemoveVertex)}</button>
                    <button type="button" class="button button-secondary" data-testid="edit-undo" disabled=s.busy
                        on:click=move |_| undo(ctx)>{i18n.t(Key::MapUndoOutline)}</button>
                    <button type="button" class="button button-quiet" data-testid="edit-done"
                        on:click=move |_| stop(ctx)>{i18n.t(Key::MapEditDone)}</button>
                </div>
                {(s.place.kind == shared::places::PlaceKind::MicroGrid).then(|| view! {
                    <MicroGridTools place=s.place.clone() cutting=s.cutting busy=s.busy/>
                })}
            </section>
        })}
    }
}

// ---- Drawing a new micro-grid (admins) ----

/// A new micro-grid being drawn inside a grid: click corners, Enter or a double click
/// finishes, Escape cancels; then a code and a name, and the server checks it like any edit
/// (siblings do not overlap, inside the grid). A created one can be taken back (deleted
/// with its version); later changes are ordinary versioned outline edits.
#[derive(Clone, Debug, PartialEq)]
pub struct DrawSession {
    /// A grid (in a community) or a micro-grid (in a grid).
    pub kind: shared::places::PlaceKind,
    pub parent_id: i64,
    pub parent_name: String,
    pub finished: bool,
    pub busy: bool,
    pub error: Option<String>,
    pub created: Option<PlaceView>,
}

pub fn start_drawing(
    ctx: MapCtx,
    kind: shared::places::PlaceKind,
    parent_id: i64,
    parent_name: String,
) {
    stop(ctx);
    canvas::with(|e| {
        e.sketch = Some(Vec::new());
        e.trouble.clear();
        e.invalidate();
    });
    ctx.drawing.set(Some(DrawSession {
        kind,
        parent_id,
        parent_name,
        finished: false,
        busy: false,
        error: None,
        created: None,
    }));
    ctx.selection.set(None);
    focus_canvas();
}

fn focus_canvas() {
    if let Some(c) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.query_selector("[data-testid=map-canvas]").ok().flatten())
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = c.focus();
    }
}

pub fn stop_drawing(ctx: MapCtx) {
    canvas::with(|e| {
        e.sketch = None;
        e.trouble.clear();
        e.invalidate();
    });
    ctx.drawing.set(None);
}

/// Drawing and not finished: clicks add corners.
pub fn drawing_open(ctx: MapCtx) -> bool {
    ctx.drawing.with_untracked(|d| {
        d.as_ref()
            .is_some_and(|d| !d.finished && d.created.is_none())
    })
}

/// A click while drawing: a new corner there.
pub fn draw_click(x: f64, y: f64) {
    canvas::with(|e| {
        let p = e.view.to_lon_lat(x, y);
        if let Some(s) = e.sketch.as_mut() {
            // A double click's second click lands on the corner just made.
            if s.last() != Some(&p) {
                s.push(p);
            }
        }
        e.invalidate();
    });
}

/// Finish the outline (at least three corners).
pub fn finish_drawing(ctx: MapCtx) {
    let n = canvas::with(|e| e.sketch.as_ref().map_or(0, Vec::len)).unwrap_or(0);
    ctx.drawing.update(|d| {
        if let Some(d) = d {
            if n >= 3 {
                d.finished = true;
                d.error = None;
            } else {
                d.error = Some(
                    Key::MapDrawNeedsCorners
                        .text()
                        .get(crate::api::language())
                        .to_string(),
                );
            }
        }
    });
}

/// Keys while drawing: Enter finishes, Escape cancels, Backspace takes back a corner.
pub fn draw_key(ctx: MapCtx, key: &str) -> bool {
    match key {
        "Enter" => {
            finish_drawing(ctx);
            true
        }
        "Escape" => {
            stop_drawing(ctx);
            true
        }
        "Backspace" | "Delete" => {
            canvas::with(|e| {
                if let Some(s) = e.sketch.as_mut() {
                    s.pop();
                }
                e.invalidate();
            });
            true
        }
        _ => false,
    }
}

fn save_drawing(ctx: MapCtx, code: String, name: String) {
    let Some(d) = ctx.drawing.get_untracked() else {
        return;
    };
    let Some(ring) = canvas::with(|e| e.sketch.clone()).flatten() else {
        return;
    };
    let input = shared::places::CreatePlace {
        kind: d.kind,
        parent_id: Some(d.parent_id),
        code,
        name,
        address: None,
        geometry: Some(polygon(&ring, &Value::Null)),
        leaders: Vec::new(),
    };
    ctx.drawing.update(|d| {
        if let Some(d) = d {
            d.busy = true;
            d.error = None;
        }
    });
    spawn_local(async move {
        match api::create_place(&input).await {
            Ok(view) => {
                canvas::with(|e| {
                    e.sketch = None;
                    e.trouble.clear();
                    e.forget_places();
                });
                super::refresh(ctx, true);
                ctx.drawing.update(|d| {
                    if let Some(d) = d {
                        d.busy = false;
                        d.created = Some(view);
                    }
                });
            }
            Err(err) => {
                let message = refusal(&err);
                ctx.drawing.update(|d| {
                    if let Some(d) = d {
                        d.busy = false;
                        d.error = Some(message);
                    }
                });
            }
        }
    });
}

/// Take back a grid or micro-grid just drawn (deleted with its version).
fn take_back(ctx: MapCtx) {
    let Some(created) = ctx
        .drawing
        .with_untracked(|d| d.as_ref().and_then(|d| d.created.clone()))
    else {
        return;
    };
    let taken_back = if created.kind == shared::places::PlaceKind::Grid {
        Key::MapDrawTakenBackGrid
    } else {
        Key::MapDrawTakenBack
    };
    spawn_local(async move {
        match api::delete_place(created.id, created.version).await {
            Ok(()) => {
                canvas::with(|e| e.forget_places());
                super::refresh(ctx, true);
                stop_drawing(ctx);
                ctx.status.set(Some(
                    taken_back.text().get(crate::api::language()).to_string(),
                ));
            }
            Err(err) => ctx.drawing.update(|d| {
                if let Some(d) = d {
                    d.error = Some(err.message(crate::api::language()));
                }
            }),
        }
    });
}

#[component]
pub fn DrawBar() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    view! {
        {move || ctx.drawing.get().map(|d| view! {
            <section class="map-edit card" data-testid="map-draw" aria-labelledby="map-draw-title">
                <h2 id="map-draw-title">{i18n.fmt(
                    if d.kind == shared::places::PlaceKind::Grid { Key::MapDrawingGrid } else { Key::MapDrawing },
                    &[("name", &d.parent_name)],
                )}</h2>
                {d.error.clone().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="draw-error">{m}</p> })}
                {match (&d.created, d.finished) {
                    (Some(c), _) => view! {
                        <p class="alert alert-success" role="status" data-testid="draw-saved">
                            {i18n.fmt_with_data(Key::MapDrawSaved, &[("name", &c.name)])}
                        </p>
                        <div class="map-links">
                            <button type="button" class="button button-secondary" data-testid="draw-take-back"
                                on:click=move |_| take_back(ctx)>{i18n.t(Key::MapDrawTakeBack)}</button>
                            <button type="button" class="button button-quiet" data-testid="draw-done"
                                on:click=move |_| stop_drawing(ctx)>{i18n.t(Key::MapEditDone)}</button>
                        </div>
                    }.into_any(),
                    (None, false) => view! {
                        <p class="hint">{i18n.t(Key::MapDrawHelp)}</p>
                        <div class="map-links">
                            <button type="button" class="button button-primary" data-testid="draw-finish"
                                on:click=move |_| finish_drawing(ctx)>{i18n.t(Key::MapDrawFinish)}</button>
                            <button type="button" class="button button-quiet" data-testid="draw-cancel"
                                on:click=move |_| stop_drawing(ctx)>{i18n.t(Key::Cancel)}</button>
                        </div>
                    }.into_any(),
                    (None, true) => view! {
                        <div class="form-grid">
                            <div class="field">
                                <label for="draw-code">{i18n.t(Key::Code)}</label>
                                <input id="draw-code" type="text" data-testid="draw-code" bind:value=code/>
                            </div>
                            <div class="field">
                                <label for="draw-name">{i18n.t(Key::Name)}</label>
                                <input id="draw-name" type="text" data-testid="draw-name" bind:value=name/>
                            </div>
                        </div>
                        <div class="map-links">
                            <button type="button" class="button button-primary" data-testid="draw-save" disabled=d.busy
                                on:click=move |_| save_drawing(ctx, code.get_untracked(), name.get_untracked())>{i18n.t(Key::Save)}</button>
                            <button type="button" class="button button-quiet" data-testid="draw-cancel"
                                on:click=move |_| stop_drawing(ctx)>{i18n.t(Key::Cancel)}</button>
                        </div>
                    }.into_any(),
                }}
            </section>
        })}
    }
}
