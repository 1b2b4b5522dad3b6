//! HTTP routes of the board: the board itself, reordering, and the live stream (SSE).

use super::service::{self, BoardFilter};
use crate::accounts::CurrentUser;
use crate::cases::live::Change;
use crate::cases::service::may_see_parts;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath};
use crate::live_stream::LiveChange;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::sse::{Event, Sse};
use futures::Stream;
use serde::Deserialize;
use shared::accounts::Principal;
use shared::board::{Board, Card, Undo, WipLimit};
use shared::cases::CaseView;
use shared::cases::{Reorder, Source};
use shared::error::Problem;
use std::convert::Infallible;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BoardQuery {
    pub grid_id: Option<i64>,
    pub category_id: Option<i64>,
    pub assignee_id: Option<i64>,
    pub source: Option<Source>,
    #[serde(default)]
    pub overdue: bool,
    /// Only cases with this mark: `yellow` (黄牌, warned) or `red` (红牌, overdue or escalated).
    pub mark: Option<shared::supervision::Mark>,
    /// Part of the title or number.
    pub q: Option<String>,
}

/// The status board: a column per stage with cards in order, and the header figures.
#[utoipa::path(get, path = "/board", extensions(("x-permission" = json!("work_cases"))), tag = "board", params(BoardQuery),
    responses((status = 200, body = Board), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn board(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<BoardQuery>,
) -> AppResult<Json<Board>> {
    crate::accounts::require(&me, shared::accounts::Permission::WorkCases)?;
    let f = BoardFilter {
        grid_id: q.grid_id,
        category_id: q.category_id,
        assignee_id: q.assignee_id,
        source: q.source,
        overdue: q.overdue,
        mark: q.mark,
        q: q.q,
    };
    Ok(Json(service::board(&state.db.conn, &me, &f).await?))
}

/// Move a card within its column (between `after_id` and `before_id`).
#[utoipa::path(post, path = "/cases/{id}/rank", extensions(("x-permission" = json!("work_cases"))), tag = "board", params(("id" = i64, Path)), request_body = Reorder,
    responses((status = 200, body = Card), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
async fn reorder(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Reorder>,
) -> AppResult<Json<Card>> {
    Ok(Json(service::reorder(&state, &me, id, r).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Resume after this change (the board's `cursor`); `Last-Event-ID` does the same.
    pub since: Option<i64>,
}

impl LiveChange for Change {
    fn cursor(&self) -> i64 {
        self.public.id
    }
    fn visible_to(&self, me: &Principal) -> bool {
        may_see_parts(me, self.grid_id, self.reporter_id, self.assignee_id)
    }
    fn event(&self) -> Event {
        Event::default()
            .event("case")
            .id(self.public.id.to_string())
            .json_data(&self.public)
            .unwrap_or_else(|_| Event::default().comment("unencodable"))
    }
}

/// Changes to the cases the user may see, as server-sent events (`event: case`, JSON
/// `LiveChange`). Given `since` or `Last-Event-ID`, missed changes are sent first. An
/// `event: resync` asks the client to reload the board (it fell too far behind). Each
/// connection ends after a few minutes and the browser reconnects (see `live_stream`).
#[utoipa::path(get, path = "/live", extensions(("x-permission" = json!("work_cases"))), tag = "board", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of LiveChange", content_type = "text/event-stream", body = shared::board::LiveChange),
              (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn live(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    crate::accounts::require(&me, shared::accounts::Permission::WorkCases)?;
    Ok(state.live.stream(&state, me, &headers, q.since).await?)
}

/// Set work-in-progress limits per column (admin): soft warns, hard refuses.
#[utoipa::path(put, path = "/board/limits", extensions(("x-permission" = json!("manage_settings"))), tag = "board", request_body = Vec<WipLimit>,
    responses((status = 200, body = Vec<WipLimit>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_limits(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(limits): ApiJson<Vec<WipLimit>>,
) -> AppResult<Json<Vec<WipLimit>>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::set_limits(&state, &limits).await?))
}

/// Take back one's own last move, while nothing else has happened to the case (Ctrl+Z).
#[utoipa::path(post, path = "/cases/{id}/undo", extensions(("x-permission" = json!("move_cases"))), tag = "board", params(("id" = i64, Path)), request_body = Undo,
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn undo(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(u): ApiJson<Undo>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(
        crate::cases::service::undo(&state, &me, id, u.version).await?,
    ))
}

/// One of the user's saved settings, e.g. `board.filters` (null when never saved).
#[utoipa::path(get, path = "/settings/{key}", extensions(("x-permission" = json!("own_account"))), tag = "board", params(("key" = String, Path, pattern = r"^[a-z0-9._-]{1,64}$")),
    responses((status = 200, description = "The saved JSON value, or null when never saved", body = serde_json::Value),
              (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_setting(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(key): ApiPath<String>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(service::get_setting(&state.db.conn, &me, &key).await?))
}

/// Save one of the user's settings (JSON, at most 8 KB).
#[utoipa::path(put, path = "/settings/{key}", extensions(("x-permission" = json!("own_account"))), tag = "board", params(("key" = String, Path, pattern = r"^[a-z0-9._-]{1,64}$")),
    request_body(content = serde_json::Value, description = "Any JSON value"),
    responses((status = 200, description = "The value as saved", body = serde_json::Value), (status = 401, body = Problem),
              (status = 404, body = Problem), (status = 413, body = Problem)))]
async fn put_setting(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(key): ApiPath<String>,
    ApiJson(value): ApiJson<serde_json::Value>,
) -> AppResult<Json<serde_json::Value>> {
    Ok(Json(service::put_setting(&state, &me, &key, value).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(board))
        .routes(routes!(set_limits))
        .routes(routes!(reorder))
        .routes(routes!(undo))
        .routes(routes!(get_setting, put_setting))
        .routes(routes!(live))
}
