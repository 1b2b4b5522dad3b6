//! HTTP routes of the places area.

use super::{residents, roster, service, transfer};
use crate::accounts::CurrentUser;
use crate::error::AppError;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::extract::{Query, State};
use axum::http::{StatusCode, header};
use axum::response::IntoResponse;
use serde::Deserialize;
use shared::Page;
use shared::error::ErrorCode;
use shared::error::Problem;
use shared::places::{
    CreatePlace, ImportReport, PlaceRefWithPath, PlaceSummary, PlaceView, ResidentInput,
    ResidentSensitive, ResidentView, RevealRequest, SearchResults, UpdatePlace,
};
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParam {
    /// The version the client last saw.
    pub version: i64,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ResidentQuery {
    /// Part of a name.
    pub q: Option<String>,
    /// Only residents living under this place (any level).
    pub place_id: Option<i64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SearchQuery {
    /// Name, address or code.
    pub q: String,
}

/// The top of the hierarchy: streets.
#[utoipa::path(get, path = "/places", extensions(("x-permission" = json!("view_places"))), tag = "places",
    responses((status = 200, body = Vec<PlaceSummary>), (status = 401, body = Problem)))]
async fn roots(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<PlaceSummary>>> {
    Ok(Json(service::roots(&state.db.conn, &me).await?))
}

/// Every grid with its location, for pickers (grids are public structure).
#[utoipa::path(get, path = "/grids", extensions(("x-permission" = json!("view_places"))), tag = "places",
    responses((status = 200, body = Vec<PlaceRefWithPath>), (status = 401, body = Problem)))]
async fn grids(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<Vec<PlaceRefWithPath>>> {
    Ok(Json(service::grids(&state.db.conn).await?))
}

/// Create a place under its parent. Streets to buildings: admins; households: people editors of that grid.
#[utoipa::path(post, path = "/places", extensions(("x-permission" = json!("edit_places"))), tag = "places", request_body = CreatePlace,
    responses((status = 201, body = PlaceView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreatePlace>,
) -> AppResult<(StatusCode, Json<PlaceView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&state, &me, &ctx, req).await?),
    ))
}

/// One place with its breadcrumb path, leaders and geometry.
#[utoipa::path(get, path = "/places/{id}", extensions(("x-permission" = json!("view_places"))), tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = PlaceView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<PlaceView>> {
    Ok(Json(service::get(&state.db.conn, &me, id).await?))
}

/// Change a place; `version` must be the one last read (409 otherwise, with the current record).
#[utoipa::path(put, path = "/places/{id}", extensions(("x-permission" = json!("edit_places"))), tag = "places", params(("id" = i64, Path)), request_body = UpdatePlace,
    responses((status = 200, body = PlaceView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<UpdatePlace>,
) -> AppResult<Json<PlaceView>> {
    Ok(Json(service::update(&state, &me, &ctx, id, req).await?))
}

/// Put back the outline the place had before its last change of shape (grids and
/// micro-grids; checked again like any edit). `version` is the place's current version.
#[utoipa::path(post, path = "/places/{id}/geometry/undo", extensions(("x-permission" = json!("edit_places"))), tag = "places", params(("id" = i64, Path)), request_body = shared::map::UndoGeometry,
    responses((status = 200, body = PlaceView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, description = "Nothing to undo, or the old outline no longer fits", body = Problem)))]
async fn undo_geometry(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<shared::map::UndoGeometry>,
) -> AppResult<Json<PlaceView>> {
    Ok(Json(
        service::undo_geometry(&state, &me, &ctx, id, req.version).await?,
    ))
}

/// Delete an empty place (no children, no residents).
#[utoipa::path(delete, path = "/places/{id}", extensions(("x-permission" = json!("edit_places"))), tag = "places", params(("id" = i64, Path), VersionParam),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, description = "Stale version, or the place still has children or residents", body = Problem)))]
async fn delete(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(v): Query<VersionParam>,
) -> AppResult<StatusCode> {
    service::delete(&state, &me, &ctx, id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The places one level down. A building's children are households: people's data.
#[utoipa::path(get, path = "/places/{id}/children", extensions(("x-permission" = json!("view_places"))), tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<PlaceSummary>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn children(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<PlaceSummary>>> {
    Ok(Json(service::children(&state.db.conn, &me, id).await?))
}

/// The residents of one household (masked).
#[utoipa::path(get, path = "/places/{id}/residents", extensions(("x-permission" = json!("view_people"))), tag = "places", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ResidentView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn household_residents(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<ResidentView>>> {
    Ok(Json(
        residents::of_household(&state.db.conn, &me, id).await?,
    ))
}

