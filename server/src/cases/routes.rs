//! HTTP routes of the cases area.

use super::service::{self, Filter};
use crate::accounts::CurrentUser;
use crate::error::AppResult;
use crate::http::{ApiJson, ApiPath, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shared::Page;
use shared::accounts::Permission;
use shared::cases::{
    Assignee, CalendarDay, CaseMeta, CaseRequest, CaseSummary, CaseView, Category, CategoryInput,
    CreateCase, DecideCaseRequest, DuplicateCandidate, DuplicateQuery, LedgerQuery, MarkRead,
    MoveCase, NewCaseRequest, Notification, PartyInput, Rating, ResponsibleParty, SlaRule, Stage,
    Withdraw,
};
use shared::error::Problem;
use utoipa_axum::{router::OpenApiRouter, routes};

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CaseQuery {
    pub stage: Option<Stage>,
    pub grid_id: Option<i64>,
    pub assignee_id: Option<i64>,
    /// Only cases the user reported ("my reports").
    #[serde(default)]
    pub mine: bool,
    /// Only open cases past their deadline.
    #[serde(default)]
    pub overdue: bool,
    /// Part of the title or case number.
    pub q: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct MetaQuery {
    /// Include inactive categories and parties (admins).
    #[serde(default)]
    pub all: bool,
}

/// Categories and responsible parties for the case forms.
#[utoipa::path(get, path = "/cases/meta", extensions(("x-permission" = json!("view_reference"))), tag = "cases", params(MetaQuery), responses((status = 200, body = CaseMeta), (status = 401, body = Problem)))]
async fn meta(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<MetaQuery>,
) -> AppResult<Json<CaseMeta>> {
    let all = q.all && me.may(shared::accounts::Permission::ManageSettings);
    Ok(Json(service::meta(&state.db.conn, all).await?))
}

/// Add a category (admin): a group (no parent, with a class) or an item under a group.
#[utoipa::path(post, path = "/cases/categories", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", request_body = CategoryInput,
    responses((status = 201, body = Category), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_category(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(input): ApiJson<CategoryInput>,
) -> AppResult<(StatusCode, Json<Category>)> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok((
        StatusCode::CREATED,
        Json(service::save_category(&state, None, input).await?),
    ))
}

/// Rename, (de)activate or (un)publish a category (admin).
#[utoipa::path(put, path = "/cases/categories/{id}", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", params(("id" = i64, Path)), request_body = CategoryInput,
    responses((status = 200, body = Category), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_category(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<CategoryInput>,
) -> AppResult<Json<Category>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::save_category(&state, Some(id), input).await?))
}

/// Add a responsible party (admin).
#[utoipa::path(post, path = "/cases/parties", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", request_body = PartyInput,
    responses((status = 201, body = ResponsibleParty), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn create_party(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(input): ApiJson<PartyInput>,
) -> AppResult<(StatusCode, Json<ResponsibleParty>)> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok((
        StatusCode::CREATED,
        Json(service::save_party(&state, None, input).await?),
    ))
}

/// Rename or (de)activate a responsible party (admin).
#[utoipa::path(put, path = "/cases/parties/{id}", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", params(("id" = i64, Path)), request_body = PartyInput,
    responses((status = 200, body = ResponsibleParty), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn update_party(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(input): ApiJson<PartyInput>,
) -> AppResult<Json<ResponsibleParty>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::save_party(&state, Some(id), input).await?))
}

/// Cases the user may see, newest first.
#[utoipa::path(get, path = "/cases", extensions(("x-permission" = json!("view_cases"))), tag = "cases", params(CaseQuery),
    responses((status = 200, body = Page<CaseSummary>), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn list(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<CaseQuery>,
) -> AppResult<Json<Page<CaseSummary>>> {
    let f = Filter {
        stage: q.stage,
        grid_id: q.grid_id,
        assignee_id: q.assignee_id,
        mine: q.mine,
        overdue: q.overdue,
        q: q.q,
        offset: q.offset,
        limit: q.limit,
    };
    Ok(Json(service::list(&state.db.conn, &me, f).await?))
}

/// File a report. Residents file resident reports; grid workers also patrol and visit
/// findings; the office also hotline calls.
#[utoipa::path(post, path = "/cases", extensions(("x-permission" = json!("report_cases"))), tag = "cases", request_body = CreateCase,
    responses((status = 201, body = CaseView), (status = 401, body = Problem), (status = 422, body = Problem)))]
