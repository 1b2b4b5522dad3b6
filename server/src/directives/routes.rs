//! HTTP routes of the directives area (督办).

use super::service::{self, Filter};
use crate::accounts::{CurrentUser, require};
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::Page;
use shared::accounts::Permission;
use shared::directives::{
    DirectiveState, DirectiveSubject, DirectiveView, IssueDirective, IssueDirectiveOn, TakeStep,
};
use shared::error::Problem;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DirectiveQuery {
    pub state: Option<DirectiveState>,
    /// Only open directives past their deadline.
    #[serde(default)]
    pub overdue: bool,
    /// Only those addressed to me (others than the office only ever see these).
    #[serde(default)]
    pub mine: bool,
    pub case_id: Option<i64>,
    /// Only those on this council item.
    pub council_item_id: Option<i64>,
    /// Only those on the terms of this mediation file's agreement.
    pub mediation_file_id: Option<i64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// Issue a 督办 on a case: an instruction, a deadline and whom it is for (someone who may
/// work on the case). The addressee is notified.
#[utoipa::path(post, path = "/cases/{id}/directives", extensions(("x-permission" = json!("issue_directives"))), tag = "directives", params(("id" = i64, Path)), request_body = IssueDirective,
    responses((status = 201, body = DirectiveView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn issue(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<IssueDirective>,
) -> AppResult<(StatusCode, Json<DirectiveView>)> {
    require(&me, Permission::IssueDirectives)?;
    Ok((
        StatusCode::CREATED,
        Json(service::issue(&state, &me, &ctx, DirectiveSubject::Case { id }, req).await?),
    ))
}

/// Issue a 督办 on a subject: a decided council item (its 落实) or a mediation agreement's
/// term (its 履行) — or a case. Someone who may not see the subject gets 404; a subject with
/// nothing left to carry out (an item not decided, or done; a term performed; a closed case)
/// 422 `illegal_move`.
#[utoipa::path(post, path = "/directives", extensions(("x-permission" = json!("issue_directives"))), tag = "directives", request_body = IssueDirectiveOn,
    responses((status = 201, body = DirectiveView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn issue_on(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<IssueDirectiveOn>,
) -> AppResult<(StatusCode, Json<DirectiveView>)> {
    require(&me, Permission::IssueDirectives)?;
    Ok((
        StatusCode::CREATED,
        Json(service::issue(&state, &me, &ctx, req.subject, req.directive).await?),
    ))
}

/// Directives: the office all of them, everyone else those addressed to them; soonest
/// deadline first.
#[utoipa::path(get, path = "/directives", extensions(("x-permission" = json!("follow_directives"))), tag = "directives", params(DirectiveQuery),
    responses((status = 200, body = Page<DirectiveView>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<DirectiveQuery>,
) -> AppResult<Json<Page<DirectiveView>>> {
    require(&me, Permission::FollowDirectives)?;
    let f = Filter {
        state: q.state,
        overdue: q.overdue,
        mine: q.mine,
        case_id: q.case_id,
        council_item_id: q.council_item_id,
        mediation_file_id: q.mediation_file_id,
        offset: q.offset,
        limit: q.limit,
    };
    Ok(Json(service::list(&state.db.conn, &me, f).await?))
}

/// The cases with an open directive the user sees: the board's 督办 badge.
#[utoipa::path(get, path = "/directives/open-cases", extensions(("x-permission" = json!("follow_directives"))), tag = "directives",
    responses((status = 200, body = Vec<i64>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn open_cases(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Vec<i64>>> {
    require(&me, Permission::FollowDirectives)?;
    Ok(Json(service::open_case_ids(&state.db.conn, &me).await?))
}

/// One directive with its history and the steps the user may take now.
#[utoipa::path(get, path = "/directives/{id}", extensions(("x-permission" = json!("follow_directives"))), tag = "directives", params(("id" = i64, Path)),
    responses((status = 200, body = DirectiveView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<DirectiveView>> {
    require(&me, Permission::FollowDirectives)?;
    Ok(Json(service::get(&state.db.conn, &me, id).await?))
}

/// Take a step: the addressee acknowledges or reports it done; the issuer (or the office)
/// accepts, sends it back or withdraws it. A stale `version` gets 409 with the current
/// directive.
#[utoipa::path(post, path = "/directives/{id}/steps", extensions(("x-permission" = json!("follow_directives"))), tag = "directives", params(("id" = i64, Path)), request_body = TakeStep,
    responses((status = 200, body = DirectiveView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn take_step(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<TakeStep>,
) -> AppResult<Json<DirectiveView>> {
    require(&me, Permission::FollowDirectives)?;
    Ok(Json(service::take_step(&state, &me, &ctx, id, req).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(issue))
        .routes(routes!(list, issue_on))
        .routes(routes!(open_cases))
        .routes(routes!(get))
        .routes(routes!(take_step))
}
