//! The engine: the canvas and its state, the view (pan, zoom, resize), what a point on the map
//! hits, and one frame: the base image moved into place, then the layers on top. A frame is
//! drawn on `requestAnimationFrame` only when something changed.

use super::*;

pub struct Engine {
    pub(super) canvas: HtmlCanvasElement,
    pub(super) ctx: CanvasRenderingContext2d,
    pub view: View,
    pub(super) origin: (f64, f64),
    pub(super) origin_set: bool,
    pub communities: BTreeMap<i64, Shape>,
    pub grids: BTreeMap<i64, Shape>,
    pub micro_grids: BTreeMap<i64, Shape>,
    pub buildings: BTreeMap<i64, Shape>,
    pub pins: BTreeMap<i64, Pin>,
    /// Buildings drawn as a few shared paths: a batch is filled while features come in and
    /// sealed before it is first drawn. A path is never added to once drawn: Chromium copies
    /// a drawn path on its next change, and appending to one path of 10,000 buildings that
    /// way cost seconds on the first load.
    pub(super) building_batches: Vec<BuildingBatch>,
    pub(super) open_batch: Option<BuildingBatch>,
    /// Prepared pin images by look, with the pixel ratio they were made for.
    pub(super) sprites: RefCell<HashMap<PinLook, (HtmlCanvasElement, f64, f64)>>,
    pub layers: Layers,
    pub choropleth: Choropleth,
    pub figures: HashMap<i64, GridFigures>,
    pub heat: Option<Heat>,
    /// Counts per micro-grid of the care layers (only for those allowed).
    pub care: Option<shared::map::CareOverlay>,
    pub tracks: Vec<Track>,
    pub selected: Option<i64>,
    pub marker: Option<(f64, f64)>,
    /// Places named by a refused edit (drawn in red).
    pub trouble: Vec<i64>,
    pub editing: Option<Editing>,
    /// Corners of a new area being drawn (longitude/latitude).
    pub sketch: Option<Vec<(f64, f64)>>,
    pub focused: bool,
    pub tile_layer: Option<shared::map::TileLayer>,
    pub(super) tile_images: HashMap<String, web_sys::HtmlImageElement>,
    pub(super) tile_loaded: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
    pub(super) dpr: f64,
    pub(super) dirty: bool,
    pub(super) frame_pending: bool,
    /// Box (longitude/latitude) whose features are loaded, and whether buildings came too.
    pub loaded: Option<(BBox, bool)>,
    /// A feature fetch is under way (one at a time).
    pub fetching: bool,
    /// Bumped when the loaded places are forgotten: a fetch begun before is stale.
    pub epoch: u64,
    /// Features fetched and waiting to be taken in, a slice per frame.
    pub(super) pending: std::collections::VecDeque<Value>,
    pub frames: u32,
    /// The base drawn once for a view with a margin, moved and stretched while the view pans
    /// and zooms: a software-drawn canvas cannot fill and stroke thousands of shapes every
    /// frame in time.
    pub(super) base: Option<BaseImage>,
    /// Bumped by every change of what is drawn; the base image is of one version.
    pub(super) content_version: u64,
    pub(super) zoom_generation: u64,
    /// A new base image is due in a task of its own.
    pub(super) preparing: bool,
}

thread_local! {
    static ENGINE: RefCell<Option<Engine>> = const { RefCell::new(None) };
}

/// Run `f` on the map's engine, if a map is showing.
pub fn with<R>(f: impl FnOnce(&mut Engine) -> R) -> Option<R> {
    ENGINE.with(|e| e.borrow_mut().as_mut().map(f))
}

