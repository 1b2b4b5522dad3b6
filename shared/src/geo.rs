//! GeoJSON geometry as the hierarchy stores it (WGS-84 longitude/latitude). This module
//! checks structure and computes bounding boxes; topology (overlaps, containment) belongs to
//! the map area.

use crate::error::FieldErrorCode;
use serde_json::Value;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GeometryType {
    Point,
    Polygon,
    MultiPolygon,
}

impl GeometryType {
    pub fn as_str(self) -> &'static str {
        match self {
            GeometryType::Point => "Point",
            GeometryType::Polygon => "Polygon",
            GeometryType::MultiPolygon => "MultiPolygon",
        }
    }
}

/// A bounding box: minimum and maximum longitude and latitude.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct BBox {
    pub min_lon: f64,
    pub min_lat: f64,
    pub max_lon: f64,
    pub max_lat: f64,
}

impl BBox {
    fn of_point(lon: f64, lat: f64) -> Self {
        BBox {
            min_lon: lon,
            min_lat: lat,
            max_lon: lon,
            max_lat: lat,
        }
    }
    fn extend(&mut self, lon: f64, lat: f64) {
        self.min_lon = self.min_lon.min(lon);
        self.min_lat = self.min_lat.min(lat);
        self.max_lon = self.max_lon.max(lon);
        self.max_lat = self.max_lat.max(lat);
    }
}

/// A checked geometry: its type and bounding box; the JSON itself is stored as given.
#[derive(Clone, Debug, PartialEq)]
pub struct CheckedGeometry {
    pub kind: GeometryType,
    pub bbox: BBox,
}

fn position(v: &Value) -> Result<(f64, f64), FieldErrorCode> {
    let arr = v.as_array().ok_or(FieldErrorCode::InvalidGeometry)?;
    if arr.len() < 2 {
        return Err(FieldErrorCode::InvalidGeometry);
    }
    let lon = arr[0].as_f64().ok_or(FieldErrorCode::InvalidGeometry)?;
    let lat = arr[1].as_f64().ok_or(FieldErrorCode::InvalidGeometry)?;
    if !(-180.0..=180.0).contains(&lon) || !(-90.0..=90.0).contains(&lat) {
        return Err(FieldErrorCode::OutOfRange);
    }
    Ok((lon, lat))
}

fn polygon(v: &Value, bbox: &mut Option<BBox>) -> Result<(), FieldErrorCode> {
    let rings = v.as_array().ok_or(FieldErrorCode::InvalidGeometry)?;
    if rings.is_empty() {
        return Err(FieldErrorCode::InvalidGeometry);
    }
    for ring in rings {
        let pts = ring.as_array().ok_or(FieldErrorCode::InvalidGeometry)?;
        // A closed ring needs at least three distinct corners plus the closing repeat.
        if pts.len() < 4 {
            return Err(FieldErrorCode::InvalidGeometry);
        }
        let parsed: Vec<(f64, f64)> = pts.iter().map(position).collect::<Result<_, _>>()?;
        if parsed.first() != parsed.last() {
            return Err(FieldErrorCode::InvalidGeometry);
        }
        if ring_self_intersects(&parsed) {
            return Err(FieldErrorCode::SelfIntersecting);
        }
        if signed_area(&parsed).abs() < 1e-14 {
            return Err(FieldErrorCode::InvalidGeometry);
        }
        for (lon, lat) in parsed {
            match bbox {
                Some(b) => b.extend(lon, lat),
                None => *bbox = Some(BBox::of_point(lon, lat)),
            }
        }
    }
    Ok(())
}

/// Twice the signed area of a closed ring (shoelace formula); zero means degenerate.
pub fn signed_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2)
        .map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1)
        .sum()
}

