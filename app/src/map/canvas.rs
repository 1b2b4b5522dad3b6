//! The map's drawing engine: our own vector geometry on a 2D canvas. Shapes are turned into
//! `Path2D`s once, in metres around a local origin (so the canvas's single-precision
//! coordinates stay exact); buildings share a few batched paths. The base (areas, buildings,
//! outlines) is drawn with one transform into an image a margin larger than the view, and
//! panning and zooming only move and stretch that image until something drawn changes or
//! a zoom comes to rest; pins are stamped from prepared images, labels drawn on top.
//! A frame is drawn on `requestAnimationFrame` only when something changed.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};

use serde_json::Value;
use shared::cases::Stage;
use shared::geo::BBox;
use shared::map::{GridFigures, Heat, View, mercator, scale_bar};
use wasm_bindgen::JsCast;
use web_sys::{CanvasRenderingContext2d, HtmlCanvasElement, Path2d};

/// A grid, micro-grid, building or community as the map holds it.
pub struct Shape {
    pub id: i64,
    pub code: String,
    pub name: String,
    pub grid_id: Option<i64>,
    pub geometry: Value,
    /// Outline in local metres (y down); only for areas (buildings share one path).
    pub path: Option<Path2d>,
    /// Box in local metres: min x, min y, max x, max y.
    pub bounds: (f64, f64, f64, f64),
    /// Box in longitude/latitude.
    pub bbox: BBox,
}

impl Shape {
    fn centre(&self) -> (f64, f64) {
        (
            (self.bounds.0 + self.bounds.2) / 2.0,
            (self.bounds.1 + self.bounds.3) / 2.0,
        )
    }
}

pub struct Pin {
    pub id: i64,
    pub number: String,
    pub title: String,
    pub stage: Stage,
    pub overdue: bool,
    /// A hazard (安全隐患): drawn on its own layer as a warning sign.
    pub hazard: bool,
    pub x: f64,
    pub y: f64,
}

/// A patrol's track in local metres, for drawing.
pub struct Track {
    pub id: i64,
    pub worker: String,
    pub points: Vec<(f64, f64)>,
    /// Still under way.
    pub live: bool,
}

/// Which layers are drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layers {
    pub grids: bool,
    pub micro_grids: bool,
    pub buildings: bool,
    pub labels: bool,
    pub cases: bool,
    /// Hazards (安全隐患), apart from ordinary case pins.
    pub hazards: bool,
    /// Households with someone in a special group: a count per micro-grid.
    pub special: bool,
    /// Care visits this month: a count per micro-grid.
    pub visits: bool,
    /// Patrol tracks of the chosen day.
    pub patrols: bool,
    pub heat: bool,
    /// The raster base layer, when one is configured.
    pub tiles: bool,
}

impl Default for Layers {
    fn default() -> Self {
        Layers {
            grids: true,
            micro_grids: true,
            buildings: true,
            labels: true,
            cases: true,
            hazards: true,
            special: false,
            visits: false,
            patrols: false,
            heat: false,
            tiles: true,
        }
    }
}

/// Colouring of grids by their cases.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Choropleth {
    Off,
    Open,
    Overdue,
}

/// What a click on the map found.
#[derive(Clone, Debug, PartialEq)]
pub enum Hit {
    Pin(i64),
    Grid { id: i64, lon: f64, lat: f64 },
    Nothing { lon: f64, lat: f64 },
}

/// A polygon being edited: its outer ring in longitude/latitude (closing point left off).
#[derive(Clone, Debug, PartialEq)]
pub struct Editing {
    pub place_id: i64,
    pub ring: Vec<(f64, f64)>,
    pub dragging: Option<usize>,
    pub selected: Option<usize>,
    /// Drawing a cutting line: the points clicked so far (longitude/latitude).
    pub cut: Option<Vec<(f64, f64)>>,
}

/// Buildings per shared path: big enough that a frame draws a few dozen paths, small enough
/// that paths outside the view are skipped.
const BUILDINGS_PER_BATCH: usize = 400;

struct BuildingBatch {
    path: Path2d,
    /// Box in local metres of the buildings in the path.
    bounds: (f64, f64, f64, f64),
    count: usize,
}

impl BuildingBatch {
    fn include(&mut self, b: (f64, f64, f64, f64)) {
        self.bounds = (
            self.bounds.0.min(b.0),
            self.bounds.1.min(b.1),
            self.bounds.2.max(b.2),
            self.bounds.3.max(b.3),
        );
        self.count += 1;
    }
}

/// The land outside every shape.
const BACKGROUND: &str = "#eef0e8";

/// A canvas of our own, not in the page, of `width` × `height` pixels.
fn offscreen_canvas(
    width: u32,
    height: u32,
) -> Option<(HtmlCanvasElement, CanvasRenderingContext2d)> {
    let canvas: HtmlCanvasElement = web_sys::window()?
        .document()?
        .create_element("canvas")
        .ok()?
        .dyn_into()
        .ok()?;
    canvas.set_width(width);
    canvas.set_height(height);
    let ctx = canvas.get_context("2d").ok()??.dyn_into().ok()?;
    Some((canvas, ctx))
}

/// How far the base image reaches past each side of the view, as a share of the view's size.
const BASE_MARGIN: f64 = 0.25;

/// The base drawn into an image of its own, for one view, pixel ratio and content version.
struct BaseImage {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    /// The view it was drawn for (the screen's view widened by the margin).
    view: View,
    dpr: f64,
    version: u64,
    /// The screen's size (CSS pixels) at the time.
    for_size: (f64, f64),
}

impl BaseImage {
    fn new() -> Option<BaseImage> {
        let (canvas, ctx) = offscreen_canvas(0, 0)?;
        Some(BaseImage {
            canvas,
            ctx,
            view: View {
                cx: 0.0,
                cy: 0.0,
                scale: 1.0,
                width: 0.0,
                height: 0.0,
            },
            dpr: 0.0,
            version: u64::MAX,
            for_size: (0.0, 0.0),
        })
    }

