//! The map's vocabulary: layers, bounding boxes from query strings, and what a point lies in.

use crate::places::PlaceRef;
use serde::{Deserialize, Serialize};

/// Layers the map can ask for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    Communities,
    Grids,
    MicroGrids,
    Buildings,
    /// Open cases with a location (pins), visible to the asking user.
    Cases,
}

impl Layer {
    pub const ALL: [Layer; 5] = [
        Layer::Communities,
        Layer::Grids,
        Layer::MicroGrids,
        Layer::Buildings,
        Layer::Cases,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Communities => "communities",
            Layer::Grids => "grids",
            Layer::MicroGrids => "micro_grids",
            Layer::Buildings => "buildings",
            Layer::Cases => "cases",
        }
    }

    /// `grids,cases` → layers; unknown names are an error, empty means none.
    pub fn parse_list(s: &str) -> Result<Vec<Layer>, String> {
        s.split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                Layer::ALL
                    .into_iter()
                    .find(|l| l.as_str() == p)
                    .ok_or_else(|| p.to_string())
            })
            .collect()
    }
}

/// `minLon,minLat,maxLon,maxLat` as a box; refused when not four finite numbers in order.
pub fn parse_bbox(s: &str) -> Option<crate::geo::BBox> {
    let v: Vec<f64> = s
        .split(',')
        .map(|p| p.trim().parse::<f64>())
        .collect::<Result<_, _>>()
        .ok()?;
    let [min_lon, min_lat, max_lon, max_lat] = v[..] else {
        return None;
    };
    let ok = [min_lon, min_lat, max_lon, max_lat]
        .iter()
        .all(|x| x.is_finite())
        && min_lon <= max_lon
        && min_lat <= max_lat
        && (-180.0..=180.0).contains(&min_lon)
        && (-180.0..=180.0).contains(&max_lon)
        && (-90.0..=90.0).contains(&min_lat)
        && (-90.0..=90.0).contains(&max_lat);
    ok.then_some(crate::geo::BBox {
        min_lon,
        min_lat,
        max_lon,
        max_lat,
    })
}

/// Where a point lies: the grid and micro-grid whose shapes contain it, and the building
/// whose footprint does (a report made standing at a building is filed at that building).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Location {
    pub grid: PlaceRef,
    pub micro_grid: Option<PlaceRef>,
    #[serde(default)]
    pub building: Option<PlaceRef>,
}

impl Location {
    /// The most precise place of the point (building, else micro-grid, else grid) with the
    /// path of the places around it, as a report form shows the chosen place.
    pub fn finest(&self) -> crate::places::PlaceRefWithPath {
        let mut around = vec![self.grid.clone()];
        around.extend(self.micro_grid.clone());
        around.extend(self.building.clone());
        let place = around.pop().unwrap_or_else(|| self.grid.clone());
        let location = around
            .iter()
            .map(|p| p.name.as_str())
            .collect::<Vec<_>>()
            .join(" / ");
        crate::places::PlaceRefWithPath { place, location }
    }
}

#[cfg(test)]
mod location_tests {
    use super::*;
    use crate::places::PlaceKind;

    fn place(id: i64, kind: PlaceKind, name: &str) -> PlaceRef {
        PlaceRef {
            id,
            kind,
            code: format!("P{id}"),
            name: name.into(),
        }
    }

    #[test]
    fn the_finest_place_is_chosen_with_its_path() {
        let mut at = Location {
            grid: place(1, PlaceKind::Grid, "第一网格"),
            micro_grid: None,
            building: None,
        };
        assert_eq!(at.finest().place.id, 1);
        assert_eq!(at.finest().location, "");
        at.micro_grid = Some(place(2, PlaceKind::MicroGrid, "1微网格"));
        assert_eq!(at.finest().place.id, 2);
        assert_eq!(at.finest().location, "第一网格");
        at.building = Some(place(3, PlaceKind::Building, "1栋"));
        assert_eq!(at.finest().place.name, "1栋");
        assert_eq!(at.finest().location, "第一网格 / 1微网格");
    }
}

