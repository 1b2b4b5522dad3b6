//! HTTP routes of the council area. Agenda items and decisions are public deliberation: every
//! signed-in user reads them; who may act is decided per item by `shared::council`.

use super::service::{self, ItemFilter};
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, Sse};
use futures::Stream;
use serde::Deserialize;
use shared::Page;
use shared::council::{
    AccountabilityEntry, Attendance, BallotView, CastVote, CommentView, CouncilLiveChange,
    CouncilSettings, CreateBallot, CreateItem, CreateMeeting, HideComment, ItemStage, ItemSummary,
    ItemView, LinkResident, MeetingSummary, MeetingView, Minutes, MoveItem, NewComment,
    VoterStatus,
};
use shared::error::Problem;
use std::convert::Infallible;
use utoipa_axum::{router::OpenApiRouter, routes};

/// A write committed: the live council board looks for its changes at once.
fn kicked<T>(state: &AppState, out: T) -> T {
    state.council_live.kick();
    out
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ItemQuery {
    pub stage: Option<ItemStage>,
    pub scope_place_id: Option<i64>,
    pub grid_id: Option<i64>,
    /// Only items the user raised.
    #[serde(default)]
    pub mine: bool,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// Agenda items, newest first.
#[utoipa::path(get, path = "/council/items", extensions(("x-permission" = json!("view_council"))), tag = "council", params(ItemQuery),
    responses((status = 200, body = Page<ItemSummary>), (status = 401, body = Problem)))]
async fn list_items(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ItemQuery>,
) -> AppResult<Json<Page<ItemSummary>>> {
    let f = ItemFilter {
        stage: q.stage,
        scope_place_id: q.scope_place_id,
        grid_id: q.grid_id,
        mine: q.mine,
        offset: q.offset,
        limit: q.limit,
    };
    Ok(Json(service::list_items(&state.db.conn, &me, f).await?))
}

/// Raise an agenda item: the office anywhere, grid workers in their grids, verified residents
/// where they live.
#[utoipa::path(post, path = "/council/items", extensions(("x-permission" = json!("deliberate"))), tag = "council", request_body = CreateItem,
    responses((status = 201, body = ItemView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_item(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreateItem>,
) -> AppResult<(StatusCode, Json<ItemView>)> {
    Ok((
        StatusCode::CREATED,
        Json(kicked(
            &state,
            service::create_item(&state, &me, req).await?,
        )),
    ))
}

/// One item with its history (every round), ballots, decision and the moves the user may make.
#[utoipa::path(get, path = "/council/items/{id}", extensions(("x-permission" = json!("view_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_item(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ItemView>> {
    Ok(Json(service::get_item(&state.db.conn, &me, id).await?))
}

/// Move an item: accept with a tier, schedule, open, carry, decide (creates the case), start,
/// complete, or not adopt. Stale version → 409; a move not possible now → 422 `illegal_move`.
#[utoipa::path(post, path = "/council/items/{id}/moves", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path)), request_body = MoveItem,
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn move_item(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MoveItem>,
) -> AppResult<Json<ItemView>> {
    Ok(Json(kicked(
        &state,
        service::move_item(&state, &me, id, req).await?,
    )))
}

/// Support an item (verified residents in its scope; idempotent). Reaching the threshold
/// schedules it.
#[utoipa::path(put, path = "/council/items/{id}/support", extensions(("x-permission" = json!("vote"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn support(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ItemView>> {
    Ok(Json(kicked(
        &state,
        service::support(&state, &me, &ctx, id, true).await?,
    )))
}

/// Take back one's support (撤回): within 10 minutes of giving it and while the item still
/// gathers support (`support_withdraw_until`), else 409 `cannot_withdraw`; audited.
#[utoipa::path(delete, path = "/council/items/{id}/support", extensions(("x-permission" = json!("vote"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = ItemView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn withdraw_support(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<ItemView>> {
    Ok(Json(kicked(
        &state,
        service::support(&state, &me, &ctx, id, false).await?,
    )))
}

/// Comments under an item; hidden ones show only the reason (the office sees the text).
#[utoipa::path(get, path = "/council/items/{id}/comments", extensions(("x-permission" = json!("view_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<CommentView>), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn comments(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<Vec<CommentView>>> {
    Ok(Json(service::comments(&state.db.conn, &me, id).await?))
}

/// Comment on an item (those who may raise items in its scope).
#[utoipa::path(post, path = "/council/items/{id}/comments", extensions(("x-permission" = json!("deliberate"))), tag = "council", params(("id" = i64, Path)), request_body = NewComment,
    responses((status = 201, body = CommentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn add_comment(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewComment>,
) -> AppResult<(StatusCode, Json<CommentView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::add_comment(&state, &me, id, req).await?),
    ))
}