    /// Paint the recorded drawing into pixels now (copying one pixel makes the canvas do it),
    /// so the cost falls here and not in the frame that first shows it.
    fn paint_through(&self) {
        thread_local! {
            static SCRATCH: Option<CanvasRenderingContext2d> =
                offscreen_canvas(1, 1).map(|(_, ctx)| ctx);
        }
        SCRATCH.with(|ctx| {
            if let Some(ctx) = ctx {
                let _ = ctx
                    .draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                        &self.canvas,
                        0.0,
                        0.0,
                        1.0,
                        1.0,
                        0.0,
                        0.0,
                        1.0,
                        1.0,
                    );
            }
        });
    }

    /// Where to draw the image for the view `v` — left, top, stretch and whether it covers
    /// the whole view — when it is of the current content and still good enough: panning
    /// needs the whole view covered; a zoom under way may stretch it up to four times either
    /// way and leave the edges bare for the moment, as it is drawn sharp once the zoom rests.
    fn placement(&self, v: &View, dpr: f64, version: u64) -> Option<(f64, f64, f64, bool)> {
        if self.version != version || self.dpr != dpr || self.for_size != (v.width, v.height) {
            return None;
        }
        let k = v.scale / self.view.scale;
        let zooming = (k - 1.0).abs() > 1e-9;
        if !(0.25..=4.0).contains(&k) {
            return None;
        }
        let ox = v.width / 2.0 - k * self.view.width / 2.0 + (self.view.cx - v.cx) * v.scale;
        let oy = v.height / 2.0 - k * self.view.height / 2.0 - (self.view.cy - v.cy) * v.scale;
        let covers = ox <= 0.5
            && oy <= 0.5
            && ox + self.view.width * k >= v.width - 0.5
            && oy + self.view.height * k >= v.height - 0.5;
        (covers || zooming).then_some((ox, oy, k, covers))
    }
}

/// How a pin looks: one prepared image each (see `Engine::sprite`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum PinLook {
    /// The red ring under an overdue case.
    Halo {
        big: bool,
    },
    Case {
        colour: &'static str,
        big: bool,
    },
    Hazard {
        overdue: bool,
        big: bool,
    },
}

impl PinLook {
    fn radius(big: bool) -> f64 {
        if big { 7.0 } else { 5.0 }
    }

    fn triangle(big: bool) -> f64 {
        if big { 11.0 } else { 8.0 }
    }

    /// Half the image's side in CSS pixels: the shape, its outline and a pixel to spare.
    fn half(self) -> f64 {
        match self {
            PinLook::Halo { big } => Self::radius(big) + 5.0,
            PinLook::Case { big, .. } => Self::radius(big) + 2.0,
            PinLook::Hazard { big, .. } => Self::triangle(big) + 7.0,
        }
    }

    /// Draw the look centred at (x, y).
    fn paint(self, ctx: &CanvasRenderingContext2d, x: f64, y: f64) {
        use std::f64::consts::TAU;
        match self {
            PinLook::Halo { big } => {
                ctx.begin_path();
                let _ = ctx.arc(x, y, Self::radius(big) + 4.0, 0.0, TAU);
                ctx.set_fill_style_str(OVERDUE);
                ctx.fill();
            }
            PinLook::Case { colour, big } => {
                ctx.begin_path();
                let _ = ctx.arc(x, y, Self::radius(big), 0.0, TAU);
                ctx.set_fill_style_str(colour);
                ctx.fill();
                ctx.set_stroke_style_str("#ffffff");
                ctx.set_line_width(1.5);
                ctx.stroke();
            }
            PinLook::Hazard { overdue, big } => {
                let h = Self::triangle(big);
                ctx.begin_path();
                ctx.move_to(x, y - h);
                ctx.line_to(x + h, y + h * 0.8);
                ctx.line_to(x - h, y + h * 0.8);
                ctx.close_path();
                ctx.set_fill_style_str(HAZARD);
                ctx.fill();
                ctx.set_stroke_style_str("#1b1f1d");
                ctx.set_line_width(1.5);
                ctx.stroke();
                ctx.set_fill_style_str("#1b1f1d");
                ctx.set_font("800 11px system-ui,sans-serif");
                ctx.set_text_align("center");
                ctx.set_text_baseline("middle");
                let _ = ctx.fill_text("!", x, y + h * 0.2);
                if overdue {
                    ctx.begin_path();
                    let _ = ctx.arc(x, y, h + 5.0, 0.0, TAU);
                    ctx.set_stroke_style_str(OVERDUE);
                    ctx.set_line_width(2.5);
                    ctx.stroke();
                }
            }
        }
    }
}

