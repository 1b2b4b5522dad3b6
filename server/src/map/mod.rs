//! The map's data: features of the hierarchy and case pins within a bounding box, answered
//! from the bounding-box columns (indexed), where a point lies, a grid's figures for the
//! side panel, case counts per grid (choropleth) and binned case counts (heat map), the care
//! layers (counts per micro-grid, never names) and patrols with their tracks.

pub mod patrols;

use crate::accounts::CurrentUser;
use crate::care::store::visit;
use crate::cases::service::{may_see_parts, name_of, summary, visible};
use crate::cases::store::{case, category};
use crate::error::{AppError, AppResult};
use crate::http::ApiPath;
use crate::places::service::{self as places, to_ref};
use crate::places::store::{place, resident, resident_group};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use sea_orm::{
    ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};
use serde::Deserialize;
use serde_json::{Value, json};
use shared::accounts::{Permission, Principal, Scope};
use shared::cases::Stage;
use shared::error::ErrorCode;
use shared::error::{FieldErrorCode, Problem};
use shared::map::{
    CaseCounts, GridFigures, GridSummary, HEAT_CELLS, Heat, Layer, Location, heat_bins, parse_bbox,
};
use shared::places::PlaceKind;
use shared::places::PlaceRef;
use std::collections::HashMap;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Most features one answer carries; a client zoomed out further asks for fewer layers.
const MAX_FEATURES: u64 = 20_000;

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FeatureQuery {
    /// `minLon,minLat,maxLon,maxLat` (WGS-84).
    pub bbox: String,
    /// Comma-separated: communities, grids, micro_grids, buildings, cases.
    pub layers: String,
    /// A box the client already holds (`minLon,minLat,maxLon,maxLat`): places lying wholly
    /// inside it are left out, so a pan fetches only what is new. Case pins always come.
    pub have: Option<String>,
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
#[utoipa::path(get, path = "/map/features", extensions(("x-permission" = json!("view_places"))), tag = "map", params(FeatureQuery),
    responses((status = 200, description = "GeoJSON FeatureCollection; properties: layer, id, code, name, grid_id (places) or number, title, stage, overdue, hazard (cases)",
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
    let have = match q.have.as_deref() {
        Some(h) => Some(
            parse_bbox(h).ok_or_else(|| AppError::field("have", FieldErrorCode::InvalidFormat))?,
        ),
        None => None,
    };
    let conn = &state.db.conn;
    let mut out = Vec::new();
    for layer in layers {
        if let Some(kind) = kind_of_layer(layer) {
            let mut rows = place::Entity::find();
            if let Some(h) = have {
                rows = rows.filter(
                    sea_orm::Condition::any()
                        .add(place::Column::MinLon.lt(h.min_lon))
                        .add(place::Column::MaxLon.gt(h.max_lon))
                        .add(place::Column::MinLat.lt(h.min_lat))
                        .add(place::Column::MaxLat.gt(h.max_lat)),
                );
            }
            let rows = rows
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
            let hazards = hazard_categories(conn).await?;
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
                                   "overdue": s.overdue, "category_id": s.category_id, "grid_id": s.grid_id,
                                   "hazard": hazards.contains(&s.category_id)}}));
            }
        }
    }
    Ok(Json(json!({"type": "FeatureCollection", "features": out})))
}

