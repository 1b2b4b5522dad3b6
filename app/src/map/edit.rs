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
                    });
                    e.trouble.clear();
                    e.invalidate();
                });
                ctx.editing.set(Some(EditSession {
                    place,
                    busy: false,
                    error: None,
                    saved: false,
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
pub fn click(x: f64, y: f64) {
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

#[component]
pub fn EditBar() -> impl IntoView {
    let i18n = use_i18n();
    let ctx = expect_context::<MapCtx>();
    view! {
        {move || ctx.editing.get().map(|s| view! {
            <section class="map-edit card" data-testid="map-edit" aria-labelledby="map-edit-title">
                <h2 id="map-edit-title">{i18n.fmt(Key::MapEditing, &[("name", &s.place.name)])}</h2>
                <p class="hint">{i18n.t(Key::MapEditHelp)}</p>
                {s.error.clone().map(|m| view! { <p class="alert alert-error" role="alert" data-testid="edit-error">{m}</p> })}
                {s.saved.then(|| view! { <p class="alert alert-success" role="status" data-testid="edit-saved">{i18n.t(Key::Saved)}</p> })}
                <div class="map-links">
                    <button type="button" class="button button-primary" data-testid="edit-save" disabled=s.busy
                        on:click=move |_| save(ctx)>{i18n.t(Key::Save)}</button>
                    <button type="button" class="button button-secondary" data-testid="edit-remove-vertex"
                        on:click=move |_| remove_selected()>{i18n.t(Key::MapRemoveVertex)}</button>
                    <button type="button" class="button button-quiet" data-testid="edit-done"
                        on:click=move |_| stop(ctx)>{i18n.t(Key::MapEditDone)}</button>
                </div>
            </section>
        })}
    }
}