pub fn install(canvas: HtmlCanvasElement) {
    let Some(ctx) = canvas
        .get_context("2d")
        .ok()
        .flatten()
        .and_then(|c| c.dyn_into::<CanvasRenderingContext2d>().ok())
    else {
        return;
    };
    let engine = Engine {
        canvas,
        ctx,
        view: View {
            cx: 0.0,
            cy: 0.0,
            scale: 1.0,
            width: 1.0,
            height: 1.0,
        },
        origin: (0.0, 0.0),
        origin_set: false,
        communities: BTreeMap::new(),
        grids: BTreeMap::new(),
        micro_grids: BTreeMap::new(),
        buildings: BTreeMap::new(),
        pins: BTreeMap::new(),
        building_batches: Vec::new(),
        open_batch: None,
        sprites: RefCell::new(HashMap::new()),
        layers: Layers::default(),
        choropleth: Choropleth::Off,
        figures: HashMap::new(),
        heat: None,
        care: None,
        tracks: Vec::new(),
        selected: None,
        marker: None,
        trouble: Vec::new(),
        editing: None,
        sketch: None,
        focused: false,
        tile_layer: None,
        tile_images: HashMap::new(),
        tile_loaded: None,
        dpr: 1.0,
        dirty: true,
        frame_pending: false,
        loaded: None,
        fetching: false,
        epoch: 0,
        pending: std::collections::VecDeque::new(),
        frames: 0,
        base: None,
        content_version: 0,
        zoom_generation: 0,
        preparing: false,
    };
    ENGINE.with(|e| *e.borrow_mut() = Some(engine));
    with(|e| {
        e.resize();
        e.invalidate();
    });
    expose_projection();
}

/// `window.__linjuMap.screenOf(lon, lat)` → `[x, y]` in CSS pixels of the canvas, for the
/// browser tests and the benchmark to point at places as a user would.
pub(super) fn expose_projection() {
    use wasm_bindgen::closure::Closure;
    record_object();
    let Some(w) = web_sys::window() else { return };
    let Ok(obj) = js_sys::Reflect::get(&w, &"__linjuMap".into()) else {
        return;
    };
    let f = Closure::<dyn Fn(f64, f64) -> js_sys::Array>::new(|lon: f64, lat: f64| {
        let (x, y) = with(|e| e.view.to_screen(lon, lat)).unwrap_or((f64::NAN, f64::NAN));
        js_sys::Array::of2(&x.into(), &y.into())
    });
    let _ = js_sys::Reflect::set(&obj, &"screenOf".into(), f.as_ref());
    f.forget();
}

pub(super) fn record_object() -> Option<wasm_bindgen::JsValue> {
    let w = web_sys::window()?;
    let key = wasm_bindgen::JsValue::from_str("__linjuMap");
    match js_sys::Reflect::get(&w, &key) {
        Ok(v) if v.is_object() => Some(v),
        _ => {
            let o = js_sys::Object::new();
            let _ = js_sys::Reflect::set(&o, &"draws".into(), &js_sys::Array::new());
            let _ = js_sys::Reflect::set(&w, &key, &o);
            Some(o.into())
        }
    }
}

/// Digest queued features in slices, each in its own task, so frames come in between.
pub(super) fn schedule_digest() {
    leptos::prelude::set_timeout(
        || {
            if with(|e| e.digest()).unwrap_or(false) {
                schedule_digest();
            }
        },
        std::time::Duration::from_millis(0),
    );
}

pub fn uninstall() {
    ENGINE.with(|e| *e.borrow_mut() = None);
}

pub(super) fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Figures for the benchmark and tests: `window.__linjuMap = {draws: [ms…], firstFull, …}`.
pub(super) fn record(duration: f64, full: bool, features: usize) {
    let Some(obj) = record_object() else { return };
    if let Ok(draws) = js_sys::Reflect::get(&obj, &"draws".into()) {
        if let Some(a) = draws.dyn_ref::<js_sys::Array>() {
            a.push(&duration.into());
        }
    }
    let _ = js_sys::Reflect::set(&obj, &"features".into(), &(features as f64).into());
    if full && js_sys::Reflect::get(&obj, &"firstFull".into()).is_ok_and(|v| v.is_undefined()) {
        let _ = js_sys::Reflect::set(&obj, &"firstFull".into(), &now_ms().into());
        let _ = js_sys::Reflect::set(&obj, &"firstFullDraw".into(), &duration.into());
    }
}

/// How long drawing the base image took, each time (for the benchmark): `__linjuMap.bases`.
pub(super) fn record_base(duration: f64) {
    let Some(obj) = record_object() else { return };
    let list = match js_sys::Reflect::get(&obj, &"bases".into()) {
        Ok(v) if v.is_object() => v,
        _ => {
            let a: wasm_bindgen::JsValue = js_sys::Array::new().into();
            let _ = js_sys::Reflect::set(&obj, &"bases".into(), &a);
            a
        }
    };
    if let Some(a) = list.dyn_ref::<js_sys::Array>() {
        a.push(&duration.into());
    }
}