/// Categories whose cases are hazards (安全隐患): `shared::map::is_hazard_category`.
async fn hazard_categories(
    conn: &impl sea_orm::ConnectionTrait,
) -> AppResult<std::collections::HashSet<i64>> {
    let all = category::Entity::find().all(conn).await?;
    let codes: HashMap<i64, String> = all.iter().map(|c| (c.id, c.code.clone())).collect();
    Ok(all
        .iter()
        .filter(|c| {
            let parent = c.parent_id.and_then(|p| codes.get(&p)).map(String::as_str);
            shared::map::is_hazard_category(&c.code, parent)
        })
        .map(|c| c.id)
        .collect())
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LocateQuery {
    pub lon: f64,
    pub lat: f64,
}

/// The grid, micro-grid and building a point lies in (point-in-polygon on their shapes). A
/// point outside every grid is refused with a field error on `lon`.
#[utoipa::path(get, path = "/map/locate", extensions(("x-permission" = json!("view_places"))), tag = "map", params(LocateQuery),
    responses((status = 200, body = Location), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn locate(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    Query(q): Query<LocateQuery>,
) -> AppResult<Json<Location>> {
    let found = places::locate(&state.db.conn, q.lon, q.lat)
        .await?
        .ok_or_else(|| AppError::field("lon", FieldErrorCode::OutsideGrids))?;
    let (grid, micro_grid) = if places::kind_of(&found) == PlaceKind::MicroGrid {
        let grid = match found.grid_id {
            Some(g) => places::find(&state.db.conn, g).await?,
            None => return Err(AppError::field("lon", FieldErrorCode::OutsideGrids)),
        };
        (to_ref(&grid), Some(to_ref(&found)))
    } else {
        (to_ref(&found), None)
    };
    let building = places::building_at(&state.db.conn, grid.id, q.lon, q.lat)
        .await?
        .map(|b| to_ref(&b));
    Ok(Json(Location {
        grid,
        micro_grid,
        building,
    }))
}

/// Open stages as stored.
fn open_stages() -> Vec<String> {
    Stage::ALL
        .into_iter()
        .filter(|s| s.is_open())
        .map(name_of)
        .collect()
}

/// May this user see every case of the grid (so counts over it reveal nothing new)? The
/// case visibility rule itself, asked for a case of that grid nobody in particular filed.
fn sees_grid_cases(me: &Principal, grid_id: i64) -> bool {
    may_see_parts(me, Some(grid_id), None, None)
}

/// Open and overdue open cases per grid, for the given grids.
async fn case_counts(
    conn: &impl sea_orm::ConnectionTrait,
    grid_ids: &[i64],
) -> AppResult<HashMap<i64, CaseCounts>> {
    let mut out: HashMap<i64, CaseCounts> = HashMap::new();
    if grid_ids.is_empty() {
        return Ok(out);
    }
    let now = time::OffsetDateTime::now_utc();
    for chunk in grid_ids.chunks(500) {
        let rows = case::Entity::find()
            .filter(case::Column::GridId.is_in(chunk.to_vec()))
            .filter(case::Column::Stage.is_in(open_stages()))
            .all(conn)
            .await?;
        for c in rows {
            let Some(g) = c.grid_id else { continue };
            let e = out.entry(g).or_default();
            e.open += 1;
            if summary(&c, now).overdue {
                e.overdue += 1;
            }
        }
    }
    Ok(out)
}

/// One grid for the map's side panel: leaders, micro-grids, building count, and — for those
/// allowed — open and overdue cases and the number of special-group households.
#[utoipa::path(get, path = "/map/grids/{id}/summary", extensions(("x-permission" = json!("view_places"))), tag = "map", params(("id" = i64, Path)),
    responses((status = 200, body = GridSummary), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn grid_summary(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<GridSummary>> {
    let conn = &state.db.conn;
    let m = places::find(conn, id).await?;
    if places::kind_of(&m) != PlaceKind::Grid {
        return Err(AppError::Code(ErrorCode::NotFound));
    }
    let view = places::view(conn, m).await?;
    let micro_grids: Vec<_> = place::Entity::find()
        .filter(place::Column::ParentId.eq(id))
        .filter(place::Column::Kind.eq(PlaceKind::MicroGrid.as_str()))
        .order_by_asc(place::Column::Code)
        .all(conn)
        .await?
        .iter()
        .map(to_ref)
        .collect();
    let buildings = place::Entity::find()
        .filter(place::Column::GridId.eq(id))
        .filter(place::Column::Kind.eq(PlaceKind::Building.as_str()))
        .count(conn)
        .await?;
    let cases = if sees_grid_cases(&me, id) {
        Some(
            case_counts(conn, &[id])
                .await?
                .remove(&id)
                .unwrap_or_default(),
        )
    } else {
        None
    };
    let special_group_households = if me.may_in_grid(Permission::RevealSensitive, Some(id)) {
        let tagged = resident_group::Entity::find()
            .select_only()
            .column(resident_group::Column::ResidentId)
            .into_query();
        let households: Vec<i64> = resident::Entity::find()
            .select_only()
            .column(resident::Column::HouseholdId)
            .distinct()
            .filter(resident::Column::GridId.eq(id))
            .filter(resident::Column::Id.in_subquery(tagged))
            .into_tuple()
            .all(conn)
            .await?;
        Some(households.len() as u64)
    } else {
        None
    };
    let visits_this_month = if me.may_in_grid(Permission::RevealSensitive, Some(id)) {
        Some(
            visit::Entity::find()
                .filter(visit::Column::GridId.eq(id))
                .filter(visit::Column::VisitedAt.gte(month_start().0))
                .count(conn)
                .await?,
        )
    } else {
        None
    };
    Ok(Json(GridSummary {
        grid: PlaceRef {
            id: view.id,
            kind: view.kind,
            code: view.code,
            name: view.name,
        },
        path: view.path,
        leaders: view.leaders,
        micro_grids,
        buildings,
        cases,
        special_group_households,
        visits_this_month,
        version: view.version,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoxQuery {
    /// `minLon,minLat,maxLon,maxLat` (WGS-84).
    pub bbox: String,
}

/// Open and overdue cases of each grid meeting the box, for the choropleth: only grids whose
/// every case the user may see (the office all, a grid worker theirs).
#[utoipa::path(get, path = "/map/figures", extensions(("x-permission" = json!("view_places"))), tag = "map", params(BoxQuery),
    responses((status = 200, body = Vec<GridFigures>), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn figures(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<BoxQuery>,
) -> AppResult<Json<Vec<GridFigures>>> {
    let bbox = parse_bbox(&q.bbox)
        .ok_or_else(|| AppError::field("bbox", FieldErrorCode::InvalidFormat))?;
    let conn = &state.db.conn;
    let ids: Vec<i64> = place::Entity::find()
        .select_only()
        .column(place::Column::Id)
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .filter(place::Column::MinLon.lte(bbox.max_lon))
        .filter(place::Column::MaxLon.gte(bbox.min_lon))
        .filter(place::Column::MinLat.lte(bbox.max_lat))
        .filter(place::Column::MaxLat.gte(bbox.min_lat))
        .order_by_asc(place::Column::Id)
        .into_tuple()
        .all(conn)
        .await?;
    let ids: Vec<i64> = ids
        .into_iter()
        .filter(|g| sees_grid_cases(&me, *g))
        .collect();
    let counts = case_counts(conn, &ids).await?;
    Ok(Json(
        ids.into_iter()
            .map(|g| {
                let c = counts.get(&g).copied().unwrap_or_default();
                GridFigures {
                    grid_id: g,
                    open: c.open,
                    overdue: c.overdue,
                }
            })
            .collect(),
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeatQuery {
    /// `minLon,minLat,maxLon,maxLat` (WGS-84).
    pub bbox: String,
    /// First day reported, `YYYY-MM-DD` (Asia/Shanghai), inclusive.
    pub from: String,
    /// Last day reported, `YYYY-MM-DD` (Asia/Shanghai), inclusive.
    pub to: String,
}

/// Midnight in Shanghai of a `YYYY-MM-DD` day, as UTC.
fn shanghai_day(s: &str) -> Option<time::OffsetDateTime> {
    let date = shared::calendar::parse_day(s)?;
    let offset = shared::calendar::SHANGHAI;
    // In UTC: SQLite compares stored times as text, so every bound must be in UTC too.
    Some(
        date.midnight()
            .assume_offset(offset)
            .to_offset(time::UtcOffset::UTC),
    )
}

/// Cases reported within the days `from` … `to` (every stage, the ones the user may see),
/// counted on a grid of cells over the box.
#[utoipa::path(get, path = "/map/heat", extensions(("x-permission" = json!("view_places"))), tag = "map", params(HeatQuery),
    responses((status = 200, body = Heat), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn heat(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<HeatQuery>,
) -> AppResult<Json<Heat>> {
    let bbox = parse_bbox(&q.bbox)
        .ok_or_else(|| AppError::field("bbox", FieldErrorCode::InvalidFormat))?;
    let from = shanghai_day(&q.from)
        .ok_or_else(|| AppError::field("from", FieldErrorCode::InvalidFormat))?;
    let to = shanghai_day(&q.to)
        .ok_or_else(|| AppError::field("to", FieldErrorCode::InvalidFormat))?
        + time::Duration::days(1);
    if to <= from || to - from > time::Duration::days(366) {
        return Err(AppError::field("to", FieldErrorCode::OutOfRange));
    }
    let points: Vec<(Option<f64>, Option<f64>)> = case::Entity::find()
        .select_only()
        .column(case::Column::Lon)
        .column(case::Column::Lat)
        .filter(visible(&me))
        .filter(case::Column::CreatedAt.gte(from))
        .filter(case::Column::CreatedAt.lt(to))
        .filter(case::Column::Lon.between(bbox.min_lon, bbox.max_lon))
        .filter(case::Column::Lat.between(bbox.min_lat, bbox.max_lat))
        .limit(200_000)
        .into_tuple()
        .all(&state.db.conn)
        .await?;
    let points: Vec<(f64, f64)> = points
        .into_iter()
        .filter_map(|(a, b)| Some((a?, b?)))
        .collect();
    Ok(Json(heat_bins(bbox, &points, HEAT_CELLS)))
}

/// The first moment of this month in Shanghai (as UTC) and the month as `YYYY-MM`.
fn month_start() -> (time::OffsetDateTime, String) {
    let offset = shared::calendar::SHANGHAI;
    let now = time::OffsetDateTime::now_utc().to_offset(offset);
    let first = now
        .date()
        .replace_day(1)
        .expect("every month has a first day");
    (
        first
            .midnight()
            .assume_offset(offset)
            .to_offset(time::UtcOffset::UTC),
        format!("{}-{:02}", now.year(), now.month() as u8),
    )
}

/// The care layers over a box: households with someone in a special group and care visits
/// made this month, counted per micro-grid (a grid for people directly in it) — never names.
/// Only for those who may see special groups (the office everywhere, grid workers in their
/// grids; others 403), like `/care/groups`.
#[utoipa::path(get, path = "/map/care", extensions(("x-permission" = json!("view_people"))), tag = "map", params(BoxQuery),
    responses((status = 200, body = shared::map::CareOverlay), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn care_overlay(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<BoxQuery>,
) -> AppResult<Json<shared::map::CareOverlay>> {
    let bbox = parse_bbox(&q.bbox)
        .ok_or_else(|| AppError::field("bbox", FieldErrorCode::InvalidFormat))?;
    let scope = me.scope(Permission::RevealSensitive);
    if scope == Scope::None {
        return Err(AppError::Code(ErrorCode::Forbidden));
    }
    let conn = &state.db.conn;
    let grids: Vec<i64> = place::Entity::find()
        .select_only()
        .column(place::Column::Id)
        .filter(place::Column::Kind.eq(PlaceKind::Grid.as_str()))
        .filter(place::Column::MinLon.lte(bbox.max_lon))
        .filter(place::Column::MaxLon.gte(bbox.min_lon))
        .filter(place::Column::MinLat.lte(bbox.max_lat))
        .filter(place::Column::MaxLat.gte(bbox.min_lat))
        .into_tuple()
        .all(conn)
        .await?;
    let grids: Vec<i64> = grids
        .into_iter()
        .filter(|g| me.may_in_grid(Permission::RevealSensitive, Some(*g)))
        .collect();
    let (from, month) = month_start();
    let mut special: HashMap<i64, u64> = HashMap::new();
    let mut visits: HashMap<i64, u64> = HashMap::new();
    for chunk in grids.chunks(50) {
        let chunk = chunk.to_vec();
        // household → building → micro-grid, resolved once per place.
        let places: Vec<(i64, String, Option<i64>)> = place::Entity::find()
            .select_only()
            .column(place::Column::Id)
            .column(place::Column::Kind)
            .column(place::Column::ParentId)
            .filter(place::Column::GridId.is_in(chunk.clone()))
            .into_tuple()
            .all(conn)
            .await?;
        let by_id: HashMap<i64, (&str, Option<i64>)> = places
            .iter()
            .map(|(id, k, p)| (*id, (k.as_str(), *p)))
            .collect();
        let area_of = |start: i64| -> Option<i64> {
            let mut next = Some(start);
            while let Some(id) = next {
                let (kind, parent) = by_id.get(&id)?;
                if *kind == PlaceKind::MicroGrid.as_str() || *kind == PlaceKind::Grid.as_str() {
                    return Some(id);
                }
                next = *parent;
            }
            None
        };
        let residents: HashMap<i64, i64> = resident::Entity::find()
            .select_only()
            .column(resident::Column::Id)
            .column(resident::Column::HouseholdId)
            .filter(resident::Column::GridId.is_in(chunk.clone()))
            .into_tuple::<(i64, i64)>()
            .all(conn)
            .await?
            .into_iter()
            .collect();
        let tagged = resident_group::Entity::find()
            .select_only()
            .column(resident_group::Column::ResidentId)
            .into_query();
        let households: Vec<i64> = resident::Entity::find()
            .select_only()
            .column(resident::Column::HouseholdId)
            .distinct()
            .filter(resident::Column::GridId.is_in(chunk.clone()))
            .filter(resident::Column::Id.in_subquery(tagged))
            .into_tuple()
            .all(conn)
            .await?;
        for h in households {
            if let Some(a) = area_of(h) {
                *special.entry(a).or_default() += 1;
            }
        }
        let visited: Vec<(i64, i64)> = visit::Entity::find()
            .select_only()
            .column(visit::Column::ResidentId)
            .column(visit::Column::GridId)
            .filter(visit::Column::GridId.is_in(chunk))
            .filter(visit::Column::VisitedAt.gte(from))
            .into_tuple()
            .all(conn)
            .await?;
        for (r, g) in visited {
            let a = residents.get(&r).and_then(|h| area_of(*h)).unwrap_or(g);
            *visits.entry(a).or_default() += 1;
        }
    }
    let list = |m: HashMap<i64, u64>| {
        let mut v: Vec<shared::map::PlaceCount> = m
            .into_iter()
            .map(|(place_id, count)| shared::map::PlaceCount { place_id, count })
            .collect();
        v.sort_by_key(|c| c.place_id);
        v
    };
    Ok(Json(shared::map::CareOverlay {
        month,
        special_households: list(special),
        visits: list(visits),
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PatrolQuery {
    /// `YYYY-MM-DD` (Asia/Shanghai); today when left out.
    pub day: Option<String>,
    pub grid_id: Option<i64>,
}

/// Patrols started on a day with their tracks: the office sees all, a grid worker those of
/// their grids and their own; others none (403).
#[utoipa::path(get, path = "/map/patrols", extensions(("x-permission" = json!("patrol"))), tag = "map", params(PatrolQuery),
    responses((status = 200, body = Vec<shared::map::Patrol>), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list_patrols(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<PatrolQuery>,
) -> AppResult<Json<Vec<shared::map::Patrol>>> {
    let from = match q.day.as_deref() {
        Some(d) => {
            shanghai_day(d).ok_or_else(|| AppError::field("day", FieldErrorCode::InvalidFormat))?
        }
        None => {
            let offset = shared::calendar::SHANGHAI;
            time::OffsetDateTime::now_utc()
                .to_offset(offset)
                .date()
                .midnight()
                .assume_offset(offset)
                .to_offset(time::UtcOffset::UTC)
        }
    };
    Ok(Json(
        patrols::of_day(&state.db.conn, &me, from, q.grid_id).await?,
    ))
}

/// Start a patrol of a grid (grid workers in their grids, the office anywhere).
#[utoipa::path(post, path = "/map/patrols", extensions(("x-permission" = json!("patrol"))), tag = "map", request_body = shared::map::StartPatrol,
    responses((status = 201, body = shared::map::Patrol), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn start_patrol(
    State(state): State<AppState>,
    ctx: crate::http::RequestCtx,
    CurrentUser(me): CurrentUser,
    crate::http::ApiJson(req): crate::http::ApiJson<shared::map::StartPatrol>,
) -> AppResult<(axum::http::StatusCode, Json<shared::map::Patrol>)> {
    Ok((
        axum::http::StatusCode::CREATED,
        Json(patrols::start(&state, &me, &ctx, req).await?),
    ))
}

/// Add a batch of track points to one's own patrol under way (at most
/// `shared::map::PATROL_BATCH_MAX`, in time order, near the grid).
#[utoipa::path(post, path = "/map/patrols/{id}/points", extensions(("x-permission" = json!("patrol"))), tag = "map", params(("id" = i64, Path)),
    request_body = shared::map::AddTrackPoints,
    responses((status = 200, body = shared::map::Patrol), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_patrol_points(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::ApiJson(req): crate::http::ApiJson<shared::map::AddTrackPoints>,
) -> AppResult<Json<shared::map::Patrol>> {
    Ok(Json(patrols::add_points(&state, &me, id, req).await?))
}

/// End one's own patrol (versioned).
#[utoipa::path(post, path = "/map/patrols/{id}/end", extensions(("x-permission" = json!("patrol"))), tag = "map", params(("id" = i64, Path)),
    request_body = shared::map::EndPatrol,
    responses((status = 200, body = shared::map::Patrol), (status = 401, body = Problem),
              (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
async fn end_patrol(
    State(state): State<AppState>,
    ctx: crate::http::RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::ApiJson(req): crate::http::ApiJson<shared::map::EndPatrol>,
) -> AppResult<Json<shared::map::Patrol>> {
    Ok(Json(patrols::end(&state, &me, &ctx, id, req).await?))
}

/// How the map screen is set up: the optional raster tile layer (off unless configured).
#[utoipa::path(get, path = "/map/config", extensions(("x-permission" = json!("view_places"))), tag = "map",
    responses((status = 200, body = shared::map::MapConfig), (status = 401, body = Problem)))]
async fn map_config(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> Json<shared::map::MapConfig> {
    Json(shared::map::MapConfig {
        tiles: state.config.map_tiles.clone(),
    })
}

/// Cut a micro-grid in two along a line across it (admins; one transaction). Its buildings
/// go with the part that holds them; both parts are checked like any edit.
#[utoipa::path(post, path = "/map/places/{id}/split", extensions(("x-permission" = json!("edit_places"))), tag = "map", params(("id" = i64, Path)), request_body = shared::map::SplitPlace,
    responses((status = 200, description = "The place and the new one", body = Vec<shared::places::PlaceView>),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn split(
    State(state): State<AppState>,
    ctx: crate::http::RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::ApiJson(req): crate::http::ApiJson<shared::map::SplitPlace>,
) -> AppResult<Json<Vec<shared::places::PlaceView>>> {
    Ok(Json(places::split(&state, &me, &ctx, id, req).await?))
}

/// Join a neighbouring sibling micro-grid into this one (admins; one transaction); the two
/// must share an edge. The other's buildings and cases move here and it is deleted.
#[utoipa::path(post, path = "/map/places/{id}/merge", extensions(("x-permission" = json!("edit_places"))), tag = "map", params(("id" = i64, Path)), request_body = shared::map::MergePlaces,
    responses((status = 200, body = shared::places::PlaceView),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn merge(
    State(state): State<AppState>,
    ctx: crate::http::RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    crate::http::ApiJson(req): crate::http::ApiJson<shared::map::MergePlaces>,
) -> AppResult<Json<shared::places::PlaceView>> {
    Ok(Json(places::merge(&state, &me, &ctx, id, req).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(features))
        .routes(routes!(locate))
        .routes(routes!(grid_summary))
        .routes(routes!(figures))
        .routes(routes!(heat))
        .routes(routes!(map_config))
        .routes(routes!(split))
        .routes(routes!(merge))
        .routes(routes!(care_overlay))
        .routes(routes!(list_patrols, start_patrol))
        .routes(routes!(add_patrol_points))
        .routes(routes!(end_patrol))
}