/// The coordinate system of a raster tile service. Our data is WGS-84; OpenStreetMap and
/// 天地图 (CGCS2000, within centimetres of WGS-84) need no shift, GCJ-02 tiles (Amap,
/// Tencent) are drawn shifted so our points line up on them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase")]
pub enum TileCrs {
    Wgs84,
    Gcj02,
}

impl TileCrs {
    pub fn parse(s: &str) -> Option<TileCrs> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wgs84" | "wgs-84" | "cgcs2000" => Some(TileCrs::Wgs84),
            "gcj02" | "gcj-02" => Some(TileCrs::Gcj02),
            _ => None,
        }
    }
}

/// An optional raster base layer: a `{z}/{x}/{y}` URL template (Web-Mercator tiles).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TileLayer {
    pub url: String,
    pub crs: TileCrs,
    pub attribution: String,
}

impl TileLayer {
    /// A template needs `{z}`, `{x}` and `{y}` and an http(s) or site-relative address.
    pub fn check_url(url: &str) -> bool {
        ["{z}", "{x}", "{y}"].iter().all(|p| url.contains(p))
            && (url.starts_with("https://") || url.starts_with("http://") || url.starts_with('/'))
    }

    pub fn tile_url(&self, z: u32, x: u32, y: u32) -> String {
        self.url
            .replace("{z}", &z.to_string())
            .replace("{x}", &x.to_string())
            .replace("{y}", &y.to_string())
    }
}

/// What the map screen is configured with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MapConfig {
    /// None: no raster layer (the default); the map is our own vector geometry only.
    pub tiles: Option<TileLayer>,
}

/// Undo the last change of a place's outline; `version` is the place's current version.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct UndoGeometry {
    pub version: i64,
}

/// Cut a micro-grid in two along a line drawn across it. The place keeps one part; the
/// other becomes a new sibling with this code and name; buildings go with their part.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SplitPlace {
    pub version: i64,
    /// Two points `[lon, lat]`; the line between them must cross the outline twice.
    pub line: [[f64; 2]; 2],
    pub code: String,
    pub name: String,
}

/// Join a neighbouring sibling micro-grid into this one: its buildings and cases move here
/// and it is deleted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MergePlaces {
    pub version: i64,
    pub other_id: i64,
    pub other_version: i64,
}

/// Open and overdue cases of one grid (counts only).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CaseCounts {
    pub open: u64,
    pub overdue: u64,
}

/// What the map's side panel shows about one grid. Figures a user may not see are absent:
/// case counts only for those who see every case of the grid (the office, its grid
/// workers); special-group households only for those who may reveal sensitive data there.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridSummary {
    pub grid: PlaceRef,
    /// From the street down to the community.
    pub path: Vec<PlaceRef>,
    pub leaders: Vec<crate::places::Leader>,
    pub micro_grids: Vec<PlaceRef>,
    pub buildings: u64,
    pub cases: Option<CaseCounts>,
    /// Households with at least one resident in a special group — a count, never names.
    pub special_group_households: Option<u64>,
    /// Care visits in the grid this month (Asia/Shanghai), for the same readers as the
    /// special-group count.
    #[serde(default)]
    pub visits_this_month: Option<u64>,
    pub version: i64,
}

/// Case counts of one grid, for the choropleth.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GridFigures {
    pub grid_id: i64,
    pub open: u64,
    pub overdue: u64,
}

/// One cell of the heat map: its centre and how many cases fell in it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HeatCell {
    pub lon: f64,
    pub lat: f64,
    pub count: u64,
}

/// Cases reported within a time window, counted on a grid of cells over the asked box.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Heat {
    /// Width and height of one cell in degrees.
    pub cell_lon: f64,
    pub cell_lat: f64,
    pub cells: Vec<HeatCell>,
    pub max: u64,
    pub total: u64,
}

/// Cells across the wider side of the box.
pub const HEAT_CELLS: usize = 48;

