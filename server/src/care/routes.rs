//! HTTP routes of the care area. Care records of special-group residents are sensitive: the
//! service lets only their carers read them and audit-logs every full read.

use super::service;
use crate::AppState;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::care::{
    CareRecord, ErrandInput, ErrandMove, ErrandStatus, ErrandView, GroupCount, PairingInput,
    PairingUpdate, PairingView, VisitInput, VisitIntervals, VisitView,
};
use shared::error::Problem;
use utoipa_axum::{router::OpenApiRouter, routes};

/// Pair a special-group resident with a helper (staff; grid workers in their grids).
#[utoipa::path(post, path = "/care/pairings", tag = "care", request_body = PairingInput,
    responses((status = 201, body = PairingView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create_pairing(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<PairingInput>,
) -> AppResult<(StatusCode, Json<PairingView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create_pairing(&state, &me, &ctx, req).await?),
    ))
}

/// End a pairing or change its risk level (versioned).
#[utoipa::path(put, path = "/care/pairings/{id}", tag = "care", params(("id" = i64, Path)), request_body = PairingUpdate,
    responses((status = 200, body = PairingView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn update_pairing(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<PairingUpdate>,
) -> AppResult<Json<PairingView>> {
    Ok(Json(service::update_pairing(&state, &me, id, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct DueQuery {
    /// Only the residents I am the helper of.
    #[serde(default)]
    pub mine: bool,
}

/// Due visits: overdue first, then soonest due (audit-logged).
#[utoipa::path(get, path = "/care/due", tag = "care", params(DueQuery),
    responses((status = 200, body = Vec<PairingView>), (status = 401, body = Problem)))]
async fn due(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<DueQuery>,
) -> AppResult<Json<Vec<PairingView>>> {
    Ok(Json(service::due_visits(&state, &me, &ctx, q.mine).await?))
}

/// Record a visit; a need found becomes an errand or a case in the same step.
#[utoipa::path(post, path = "/care/visits", tag = "care", request_body = VisitInput,
    responses((status = 201, body = VisitView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn record_visit(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<VisitInput>,
) -> AppResult<(StatusCode, Json<VisitView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::record_visit(&state, &me, &ctx, req).await?),
    ))
}

/// A resident's care record: pairings, visits, errands (carers only; audit-logged).
#[utoipa::path(get, path = "/care/residents/{id}", tag = "care", params(("id" = i64, Path)),
    responses((status = 200, body = CareRecord), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn care_record(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CareRecord>> {
    Ok(Json(service::care_record(&state, &me, &ctx, id).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct ErrandQuery {
    pub status: Option<ErrandStatus>,
}

/// Errands I may see: my own, those I run, and my grids'.
#[utoipa::path(get, path = "/care/errands", tag = "care", params(ErrandQuery),
    responses((status = 200, body = Vec<ErrandView>), (status = 401, body = Problem)))]
async fn list_errands(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ErrandQuery>,
) -> AppResult<Json<Vec<ErrandView>>> {
    Ok(Json(
        service::list_errands(&state.db.conn, &me, q.status).await?,
    ))
}

/// Ask for an errand (residents for themselves, carers for those they care for).
#[utoipa::path(post, path = "/care/errands", tag = "care", request_body = ErrandInput,
    responses((status = 201, body = ErrandView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn request_errand(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<ErrandInput>,
) -> AppResult<(StatusCode, Json<ErrandView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::request_errand(&state, &me, req).await?),
    ))
}

/// Take, complete (receipt, amount), confirm or cancel an errand (versioned).
#[utoipa::path(post, path = "/care/errands/{id}/moves", tag = "care", params(("id" = i64, Path)), request_body = ErrandMove,
    responses((status = 200, body = ErrandView), (status = 401, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn move_errand(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<ErrandMove>,
) -> AppResult<Json<ErrandView>> {
    Ok(Json(service::move_errand(&state, &me, id, req).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct GroupQuery {
    pub grid_id: Option<i64>,
}

/// Special-group residents per micro-grid: counts, never names.
#[utoipa::path(get, path = "/care/groups", tag = "care", params(GroupQuery),
    responses((status = 200, body = Vec<GroupCount>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn groups(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<GroupQuery>,
) -> AppResult<Json<Vec<GroupCount>>> {
    Ok(Json(
        service::group_counts(&state.db.conn, &me, q.grid_id).await?,
    ))
}

/// Visit intervals per risk level.
#[utoipa::path(get, path = "/care/intervals", tag = "care",
    responses((status = 200, body = VisitIntervals), (status = 401, body = Problem)))]
async fn get_intervals(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<VisitIntervals>> {
    Ok(Json(service::intervals(&state.db.conn).await?))
}

/// Change the visit intervals (admins; versioned).
#[utoipa::path(put, path = "/care/intervals", tag = "care", request_body = VisitIntervals,
    responses((status = 200, body = VisitIntervals), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_intervals(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<VisitIntervals>,
) -> AppResult<Json<VisitIntervals>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageUsers)?;
    Ok(Json(service::set_intervals(&state, req).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_pairing))
        .routes(routes!(update_pairing))
        .routes(routes!(due))
        .routes(routes!(record_visit))
        .routes(routes!(care_record))
        .routes(routes!(list_errands, request_errand))
        .routes(routes!(move_errand))
        .routes(routes!(groups))
        .routes(routes!(get_intervals, put_intervals))
}
