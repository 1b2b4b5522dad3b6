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

mod base;
mod editing;
mod engine;
mod ingest;
mod layers;

use self::{base::*, engine::*, ingest::*, layers::*};
pub use editing::Editing;
pub use engine::{Engine, install, uninstall, with};
pub use layers::{HAZARD, OVERDUE, SPECIAL, TRACK, VISITS, ramp, stage_colour};

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
