//! HTTP routes of 代办.

use super::service;
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use shared::error::Problem;
use shared::proxy::{ActFor, NoticesSeen, ProxyActionView};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Act on a resident's behalf, in their presence (代办): file a report, support an item, cast
/// a vote, write to the secretary or ask for an errand, with how the resident confirmed.
/// The office for anyone, a grid worker for the residents of their grids (others: 422
/// `resident_id`). A vote follows the ballot's rules: refused when it takes no proxy votes
/// (422 `proxy_not_allowed`) and when the resident's vote is already cast (409
/// `vote_cast_by_other`). Recorded, audited, and shown to the resident when they next sign in.
#[utoipa::path(post, path = "/proxy/actions", extensions(("x-permission" = json!("act_for_residents"))), tag = "proxy", request_body = ActFor,
    responses((status = 201, body = ProxyActionView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn act_for(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<ActFor>,
) -> AppResult<(StatusCode, Json<ProxyActionView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::act_for(&state, &me, &ctx, req).await?),
    ))
}

/// What was done on a resident's behalf, newest first (those who may act for them).
#[utoipa::path(get, path = "/proxy/residents/{id}/actions", extensions(("x-permission" = json!("act_for_residents"))), tag = "proxy", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ProxyActionView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn for_resident(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<ProxyActionView>>> {
    Ok(Json(service::for_resident(&state.db.conn, &me, id).await?))
}

/// What was done on the signed-in resident's behalf that they have not read yet ("网格员 …
/// 于 … 代您 …"); empty for an account not verified as a resident.
#[utoipa::path(get, path = "/me/proxy-notices", extensions(("x-permission" = json!("own_account"))), tag = "proxy",
    responses((status = 200, body = Vec<ProxyActionView>), (status = 401, body = Problem)))]
async fn notices(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<ProxyActionView>>> {
    Ok(Json(service::notices(&state.db.conn, &me).await?))
}

/// The signed-in resident has read these notices.
#[utoipa::path(post, path = "/me/proxy-notices/seen", extensions(("x-permission" = json!("own_account"))), tag = "proxy", request_body = NoticesSeen,
    responses((status = 204), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn seen(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<NoticesSeen>,
) -> AppResult<StatusCode> {
    service::mark_seen(&state, &me, &req.ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(act_for))
        .routes(routes!(for_resident))
        .routes(routes!(notices))
        .routes(routes!(seen))
}
