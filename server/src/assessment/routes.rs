//! HTTP routes of the assessment: a month's scores and the rules they are made by.

use super::service;
use crate::accounts::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::http::{ApiJson, RequestCtx};
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use serde::Deserialize;
use shared::Page;
use shared::assessment::{Assessment, Indicator, Rules, Subject};
use shared::audit::{AuditAction, AuditDetail, Counted};
use shared::cases::CaseSummary;
use shared::error::{FieldErrorCode, Problem};
use shared::stats::{ExportFormat, Period, PeriodKind};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Which subjects and which month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    /// grid_worker, party or grid.
    pub subject: Subject,
    /// `YYYY-MM` (Beijing); default this month.
    pub month: Option<String>,
}

fn month(s: Option<&str>) -> AppResult<Period> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Period::containing(
            PeriodKind::Month,
            shared::calendar::day_at(crate::clock::now()),
        )),
        Some(s) => shared::stats::parse_month(s)
            .ok_or_else(|| AppError::field("month", FieldErrorCode::InvalidFormat)),
    }
}

/// The month's scores and ranks of the grid workers, the responsible parties or the grids,
/// best first, each with the values and counts behind it. A grid worker gets their own row
/// and their grids'.
#[utoipa::path(get, path = "/assessment", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(AssessmentQuery),
    responses((status = 200, body = Assessment), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn assessment(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<AssessmentQuery>,
) -> AppResult<Json<Assessment>> {
    let p = month(q.month.as_deref())?;
    Ok(Json(
        service::assessment(&state.db.conn, &me, q.subject, p).await?,
    ))
}

/// Which subjects, which month, which file.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// grid_worker, party or grid.
    pub subject: Subject,
    /// `YYYY-MM` (Beijing); default this month.
    pub month: Option<String>,
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: ExportFormat,
}

/// The month's ranking as a CSV or XLSX file: the rows `GET /assessment` answers (a grid
/// worker's own row and their grids'), each indicator's value beside the score; audited.
#[utoipa::path(get, path = "/assessment/export", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(ExportQuery),
    responses((status = 200, description = "The ranking as CSV (UTF-8 with a byte-order mark) or XLSX", content(
                  ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn export(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ExportQuery>,
) -> AppResult<axum::response::Response> {
    let p = month(q.month.as_deref())?;
    let a = service::assessment(&state.db.conn, &me, q.subject, p).await?;
    let (columns, rows) = service::table(&a);
    let record = crate::audit::Record {
        action: AuditAction::StatsExport,
        entity: None,
        entity_id: None,
        resident_id: None,
        detail: Some(AuditDetail::count(rows.len(), Counted::AssessmentRows).to_json()),
    };
    let name = format!(
        "assessment-{}-{}",
        q.subject.as_str(),
        shared::stats::month_name(&a.period)
    );
    let sheet = q.subject.text().get(shared::i18n::Lang::ZhCn);
    crate::stats::export::send(
        &state,
        &ctx,
        &me,
        record,
        &name,
        sheet,
        q.format,
        crate::stats::export::Fixed::new(columns, rows),
    )
    .await
}

/// One value of a row and which month.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CasesQuery {
    /// grid_worker, party or grid.
    pub subject: Subject,
    /// The user, party or grid id (the row's `key_id`).
    pub key: i64,
    /// An indicator counted from cases (not patrol days, visits or residents served).
    pub indicator: Indicator,
    /// `YYYY-MM` (Beijing); default this month.
    pub month: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// The cases one value of the month's assessment is counted from (for a ratio, those it is
/// counted out of), newest first: "which cases" behind a score.
#[utoipa::path(get, path = "/assessment/cases", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(CasesQuery),
    responses((status = 200, body = Page<CaseSummary>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 422, body = Problem)))]
async fn cases(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<CasesQuery>,
) -> AppResult<Json<Page<CaseSummary>>> {
    let p = month(q.month.as_deref())?;
    Ok(Json(
        service::cases(
            &state.db.conn,
            &me,
            q.subject,
            q.key,
            q.indicator,
            p,
            q.offset,
            q.limit,
        )
        .await?,
    ))
}

/// The weights, targets and floors the scores are made by.
#[utoipa::path(get, path = "/assessment/rules", extensions(("x-permission" = json!("view_statistics"))), tag = "stats",
    responses((status = 200, body = Rules), (status = 401, body = Problem), (status = 403, body = Problem)))]
async fn get_rules(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
) -> AppResult<Json<Rules>> {
    crate::accounts::require(&me, shared::accounts::Permission::ViewStatistics)?;
    Ok(Json(service::rules(&state.db.conn).await?))
}

/// Replace the rules (admins), sent with the version they were read at: 409 with the rules
/// in force when someone changed them meanwhile.
#[utoipa::path(put, path = "/assessment/rules", extensions(("x-permission" = json!("manage_settings"))), tag = "stats", request_body = Rules,
    responses((status = 200, body = Rules), (status = 401, body = Problem), (status = 403, body = Problem), (status = 409, body = Problem),
              (status = 422, body = Problem)))]
async fn put_rules(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    ApiJson(req): ApiJson<Rules>,
) -> AppResult<Json<Rules>> {
    Ok(Json(service::save_rules(&state, &me, req).await?))
}

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(assessment))
        .routes(routes!(cases))
        .routes(routes!(export))
        .routes(routes!(get_rules, put_rules))
}