async fn create(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<CreateCase>,
) -> AppResult<(StatusCode, Json<CaseView>)> {
    Ok((
        StatusCode::CREATED,
        Json(service::create(&state, &me, &ctx, req).await?),
    ))
}

/// One case with its history and the moves the user may make now.
#[utoipa::path(get, path = "/cases/{id}", extensions(("x-permission" = json!("view_cases"))), tag = "cases", params(("id" = i64, Path)),
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 404, body = Problem)))]
async fn get(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(service::get(&state, &me, id).await?))
}

/// Move a case along its lifecycle. A stale `version` gets 409 with the current case; a move
/// that does not exist from the case's stage gets 422 `illegal_move`; one the user may not
/// make gets 403.
#[utoipa::path(post, path = "/cases/{id}/moves", extensions(("x-permission" = json!("move_cases"))), tag = "cases", params(("id" = i64, Path)), request_body = MoveCase,
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn make_move(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<MoveCase>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(service::make_move(&state, &me, &ctx, id, req).await?))
}

/// Open cases of the same category at the same place or nearby, to offer before filing a
/// new one. Anyone about to report is offered them, in the public shape: the problem and how
/// far it has got, never who reported it, their words or photos (`may_open` says whether the
/// asker may open the case itself).
#[utoipa::path(get, path = "/cases/duplicates", extensions(("x-permission" = json!("report_cases"))), tag = "cases", params(DuplicateQuery),
    responses((status = 200, body = Vec<DuplicateCandidate>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn duplicates(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<DuplicateQuery>,
) -> AppResult<Json<Vec<DuplicateCandidate>>> {
    crate::accounts::require(&me, shared::accounts::Permission::ReportCases)?;
    Ok(Json(
        service::duplicate_candidates(&state.db.conn, &me, state.config.duplicate_radius_m, &q)
            .await?,
    ))
}

/// "This is my problem too" (我也遇到了) instead of filing it again, for a case the same
/// question (the body) offers as a duplicate: counted once per account. 404 for a case that
/// question does not offer.
#[utoipa::path(post, path = "/cases/{id}/also-reported", extensions(("x-permission" = json!("report_cases"))), tag = "cases", params(("id" = i64, Path)), request_body = DuplicateQuery,
    responses((status = 200, body = DuplicateCandidate), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn also_reported(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(q): ApiJson<DuplicateQuery>,
) -> AppResult<Json<DuplicateCandidate>> {
    crate::accounts::require(&me, shared::accounts::Permission::ReportCases)?;
    Ok(Json(service::also_report_case(&state, &me, id, &q).await?))
}

/// Withdraw one's report (撤回): the reporter, within 10 minutes of filing it and while
/// nobody has acted on it (`shared::cases::withdraw_until`), else 409 `cannot_withdraw`. The
/// case is kept as 已撤回 (history, audit log) and counts in no figure.
#[utoipa::path(post, path = "/cases/{id}/withdraw", extensions(("x-permission" = json!("report_cases"))), tag = "cases", params(("id" = i64, Path)), request_body = Withdraw,
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem)))]
async fn withdraw(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(w): ApiJson<Withdraw>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(
        service::withdraw(&state, &me, &ctx, id, w.version).await?,
    ))
}