/// Check a GeoJSON geometry object against the types a place of some level may have.
pub fn check_geometry(
    v: &Value,
    allowed: &[GeometryType],
) -> Result<CheckedGeometry, FieldErrorCode> {
    let obj = v.as_object().ok_or(FieldErrorCode::InvalidGeometry)?;
    let kind = match obj.get("type").and_then(Value::as_str) {
        Some("Point") => GeometryType::Point,
        Some("Polygon") => GeometryType::Polygon,
        Some("MultiPolygon") => GeometryType::MultiPolygon,
        _ => return Err(FieldErrorCode::InvalidGeometry),
    };
    if !allowed.contains(&kind) {
        return Err(FieldErrorCode::NotAllowed);
    }
    let coords = obj
        .get("coordinates")
        .ok_or(FieldErrorCode::InvalidGeometry)?;
    let mut bbox = None;
    match kind {
        GeometryType::Point => {
            let (lon, lat) = position(coords)?;
            bbox = Some(BBox::of_point(lon, lat));
        }
        GeometryType::Polygon => polygon(coords, &mut bbox)?,
        GeometryType::MultiPolygon => {
            let polys = coords.as_array().ok_or(FieldErrorCode::InvalidGeometry)?;
            if polys.is_empty() {
                return Err(FieldErrorCode::InvalidGeometry);
            }
            for p in polys {
                polygon(p, &mut bbox)?;
            }
        }
    }
    Ok(CheckedGeometry {
        kind,
        bbox: bbox.ok_or(FieldErrorCode::InvalidGeometry)?,
    })
}

/// Great-circle distance in metres between two WGS-84 points (haversine; ample for the
/// tens of metres duplicate detection works with).
pub fn distance_m(lon1: f64, lat1: f64, lon2: f64, lat2: f64) -> f64 {
    const R: f64 = 6_371_008.8;
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    let dp = (lat2 - lat1).to_radians();
    let dl = (lon2 - lon1).to_radians();
    let a = (dp / 2.0).sin().powi(2) + p1.cos() * p2.cos() * (dl / 2.0).sin().powi(2);
    2.0 * R * a.sqrt().asin()
}

/// Is the point inside a ring (ray casting)? Points exactly on an edge count as inside,
/// so a report on a grid's border is not refused.
fn in_ring(ring: &[(f64, f64)], lon: f64, lat: f64) -> bool {
    let mut inside = false;
    for w in ring.windows(2) {
        let ((x1, y1), (x2, y2)) = (w[0], w[1]);
        // On the segment: collinear and within its box.
        let cross = (x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1);
        if cross.abs() < 1e-12
            && lon >= x1.min(x2)
            && lon <= x1.max(x2)
            && lat >= y1.min(y2)
            && lat <= y1.max(y2)
        {
            return true;
        }
        if (y1 > lat) != (y2 > lat) && lon < (x2 - x1) * (lat - y1) / (y2 - y1) + x1 {
            inside = !inside;
        }
    }
    inside
}

fn ring_points(v: &Value) -> Option<Vec<(f64, f64)>> {
    v.as_array()?
        .iter()
        .map(|p| Some((p.get(0)?.as_f64()?, p.get(1)?.as_f64()?)))
        .collect()
}

fn in_polygon(rings: &Value, lon: f64, lat: f64) -> bool {
    let Some(rings) = rings.as_array() else {
        return false;
    };
    let mut rings = rings.iter().filter_map(ring_points);
    let Some(outer) = rings.next() else {
        return false;
    };
    // Inside the outer ring and not strictly inside a hole.
    in_ring(&outer, lon, lat)
        && rings.all(|hole| {
            let on_edge = hole.windows(2).any(|w| {
                let ((x1, y1), (x2, y2)) = (w[0], w[1]);
                ((x2 - x1) * (lat - y1) - (y2 - y1) * (lon - x1)).abs() < 1e-12
                    && lon >= x1.min(x2)
                    && lon <= x1.max(x2)
                    && lat >= y1.min(y2)
                    && lat <= y1.max(y2)
            });
            on_edge || !in_ring(&hole, lon, lat)
        })
}

/// Does a GeoJSON Polygon or MultiPolygon contain the point (edges included)?
pub fn contains(geometry: &Value, lon: f64, lat: f64) -> bool {
    let coords = &geometry["coordinates"];
    match geometry["type"].as_str() {
        Some("Polygon") => in_polygon(coords, lon, lat),
        Some("MultiPolygon") => coords
            .as_array()
            .is_some_and(|ps| ps.iter().any(|p| in_polygon(p, lon, lat))),
        _ => false,
    }
}