/// Count points into square-ish cells over `bbox` (`n` across its wider side); points
/// outside the box are left out. Cells are ordered by row, then column.
pub fn heat_bins(bbox: crate::geo::BBox, points: &[(f64, f64)], n: usize) -> Heat {
    let n = n.max(1);
    let w = (bbox.max_lon - bbox.min_lon).max(1e-9);
    let h = (bbox.max_lat - bbox.min_lat).max(1e-9);
    // Degrees of longitude are shorter than degrees of latitude away from the equator.
    let k = ((bbox.min_lat + bbox.max_lat) / 2.0)
        .to_radians()
        .cos()
        .max(0.01);
    let side = (w * k).max(h) / n as f64;
    let (cell_lon, cell_lat) = (side / k, side);
    let cols = (w / cell_lon).ceil().max(1.0) as usize;
    let rows = (h / cell_lat).ceil().max(1.0) as usize;
    let mut counts = std::collections::BTreeMap::<(usize, usize), u64>::new();
    for &(lon, lat) in points {
        if !(bbox.min_lon..=bbox.max_lon).contains(&lon)
            || !(bbox.min_lat..=bbox.max_lat).contains(&lat)
        {
            continue;
        }
        let c = (((lon - bbox.min_lon) / cell_lon) as usize).min(cols - 1);
        let r = (((lat - bbox.min_lat) / cell_lat) as usize).min(rows - 1);
        *counts.entry((r, c)).or_default() += 1;
    }
    let cells: Vec<HeatCell> = counts
        .into_iter()
        .map(|((r, c), count)| HeatCell {
            lon: bbox.min_lon + (c as f64 + 0.5) * cell_lon,
            lat: bbox.min_lat + (r as f64 + 0.5) * cell_lat,
            count,
        })
        .collect();
    Heat {
        cell_lon,
        cell_lat,
        max: cells.iter().map(|c| c.count).max().unwrap_or(0),
        total: cells.iter().map(|c| c.count).sum(),
        cells,
    }
}

/// A local Web-Mercator view: longitude/latitude ↔ screen pixels, with the centre of the
/// view at the middle of the screen. `scale` is pixels per metre at the equator-free local
/// scale (Web-Mercator metres divided by the cosine of the reference latitude are close to
/// ground metres near the view).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct View {
    /// Centre in Web-Mercator metres.
    pub cx: f64,
    pub cy: f64,
    /// Screen pixels per Web-Mercator metre.
    pub scale: f64,
    pub width: f64,
    pub height: f64,
}

const EARTH_R: f64 = 6_378_137.0;

/// Web-Mercator metres of a WGS-84 point.
pub fn mercator(lon: f64, lat: f64) -> (f64, f64) {
    let lat = lat.clamp(-85.05, 85.05).to_radians();
    (
        EARTH_R * lon.to_radians(),
        EARTH_R * (std::f64::consts::FRAC_PI_4 + lat / 2.0).tan().ln(),
    )
}

/// The WGS-84 point of Web-Mercator metres.
pub fn unmercator(x: f64, y: f64) -> (f64, f64) {
    (
        (x / EARTH_R).to_degrees(),
        (2.0 * (y / EARTH_R).exp().atan() - std::f64::consts::FRAC_PI_2).to_degrees(),
    )
}

impl View {
    /// A view showing all of `bbox` with `margin` pixels around it.
    pub fn fit(bbox: crate::geo::BBox, width: f64, height: f64, margin: f64) -> View {
        let (x0, y0) = mercator(bbox.min_lon, bbox.min_lat);
        let (x1, y1) = mercator(bbox.max_lon, bbox.max_lat);
        let (w, h) = ((x1 - x0).max(1.0), (y1 - y0).max(1.0));
        let sx = (width - 2.0 * margin).max(10.0) / w;
        let sy = (height - 2.0 * margin).max(10.0) / h;
        View {
            cx: (x0 + x1) / 2.0,
            cy: (y0 + y1) / 2.0,
            scale: sx.min(sy),
            width,
            height,
        }
    }

    /// Screen pixels of Web-Mercator metres.
    pub fn to_screen_m(&self, x: f64, y: f64) -> (f64, f64) {
        (
            self.width / 2.0 + (x - self.cx) * self.scale,
            self.height / 2.0 - (y - self.cy) * self.scale,
        )
    }