/// Hide a comment with a reason (moderation by the office or the grid leader).
#[utoipa::path(post, path = "/council/comments/{id}/hide", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path)), request_body = HideComment,
    responses((status = 200, body = CommentView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn hide_comment(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<HideComment>,
) -> AppResult<Json<CommentView>> {
    Ok(Json(service::hide_comment(&state, &me, id, req).await?))
}

/// Open a ballot on an undecided item: a decision (agree/disagree/abstain) or a poll, with
/// quorum, pass rule, per-household, hidden-until-close and anonymous options.
#[utoipa::path(post, path = "/council/items/{id}/ballots", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path)), request_body = CreateBallot,
    responses((status = 201, body = BallotView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn create_ballot(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CreateBallot>,
) -> AppResult<(StatusCode, Json<BallotView>)> {
    Ok((
        StatusCode::CREATED,
        Json(kicked(
            &state,
            service::create_ballot(&state, &me, id, req).await?,
        )),
    ))
}

/// Cast or change one's vote (until close; anonymous votes are final). The office records an
/// attendee's show-of-hands vote by naming `resident_id`.
#[utoipa::path(post, path = "/council/ballots/{id}/votes", extensions(("x-permission" = json!("vote"))), tag = "council", params(("id" = i64, Path)), request_body = CastVote,
    responses((status = 200, body = BallotView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn vote(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<CastVote>,
) -> AppResult<Json<BallotView>> {
    Ok(Json(service::cast_vote(&state, &me, &ctx, id, req).await?))
}

/// Take back one's own vote (撤回): within 10 minutes of casting it and before the ballot
/// closes (`vote_withdraw_until`; never an anonymous vote, nor one cast on one's behalf),
/// else 409 `cannot_withdraw`. Audited: who took back a vote on which ballot.
#[utoipa::path(delete, path = "/council/ballots/{id}/votes", extensions(("x-permission" = json!("vote"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = BallotView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem)))]
async fn withdraw_vote(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<BallotView>> {
    Ok(Json(service::withdraw_vote(&state, &me, &ctx, id).await?))
}

/// Close a ballot now: the result is computed and frozen.
#[utoipa::path(post, path = "/council/ballots/{id}/close", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = BallotView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn close_ballot(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<BallotView>> {
    Ok(Json(kicked(
        &state,
        service::close_ballot(&state, &me, id).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MeetingQuery {
    pub scope_place_id: Option<i64>,
    /// Only meetings still to come (and today's), soonest first.
    #[serde(default)]
    pub upcoming: bool,
}

/// Deliberation days and focused sessions.
#[utoipa::path(get, path = "/council/meetings", extensions(("x-permission" = json!("view_council"))), tag = "council", params(MeetingQuery),
    responses((status = 200, body = Vec<MeetingSummary>), (status = 401, body = Problem)))]
async fn list_meetings(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    Query(q): Query<MeetingQuery>,
) -> AppResult<Json<Vec<MeetingSummary>>> {
    Ok(Json(
        service::list_meetings(&state.db.conn, q.scope_place_id, q.upcoming).await?,
    ))
}

/// Schedule a meeting; items scheduled in its scope and waiting for a meeting join its agenda.
#[utoipa::path(post, path = "/council/meetings", extensions(("x-permission" = json!("run_council"))), tag = "council", request_body = CreateMeeting,
    responses((status = 201, body = MeetingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_meeting(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreateMeeting>,
) -> AppResult<(StatusCode, Json<MeetingView>)> {
    Ok((
        StatusCode::CREATED,
        Json(kicked(
            &state,
            service::create_meeting(&state, &me, req).await?,
        )),
    ))
}

/// A meeting: the review of the previous meeting's decisions, the agenda with minutes, and
/// attendance.
#[utoipa::path(get, path = "/council/meetings/{id}", extensions(("x-permission" = json!("view_council"))), tag = "council", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get_meeting(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<MeetingView>> {
    Ok(Json(service::get_meeting(&state.db.conn, &me, id).await?))
}

/// Replace the attendance list (versioned).
#[utoipa::path(put, path = "/council/meetings/{id}/attendance", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path)), request_body = Attendance,
    responses((status = 200, body = MeetingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_attendance(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<Attendance>,
) -> AppResult<Json<MeetingView>> {
    Ok(Json(service::set_attendance(&state, &me, id, req).await?))
}

/// Record the minutes of one agenda item (versioned by the meeting).
#[utoipa::path(put, path = "/council/meetings/{id}/minutes/{item_id}", extensions(("x-permission" = json!("run_council"))), tag = "council", params(("id" = i64, Path), ("item_id" = i64, Path)), request_body = Minutes,
    responses((status = 200, body = MeetingView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn set_minutes(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath((id, item_id)): ApiPath<(i64, i64)>,
    ApiJson(req): ApiJson<Minutes>,
) -> AppResult<Json<MeetingView>> {
    Ok(Json(kicked(
        &state,
        service::set_minutes(&state, &me, id, item_id, req).await?,
    )))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AccountabilityQuery {
    pub scope_place_id: Option<i64>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// The public accountability page: decided items, who is responsible, deadline, progress.
#[utoipa::path(get, path = "/council/accountability", extensions(("x-permission" = json!("view_council"))), tag = "council", params(AccountabilityQuery),
    responses((status = 200, body = Page<AccountabilityEntry>), (status = 401, body = Problem)))]
async fn accountability(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
    Query(q): Query<AccountabilityQuery>,
) -> AppResult<Json<Page<AccountabilityEntry>>> {
    Ok(Json(
        service::accountability(&state.db.conn, q.scope_place_id, q.offset, q.limit).await?,
    ))
}

/// The council's settings: support threshold, days for small matters.
#[utoipa::path(get, path = "/council/settings", extensions(("x-permission" = json!("view_reference"))), tag = "council",
    responses((status = 200, body = CouncilSettings), (status = 401, body = Problem)))]
async fn get_settings(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<CouncilSettings>> {
    Ok(Json(service::settings(&state.db.conn).await?))
}

/// Change the council's settings (admins; versioned).
#[utoipa::path(put, path = "/council/settings", extensions(("x-permission" = json!("manage_settings"))), tag = "council", request_body = CouncilSettings,
    responses((status = 200, body = CouncilSettings), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn put_settings(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CouncilSettings>,
) -> AppResult<Json<CouncilSettings>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::update_settings(&state, req).await?))
}

/// Is the signed-in user verified as a registered resident (and so may support and vote)?
#[utoipa::path(get, path = "/council/me", extensions(("x-permission" = json!("own_account"))), tag = "council",
    responses((status = 200, body = VoterStatus), (status = 401, body = Problem)))]
async fn me(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<VoterStatus>> {
    Ok(Json(service::voter_status(&state.db.conn, &me).await?))
}

/// Verify a user account as a registered resident, or remove the link (`resident_id: null`):
/// staff, or the grid worker of the resident's grid.
#[utoipa::path(put, path = "/users/{id}/resident", extensions(("x-permission" = json!("edit_people"))), tag = "accounts", params(("id" = i64, Path)), request_body = LinkResident,
    responses((status = 200, body = VoterStatus), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn link_resident(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<LinkResident>,
) -> AppResult<Json<VoterStatus>> {
    crate::accounts::require(&me, shared::accounts::Permission::EditPeople)?;
    Ok(Json(
        service::link_resident(&state, &me, &ctx, id, req).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LiveQuery {
    /// Resume after this change id; `Last-Event-ID` does the same.
    pub since: Option<i64>,
}

/// Changes to agenda items as server-sent events (`event: item`, JSON `CouncilLiveChange`:
/// item id, version, stage, support count). Given `since` or `Last-Event-ID`, missed changes
/// are sent first. An `event: resync` asks the client to reload the board. Each connection
/// ends after a few minutes and the browser reconnects (see `live_stream`).
#[utoipa::path(get, path = "/council/live", extensions(("x-permission" = json!("view_council"))), tag = "council", params(LiveQuery),
    responses((status = 200, description = "text/event-stream of CouncilLiveChange", content_type = "text/event-stream", body = CouncilLiveChange),
              (status = 401, body = Problem)))]
async fn live(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    headers: HeaderMap,
    Query(q): Query<LiveQuery>,
) -> AppResult<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    Ok(state
        .council_live
        .stream(&state, me, &headers, q.since)
        .await?)
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list_items, create_item))
        .routes(routes!(get_item))
        .routes(routes!(move_item))
        .routes(routes!(support, withdraw_support))
        .routes(routes!(comments, add_comment))
        .routes(routes!(hide_comment))
        .routes(routes!(create_ballot))
        .routes(routes!(vote, withdraw_vote))
        .routes(routes!(close_ballot))
        .routes(routes!(list_meetings, create_meeting))
        .routes(routes!(get_meeting))
        .routes(routes!(set_attendance))
        .routes(routes!(set_minutes))
        .routes(routes!(accountability))
        .routes(routes!(get_settings, put_settings))
        .routes(routes!(me))
        .routes(routes!(link_resident))
        .routes(routes!(live))
}