pub struct Engine {
    canvas: HtmlCanvasElement,
    ctx: CanvasRenderingContext2d,
    pub view: View,
    origin: (f64, f64),
    origin_set: bool,
    pub communities: BTreeMap<i64, Shape>,
    pub grids: BTreeMap<i64, Shape>,
    pub micro_grids: BTreeMap<i64, Shape>,
    pub buildings: BTreeMap<i64, Shape>,
    pub pins: BTreeMap<i64, Pin>,
    /// Buildings drawn as a few shared paths: a batch is filled while features come in and
    /// sealed before it is first drawn. A path is never added to once drawn: Chromium copies
    /// a drawn path on its next change, and appending to one path of 10,000 buildings that
    /// way cost seconds on the first load.
    building_batches: Vec<BuildingBatch>,
    open_batch: Option<BuildingBatch>,
    /// Prepared pin images by look, with the pixel ratio they were made for.
    sprites: RefCell<HashMap<PinLook, (HtmlCanvasElement, f64, f64)>>,
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
    tile_images: HashMap<String, web_sys::HtmlImageElement>,
    tile_loaded: Option<wasm_bindgen::closure::Closure<dyn FnMut()>>,
    dpr: f64,
    dirty: bool,
    frame_pending: bool,
    /// Box (longitude/latitude) whose features are loaded, and whether buildings came too.
    pub loaded: Option<(BBox, bool)>,
    /// A feature fetch is under way (one at a time).
    pub fetching: bool,
    /// Bumped when the loaded places are forgotten: a fetch begun before is stale.
    pub epoch: u64,
    /// Features fetched and waiting to be taken in, a slice per frame.
    pending: std::collections::VecDeque<Value>,
    pub frames: u32,
    /// The base drawn once for a view with a margin, moved and stretched while the view pans
    /// and zooms: a software-drawn canvas cannot fill and stroke thousands of shapes every
    /// frame in time.
    base: Option<BaseImage>,
    /// Bumped by every change of what is drawn; the base image is of one version.
    content_version: u64,
    zoom_generation: u64,
    /// A new base image is due in a task of its own.
    preparing: bool,
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
fn expose_projection() {
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

fn record_object() -> Option<wasm_bindgen::JsValue> {
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
fn schedule_digest() {
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

fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Figures for the benchmark and tests: `window.__linjuMap = {draws: [ms…], firstFull, …}`.
fn record(duration: f64, full: bool, features: usize) {
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
fn record_base(duration: f64) {
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

/// Stage colours of pins (and the legend).
pub fn stage_colour(stage: Stage) -> &'static str {
    match stage {
        Stage::Reported => "#1d4ed8",
        Stage::Registered | Stage::Dispatched => "#6d28d9",
        Stage::InProgress | Stage::PostponeRequested => "#b45309",
        Stage::Postponed => "#6b7280",
        Stage::Handled | Stage::Verified => "#0f766e",
        Stage::Closed | Stage::Refused => "#4b5563",
    }
}

pub const OVERDUE: &str = "#b42318";
/// Hazard signs, special-group and visit badges, patrol tracks (and the legend).
pub const HAZARD: &str = "#f5b301";
pub const SPECIAL: &str = "#7c3aed";
pub const VISITS: &str = "#0f766e";
pub const TRACK: &str = "#c2410c";
const GRID_FILLS: [&str; 6] = [
    "rgba(15,93,78,0.10)",
    "rgba(29,78,216,0.09)",
    "rgba(180,83,9,0.10)",
    "rgba(109,40,217,0.08)",
    "rgba(15,118,110,0.12)",
    "rgba(75,85,99,0.08)",
];

/// The choropleth's colour of `value` out of `max` (light yellow → deep red).
pub fn ramp(value: u64, max: u64) -> String {
    let t = if max == 0 {
        0.0
    } else {
        value as f64 / max as f64
    };
    let (r, g, b) = if value == 0 {
        (236.0, 240.0, 231.0)
    } else {
        (254.0 - 74.0 * t, 224.0 - 189.0 * t, 139.0 - 115.0 * t)
    };
    format!("rgba({r:.0},{g:.0},{b:.0},0.72)")
}

fn rings(geometry: &Value) -> Vec<Vec<(f64, f64)>> {
    shared::geo::rings_of(geometry)
}

fn bbox_of(rs: &[Vec<(f64, f64)>]) -> Option<BBox> {
    let mut it = rs.iter().flatten();
    let &(x, y) = it.next()?;
    let mut b = BBox {
        min_lon: x,
        min_lat: y,
        max_lon: x,
        max_lat: y,
    };
    for &(x, y) in it {
        b.min_lon = b.min_lon.min(x);
        b.min_lat = b.min_lat.min(y);
        b.max_lon = b.max_lon.max(x);
        b.max_lat = b.max_lat.max(y);
    }
    Some(b)
}

impl Engine {
    fn local(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = mercator(lon, lat);
        (x - self.origin.0, self.origin.1 - y)
    }

    /// Screen pixels of a local point.
    fn screen(&self, lx: f64, ly: f64) -> (f64, f64) {
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

    fn path_of(&self, rs: &[Vec<(f64, f64)>], into: &Path2d) {
        for r in rs {
            for (i, &(lon, lat)) in r.iter().enumerate() {
                let (x, y) = self.local(lon, lat);
                if i == 0 {
                    into.move_to(x, y);
                } else {
                    into.line_to(x, y);
                }
            }
            into.close_path();
        }
    }

    fn shape(&mut self, props: &Value, geometry: Value, area: bool) -> Option<Shape> {
        let rs = rings(&geometry);
        let bbox = bbox_of(&rs)?;
        if !self.origin_set {
            self.origin = mercator(bbox.min_lon, bbox.max_lat);
            self.origin_set = true;
        }
        let (x0, y0) = self.local(bbox.min_lon, bbox.max_lat);
        let (x1, y1) = self.local(bbox.max_lon, bbox.min_lat);
        let path = if area {
            let p = Path2d::new().ok()?;
            self.path_of(&rs, &p);
            Some(p)
        } else {
            None
        };
        Some(Shape {
            id: props["id"].as_i64()?,
            code: props["code"].as_str().unwrap_or_default().to_string(),
            name: props["name"].as_str().unwrap_or_default().to_string(),
            grid_id: props["grid_id"].as_i64(),
            geometry,
            path,
            bounds: (x0, y0, x1, y1),
            bbox,
        })
    }

    /// Take in a GeoJSON FeatureCollection from `/map/features` at once. Pins are replaced
    /// for the loaded box when `cases_loaded` (they move between stages).
    pub fn add_features(&mut self, fc: &Value, cases_loaded: bool) {
        let Some(features) = fc["features"].as_array() else {
            return;
        };
        if cases_loaded {
            self.pins.clear();
        }
        for f in features {
            self.take(f);
        }
        self.invalidate();
    }

    /// Take in fetched features without holding up frames: pins at once (they are few and
    /// replace the old ones), places a slice at a time between frames, drawing what is
    /// already held meanwhile (all at once when `at_once`: the first load, nothing shown yet).
    pub fn enqueue(&mut self, fc: Value, at_once: bool) {
        let Value::Object(mut m) = fc else { return };
        let Some(Value::Array(features)) = m.remove("features") else {
            return;
        };
        self.pins.clear();
        for f in features {
            if f["properties"]["layer"] == "cases" {
                self.take(&f);
            } else {
                self.pending.push_back(f);
            }
        }
        if at_once {
            // Nothing on screen yet: no frames to keep smooth, so all now.
            while let Some(f) = self.pending.pop_front() {
                self.take(&f);
            }
            self.invalidate();
            return;
        }
        self.invalidate();
        schedule_digest();
    }

    /// Take in queued features for at most a few milliseconds; true when some remain.
    fn digest(&mut self) -> bool {
        let started = now_ms();
        let mut n = 0;
        while let Some(f) = self.pending.pop_front() {
            if self.take(&f) {
                n += 1;
            }
            if now_ms() - started > 4.0 {
                break;
            }
        }
        if n > 0 {
            self.invalidate();
        }
        !self.pending.is_empty()
    }

    /// One feature; true when it was new.
    fn take(&mut self, f: &Value) -> bool {
        let props = &f["properties"];
        let layer = props["layer"].as_str().unwrap_or_default();
        if layer == "cases" {
            let Some(c) = f["geometry"]["coordinates"].as_array() else {
                return false;
            };
            let (Some(lon), Some(lat)) = (
                c.first().and_then(Value::as_f64),
                c.get(1).and_then(Value::as_f64),
            ) else {
                return false;
            };
            if !self.origin_set {
                self.origin = mercator(lon, lat);
                self.origin_set = true;
            }
            let (x, y) = self.local(lon, lat);
            let Some(id) = props["id"].as_i64() else {
                return false;
            };
            self.pins.insert(
                id,
                Pin {
                    id,
                    number: props["number"].as_str().unwrap_or_default().to_string(),
                    title: props["title"].as_str().unwrap_or_default().to_string(),
                    stage: serde_json::from_value(props["stage"].clone())
                        .unwrap_or(Stage::Reported),
                    overdue: props["overdue"].as_bool().unwrap_or(false),
                    hazard: props["hazard"].as_bool().unwrap_or(false),
                    x,
                    y,
                },
            );
            return false;
        }
        let Some(id) = props["id"].as_i64() else {
            return false;
        };
        // Places already held keep their cached paths (edits replace them explicitly).
        let held = match layer {
            "communities" => self.communities.contains_key(&id),
            "grids" => self.grids.contains_key(&id),
            "micro_grids" => self.micro_grids.contains_key(&id),
            "buildings" => self.buildings.contains_key(&id),
            _ => false,
        };
        if held {
            return false;
        }
        let geometry = f["geometry"].clone();
        if geometry.is_null() {
            return false;
        }
        let area = layer != "buildings";
        let Some(shape) = self.shape(props, geometry, area) else {
            return false;
        };
        let map = match layer {
            "communities" => &mut self.communities,
            "grids" => &mut self.grids,
            "micro_grids" => &mut self.micro_grids,
            "buildings" => {
                // Appended to the open batch's path: no rebuild of the others.
                let rs = rings(&shape.geometry);
                if self.open_batch.is_none() {
                    let Ok(path) = Path2d::new() else {
                        return false;
                    };
                    self.open_batch = Some(BuildingBatch {
                        path,
                        bounds: shape.bounds,
                        count: 0,
                    });
                }
                if let Some(batch) = &self.open_batch {
                    self.path_of(&rs, &batch.path);
                }
                let full = self.open_batch.as_mut().is_some_and(|b| {
                    b.include(shape.bounds);
                    b.count >= BUILDINGS_PER_BATCH
                });
                if full {
                    self.seal_batch();
                }
                &mut self.buildings
            }
            _ => return false,
        };
        map.insert(id, shape);
        true
    }

    /// Replace one place's outline (after an edit was saved).
    pub fn replace_geometry(&mut self, id: i64, geometry: Value) {
        let props = |s: &Shape| serde_json::json!({"id": s.id, "code": s.code, "name": s.name, "grid_id": s.grid_id});
        if let Some(p) = self.grids.get(&id).map(props) {
            if let Some(s) = self.shape(&p, geometry.clone(), true) {
                self.grids.insert(id, s);
            }
        }
        if let Some(p) = self.micro_grids.get(&id).map(props) {
            if let Some(s) = self.shape(&p, geometry, true) {
                self.micro_grids.insert(id, s);
            }
        }
        self.invalidate();
    }

    /// Forget the loaded places (after a split or merge changed them); the next refresh
    /// loads them again.
    pub fn forget_places(&mut self) {
        self.grids.clear();
        self.micro_grids.clear();
        self.buildings.clear();
        self.building_batches.clear();
        self.open_batch = None;
        self.pending.clear();
        self.loaded = None;
        self.epoch += 1;
        self.invalidate();
    }

    /// Whether the map has been placed on the community (its first shape taken).
    pub fn placed(&self) -> bool {
        self.origin_set
    }

    pub fn feature_count(&self) -> usize {
        self.grids.len() + self.micro_grids.len() + self.buildings.len() + self.pins.len()
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

    fn visible(&self, b: (f64, f64, f64, f64)) -> bool {
        let (x0, y0) = self.screen(b.0, b.1);
        let (x1, y1) = self.screen(b.2, b.3);
        x1 >= 0.0 && x0 <= self.view.width && y1 >= 0.0 && y0 <= self.view.height
    }

    /// Close the batch of buildings being filled, so it can be drawn.
    fn seal_batch(&mut self) {
        if let Some(b) = self.open_batch.take() {
            self.building_batches.push(b);
        }
    }

    /// Draw the base — background, tiles, grid fills, buildings, outlines and the
    /// selection — for `self.view` onto `self.ctx` (the base image's, see `render_base`).
    fn draw_base(&mut self) {
        let ctx = &self.ctx;
        let v = self.view;
        let dpr = self.dpr;
        let s = v.scale;
        let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
        ctx.set_fill_style_str(BACKGROUND);
        ctx.fill_rect(0.0, 0.0, v.width, v.height);
        if self.layers.tiles && self.tile_layer.is_some() {
            self.draw_tiles();
        }
        let ctx = &self.ctx;
        // Paths are in local metres: one transform maps them to the screen.
        let tx = v.width / 2.0 + (self.origin.0 - v.cx) * s;
        let ty = v.height / 2.0 - (self.origin.1 - v.cy) * s;
        let _ = ctx.set_transform(s * dpr, 0.0, 0.0, s * dpr, tx * dpr, ty * dpr);
        ctx.set_line_join("round");

        if self.layers.grids {
            let max = self
                .figures
                .values()
                .map(|f| self.figure(f))
                .max()
                .unwrap_or(0);
            for (i, g) in self.grids.values().enumerate() {
                let Some(p) = &g.path else { continue };
                if !self.visible(g.bounds) {
                    continue;
                }
                let fill = match self.choropleth {
                    Choropleth::Off => GRID_FILLS[i % GRID_FILLS.len()].to_string(),
                    _ => match self.figures.get(&g.id) {
                        Some(f) => ramp(self.figure(f), max),
                        None => "rgba(200,200,200,0.35)".to_string(),
                    },
                };
                ctx.set_fill_style_str(&fill);
                ctx.fill_with_path_2d(p);
            }
        }
        if self.layers.buildings && s > 0.05 {
            ctx.set_fill_style_str("#c9c2b3");
            ctx.set_stroke_style_str("#8a8173");
            ctx.set_line_width(1.0 / s);
            for b in self
                .building_batches
                .iter()
                .filter(|b| self.visible(b.bounds))
            {
                ctx.fill_with_path_2d(&b.path);
                if s > 1.0 {
                    ctx.stroke_with_path(&b.path);
                }
            }
        }
        if self.layers.micro_grids && s > 0.08 {
            ctx.set_stroke_style_str("#3f7f6f");
            ctx.set_line_width(1.25 / s);
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&(6.0 / s).into(), &(4.0 / s).into()));
            for m in self.micro_grids.values() {
                if let Some(p) = &m.path {
                    if self.visible(m.bounds) {
                        ctx.stroke_with_path(p);
                    }
                }
            }
            let _ = ctx.set_line_dash(&js_sys::Array::new());
        }
        if self.layers.grids {
            ctx.set_stroke_style_str("#0f5d4e");
            ctx.set_line_width(2.5 / s);
            for g in self.grids.values() {
                if let Some(p) = &g.path {
                    if self.visible(g.bounds) {
                        ctx.stroke_with_path(p);
                    }
                }
            }
        }
        // The selection and refused places on top.
        for (id, colour, width) in self
            .selected
            .iter()
            .map(|id| (*id, "#0b57d0", 4.0))
            .chain(self.trouble.iter().map(|id| (*id, OVERDUE, 4.0)))
        {
            let shape = self.grids.get(&id).or_else(|| self.micro_grids.get(&id));
            if let Some(p) = shape.and_then(|s| s.path.as_ref()) {
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(width / s);
                ctx.stroke_with_path(p);
            } else if let Some(b) = self.buildings.get(&id) {
                ctx.set_stroke_style_str(colour);
                ctx.set_line_width(width / s);
                ctx.stroke_rect(
                    b.bounds.0,
                    b.bounds.1,
                    b.bounds.2 - b.bounds.0,
                    b.bounds.3 - b.bounds.1,
                );
            }
        }
    }

    /// Draw the base anew for the view and a margin around it, into `base` (or a new image),
    /// and paint it through at once (a canvas is painted when first copied from).
    fn render_into(&mut self, base: Option<BaseImage>) -> Option<BaseImage> {
        let v = self.view;
        let bv = View {
            width: (v.width * (1.0 + 2.0 * BASE_MARGIN)).round(),
            height: (v.height * (1.0 + 2.0 * BASE_MARGIN)).round(),
            ..v
        };
        let base = base.or_else(BaseImage::new)?;
        let (w, h) = (
            (bv.width * self.dpr).round() as u32,
            (bv.height * self.dpr).round() as u32,
        );
        if base.canvas.width() != w || base.canvas.height() != h {
            base.canvas.set_width(w);
            base.canvas.set_height(h);
        }
        let started = now_ms();
        let screen_ctx = std::mem::replace(&mut self.ctx, base.ctx.clone());
        let screen_view = std::mem::replace(&mut self.view, bv);
        self.draw_base();
        self.ctx = screen_ctx;
        self.view = screen_view;
        base.paint_through();
        record_base(now_ms() - started);
        Some(BaseImage {
            view: bv,
            dpr: self.dpr,
            version: self.content_version,
            for_size: (v.width, v.height),
            ..base
        })
    }

    /// The base for the view now, drawn in this frame (something drawn changed).
    fn render_base(&mut self) {
        let old = self.base.take();
        self.base = self.render_into(old);
    }

    /// The base for the view now, drawn in a task of its own between frames while the old
    /// one is still shown: frames keep only moving an image.
    fn prepare_base_soon(&mut self) {
        if self.preparing {
            return;
        }
        self.preparing = true;
        leptos::prelude::set_timeout(
            || {
                with(|e| {
                    e.preparing = false;
                    let still_good = e
                        .base
                        .as_ref()
                        .is_some_and(|b| b.version == e.content_version);
                    if still_good {
                        // A fresh image: the one on screen stays whole until the swap.
                        if let Some(fresh) = e.render_into(None) {
                            e.base = Some(fresh);
                            e.moved();
                        }
                    }
                });
            },
            std::time::Duration::from_millis(0),
        );
    }

    /// After a zoom comes to rest, draw the base sharp at the new scale.
    fn sharpen_soon(&mut self) {
        self.zoom_generation += 1;
        let mine = self.zoom_generation;
        leptos::prelude::set_timeout(
            move || {
                with(|e| {
                    if e.zoom_generation == mine {
                        e.prepare_base_soon();
                    }
                });
            },
            std::time::Duration::from_millis(150),
        );
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

    /// The raster base layer: Web-Mercator tiles of the zoom nearest the view's scale. GCJ-02
    /// tiles are drawn shifted by the GCJ-02 offset at the view's centre (it changes by
    /// centimetres across a community), so our WGS-84 shapes line up on them.
    fn draw_tiles(&mut self) {
        use std::f64::consts::PI;
        const R: f64 = 6_378_137.0;
        let Some(layer) = self.tile_layer.clone() else {
            return;
        };
        let v = self.view;
        let z = (v.scale * 2.0 * PI * R / 256.0)
            .log2()
            .round()
            .clamp(0.0, 19.0) as u32;
        let n = 2f64.powi(z as i32);
        let size = 2.0 * PI * R / n;
        let (dx, dy) = match layer.crs {
            shared::map::TileCrs::Wgs84 => (0.0, 0.0),
            shared::map::TileCrs::Gcj02 => {
                let (lon, lat) = shared::map::unmercator(v.cx, v.cy);
                let (glon, glat) = shared::geo::wgs84_to_gcj02(lon, lat);
                let (gx, gy) = mercator(glon, glat);
                (gx - v.cx, gy - v.cy)
            }
        };
        let (left, right) = (
            v.cx - v.width / 2.0 / v.scale + dx,
            v.cx + v.width / 2.0 / v.scale + dx,
        );
        let (top, bottom) = (
            v.cy + v.height / 2.0 / v.scale + dy,
            v.cy - v.height / 2.0 / v.scale + dy,
        );
        let col = |x: f64| ((x + PI * R) / size).floor().clamp(0.0, n - 1.0) as u32;
        let row = |y: f64| ((PI * R - y) / size).floor().clamp(0.0, n - 1.0) as u32;
        let (x0, x1, y0, y1) = (col(left), col(right), row(top), row(bottom));
        if (x1 - x0 + 1) * (y1 - y0 + 1) > 100 {
            return;
        }
        if self.tile_loaded.is_none() {
            self.tile_loaded = Some(wasm_bindgen::closure::Closure::new(|| {
                with(|e| {
                    e.dirty = true;
                    e.invalidate();
                });
            }));
        }
        for ty in y0..=y1 {
            for tx in x0..=x1 {
                let url = layer.tile_url(z, tx, ty);
                let img = match self.tile_images.get(&url) {
                    Some(i) => i.clone(),
                    None => {
                        let Ok(i) = web_sys::HtmlImageElement::new() else {
                            continue;
                        };
                        if let Some(cb) = &self.tile_loaded {
                            i.set_onload(Some(cb.as_ref().unchecked_ref()));
                        }
                        i.set_src(&url);
                        self.tile_images.insert(url, i.clone());
                        i
                    }
                };
                if !img.complete() || img.natural_width() == 0 {
                    continue;
                }
                let (mx, my) = (
                    tx as f64 * size - PI * R - dx,
                    PI * R - ty as f64 * size - dy,
                );
                let (sx, sy) = v.to_screen_m(mx, my);
                let px = size * v.scale;
                let _ = self.ctx.draw_image_with_html_image_element_and_dw_and_dh(
                    &img,
                    sx,
                    sy,
                    px + 0.5,
                    px + 0.5,
                );
            }
        }
        if self.tile_images.len() > 400 {
            self.tile_images.clear();
        }
    }

    fn figure(&self, f: &GridFigures) -> u64 {
        match self.choropleth {
            Choropleth::Overdue => f.overdue,
            _ => f.open,
        }
    }

    fn draw_labels(&self) {
        let ctx = &self.ctx;
        let s = self.view.scale;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_line_width(3.5);
        ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
        let label = |text: &str, x: f64, y: f64, font: &str, colour: &str| {
            ctx.set_font(font);
            let _ = ctx.stroke_text(text, x, y);
            ctx.set_fill_style_str(colour);
            let _ = ctx.fill_text(text, x, y);
        };
        let font = "'Noto Sans CJK SC','PingFang SC',system-ui,sans-serif";
        // Buildings: only when a building is wide enough on screen to carry its name.
        if self.layers.buildings {
            let mut n = 0;
            for b in self.buildings.values() {
                let w = (b.bounds.2 - b.bounds.0) * s;
                if w < 34.0 || !self.visible(b.bounds) {
                    continue;
                }
                let (cx, cy) = b.centre();
                let (x, y) = self.screen(cx, cy);
                label(&b.name, x, y, &format!("600 12px {font}"), "#3d372d");
                n += 1;
                if n > 400 {
                    break;
                }
            }
        }
        if self.layers.micro_grids {
            for m in self.micro_grids.values() {
                let h = (m.bounds.3 - m.bounds.1) * s;
                let w = (m.bounds.2 - m.bounds.0) * s;
                if h < 60.0 || w < 60.0 || !self.visible(m.bounds) {
                    continue;
                }
                let (x, y) = self.screen(m.bounds.0, m.bounds.3);
                ctx.set_text_align("left");
                label(
                    &m.name,
                    x + 8.0,
                    y - 12.0,
                    &format!("600 13px {font}"),
                    "#2d5f53",
                );
                ctx.set_text_align("center");
            }
        }
        if self.layers.grids {
            for g in self.grids.values() {
                let w = (g.bounds.2 - g.bounds.0) * s;
                if w < 40.0 || !self.visible(g.bounds) {
                    continue;
                }
                // Near the top of the grid, clear of the micro-grids' names at their feet.
                let (cx, _) = g.centre();
                let (x, top) = self.screen(cx, g.bounds.1);
                let (_, bottom) = self.screen(cx, g.bounds.3);
                let y = (top.max(0.0) + 22.0).min((top + bottom) / 2.0);
                let size = if w > 120.0 { 18 } else { 14 };
                label(&g.name, x, y, &format!("700 {size}px {font}"), "#0a4338");
                if self.choropleth != Choropleth::Off {
                    if let Some(f) = self.figures.get(&g.id) {
                        label(
                            &self.figure(f).to_string(),
                            x,
                            y + size as f64 + 6.0,
                            &format!("700 16px {font}"),
                            "#7a1610",
                        );
                    }
                }
            }
        }
    }

    fn draw_pins(&self) {
        // Thousands of antialiased circles cost a software-drawn canvas most of a frame; the
        // same pin stamped from a small prepared image costs a copy. One image per look.
        let mut halos = Vec::new();
        let mut cases: Vec<(f64, f64, &'static str)> = Vec::new();
        let mut hazards = Vec::new();
        for p in self.pins.values() {
            let (x, y) = self.screen(p.x, p.y);
            if x < -20.0 || y < -20.0 || x > self.view.width + 20.0 || y > self.view.height + 20.0 {
                continue;
            }
            if p.hazard {
                if self.layers.hazards {
                    hazards.push((x, y, p.overdue));
                }
                continue;
            }
            if !self.layers.cases {
                continue;
            }
            if p.overdue {
                halos.push((x, y));
            }
            cases.push((x, y, stage_colour(p.stage)));
        }
        // Stages in a fixed order, so which colour lies on top does not flicker.
        cases.sort_by_key(|c| c.2);
        let big = self.view.scale > 0.5;
        let stamp = |look: PinLook, x: f64, y: f64| {
            if let Some((img, half)) = self.sprite(look) {
                let _ = self.ctx.draw_image_with_html_canvas_element_and_dw_and_dh(
                    &img,
                    x - half,
                    y - half,
                    half * 2.0,
                    half * 2.0,
                );
            }
        };
        for (x, y) in halos {
            stamp(PinLook::Halo { big }, x, y);
        }
        for (x, y, colour) in cases {
            stamp(PinLook::Case { colour, big }, x, y);
        }
        // Hazards: warning triangles (overdue ones ringed in red).
        for (x, y, overdue) in hazards {
            stamp(PinLook::Hazard { overdue, big }, x, y);
        }
    }

    /// The prepared image of a pin's look (made on first use, at the screen's pixel ratio)
    /// and half its size in CSS pixels.
    fn sprite(&self, look: PinLook) -> Option<(HtmlCanvasElement, f64)> {
        if let Some(hit) = self
            .sprites
            .borrow()
            .get(&look)
            .filter(|(_, _, dpr)| *dpr == self.dpr)
        {
            return Some((hit.0.clone(), hit.1));
        }
        let half = look.half();
        let px = (half * 2.0 * self.dpr).ceil() as u32;
        let (canvas, ctx) = offscreen_canvas(px, px)?;
        let _ = ctx.scale(self.dpr, self.dpr);
        look.paint(&ctx, half, half);
        self.sprites
            .borrow_mut()
            .insert(look, (canvas.clone(), half, self.dpr));
        Some((canvas, half))
    }

    /// Is this pin's layer (hazards or cases) shown?
    fn pin_visible(&self, p: &Pin) -> bool {
        if p.hazard {
            self.layers.hazards
        } else {
            self.layers.cases
        }
    }

    /// The care layers: a badge with a count at each micro-grid (special-group households
    /// on the left, visits this month on the right). Counts only, never names.
    fn draw_care(&self) {
        let Some(care) = &self.care else { return };
        let ctx = &self.ctx;
        ctx.set_text_align("center");
        ctx.set_text_baseline("middle");
        ctx.set_font("700 12px system-ui,sans-serif");
        let layers = [
            (
                self.layers.special,
                &care.special_households,
                SPECIAL,
                -22.0,
                "♥",
            ),
            (self.layers.visits, &care.visits, VISITS, 22.0, "✓"),
        ];
        for (on, list, colour, dx, icon) in layers {
            if !on {
                continue;
            }
            for c in list {
                let Some(shape) = self
                    .micro_grids
                    .get(&c.place_id)
                    .or_else(|| self.grids.get(&c.place_id))
                else {
                    continue;
                };
                let (lx, ly) = shape.centre();
                let (x, y) = self.screen(lx, ly);
                let (x, y) = (x + dx, y + 18.0);
                if x < -30.0
                    || y < -30.0
                    || x > self.view.width + 30.0
                    || y > self.view.height + 30.0
                {
                    continue;
                }
                let text = format!("{icon} {}", c.count);
                let w = 16.0 + 7.5 * text.chars().count() as f64;
                ctx.begin_path();
                let _ = ctx.round_rect_with_f64(x - w / 2.0, y - 12.0, w, 24.0, 12.0);
                ctx.set_fill_style_str(colour);
                ctx.fill();
                ctx.set_stroke_style_str("#ffffff");
                ctx.set_line_width(2.0);
                ctx.stroke();
                ctx.set_fill_style_str("#ffffff");
                let _ = ctx.fill_text(&text, x, y + 0.5);
            }
        }
    }

    /// Patrol tracks as lines, a dot where each began (a ring at the end of one under way).
    fn draw_tracks(&self) {
        let ctx = &self.ctx;
        ctx.set_line_join("round");
        ctx.set_line_cap("round");
        for t in &self.tracks {
            if t.points.is_empty() {
                continue;
            }
            let pts: Vec<(f64, f64)> = t.points.iter().map(|&(x, y)| self.screen(x, y)).collect();
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            ctx.set_line_width(7.0);
            ctx.stroke();
            ctx.set_stroke_style_str(TRACK);
            ctx.set_line_width(4.0);
            ctx.stroke();
            let (x, y) = pts[0];
            ctx.begin_path();
            let _ = ctx.arc(x, y, 6.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(TRACK);
            ctx.fill();
            // Who walked it, by the start.
            ctx.set_font("600 12px system-ui,sans-serif");
            ctx.set_text_align("left");
            ctx.set_text_baseline("middle");
            ctx.set_stroke_style_str("rgba(255,255,255,0.9)");
            ctx.set_line_width(3.0);
            let _ = ctx.stroke_text(&t.worker, x + 9.0, y - 10.0);
            let _ = ctx.fill_text(&t.worker, x + 9.0, y - 10.0);
            if t.live {
                let (x, y) = pts[pts.len() - 1];
                ctx.begin_path();
                let _ = ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU);
                ctx.set_stroke_style_str(TRACK);
                ctx.set_line_width(3.0);
                ctx.stroke();
            }
        }
        ctx.set_line_cap("butt");
    }

    pub fn track_of(&self, p: &shared::map::Patrol, live: bool) -> Track {
        Track {
            id: p.id,
            worker: p.worker_name.clone(),
            points: p.points.iter().map(|t| self.local(t.lon, t.lat)).collect(),
            live,
        }
    }

    /// Show these patrols' tracks (replacing those shown); `live` is one under way.
    pub fn set_tracks(&mut self, patrols: &[shared::map::Patrol], live: Option<i64>) {
        self.tracks = patrols
            .iter()
            .map(|p| self.track_of(p, live == Some(p.id)))
            .collect();
        self.tracks_changed();
    }

    /// Redraw the tracks; the benchmark and tests read the number of points drawn.
    pub fn tracks_changed(&mut self) {
        let pts: usize = self.tracks.iter().map(|t| t.points.len()).sum();
        if let Some(obj) = record_object() {
            let _ = js_sys::Reflect::set(&obj, &"trackPoints".into(), &(pts as f64).into());
        }
        self.invalidate();
    }

    fn draw_heat(&self) {
        let Some(h) = &self.heat else { return };
        if h.max == 0 {
            return;
        }
        let ctx = &self.ctx;
        for c in &h.cells {
            let (x0, y0) = self
                .view
                .to_screen(c.lon - h.cell_lon / 2.0, c.lat + h.cell_lat / 2.0);
            let (x1, y1) = self
                .view
                .to_screen(c.lon + h.cell_lon / 2.0, c.lat - h.cell_lat / 2.0);
            let t = c.count as f64 / h.max as f64;
            let (cx, cy) = ((x0 + x1) / 2.0, (y0 + y1) / 2.0);
            let radius = (x1 - x0).abs().max((y1 - y0).abs()) * 1.1;
            if let Ok(g) = ctx.create_radial_gradient(cx, cy, 0.0, cx, cy, radius) {
                let _ = g.add_color_stop(0.0, &format!("rgba(220,38,38,{:.2})", 0.25 + 0.6 * t));
                let _ = g.add_color_stop(1.0, "rgba(220,38,38,0)");
                ctx.set_fill_style_canvas_gradient(&g);
                ctx.fill_rect(cx - radius, cy - radius, radius * 2.0, radius * 2.0);
            }
        }
    }

    fn draw_sketch(&self, corners: &[(f64, f64)]) {
        let ctx = &self.ctx;
        let pts: Vec<(f64, f64)> = corners
            .iter()
            .map(|&(lon, lat)| self.view.to_screen(lon, lat))
            .collect();
        if pts.len() >= 2 {
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            if pts.len() >= 3 {
                ctx.close_path();
                ctx.set_fill_style_str("rgba(11,87,208,0.12)");
                ctx.fill();
            }
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
        for &(x, y) in &pts {
            ctx.begin_path();
            let _ = ctx.arc(x, y, 7.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str("#ffffff");
            ctx.fill();
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
    }

    fn draw_editing(&self, e: &Editing) {
        let ctx = &self.ctx;
        ctx.begin_path();
        for (i, &(lon, lat)) in e.ring.iter().enumerate() {
            let (x, y) = self.view.to_screen(lon, lat);
            if i == 0 {
                ctx.move_to(x, y);
            } else {
                ctx.line_to(x, y);
            }
        }
        ctx.close_path();
        ctx.set_fill_style_str("rgba(11,87,208,0.12)");
        ctx.fill();
        ctx.set_stroke_style_str("#0b57d0");
        ctx.set_line_width(3.0);
        ctx.stroke();
        if let Some(cut) = &e.cut {
            let pts: Vec<(f64, f64)> = cut
                .iter()
                .map(|&(lon, lat)| self.view.to_screen(lon, lat))
                .collect();
            ctx.set_stroke_style_str(OVERDUE);
            ctx.set_line_width(3.0);
            let _ = ctx.set_line_dash(&js_sys::Array::of2(&8.0.into(), &6.0.into()));
            ctx.begin_path();
            for (i, &(x, y)) in pts.iter().enumerate() {
                if i == 0 {
                    ctx.move_to(x, y);
                } else {
                    ctx.line_to(x, y);
                }
            }
            ctx.stroke();
            let _ = ctx.set_line_dash(&js_sys::Array::new());
            for &(x, y) in &pts {
                ctx.begin_path();
                let _ = ctx.arc(x, y, 6.0, 0.0, std::f64::consts::TAU);
                ctx.set_fill_style_str(OVERDUE);
                ctx.fill();
            }
        }
        for (i, &(lon, lat)) in e.ring.iter().enumerate() {
            let (x, y) = self.view.to_screen(lon, lat);
            ctx.begin_path();
            let _ = ctx.arc(x, y, 9.0, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(if e.selected == Some(i) {
                "#0b57d0"
            } else {
                "#ffffff"
            });
            ctx.fill();
            ctx.set_stroke_style_str("#0b57d0");
            ctx.set_line_width(3.0);
            ctx.stroke();
        }
    }

    fn draw_scale_bar(&self) {
        let ctx = &self.ctx;
        let (m, px) = scale_bar(self.view.metres_per_pixel(), 120.0);
        let (x, y) = (14.0, self.view.height - 16.0);
        ctx.set_fill_style_str("rgba(255,255,255,0.85)");
        ctx.fill_rect(x - 6.0, y - 24.0, px + 12.0, 32.0);
        ctx.set_stroke_style_str("#1b1f1d");
        ctx.set_line_width(2.0);
        ctx.begin_path();
        ctx.move_to(x, y - 6.0);
        ctx.line_to(x, y);
        ctx.line_to(x + px, y);
        ctx.line_to(x + px, y - 6.0);
        ctx.stroke();
        ctx.set_fill_style_str("#1b1f1d");
        ctx.set_font("600 12px system-ui,sans-serif");
        ctx.set_text_align("left");
        ctx.set_text_baseline("alphabetic");
        let text = if m >= 1000.0 {
            format!("{} km", m / 1000.0)
        } else {
            format!("{m} m")
        };
        let _ = ctx.fill_text(&text, x + 2.0, y - 9.0);
    }

    // ---- editing ----

    /// The vertex of the edited ring under a screen point.
    pub fn vertex_at(&self, px: f64, py: f64) -> Option<usize> {
        let e = self.editing.as_ref()?;
        e.ring
            .iter()
            .enumerate()
            .map(|(i, &(lon, lat))| {
                let (x, y) = self.view.to_screen(lon, lat);
                (i, (x - px).hypot(y - py))
            })
            .filter(|(_, d)| *d <= 18.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }

    /// The edge of the edited ring nearest a screen point (within 14 px): its first vertex.
    pub fn edge_at(&self, px: f64, py: f64) -> Option<usize> {
        let e = self.editing.as_ref()?;
        let n = e.ring.len();
        (0..n)
            .map(|i| {
                let a = self.view.to_screen(e.ring[i].0, e.ring[i].1);
                let b = self
                    .view
                    .to_screen(e.ring[(i + 1) % n].0, e.ring[(i + 1) % n].1);
                (i, segment_distance(a, b, (px, py)))
            })
            .filter(|(_, d)| *d <= 14.0)
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    }
}

fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let len2 = dx * dx + dy * dy;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / len2).clamp(0.0, 1.0)
    };
    (a.0 + t * dx - p.0).hypot(a.1 + t * dy - p.1)
}