    pub fn to_screen(&self, lon: f64, lat: f64) -> (f64, f64) {
        let (x, y) = mercator(lon, lat);
        self.to_screen_m(x, y)
    }

    pub fn to_lon_lat(&self, px: f64, py: f64) -> (f64, f64) {
        unmercator(
            self.cx + (px - self.width / 2.0) / self.scale,
            self.cy - (py - self.height / 2.0) / self.scale,
        )
    }

    /// Move the view by a drag of `dx`, `dy` pixels (the map follows the pointer).
    pub fn pan(&mut self, dx: f64, dy: f64) {
        self.cx -= dx / self.scale;
        self.cy += dy / self.scale;
    }

    /// Zoom by `factor` keeping the point under (`px`, `py`) still; the scale stays within
    /// [`MIN_SCALE`, `MAX_SCALE`].
    pub fn zoom_at(&mut self, factor: f64, px: f64, py: f64) {
        let (mx, my) = (
            self.cx + (px - self.width / 2.0) / self.scale,
            self.cy - (py - self.height / 2.0) / self.scale,
        );
        let scale = (self.scale * factor).clamp(MIN_SCALE, MAX_SCALE);
        self.scale = scale;
        self.cx = mx - (px - self.width / 2.0) / scale;
        self.cy = my + (py - self.height / 2.0) / scale;
    }

    /// The WGS-84 box the screen shows.
    pub fn bbox(&self) -> crate::geo::BBox {
        let (min_lon, min_lat) = self.to_lon_lat(0.0, self.height);
        let (max_lon, max_lat) = self.to_lon_lat(self.width, 0.0);
        crate::geo::BBox {
            min_lon,
            min_lat,
            max_lon,
            max_lat,
        }
    }

    /// Ground metres per screen pixel at the view's centre.
    pub fn metres_per_pixel(&self) -> f64 {
        let (_, lat) = unmercator(self.cx, self.cy);
        lat.to_radians().cos() / self.scale
    }
}

/// Zoom limits in pixels per Web-Mercator metre (about a city … a single building).
pub const MIN_SCALE: f64 = 0.002;
pub const MAX_SCALE: f64 = 40.0;

/// A scale bar: the round ground length (1, 2 or 5 × 10ⁿ metres) that is at most
/// `max_px` long on screen, and its length in pixels.
pub fn scale_bar(metres_per_pixel: f64, max_px: f64) -> (f64, f64) {
    let most = metres_per_pixel * max_px;
    let mut step = 10f64.powf(most.log10().floor());
    for m in [5.0, 2.0, 1.0] {
        if step * m <= most {
            step *= m;
            break;
        }
    }
    (step, step / metres_per_pixel)
}

// ---- Hazards (安全隐患) ----

/// The category group whose cases are hazards (安全隐患): the group itself and every
/// category under it. The map draws them as their own layer, apart from ordinary pins.
pub const HAZARD_GROUP: &str = "E-SAF";

/// Is a category (by its code and its parent's code) a hazard?
pub fn is_hazard_category(code: &str, parent_code: Option<&str>) -> bool {
    code == HAZARD_GROUP || parent_code == Some(HAZARD_GROUP)
}

// ---- Care on the map: counts per micro-grid, never names ----

/// A count for one place (a micro-grid, or a grid for people directly in it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct PlaceCount {
    pub place_id: i64,
    pub count: u64,
}

/// The care layers of the map over a box: households with someone in a special group and
/// care visits made this month, counted per micro-grid. Only for those who may see special
/// groups there (the office everywhere, grid workers in their grids).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct CareOverlay {
    /// `YYYY-MM` (Asia/Shanghai) the visits are counted in.
    pub month: String,
    pub special_households: Vec<PlaceCount>,
    pub visits: Vec<PlaceCount>,
}

// ---- Patrols (巡查) ----

/// Most track points one request may carry.
pub const PATROL_BATCH_MAX: usize = 200;
/// How far (degrees, about 2 km) outside its grid a patrol's point may lie.
pub const PATROL_MARGIN_DEG: f64 = 0.02;
/// How far ahead of the server's clock a phone's timestamp may be.
pub const PATROL_CLOCK_SKEW_S: i64 = 120;