/// The reporter rates a closed case (回访).
#[utoipa::path(post, path = "/cases/{id}/rating", extensions(("x-permission" = json!("report_cases"))), tag = "cases", params(("id" = i64, Path)), request_body = Rating,
    responses((status = 200, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn rate(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(r): ApiJson<Rating>,
) -> AppResult<Json<CaseView>> {
    Ok(Json(service::rate(&state, &me, id, r).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct NotificationQuery {
    #[serde(default)]
    pub unread: bool,
}

/// The user's notifications about cases they reported, newest first.
#[utoipa::path(get, path = "/notifications", extensions(("x-permission" = json!("own_account"))), tag = "cases", params(NotificationQuery),
    responses((status = 200, body = Vec<Notification>), (status = 401, body = Problem)))]
async fn notifications(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<NotificationQuery>,
) -> AppResult<Json<Vec<Notification>>> {
    Ok(Json(
        service::notifications(&state.db.conn, &me, q.unread).await?,
    ))
}

/// Mark notifications read (all of them when `ids` is empty).
#[utoipa::path(post, path = "/notifications/read", extensions(("x-permission" = json!("own_account"))), tag = "cases", request_body = MarkRead,
    responses((status = 204), (status = 401, body = Problem)))]
async fn mark_read(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(r): ApiJson<MarkRead>,
) -> AppResult<StatusCode> {
    service::mark_read(&state, &me, &r.ids).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The SLA table: time limits per category and urgency.
#[utoipa::path(get, path = "/cases/sla", extensions(("x-permission" = json!("view_reference"))), tag = "cases", responses((status = 200, body = Vec<SlaRule>), (status = 401, body = Problem)))]
async fn sla(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<Vec<SlaRule>>> {
    Ok(Json(service::sla_rules(&state.db.conn).await?))
}

/// Change time limits (admin). New deadlines use them; existing ones stay.
#[utoipa::path(put, path = "/cases/sla", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", request_body = Vec<SlaRule>,
    responses((status = 200, body = Vec<SlaRule>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_sla(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(rules): ApiJson<Vec<SlaRule>>,
) -> AppResult<Json<Vec<SlaRule>>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::set_sla_rules(&state, &rules).await?))
}

/// The office calendar's exceptions: public holidays and adjusted working days (调休).
#[utoipa::path(get, path = "/calendar", extensions(("x-permission" = json!("view_reference"))), tag = "cases", responses((status = 200, body = Vec<CalendarDay>), (status = 401, body = Problem)))]
async fn calendar(
    State(state): State<AppState>,
    CurrentUser(_me): CurrentUser,
) -> AppResult<Json<Vec<CalendarDay>>> {
    Ok(Json(service::calendar_days(&state.db.conn).await?))
}

/// Mark days as holidays or adjusted working days (admin).
#[utoipa::path(put, path = "/calendar", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", request_body = Vec<CalendarDay>,
    responses((status = 200, body = Vec<CalendarDay>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn set_calendar(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(days): ApiJson<Vec<CalendarDay>>,
) -> AppResult<Json<Vec<CalendarDay>>> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    Ok(Json(service::set_calendar_days(&state, &days).await?))
}

/// Make a day ordinary again (admin).
#[utoipa::path(delete, path = "/calendar/{day}", extensions(("x-permission" = json!("manage_settings"))), tag = "cases", params(("day" = String, Path, description = "YYYY-MM-DD")),
    responses((status = 204), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem)))]
async fn clear_calendar(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiPath(day): ApiPath<String>,
) -> AppResult<StatusCode> {
    crate::accounts::require(&me, shared::accounts::Permission::ManageSettings)?;
    let format = time::macros::format_description!("[year]-[month]-[day]");
    let day = time::Date::parse(&day, &format)
        .map_err(|_| crate::error::AppError::Code(shared::error::ErrorCode::NotFound))?;
    service::clear_calendar_day(&state, day).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssigneeQuery {
    /// Only people who may work in this grid.
    pub grid_id: Option<i64>,
}

/// People cases can be assigned to (for the dispatch form and the board's filter).
#[utoipa::path(get, path = "/assignees", extensions(("x-permission" = json!("work_cases"))), tag = "cases", params(AssigneeQuery),
    responses((status = 200, body = Vec<Assignee>), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn assignees(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<AssigneeQuery>,
) -> AppResult<Json<Vec<Assignee>>> {
    Ok(Json(
        service::assignees(&state.db.conn, &me, q.grid_id).await?,
    ))
}

/// Ask for an approval (审批): send the case back (回退), void it (作废), extend its deadline
/// (延期) or postpone it (缓办, the move `request_postpone`). Those who work on the case ask
/// (`shared::cases::RequestKind::may_request`), one request at a time; a stale `version` gets
/// 409 with the current case.
#[utoipa::path(post, path = "/cases/{id}/requests", extensions(("x-permission" = json!("move_cases"))), tag = "cases", params(("id" = i64, Path)), request_body = NewCaseRequest,
    responses((status = 201, body = CaseView), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn create_request(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(req): ApiJson<NewCaseRequest>,
) -> AppResult<(StatusCode, Json<CaseView>)> {
    crate::accounts::require(&me, Permission::MoveCases)?;
    Ok((
        StatusCode::CREATED,
        Json(service::create_request(&state, &me, &ctx, id, req).await?),
    ))
}

/// Approve or reject a waiting request (the office), with a note (required to reject). A stale
/// `version` gets 409 with the current request.
#[utoipa::path(post, path = "/case-requests/{id}/decision", extensions(("x-permission" = json!("decide_case_requests"))), tag = "cases", params(("id" = i64, Path)), request_body = DecideCaseRequest,
    responses((status = 200, body = CaseRequest), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 409, body = Problem), (status = 422, body = Problem)))]
