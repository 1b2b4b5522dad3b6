//! The map's data: features of the hierarchy and case pins within a bounding box, answered
//! from the bounding-box columns (indexed), and where a point lies.

use crate::AppState;
use crate::accounts::CurrentUser;
use crate::cases::service::{name_of, summary, visible};
use crate::cases::store::case;
use crate::error::{AppError, AppResult};
use crate::places::service::{self as places, to_ref};
use crate::places::store::place;
use axum::Json;
use axum::extract::{Query, State};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::cases::Stage;
use shared::error::{FieldErrorCode, Problem};
use shared::map::{Layer, Location, parse_bbox};
use shared::places::PlaceKind;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Most features one answer carries; a client zoomed out further asks for fewer layers.
const MAX_FEATURES: u64 = 20_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct FeatureQuery {
    /// `minLon,minLat,maxLon,maxLat` (WGS-84).
    pub bbox: String,
    /// Comma-separated: communities, grids, micro_grids, buildings, cases.
    pub layers: String,
}

fn kind_of_layer(l: Layer) -> Option<PlaceKind> {
    match l {
        Layer::Communities => Some(PlaceKind::Community),
        Layer::Grids => Some(PlaceKind::Grid),
        Layer::MicroGrids => Some(PlaceKind::MicroGrid),
        Layer::Buildings => Some(PlaceKind::Building),
        Layer::Cases => None,
    }
}

/// GeoJSON features of the asked layers that meet the box.
#[utoipa::path(get, path = "/map/features", tag = "map", params(FeatureQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection; properties: layer, id, code, name, grid_id (places) or number, title, stage, overdue (cases)",
               content_type = "application/geo+json", body = Object),
              (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn features(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<FeatureQuery>,
) -> AppResult<Json<Value>> {
    let bbox = parse_bbox(&q.bbox)
        .ok_or_else(|| AppError::field("bbox", FieldErrorCode::InvalidFormat))?;
    let layers = Layer::parse_list(&q.layers)
        .map_err(|_| AppError::field("layers", FieldErrorCode::NotAllowed))?;
    let conn = &state.db.conn;
    let mut out = Vec::new();
    for layer in layers {
        if let Some(kind) = kind_of_layer(layer) {
            let rows = place::Entity::find()
                .filter(place::Column::Kind.eq(kind.as_str()))
                .filter(place::Column::MinLon.lte(bbox.max_lon))
                .filter(place::Column::MaxLon.gte(bbox.min_lon))
                .filter(place::Column::MinLat.lte(bbox.max_lat))
                .filter(place::Column::MaxLat.gte(bbox.min_lat))
                .order_by_asc(place::Column::Id)
                .limit(MAX_FEATURES)
                .all(conn)
                .await?;
            for p in rows {
                let geometry: Value = p
                    .geometry
                    .as_deref()
                    .and_then(|g| serde_json::from_str(g).ok())
                    .unwrap_or(Value::Null);
                out.push(json!({"type": "Feature", "geometry": geometry,
                    "properties": {"layer": layer.as_str(), "id": p.id, "code": p.code, "name": p.name, "grid_id": p.grid_id}}));
            }
        } else {
            let open: Vec<String> = Stage::ALL
                .into_iter()
                .filter(|s| s.is_open())
                .map(name_of)
                .collect();
            let now = time::OffsetDateTime::now_utc();
            let rows = case::Entity::find()
                .filter(visible(&me))
                .filter(case::Column::Stage.is_in(open))
                .filter(case::Column::Lon.between(bbox.min_lon, bbox.max_lon))
                .filter(case::Column::Lat.between(bbox.min_lat, bbox.max_lat))
                .order_by_desc(case::Column::Id)
                .limit(MAX_FEATURES)
                .all(conn)
                .await?;
            for c in rows {
                let s = summary(&c, now);
                out.push(json!({"type": "Feature", "geometry": {"type": "Point", "coordinates": [c.lon, c.lat]},
                    "properties": {"layer": "cases", "id": c.id, "number": s.number, "title": s.title, "stage": s.stage,
                                   "overdue": s.overdue, "category_id": s.category_id, "grid_id": s.grid_id}}));
            }
        }
    }
    Ok(Json(json!({"type": "FeatureCollection", "features": out})))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct LocateQuery {
    pub lon: f64,
    pub lat: f64,
}

/// The grid and micro-grid a point lies in (point-in-polygon on their shapes). A point
/// outside every grid is refused with a field error on `lon`.
#[utoipa::path(get, path = "/map/locate", tag = "map", params(LocateQuery),
    responses((status = 200, body = Location), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn locate(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    Query(q): Query<LocateQuery>,
) -> AppResult<Json<Location>> {
    let found = places::locate(&state.db.conn, q.lon, q.lat)
        .await?
        .ok_or_else(|| AppError::field("lon", FieldErrorCode::OutOfRange))?;
    let (grid, micro_grid) = if places::kind_of(&found) == PlaceKind::MicroGrid {
        let grid = match found.grid_id {
            Some(g) => places::find(&state.db.conn, g).await?,
            None => return Err(AppError::field("lon", FieldErrorCode::OutOfRange)),
        };
        (to_ref(&grid), Some(to_ref(&found)))
    } else {
        (to_ref(&found), None)
    };
    Ok(Json(Location { grid, micro_grid }))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(features))
        .routes(routes!(locate))
}