/// Search the hierarchy by name, address or code, and residents by name (within scope).
#[utoipa::path(get, path = "/search", extensions(("x-permission" = json!("view_places"))), tag = "places", params(SearchQuery),
    responses((status = 200, body = SearchResults), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn search(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<SearchQuery>,
) -> AppResult<Json<SearchResults>> {
    Ok(Json(residents::search(&state.db.conn, &me, &q.q).await?))
}

/// Residents in the user's scope, optionally under a place and matching a name.
#[utoipa::path(get, path = "/residents", extensions(("x-permission" = json!("view_people"))), tag = "residents", params(ResidentQuery),
    responses((status = 200, body = Page<ResidentView>), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 404, description = "No such place (`place_id`)", body = Problem)))]
async fn list_residents(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ResidentQuery>,
) -> AppResult<Json<Page<ResidentView>>> {
    Ok(Json(
        residents::list(
            &state.db.conn,
            &me,
            q.q.as_deref(),
            q.place_id,
            q.offset,
            q.limit,
        )
        .await?,
    ))
}

/// Register a resident in a household.
#[utoipa::path(post, path = "/residents", extensions(("x-permission" = json!("edit_people"))), tag = "residents", request_body = ResidentInput,
    responses((status = 201, body = ResidentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_resident(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<ResidentInput>,
) -> AppResult<(StatusCode, Json<ResidentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(residents::create(&state, &me, &ctx, req).await?),
    ))
}

