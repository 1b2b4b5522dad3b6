//! Taking features in: GeoJSON from the server becomes shapes and pins in local metres, a slice
//! per frame; buildings go into a few shared paths (batches).

use super::*;

/// Buildings per shared path: big enough that a frame draws a few dozen paths, small enough
/// that paths outside the view are skipped.
pub(super) const BUILDINGS_PER_BATCH: usize = 400;

pub(super) struct BuildingBatch {
    pub(super) path: Path2d,
    /// Box in local metres of the buildings in the path.
    pub(super) bounds: (f64, f64, f64, f64),
    pub(super) count: usize,
}

impl BuildingBatch {
    pub(super) fn include(&mut self, b: (f64, f64, f64, f64)) {
        self.bounds = (
            self.bounds.0.min(b.0),
            self.bounds.1.min(b.1),
            self.bounds.2.max(b.2),
            self.bounds.3.max(b.3),
        );
        self.count += 1;
    }
}

pub(super) fn rings(geometry: &Value) -> Vec<Vec<(f64, f64)>> {
    shared::geo::rings_of(geometry)
}

pub(super) fn bbox_of(rs: &[Vec<(f64, f64)>]) -> Option<BBox> {
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
    pub(super) fn path_of(&self, rs: &[Vec<(f64, f64)>], into: &Path2d) {
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

    pub(super) fn shape(&mut self, props: &Value, geometry: Value, area: bool) -> Option<Shape> {
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
    pub(super) fn digest(&mut self) -> bool {
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
    pub(super) fn take(&mut self, f: &Value) -> bool {
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

    /// Close the batch of buildings being filled, so it can be drawn.
    pub(super) fn seal_batch(&mut self) {
        if let Some(b) = self.open_batch.take() {
            self.building_batches.push(b);
        }
    }
}