impl Engine {
    pub(super) fn local(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = mercator(lon, lat);
        (x - self.origin.0, self.origin.1 - y)
    }

    /// Screen pixels of a local point.
    pub(super) fn screen(&self, lx: f64, ly: f64) -> (f64, f64) {
        let v = &self.view;
        (
            v.width / 2.0 + (self.origin.0 + lx - v.cx) * v.scale,
            v.height / 2.0 - (self.origin.1 - ly - v.cy) * v.scale,
        )
    }

    /// Something drawn changed (not only where the view is): draw again, the base too.
    pub fn invalidate(&mut self) {
        self.content_version += 1;
        self.moved();
    }

    /// Only the view moved: draw again, from the base image where it still covers the view.
    pub fn moved(&mut self) {
        self.dirty = true;
        if !self.frame_pending {
            self.frame_pending = true;
            leptos::prelude::request_animation_frame(|| {
                with(|e| {
                    e.frame_pending = false;
                    e.draw();
                });
            });
        }
    }

    /// Match the canvas's backing store to its size on screen; true when it changed.
    pub fn resize(&mut self) -> bool {
        let dpr = web_sys::window()
            .map(|w| w.device_pixel_ratio())
            .unwrap_or(1.0)
            .clamp(1.0, 3.0);
        let (w, h) = (
            self.canvas.client_width().max(1) as f64,
            self.canvas.client_height().max(1) as f64,
        );
        let changed = (w - self.view.width).abs() > 0.5
            || (h - self.view.height).abs() > 0.5
            || dpr != self.dpr;
        if changed {
            self.dpr = dpr;
            self.canvas.set_width((w * dpr).round() as u32);
            self.canvas.set_height((h * dpr).round() as u32);
            self.view.width = w;
            self.view.height = h;
            self.dirty = true;
        }
        changed
    }

    /// Fit the view to a box (the community).
    pub fn fit(&mut self, b: BBox) {
        self.resize();
        let margin = if self.view.width < 500.0 { 12.0 } else { 32.0 };
        self.view = View::fit(b, self.view.width, self.view.height, margin);
        self.invalidate();
    }

    /// The box of all communities loaded (or of the grids when none are).
    pub fn community_box(&self) -> Option<BBox> {
        let all: Vec<&Shape> = if self.communities.is_empty() {
            self.grids.values().collect()
        } else {
            self.communities.values().take(1).collect()
        };
        all.into_iter().map(|s| s.bbox).reduce(|a, b| BBox {
            min_lon: a.min_lon.min(b.min_lon),
            min_lat: a.min_lat.min(b.min_lat),
            max_lon: a.max_lon.max(b.max_lon),
            max_lat: a.max_lat.max(b.max_lat),
        })
    }

    /// Which grid (or pin) is under a screen point.
    pub fn hit(&self, px: f64, py: f64) -> Hit {
        if self.layers.cases || self.layers.hazards {
            let mut best: Option<(f64, i64)> = None;
            for p in self.pins.values().filter(|p| self.pin_visible(p)) {
                let (sx, sy) = self.screen(p.x, p.y);
                let d = (sx - px).hypot(sy - py);
                if d <= 16.0 && best.is_none_or(|(bd, _)| d < bd) {
                    best = Some((d, p.id));
                }
            }
            if let Some((_, id)) = best {
                return Hit::Pin(id);
            }
        }
        let (lon, lat) = self.view.to_lon_lat(px, py);
        self.grid_at(lon, lat)
            .map(|id| Hit::Grid { id, lon, lat })
            .unwrap_or(Hit::Nothing { lon, lat })
    }

    /// The community (id, name) whose outline holds a point.
    pub fn community_at(&self, lon: f64, lat: f64) -> Option<(i64, String)> {
        self.communities
            .values()
            .find(|c| shared::geo::contains(&c.geometry, lon, lat))
            .map(|c| (c.id, c.name.clone()))
    }

    pub fn grid_at(&self, lon: f64, lat: f64) -> Option<i64> {
        self.grids
            .values()
            .find(|g| {
                lon >= g.bbox.min_lon
                    && lon <= g.bbox.max_lon
                    && lat >= g.bbox.min_lat
                    && lat <= g.bbox.max_lat
                    && shared::geo::contains(&g.geometry, lon, lat)
            })
            .map(|g| g.id)
    }