/// One resident (masked).
#[utoipa::path(get, path = "/residents/{id}", extensions(("x-permission" = json!("view_people"))), tag = "residents", params(("id" = i64, Path)),
    responses((status = 200, body = ResidentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get_resident(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ResidentView>> {
    Ok(Json(residents::get(&state.db.conn, &me, id).await?))
}

/// Change a resident; `version` is required.
#[utoipa::path(put, path = "/residents/{id}", extensions(("x-permission" = json!("edit_people"))), tag = "residents", params(("id" = i64, Path)), request_body = ResidentInput,
    responses((status = 200, body = ResidentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn update_resident(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ResidentInput>,
) -> AppResult<Json<ResidentView>> {
    Ok(Json(residents::update(&state, &me, &ctx, id, req).await?))
}

/// Remove a resident from the registry.
#[utoipa::path(delete, path = "/residents/{id}", extensions(("x-permission" = json!("edit_people"))), tag = "residents", params(("id" = i64, Path), VersionParam),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn delete_resident(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    Query(v): Query<VersionParam>,
) -> AppResult<StatusCode> {
    residents::delete(&state, &me, &ctx, id, v.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The full record: identity number, phone, special groups with the purpose each was set
/// for. The caller states why they read it (`purpose`, and words with `other`); every call is
/// audit-logged with that purpose. A POST: it writes the audit entry, and the purpose never
/// lands in URLs, logs or browser history. A missing purpose is a 422 (`validation_failed`,
/// field `purpose`) and reads nothing.
#[utoipa::path(post, path = "/residents/{id}/reveal", extensions(("x-permission" = json!("reveal_sensitive"))), tag = "residents", params(("id" = i64, Path)), request_body = RevealRequest,
    responses((status = 200, body = ResidentSensitive), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn reveal(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<RevealRequest>,
) -> AppResult<(
    [(axum::http::HeaderName, &'static str); 1],
    Json<ResidentSensitive>,
)> {
    let out = residents::reveal(&state, &me, &ctx, id, &req).await?;
    Ok(([(axum::http::header::CACHE_CONTROL, "no-store")], Json(out)))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ImportParams {
    /// Check every row and report, but write nothing.
    #[serde(default)]
    pub dry_run: bool,
}

/// The whole hierarchy with geometry as a GeoJSON FeatureCollection (admin; audited).
#[utoipa::path(get, path = "/places/export", extensions(("x-permission" = json!("bulk_data"))), tag = "places",
    responses((status = 200, description = "GeoJSON FeatureCollection; properties: kind, code, name, parent_code, address, leaders",
               content_type = "application/geo+json", body = Object),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn export_places(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
) -> AppResult<impl IntoResponse> {
    let doc = transfer::export_places(&state, &me, &ctx).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "application/geo+json"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"linju-places.geojson\"",
            ),
        ],
        doc.to_string(),
    ))
}

/// Import places from a GeoJSON FeatureCollection: new codes are created under `parent_code`,
/// known codes updated. All rows are checked; nothing is written unless every row is accepted.
#[utoipa::path(post, path = "/places/import", extensions(("x-permission" = json!("bulk_data"))), tag = "places", params(ImportParams),
    request_body(content = Object, content_type = "application/geo+json"),
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn import_places(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(p): Query<ImportParams>,
    ApiJson(doc): ApiJson<serde_json::Value>,
) -> AppResult<Json<ImportReport>> {
    Ok(Json(
        transfer::import_places(&state, &me, &ctx, doc, p.dry_run).await?,
    ))
}

/// All residents as CSV with full identity numbers and phones (admin; audited bulk read).
#[utoipa::path(get, path = "/residents/export", extensions(("x-permission" = json!("bulk_data"))), tag = "residents",
    responses((status = 200, description = "CSV: household_code,name,id_number,phone,special_groups", content_type = "text/csv", body = String),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn export_residents(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
) -> AppResult<impl IntoResponse> {
    let csv = transfer::export_residents(&state, &me, &ctx).await?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"linju-residents.csv\"",
            ),
            (header::CACHE_CONTROL, "no-store"),
        ],
        csv,
    ))
}

/// Import new residents from CSV (the export's columns) or from an Excel workbook (.xlsx: the
/// first sheet with a heading row; Chinese headings such as 户编码, 姓名, 身份证号, 联系电话 and
/// 特殊群体 are recognised). Nothing is written unless every row is accepted.
#[utoipa::path(post, path = "/residents/import", extensions(("x-permission" = json!("bulk_data"))), tag = "residents", params(ImportParams),
    request_body(content(
        (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    )),
    responses((status = 200, body = ImportReport), (status = 401, body = Problem), (status = 403, body = Problem),
              (status = 415, body = Problem), (status = 422, body = Problem)))]
async fn import_residents(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(p): Query<ImportParams>,
    headers: axum::http::HeaderMap,
    body: axum::body::Bytes,
) -> AppResult<Json<ImportReport>> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.to_ascii_lowercase())
        .unwrap_or_default();
    let roster = if media.starts_with("text/csv") {
        roster::from_csv(&body)?
    } else if media.starts_with(shared::places::XLSX_MEDIA_TYPE) {
        roster::from_xlsx(&body)?
    } else {
        return Err(AppError::Code(ErrorCode::UnsupportedMediaType));
    };
    Ok(Json(
        transfer::import_residents(&state, &me, &ctx, roster, p.dry_run).await?,
    ))
}

/// Bulk imports may be larger than ordinary requests.
const IMPORT_LIMIT: usize = 64 * 1024 * 1024;

pub fn router() -> OpenApiRouter<AppState> {
    let transfers = OpenApiRouter::new()
        .routes(routes!(export_places))
        .routes(routes!(import_places))
        .routes(routes!(export_residents))
        .routes(routes!(import_residents))
        .layer(DefaultBodyLimit::max(IMPORT_LIMIT));
    OpenApiRouter::new()
        .merge(transfers)
        .routes(routes!(roots, create))
        .routes(routes!(grids))
        .routes(routes!(get, update, delete))
        .routes(routes!(undo_geometry))
        .routes(routes!(children))
        .routes(routes!(household_residents))
        .routes(routes!(search))
        .routes(routes!(list_residents, create_resident))
        .routes(routes!(get_resident, update_resident, delete_resident))
        .routes(routes!(reveal))
}