type Pt = (f64, f64);

fn orient(a: Pt, b: Pt, c: Pt) -> f64 {
    (b.0 - a.0) * (c.1 - a.1) - (b.1 - a.1) * (c.0 - a.0)
}

/// Do two segments cross at a point inside both (not merely touch or overlap collinearly)?
fn properly_cross(p1: Pt, p2: Pt, q1: Pt, q2: Pt) -> bool {
    const EPS: f64 = 1e-12;
    let (d1, d2) = (orient(q1, q2, p1), orient(q1, q2, p2));
    let (d3, d4) = (orient(p1, p2, q1), orient(p1, p2, q2));
    ((d1 > EPS && d2 < -EPS) || (d1 < -EPS && d2 > EPS))
        && ((d3 > EPS && d4 < -EPS) || (d3 < -EPS && d4 > EPS))
}

/// The rings of a Polygon or MultiPolygon as point lists (outer rings and holes alike).
pub fn rings_of(geometry: &Value) -> Vec<Vec<Pt>> {
    let coords = &geometry["coordinates"];
    let polys: Vec<&Value> = match geometry["type"].as_str() {
        Some("Polygon") => vec![coords],
        Some("MultiPolygon") => coords
            .as_array()
            .map(|a| a.iter().collect())
            .unwrap_or_default(),
        _ => Vec::new(),
    };
    polys
        .into_iter()
        .filter_map(Value::as_array)
        .flatten()
        .filter_map(ring_points)
        .collect()
}

fn edges(rings: &[Vec<Pt>]) -> impl Iterator<Item = (Pt, Pt)> + '_ {
    rings
        .iter()
        .flat_map(|r| r.windows(2).map(|w| (w[0], w[1])))
}

/// A point strictly inside (not on the boundary).
fn strictly_inside(geometry: &Value, rings: &[Vec<Pt>], p: Pt) -> bool {
    let on_boundary = edges(rings).any(|(a, b)| {
        orient(a, b, p).abs() < 1e-12
            && p.0 >= a.0.min(b.0)
            && p.0 <= a.0.max(b.0)
            && p.1 >= a.1.min(b.1)
            && p.1 <= a.1.max(b.1)
    });
    !on_boundary && contains(geometry, p.0, p.1)
}

/// Points that lie inside a shape near each of its edges (a little inward from the middle
/// of the edge): probes for overlap that vertices alone would miss.
fn inner_probes(geometry: &Value, rings: &[Vec<Pt>]) -> Vec<Pt> {
    let mut out = Vec::new();
    for (a, b) in edges(rings) {
        let mid = ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0);
        let (dx, dy) = (b.0 - a.0, b.1 - a.1);
        let len = (dx * dx + dy * dy).sqrt();
        if len == 0.0 {
            continue;
        }
        let step = len * 1e-3;
        for sign in [1.0, -1.0] {
            let p = (
                mid.0 - sign * dy / len * step,
                mid.1 + sign * dx / len * step,
            );
            if strictly_inside(geometry, rings, p) {
                out.push(p);
            }
        }
    }
    out
}

/// Do two areas overlap (share more than boundary)? Neighbouring grids that share a border
/// do not.
pub fn overlaps(a: &Value, b: &Value) -> bool {
    let (ra, rb) = (rings_of(a), rings_of(b));
    if edges(&ra).any(|(p1, p2)| edges(&rb).any(|(q1, q2)| properly_cross(p1, p2, q1, q2))) {
        return true;
    }
    let vertex_in = |g: &Value, rg: &[Vec<Pt>], pts: &[Vec<Pt>]| {
        pts.iter().flatten().any(|p| strictly_inside(g, rg, *p))
    };
    if vertex_in(b, &rb, &ra) || vertex_in(a, &ra, &rb) {
        return true;
    }
    inner_probes(a, &ra)
        .into_iter()
        .any(|p| strictly_inside(b, &rb, p))
}