/// One point of a patrol's track, as the phone measured it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct TrackPoint {
    pub lon: f64,
    pub lat: f64,
    #[serde(with = "time::serde::rfc3339")]
    pub at: time::OffsetDateTime,
}

/// How long before it reaches the server a patrol may have started on the phone: a patrol
/// begun without signal (in a garage) is sent from the outbox when the signal returns, with
/// the time it really began, so that its points, measured before the sending, still follow it.
pub const PATROL_LATE_START_S: i64 = 24 * 3600;

/// Start a patrol of a grid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct StartPatrol {
    pub grid_id: i64,
    /// When the patrol began on the phone, if it was kept in the outbox first; none: now.
    /// At most [`PATROL_LATE_START_S`] ago and not ahead of the server's clock by more than
    /// the skew allowed ([`patrol_started_at`]).
    #[serde(
        default,
        with = "time::serde::rfc3339::option",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = DateTime))]
    pub started_at: Option<time::OffsetDateTime>,
}

/// When a patrol began: the phone's time if it gave one within the window allowed, else now.
/// An error names `started_at`.
pub fn patrol_started_at(
    req: &StartPatrol,
    now: time::OffsetDateTime,
) -> Result<time::OffsetDateTime, crate::error::FieldErrors> {
    let Some(at) = req.started_at else {
        return Ok(now);
    };
    let earliest = now - time::Duration::seconds(PATROL_LATE_START_S);
    let latest = now + time::Duration::seconds(PATROL_CLOCK_SKEW_S);
    if at < earliest || at > latest {
        let mut errs = crate::error::FieldErrors::new();
        errs.add("started_at", crate::error::FieldErrorCode::OutOfRange);
        return Err(errs);
    }
    Ok(at.min(now))
}

/// A batch of points for a patrol under way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct AddTrackPoints {
    pub points: Vec<TrackPoint>,
}

/// End a patrol; `version` is the patrol's version as read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EndPatrol {
    pub version: i64,
}

/// A patrol with its track.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Patrol {
    pub id: i64,
    pub user_id: i64,
    pub worker_name: String,
    pub grid_id: i64,
    pub grid_name: String,
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: time::OffsetDateTime,
    #[serde(with = "time::serde::rfc3339::option")]
    pub ended_at: Option<time::OffsetDateTime>,
    pub points: Vec<TrackPoint>,
    pub version: i64,
}

/// May this user patrol (and record a track in) this grid? Grid workers in their own grids,
/// and the office anywhere.
pub fn may_patrol(me: &crate::accounts::Principal, grid_id: i64) -> bool {
    me.is_office()
        || (me.has_role(crate::accounts::Role::GridWorker) && me.grid_ids.contains(&grid_id))
}

/// May this user see a patrol by `owner` in `grid_id`? Its walker, the office, and the grid
/// workers of that grid.
pub fn may_see_patrol(me: &crate::accounts::Principal, owner: i64, grid_id: i64) -> bool {
    me.user_id == owner
        || me.is_office()
        || (me.has_role(crate::accounts::Role::GridWorker) && me.grid_ids.contains(&grid_id))
}

/// The box a patrol's points must lie in: its grid's box and a margin around it.
pub fn patrol_area(grid: crate::geo::BBox) -> crate::geo::BBox {
    crate::geo::BBox {
        min_lon: grid.min_lon - PATROL_MARGIN_DEG,
        min_lat: grid.min_lat - PATROL_MARGIN_DEG,
        max_lon: grid.max_lon + PATROL_MARGIN_DEG,
        max_lat: grid.max_lat + PATROL_MARGIN_DEG,
    }
}