    pub(super) fn visible(&self, b: (f64, f64, f64, f64)) -> bool {
        let (x0, y0) = self.screen(b.0, b.1);
        let (x1, y1) = self.screen(b.2, b.3);
        x1 >= 0.0 && x0 <= self.view.width && y1 >= 0.0 && y0 <= self.view.height
    }

    /// Draw one frame: the base (areas and buildings) from its cached image, moved and
    /// scaled to the view, then pins, labels and the rest on top.
    pub fn draw(&mut self) {
        self.seal_batch();
        self.resize();
        if !self.dirty {
            return;
        }
        self.dirty = false;
        let started = now_ms();
        let v = self.view;
        let dpr = self.dpr;
        let placement = self
            .base
            .as_ref()
            .and_then(|b| b.placement(&v, dpr, self.content_version));
        let (ox, oy, k, covers) = match placement {
            Some(p) => p,
            None => {
                self.render_base();
                (-v.width * BASE_MARGIN, -v.height * BASE_MARGIN, 1.0, true)
            }
        };
        if let Some(b) = &self.base {
            let _ = self.ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
            if !covers {
                self.ctx.set_fill_style_str(BACKGROUND);
                self.ctx.fill_rect(0.0, 0.0, v.width, v.height);
            }
            let zooming = (k - 1.0).abs() > 1e-9;
            if zooming {
                // Stretched for a moment only: the cheapest resampling will do.
                self.ctx.set_image_smoothing_enabled(false);
                let _ = self.ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    &b.canvas,
                    ox,
                    oy,
                    b.view.width * k,
                    b.view.height * k,
                );
                self.ctx.set_image_smoothing_enabled(true);
            } else {
                // Whole device pixels: a plain copy, no resampling.
                let (px, py) = ((ox * dpr).round() / dpr, (oy * dpr).round() / dpr);
                let _ = self.ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    &b.canvas,
                    px,
                    py,
                    b.view.width,
                    b.view.height,
                );
            }
            if zooming {
                // A zoom under way shows the stretched image; a sharp one once it rests.
                self.sharpen_soon();
            } else {
                // Panning towards the image's edge: the next one is made before it is needed.
                let (mx, my) = (v.width * BASE_MARGIN / 2.0, v.height * BASE_MARGIN / 2.0);
                let near_edge = -ox < mx
                    || -oy < my
                    || ox + b.view.width - v.width < mx
                    || oy + b.view.height - v.height < my;
                if near_edge {
                    self.prepare_base_soon();
                }
            }
        }
        let ctx = &self.ctx;
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        if self.layers.heat {
            self.draw_heat();
        }
        if self.layers.labels {
            self.draw_labels();
        }
        if self.layers.patrols {
            self.draw_tracks();
        }
        if self.layers.special || self.layers.visits {
            self.draw_care();
        }
        if self.layers.cases || self.layers.hazards {
            self.draw_pins();
        }
        if let Some(e) = &self.editing {
            self.draw_editing(e);
        }
        if let Some(s) = &self.sketch {
            self.draw_sketch(s);
        }
        if let Some((lon, lat)) = self.marker {
            let (x, y) = self.view.to_screen(lon, lat);
            let ctx = &self.ctx;
            ctx.begin_path();
            ctx.move_to(x, y);
            ctx.line_to(x - 10.0, y - 22.0);
            let _ = ctx.arc(x, y - 26.0, 10.5, 2.7, 0.44);
            ctx.close_path();
            ctx.set_fill_style_str("#0b57d0");
            ctx.fill();
            ctx.set_stroke_style_str("#fff");
            ctx.set_line_width(2.0);
            ctx.stroke();
        }
        if self.focused {
            // The keyboard's crosshair: Enter selects what is under it.
            let (cx, cy) = (v.width / 2.0, v.height / 2.0);
            let ctx = &self.ctx;
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(2.0);
            ctx.begin_path();
            ctx.move_to(cx - 12.0, cy);
            ctx.line_to(cx + 12.0, cy);
            ctx.move_to(cx, cy - 12.0);
            ctx.line_to(cx, cy + 12.0);
            ctx.stroke();
        }
        self.draw_scale_bar();
        self.frames += 1;
        let full = !self.grids.is_empty()
            && self.pending.is_empty()
            && (!self.buildings.is_empty() || !self.layers.buildings);
        record(now_ms() - started, full, self.feature_count());
    }
}