/// Does `outer` contain all of `inner` (boundaries may touch)?
pub fn covers(outer: &Value, inner: &Value) -> bool {
    let (ro, ri) = (rings_of(outer), rings_of(inner));
    if edges(&ri).any(|(p1, p2)| edges(&ro).any(|(q1, q2)| properly_cross(p1, p2, q1, q2))) {
        return false;
    }
    ri.iter().flatten().all(|p| contains(outer, p.0, p.1))
        && inner_probes(inner, &ri)
            .into_iter()
            .all(|p| contains(outer, p.0, p.1))
}

fn ring_self_intersects(r: &[Pt]) -> bool {
    let e: Vec<(Pt, Pt)> = r.windows(2).map(|w| (w[0], w[1])).collect();
    (0..e.len()).any(|i| {
        (i + 2..e.len()).any(|j| {
            !(i == 0 && j == e.len() - 1) && properly_cross(e[i].0, e[i].1, e[j].0, e[j].1)
        })
    })
}

/// Does a ring cross itself (two non-neighbouring edges properly crossing)?
pub fn self_intersects(geometry: &Value) -> bool {
    rings_of(geometry).iter().any(|r| ring_self_intersects(r))
}

/// A box around a point that holds every point within `metres` of it (for index lookups).
pub fn bbox_around(lon: f64, lat: f64, metres: f64) -> BBox {
    let dlat = metres / 111_320.0;
    let dlon = metres / (111_320.0 * lat.to_radians().cos().max(0.01));
    BBox {
        min_lon: lon - dlon,
        min_lat: lat - dlat,
        max_lon: lon + dlon,
        max_lat: lat + dlat,
    }
}

/// GCJ-02 ("火星坐标", used by Amap, Tencent and other Chinese map tiles) from WGS-84. The
/// shift is 100–700 m inside mainland China and none outside it. Our data stays WGS-84; this
/// is only for drawing on GCJ-02 tiles (OpenStreetMap and 天地图 need no shift).
pub fn wgs84_to_gcj02(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let (dlon, dlat) = gcj_offset(lon, lat);
    (lon + dlon, lat + dlat)
}

/// WGS-84 from GCJ-02, by iterating the forward shift (converges to well under a
/// centimetre in a few steps).
pub fn gcj02_to_wgs84(lon: f64, lat: f64) -> (f64, f64) {
    if outside_china(lon, lat) {
        return (lon, lat);
    }
    let (mut x, mut y) = (lon, lat);
    for _ in 0..30 {
        let (gx, gy) = wgs84_to_gcj02(x, y);
        let (ex, ey) = (gx - lon, gy - lat);
        x -= ex;
        y -= ey;
        if ex.abs() < 1e-11 && ey.abs() < 1e-11 {
            break;
        }
    }
    (x, y)
}

/// The rough box GCJ-02 applies to.
fn outside_china(lon: f64, lat: f64) -> bool {
    !(72.004..=137.8347).contains(&lon) || !(0.8293..=55.8271).contains(&lat)
}

/// The published GCJ-02 shift (Krasovsky 1940 ellipsoid) in degrees.
fn gcj_offset(lon: f64, lat: f64) -> (f64, f64) {
    use std::f64::consts::PI;
    const A: f64 = 6_378_245.0;
    const EE: f64 = 0.006_693_421_622_965_943;
    let (x, y) = (lon - 105.0, lat - 35.0);
    let wave = |a: f64, b: f64| {
        (20.0 * (6.0 * a * PI).sin() + 20.0 * (2.0 * a * PI).sin()) * 2.0 / 3.0 + b
    };
    let dlat = -100.0
        + 2.0 * x
        + 3.0 * y
        + 0.2 * y * y
        + 0.1 * x * y
        + 0.2 * x.abs().sqrt()
        + wave(
            x,
            (20.0 * (y * PI).sin() + 40.0 * (y / 3.0 * PI).sin()) * 2.0 / 3.0
                + (160.0 * (y / 12.0 * PI).sin() + 320.0 * (y * PI / 30.0).sin()) * 2.0 / 3.0,
        );
    let dlon = 300.0
        + x
        + 2.0 * y
        + 0.1 * x * x
        + 0.1 * x * y
        + 0.1 * x.abs().sqrt()
        + wave(
            x,
            (20.0 * (x * PI).sin() + 40.0 * (x / 3.0 * PI).sin()) * 2.0 / 3.0
                + (150.0 * (x / 12.0 * PI).sin() + 300.0 * (x / 30.0 * PI).sin()) * 2.0 / 3.0,
        );
    let rad = lat.to_radians();
    let magic = 1.0 - EE * rad.sin() * rad.sin();
    let sqrt_magic = magic.sqrt();
    (
        dlon * 180.0 / (A / sqrt_magic * rad.cos() * PI),
        dlat * 180.0 / (A * (1.0 - EE) / (magic * sqrt_magic) * PI),
    )
}