/// Check a batch of track points: one to [`PATROL_BATCH_MAX`] of them, finite and inside
/// `area`, in time order, none before `after` (the patrol's start or its last point) and none
/// ahead of `now` by more than the clock skew allowed. Errors name `points` or `points/<i>/…`.
pub fn validate_track(
    points: &[TrackPoint],
    area: crate::geo::BBox,
    after: time::OffsetDateTime,
    now: time::OffsetDateTime,
) -> Result<(), crate::error::FieldErrors> {
    use crate::error::{FieldErrorCode, FieldErrors};
    let mut errs = FieldErrors::new();
    if points.is_empty() {
        errs.add("points", FieldErrorCode::Required);
    } else if points.len() > PATROL_BATCH_MAX {
        errs.add("points", FieldErrorCode::TooLong);
    }
    let latest = now + time::Duration::seconds(PATROL_CLOCK_SKEW_S);
    let mut prev = after;
    for (i, p) in points.iter().enumerate().take(PATROL_BATCH_MAX + 1) {
        let inside = p.lon.is_finite()
            && p.lat.is_finite()
            && (area.min_lon..=area.max_lon).contains(&p.lon)
            && (area.min_lat..=area.max_lat).contains(&p.lat);
        if !inside {
            errs.add(format!("points/{i}/lon"), FieldErrorCode::OutOfRange);
        }
        if p.at < prev || p.at > latest {
            errs.add(format!("points/{i}/at"), FieldErrorCode::OutOfRange);
        } else {
            prev = p.at;
        }
    }
    errs.into_result()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layers_and_boxes_parse_strictly() {
        assert_eq!(
            Layer::parse_list("grids, cases"),
            Ok(vec![Layer::Grids, Layer::Cases])
        );
        assert_eq!(Layer::parse_list(""), Ok(vec![]));
        assert_eq!(Layer::parse_list("grids,roads"), Err("roads".to_string()));
        assert!(parse_bbox("121.44,31.21,121.47,31.24").is_some());
        assert!(
            parse_bbox("121.47,31.21,121.44,31.24").is_none(),
            "min after max"
        );
        assert!(parse_bbox("121.44,31.21,121.47").is_none());
        assert!(parse_bbox("121.44,31.21,NaN,31.24").is_none());
        assert!(parse_bbox("0,0,200,1").is_none());
    }

    fn bbox(a: f64, b: f64, c: f64, d: f64) -> crate::geo::BBox {
        crate::geo::BBox {
            min_lon: a,
            min_lat: b,
            max_lon: c,
            max_lat: d,
        }
    }

    #[test]
    fn projection_round_trips_and_keeps_north_up() {
        let b = bbox(121.45, 31.22, 121.458, 31.226);
        let v = View::fit(b, 800.0, 600.0, 20.0);
        let (x, y) = v.to_screen(121.454, 31.223);
        assert!(
            (x - 400.0).abs() < 1e-6 && (y - 300.0).abs() < 1.0,
            "{x},{y}"
        );
        let (lon, lat) = v.to_lon_lat(123.0, 456.0);
        let (x2, y2) = v.to_screen(lon, lat);
        assert!((x2 - 123.0).abs() < 1e-6 && (y2 - 456.0).abs() < 1e-6);
        // North is up, east is right.
        let (_, y_north) = v.to_screen(121.454, 31.225);
        let (x_east, _) = v.to_screen(121.457, 31.223);
        assert!(y_north < y && x_east > x);
        // The fitted box lies within the screen, with the margin on the tighter side.
        let (x0, y0) = v.to_screen(b.min_lon, b.min_lat);
        let (x1, y1) = v.to_screen(b.max_lon, b.max_lat);
        assert!(x0 >= 19.9 && x1 <= 780.1 && y1 >= 19.9 && y0 <= 580.1);
        assert!((x0 - 20.0).abs() < 1e-6 || (y1 - 20.0).abs() < 1e-6);
        // The screen's box contains the fitted box.
        let sb = v.bbox();
        assert!(sb.min_lon <= b.min_lon && sb.max_lon >= b.max_lon);
        assert!(sb.min_lat <= b.min_lat && sb.max_lat >= b.max_lat);
    }

    #[test]
    fn zoom_keeps_the_point_under_the_pointer_and_pan_follows_it() {
        let mut v = View::fit(bbox(121.45, 31.22, 121.458, 31.226), 800.0, 600.0, 0.0);
        let before = v.to_lon_lat(200.0, 100.0);
        v.zoom_at(2.0, 200.0, 100.0);
        let after = v.to_lon_lat(200.0, 100.0);
        assert!((before.0 - after.0).abs() < 1e-9 && (before.1 - after.1).abs() < 1e-9);
        let p = v.to_screen(121.451, 31.221);
        v.pan(30.0, -12.0);
        let q = v.to_screen(121.451, 31.221);
        assert!((q.0 - p.0 - 30.0).abs() < 1e-6 && (q.1 - p.1 + 12.0).abs() < 1e-6);
        v.zoom_at(1e9, 0.0, 0.0);
        assert_eq!(v.scale, MAX_SCALE, "zoom is bounded");
    }

    #[test]
    fn scale_bars_are_round_and_fit() {
        // 0.5 m per pixel, at most 120 px: 60 m fits, the round length is 50 m = 100 px.
        assert_eq!(scale_bar(0.5, 120.0), (50.0, 100.0));
        let (m, px) = scale_bar(3.7, 100.0);
        assert_eq!(m, 200.0);
        assert!(px <= 100.0);
        assert_eq!(scale_bar(1.0, 100.0).0, 100.0);
    }

    #[test]
    fn tile_templates_and_systems() {
        assert!(TileLayer::check_url("https://t.example/{z}/{x}/{y}.png"));
        assert!(TileLayer::check_url("/tiles/{z}/{x}/{y}.png"));
        assert!(!TileLayer::check_url("https://t.example/{z}/{x}.png"));
        assert!(!TileLayer::check_url("javascript:{z}{x}{y}"));
        let t = TileLayer {
            url: "/t/{z}/{x}/{y}.png".into(),
            crs: TileCrs::Wgs84,
            attribution: String::new(),
        };
        assert_eq!(t.tile_url(16, 54_876, 26_782), "/t/16/54876/26782.png");
        assert_eq!(TileCrs::parse("GCJ02"), Some(TileCrs::Gcj02));
        assert_eq!(TileCrs::parse("cgcs2000"), Some(TileCrs::Wgs84));
        assert_eq!(TileCrs::parse("bd09"), None);
    }

    #[test]
    fn heat_cells_count_points_in_the_box() {
        let b = bbox(0.0, 0.0, 1.0, 1.0);
        let pts = [
            (0.01, 0.01),
            (0.02, 0.02),
            (0.99, 0.99),
            (2.0, 2.0),
            (1.0, 1.0),
        ];
        let h = heat_bins(b, &pts, 10);
        assert_eq!(
            h.total, 4,
            "the point outside is left out; the corner counts"
        );
        assert_eq!(h.max, 2);
        assert_eq!(h.cells.len(), 2);
        assert!((h.cells[0].lon - 0.05).abs() < 1e-3 && (h.cells[0].lat - 0.05).abs() < 1e-9);
        assert!(heat_bins(b, &[], 10).cells.is_empty());
    }

    #[test]
    fn hazards_are_the_safety_group_and_its_children() {
        assert!(is_hazard_category("E-SAF", None));
        assert!(is_hazard_category("E-SAF-02", Some("E-SAF")));
        assert!(
            is_hazard_category("X-NEW", Some("E-SAF")),
            "an admin's new sub-category"
        );
        assert!(!is_hazard_category("E-ENV-01", Some("E-ENV")));
        assert!(!is_hazard_category("E-SAFE", None));
    }

    fn principal(roles: &[crate::accounts::Role], grids: &[i64]) -> crate::accounts::Principal {
        crate::accounts::Principal {
            user_id: 7,
            username: "u".into(),
            display_name: "U".into(),
            roles: roles.to_vec(),
            grid_ids: grids.to_vec(),
        }
    }

    #[test]
    fn who_patrols_and_who_sees_patrols() {
        use crate::accounts::Role::*;
        let gw = principal(&[GridWorker], &[1]);
        assert!(may_patrol(&gw, 1));
        assert!(!may_patrol(&gw, 2), "not another grid");
        assert!(may_patrol(&principal(&[Staff], &[]), 2));
        assert!(
            !may_patrol(&principal(&[Resident], &[1]), 1),
            "a building leader's grid is not enough"
        );
        assert!(!may_patrol(&principal(&[Mediator], &[]), 1));
        // Seeing: the walker, the office, the grid's workers.
        assert!(may_see_patrol(&gw, 99, 1));
        assert!(!may_see_patrol(&gw, 99, 2));
        assert!(may_see_patrol(&gw, 7, 2), "one's own patrol anywhere");
        assert!(may_see_patrol(&principal(&[Admin], &[]), 99, 2));
        assert!(!may_see_patrol(&principal(&[Resident], &[1]), 99, 1));
    }

    #[test]
    fn track_batches_are_bounded_ordered_and_near_the_grid() {
        let t0 = time::macros::datetime!(2026-11-29 08:00 UTC);
        let area = patrol_area(bbox(121.45, 31.22, 121.452, 31.226));
        let p = |lon: f64, lat: f64, s: i64| TrackPoint {
            lon,
            lat,
            at: t0 + time::Duration::seconds(s),
        };
        let now = t0 + time::Duration::minutes(10);
        assert!(
            validate_track(
                &[p(121.451, 31.223, 0), p(121.4512, 31.2232, 5)],
                area,
                t0,
                now
            )
            .is_ok()
        );
        assert!(
            validate_track(
                &[p(121.451, 31.223, 5), p(121.451, 31.223, 5)],
                area,
                t0,
                now
            )
            .is_ok(),
            "equal times are in order"
        );
        let fields = |r: Result<(), crate::error::FieldErrors>| -> Vec<String> {
            r.unwrap_err().0.into_iter().map(|(f, _)| f).collect()
        };
        assert_eq!(fields(validate_track(&[], area, t0, now)), ["points"]);
        let many: Vec<TrackPoint> = (0..=PATROL_BATCH_MAX as i64)
            .map(|i| p(121.451, 31.223, i))
            .collect();
        assert_eq!(fields(validate_track(&many, area, t0, now)), ["points"]);
        assert_eq!(
            fields(validate_track(
                &[p(121.451, 31.223, 9), p(121.451, 31.223, 3)],
                area,
                t0,
                now
            )),
            ["points/1/at"],
            "out of order"
        );
        assert_eq!(
            fields(validate_track(&[p(121.451, 31.223, -1)], area, t0, now)),
            ["points/0/at"],
            "before the start"
        );
        assert_eq!(
            fields(validate_track(&[p(121.451, 31.223, 3600)], area, t0, now)),
            ["points/0/at"],
            "in the future"
        );
        assert_eq!(
            fields(validate_track(&[p(121.6, 31.223, 1)], area, t0, now)),
            ["points/0/lon"],
            "kilometres away"
        );
        assert_eq!(
            fields(validate_track(&[p(f64::NAN, 31.223, 1)], area, t0, now)),
            ["points/0/lon"]
        );
        // The margin: a step outside the grid's edge is fine.
        assert!(validate_track(&[p(121.4525, 31.2265, 1)], area, t0, now).is_ok());
    }

    #[test]
    fn a_patrol_kept_offline_starts_when_it_began_within_a_day() {
        let now = time::macros::datetime!(2026-12-07 12:00 UTC);
        let start = |s: Option<i64>| StartPatrol {
            grid_id: 1,
            started_at: s.map(|s| now + time::Duration::seconds(s)),
        };
        assert_eq!(patrol_started_at(&start(None), now), Ok(now));
        let hour_ago = now - time::Duration::hours(1);
        assert_eq!(patrol_started_at(&start(Some(-3600)), now), Ok(hour_ago));
        // A phone a little ahead: the server's now, never a start in the future.
        assert_eq!(patrol_started_at(&start(Some(60)), now), Ok(now));
        assert!(patrol_started_at(&start(Some(PATROL_CLOCK_SKEW_S + 1)), now).is_err());
        assert!(patrol_started_at(&start(Some(-PATROL_LATE_START_S)), now).is_ok());
        let late = patrol_started_at(&start(Some(-PATROL_LATE_START_S - 1)), now).unwrap_err();
        assert_eq!(
            late.0.into_iter().map(|(f, _)| f).collect::<Vec<_>>(),
            ["started_at"]
        );
    }
}