async fn decide_request(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    ApiPath(id): ApiPath<i64>,
    ApiJson(d): ApiJson<DecideCaseRequest>,
) -> AppResult<Json<CaseRequest>> {
    crate::accounts::require(&me, Permission::DecideCaseRequests)?;
    Ok(Json(
        service::decide_request(&state, &me, &ctx, id, d).await?,
    ))
}

/// The approvals ledger (审批台账): every request and its decision, newest first.
#[utoipa::path(get, path = "/case-requests", extensions(("x-permission" = json!("decide_case_requests"))), tag = "cases", params(LedgerQuery),
    responses((status = 200, body = Page<CaseRequest>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn ledger(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<LedgerQuery>,
) -> AppResult<Json<Page<CaseRequest>>> {
    crate::accounts::require(&me, Permission::DecideCaseRequests)?;
    Ok(Json(service::ledger(&state.db.conn, &q).await?))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerExportQuery {
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: shared::stats::ExportFormat,
    pub kind: Option<shared::cases::RequestKind>,
    pub state: Option<shared::cases::RequestState>,
    pub case_id: Option<i64>,
    /// Asked on or after this Beijing day (`YYYY-MM-DD`).
    pub from: Option<String>,
    /// Asked on or before this Beijing day (`YYYY-MM-DD`).
    pub to: Option<String>,
}

/// The approvals ledger as a CSV or XLSX file, with the ledger page's filters; streamed a
/// batch at a time by the statistics exports' writer, audited with the number of rows.
#[utoipa::path(get, path = "/case-requests/export", extensions(("x-permission" = json!("decide_case_requests"))), tag = "cases", params(LedgerExportQuery),
    responses((status = 200, description = "The rows as CSV (UTF-8 with a byte-order mark) or XLSX", content(
                  ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn export_ledger(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<LedgerExportQuery>,
) -> AppResult<axum::response::Response> {
    crate::accounts::require(&me, Permission::DecideCaseRequests)?;
    let filter = LedgerQuery {
        kind: q.kind,
        state: q.state,
        case_id: q.case_id,
        from: q.from,
        to: q.to,
        offset: None,
        limit: None,
    };
    let rows = service::LedgerRows::new(&filter)?;
    let total = service::ledger_count(&state.db.conn, &filter).await?;
    let audit = crate::audit::Record::global(
        shared::audit::AuditAction::CaseRequestsExport,
        shared::audit::AuditDetail::count(total, shared::audit::Counted::CaseRequests),
    );
    crate::stats::export::send(
        &state,
        &ctx,
        &me,
        audit,
        "case-requests",
        "审批台账",
        q.format,
        rows,
    )
    .await
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(create_request))
        .routes(routes!(decide_request))
        .routes(routes!(ledger))
        .routes(routes!(export_ledger))
        .routes(routes!(meta))
        .routes(routes!(duplicates))
        .routes(routes!(also_reported))
        .routes(routes!(list, create))
        .routes(routes!(get))
        .routes(routes!(make_move))
        .routes(routes!(rate))
        .routes(routes!(withdraw))
        .routes(routes!(notifications))
        .routes(routes!(mark_read))
        .routes(routes!(sla, set_sla))
        .routes(routes!(calendar, set_calendar))
        .routes(routes!(clear_calendar))
        .routes(routes!(assignees))
        .routes(routes!(create_category))
        .routes(routes!(update_category))
        .routes(routes!(create_party))
        .routes(routes!(update_party))
}