/// Cut a polygon's ring (closed, no holes) along the segment `a`–`b`, which must cross its
/// boundary exactly twice. Returns the two closed rings, or None when the line does not cut
/// the shape in two.
pub fn split_ring(ring: &[Pt], a: Pt, b: Pt) -> Option<(Vec<Pt>, Vec<Pt>)> {
    if ring.len() < 4 || ring.first() != ring.last() {
        return None;
    }
    let n = ring.len() - 1;
    let mut cuts: Vec<(usize, Pt)> = Vec::new();
    for i in 0..n {
        let (p, q) = (ring[i], ring[i + 1]);
        let (r, s) = ((q.0 - p.0, q.1 - p.1), (b.0 - a.0, b.1 - a.1));
        let denom = r.0 * s.1 - r.1 * s.0;
        if denom.abs() < 1e-18 {
            continue;
        }
        let t = ((a.0 - p.0) * s.1 - (a.1 - p.1) * s.0) / denom;
        let u = ((a.0 - p.0) * r.1 - (a.1 - p.1) * r.0) / denom;
        // Each vertex belongs to the edge it starts, so a cut through a corner counts once.
        if (0.0..1.0).contains(&t) && (0.0..=1.0).contains(&u) {
            let at = if t == 0.0 {
                p
            } else {
                (p.0 + t * r.0, p.1 + t * r.1)
            };
            cuts.push((i, at));
        }
    }
    let [(i, pi), (j, pj)] = cuts[..] else {
        return None;
    };
    let mut first = vec![pi];
    first.extend_from_slice(&ring[i + 1..=j]);
    first.push(pj);
    let mut second = vec![pj];
    second.extend_from_slice(&ring[j + 1..n]);
    second.extend_from_slice(&ring[..=i]);
    second.push(pi);
    let tidy = |mut r: Vec<Pt>| -> Option<Vec<Pt>> {
        r.dedup();
        if r.first() == r.last() && r.len() > 1 {
            r.pop();
        }
        r.dedup();
        if r.len() < 3 {
            return None;
        }
        r.push(r[0]);
        (signed_area(&r).abs() > 1e-14).then_some(r)
    };
    Some((tidy(first)?, tidy(second)?))
}

/// Join two neighbouring polygons' rings (closed, no holes) that share one stretch of
/// boundary, vertex for vertex. None when they share no edge or would not make one ring.
pub fn merge_rings(a: &[Pt], b: &[Pt]) -> Option<Vec<Pt>> {
    let orient = |r: &[Pt]| -> Vec<Pt> {
        let mut r = r.to_vec();
        if signed_area(&r) < 0.0 {
            r.reverse();
        }
        r
    };
    let (a, b) = (orient(a), orient(b));
    let edges = |r: &[Pt]| -> Vec<(Pt, Pt)> { r.windows(2).map(|w| (w[0], w[1])).collect() };
    let (ea, eb) = (edges(&a), edges(&b));
    let shared = |e: &(Pt, Pt), other: &[(Pt, Pt)]| other.iter().any(|o| o.0 == e.1 && o.1 == e.0);
    let mut rest: Vec<(Pt, Pt)> = ea
        .iter()
        .filter(|e| !shared(e, &eb))
        .chain(eb.iter().filter(|e| !shared(e, &ea)))
        .copied()
        .collect();
    if rest.len() == ea.len() + eb.len() {
        return None;
    }
    // Chain the remaining edges into one ring.
    let (start, mut at) = rest.remove(0);
    let mut ring = vec![start, at];
    while at != start {
        let k = rest.iter().position(|e| e.0 == at)?;
        at = rest.remove(k).1;
        ring.push(at);
    }
    if !rest.is_empty() {
        return None;
    }
    // Corners left in the middle of a straight side are dropped.
    let n = ring.len() - 1;
    let mut out: Vec<Pt> = (0..n)
        .filter(|&i| {
            let prev = ring[(i + n - 1) % n];
            orient_pts(prev, ring[i], ring[(i + 1) % n]).abs() > 1e-18
        })
        .map(|i| ring[i])
        .collect();
    if out.len() < 3 {
        return None;
    }
    out.push(out[0]);
    Some(out)
}

fn orient_pts(a: Pt, b: Pt, c: Pt) -> f64 {
    orient(a, b, c)
}

/// A Polygon geometry of one closed ring.
pub fn polygon_of(ring: &[Pt]) -> Value {
    serde_json::json!({"type": "Polygon", "coordinates": [ring.iter().map(|p| [p.0, p.1]).collect::<Vec<_>>()]})
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const AREAS: &[GeometryType] = &[GeometryType::Polygon, GeometryType::MultiPolygon];

    #[test]
    fn point_in_polygon_with_holes_edges_and_vertices() {
        // A 4 × 4 square with a 2 × 2 hole in the middle.
        let g = json!({"type": "Polygon", "coordinates": [
            [[0.0, 0.0], [4.0, 0.0], [4.0, 4.0], [0.0, 4.0], [0.0, 0.0]],
            [[1.0, 1.0], [3.0, 1.0], [3.0, 3.0], [1.0, 3.0], [1.0, 1.0]]
        ]});
        assert!(contains(&g, 0.5, 0.5));
        assert!(!contains(&g, 2.0, 2.0), "in the hole");
        assert!(
            contains(&g, 1.0, 2.0),
            "on the hole's edge belongs to the polygon"
        );
        assert!(contains(&g, 4.0, 2.0), "on the outer edge");
        assert!(contains(&g, 0.0, 0.0), "on a vertex");
        assert!(!contains(&g, 4.5, 2.0));
        assert!(!contains(&g, -0.0001, 2.0));
        let multi = json!({"type": "MultiPolygon", "coordinates": [
            [[[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 0.0]]],
            [[[5.0, 5.0], [6.0, 5.0], [6.0, 6.0], [5.0, 6.0], [5.0, 5.0]]]
        ]});
        assert!(contains(&multi, 5.5, 5.5));
        assert!(!contains(&multi, 3.0, 3.0));
        assert!(!contains(
            &json!({"type": "Point", "coordinates": [0.0, 0.0]}),
            0.0,
            0.0
        ));
    }

    fn rect(x0: f64, y0: f64, x1: f64, y1: f64) -> Value {
        json!({"type": "Polygon", "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]]})
    }

    #[test]
    fn neighbours_touch_but_do_not_overlap() {
        let a = rect(0.0, 0.0, 2.0, 2.0);
        assert!(!overlaps(&a, &rect(2.0, 0.0, 4.0, 2.0)), "shared edge");
        assert!(!overlaps(&a, &rect(2.0, 2.0, 3.0, 3.0)), "shared corner");
        assert!(!overlaps(&a, &rect(5.0, 5.0, 6.0, 6.0)));
        assert!(overlaps(&a, &rect(1.0, 1.0, 3.0, 3.0)), "crossing edges");
        assert!(overlaps(&a, &rect(0.5, 0.5, 1.0, 1.0)), "inside");
        assert!(overlaps(&rect(0.5, 0.5, 1.0, 1.0), &a), "around");
        assert!(overlaps(&a, &a.clone()), "identical");
        assert!(
            overlaps(&a, &rect(0.0, 0.0, 2.0, 1.0)),
            "sharing three edges"
        );
    }

    #[test]
    fn children_must_lie_inside() {
        let parent = rect(0.0, 0.0, 4.0, 4.0);
        assert!(
            covers(&parent, &rect(0.0, 0.0, 2.0, 4.0)),
            "touching the border is inside"
        );
        assert!(covers(&parent, &rect(1.0, 1.0, 2.0, 2.0)));
        assert!(!covers(&parent, &rect(3.0, 3.0, 5.0, 5.0)));
        assert!(!covers(&parent, &rect(5.0, 5.0, 6.0, 6.0)));
        // A U-shaped parent does not cover a rectangle across its notch.
        let u = json!({"type": "Polygon", "coordinates": [[[0.0,0.0],[3.0,0.0],[3.0,3.0],[2.0,3.0],[2.0,1.0],[1.0,1.0],[1.0,3.0],[0.0,3.0],[0.0,0.0]]]});
        assert!(!covers(&u, &rect(0.5, 2.0, 2.5, 2.5)));
        assert!(covers(&u, &rect(0.0, 0.0, 3.0, 1.0)));
    }

    #[test]
    fn bow_ties_cross_themselves() {
        let bow = json!({"type": "Polygon", "coordinates": [[[0.0,0.0],[2.0,2.0],[2.0,0.0],[0.0,2.0],[0.0,0.0]]]});
        assert!(self_intersects(&bow));
        assert_eq!(
            check_geometry(&bow, AREAS),
            Err(FieldErrorCode::SelfIntersecting),
            "refused where shapes are checked"
        );
        assert!(!self_intersects(&rect(0.0, 0.0, 1.0, 1.0)));
    }

    #[test]
    fn distances_and_boxes() {
        // 0.001° of latitude is about 111 m anywhere.
        let d = distance_m(121.45, 31.22, 121.45, 31.221);
        assert!((d - 111.2).abs() < 0.5, "{d}");
        assert_eq!(distance_m(121.45, 31.22, 121.45, 31.22), 0.0);
        let b = bbox_around(121.45, 31.22, 50.0);
        for (lon, lat) in [
            (b.min_lon, 31.22),
            (b.max_lon, 31.22),
            (121.45, b.min_lat),
            (121.45, b.max_lat),
        ] {
            assert!(distance_m(121.45, 31.22, lon, lat) >= 49.9);
        }
    }

    #[test]
    fn polygon_bbox() {
        let g = json!({"type":"Polygon","coordinates":[[[121.0,31.0],[121.01,31.0],[121.01,31.02],[121.0,31.0]]]});
        let c = check_geometry(&g, AREAS).unwrap();
        assert_eq!(
            c.bbox,
            BBox {
                min_lon: 121.0,
                min_lat: 31.0,
                max_lon: 121.01,
                max_lat: 31.02
            }
        );
    }

    #[test]
    fn rejects_open_short_degenerate_and_out_of_range_rings() {
        let open =
            json!({"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[1.0,1.0],[0.0,1.0]]]});
        assert_eq!(
            check_geometry(&open, AREAS),
            Err(FieldErrorCode::InvalidGeometry)
        );
        let short = json!({"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[0.0,0.0]]]});
        assert_eq!(
            check_geometry(&short, AREAS),
            Err(FieldErrorCode::InvalidGeometry)
        );
        let flat =
            json!({"type":"Polygon","coordinates":[[[0.0,0.0],[1.0,0.0],[2.0,0.0],[0.0,0.0]]]});
        assert_eq!(
            check_geometry(&flat, AREAS),
            Err(FieldErrorCode::InvalidGeometry)
        );
        let far =
            json!({"type":"Polygon","coordinates":[[[0.0,0.0],[181.0,0.0],[1.0,1.0],[0.0,0.0]]]});
        assert_eq!(check_geometry(&far, AREAS), Err(FieldErrorCode::OutOfRange));
    }

    #[test]
    fn point_only_where_allowed() {
        let p = json!({"type":"Point","coordinates":[121.4, 31.2]});
        assert_eq!(check_geometry(&p, AREAS), Err(FieldErrorCode::NotAllowed));
        assert!(check_geometry(&p, &[GeometryType::Point]).is_ok());
        assert_eq!(
            check_geometry(&json!({"type":"LineString"}), AREAS),
            Err(FieldErrorCode::InvalidGeometry)
        );
    }

    #[test]
    fn gcj02_matches_reference_points_and_round_trips() {
        // Reference values published with common open implementations of the shift.
        for ((lon, lat), (glon, glat)) in [
            (
                (116.404, 39.915),
                (116.410_244_499_169_38, 39.916_404_281_501_64),
            ),
            ((116.0, 40.0), (116.006_141_221_789, 40.001_213_650_174)),
            (
                (121.091_707_7, 30.610_777_9),
                (121.096_269_355_750_27, 30.608_604_331_756_705),
            ),
        ] {
            let (x, y) = wgs84_to_gcj02(lon, lat);
            // Within 1e-6° (about 0.1 m): implementations differ in the last digits.
            assert!(
                (x - glon).abs() < 1e-6 && (y - glat).abs() < 1e-6,
                "{lon},{lat} → {x},{y}"
            );
        }
        // Round trips within a centimetre across our area and the country.
        for (lon, lat) in [
            (121.4505, 31.2205),
            (116.397, 39.909),
            (113.26, 23.13),
            (87.6, 43.8),
        ] {
            let (gx, gy) = wgs84_to_gcj02(lon, lat);
            assert!(
                distance_m(lon, lat, gx, gy) > 100.0,
                "a real shift inside China"
            );
            let (bx, by) = gcj02_to_wgs84(gx, gy);
            assert!(distance_m(lon, lat, bx, by) < 0.01, "{lon},{lat}");
        }
        // No shift outside China.
        assert_eq!(wgs84_to_gcj02(2.35, 48.85), (2.35, 48.85));
        assert_eq!(gcj02_to_wgs84(-74.0, 40.7), (-74.0, 40.7));
    }

    #[test]
    fn split_along_a_line_and_merge_back() {
        let square: Vec<Pt> = vec![(0.0, 0.0), (4.0, 0.0), (4.0, 2.0), (0.0, 2.0), (0.0, 0.0)];
        // A line across the middle, drawn past both sides.
        let (a, b) = split_ring(&square, (2.0, -1.0), (2.0, 3.0)).unwrap();
        let area = |r: &[Pt]| signed_area(r).abs() / 2.0;
        assert!((area(&a) - 4.0).abs() < 1e-12 && (area(&b) - 4.0).abs() < 1e-12);
        assert!(
            !overlaps(&polygon_of(&a), &polygon_of(&b)),
            "the parts only touch"
        );
        let whole = polygon_of(&square);
        assert!(covers(&whole, &polygon_of(&a)) && covers(&whole, &polygon_of(&b)));
        // Merging the parts gives the square back (the cut's corners dropped).
        let merged = merge_rings(&a, &b).unwrap();
        assert_eq!(merged.len(), 5);
        assert!((area(&merged) - 8.0).abs() < 1e-12);
        for p in &square {
            assert!(merged.contains(p));
        }
        // Through a corner and out through a side.
        let (c, d) = split_ring(&square, (-1.0, -1.0), (3.0, 3.0)).unwrap();
        assert!((area(&c) + area(&d) - 8.0).abs() < 1e-12);
        // Lines that do not cut the shape in two.
        assert!(
            split_ring(&square, (5.0, -1.0), (5.0, 3.0)).is_none(),
            "outside"
        );
        assert!(
            split_ring(&square, (2.0, 1.0), (2.0, 3.0)).is_none(),
            "ends inside"
        );
        // Shapes that do not share an edge do not merge.
        let far: Vec<Pt> = vec![(9.0, 9.0), (10.0, 9.0), (10.0, 10.0), (9.0, 9.0)];
        assert!(merge_rings(&square, &far).is_none());
        let corner: Vec<Pt> = vec![(4.0, 2.0), (5.0, 2.0), (5.0, 3.0), (4.0, 3.0), (4.0, 2.0)];
        assert!(
            merge_rings(&square, &corner).is_none(),
            "a shared corner is not enough"
        );
    }
}
