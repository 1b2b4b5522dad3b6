//! HTTP routes of the statistics: the headline figures, a figure's trend, and breakdowns.

use super::{export, records, report, service, sheet};
use crate::accounts::CurrentUser;
use crate::audit;
use crate::error::{AppError, AppResult};
use crate::http::RequestCtx;
use crate::state::AppState;
use axum::Json;
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::IntoResponse;
use serde::Deserialize;
use shared::audit::{AuditAction, AuditDetail, Counted};
use shared::calendar;
use shared::cases::CaseSummary;
use shared::error::{FieldErrorCode, Problem};
use shared::stats::{
    Breakdown, BreakdownBy, Dashboard, ExportFormat, ExportKind, FigureId, Interval, MonthlyReport,
    Period, PeriodError, PeriodKind, Trend,
};
use utoipa_axum::{router::OpenApiRouter, routes};

/// Which period and which part of the community.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StatsQuery {
    /// week, month (default), quarter, year or custom.
    pub period: Option<PeriodKind>,
    /// `YYYY-MM-DD` (Beijing). For a custom period its first day; otherwise a day inside the
    /// week, month, quarter or year wanted (default today).
    pub from: Option<String>,
    /// `YYYY-MM-DD` (Beijing): the last day of a custom period.
    pub to: Option<String>,
    /// A community, grid or micro-grid; none: all the reader's statistics reach.
    pub place_id: Option<i64>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TrendQuery {
    pub period: Option<PeriodKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place_id: Option<i64>,
    /// The figure (a case figure other than `overdue_now`).
    pub figure: FigureId,
    /// day, week or month; by default days up to a month, weeks up to a quarter, else months.
    pub interval: Option<Interval>,
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct BreakdownQuery {
    pub period: Option<PeriodKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place_id: Option<i64>,
    /// category, grid, source, responsible_party or grid_worker.
    pub by: BreakdownBy,
}

fn day(field: &str, s: Option<&str>) -> AppResult<Option<time::Date>> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(None),
        Some(s) => calendar::parse_day(s)
            .map(Some)
            .ok_or_else(|| AppError::field(field, FieldErrorCode::InvalidFormat)),
    }
}

/// The period asked for, on the Beijing clock (`shared::stats::Period::resolve`).
fn period(kind: Option<PeriodKind>, from: Option<&str>, to: Option<&str>) -> AppResult<Period> {
    let from = day("from", from)?;
    let to = day("to", to)?;
    Period::resolve(kind, from, to, calendar::today()).map_err(|e| match e {
        PeriodError::MissingDay if from.is_none() => {
            AppError::field("from", FieldErrorCode::Required)
        }
        PeriodError::MissingDay => AppError::field("to", FieldErrorCode::Required),
        PeriodError::Reversed | PeriodError::TooLong => {
            AppError::field("to", FieldErrorCode::OutOfRange)
        }
    })
}

/// The headline case figures of the period, with the period before and the same period last
/// year, and the time to close by category.
#[utoipa::path(get, path = "/stats", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(StatsQuery),
    responses((status = 200, body = Dashboard), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn dashboard(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<StatsQuery>,
) -> AppResult<Json<Dashboard>> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let p = period(q.period, q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(service::dashboard(&state.db.conn, sel, p).await?))
}

/// One figure step by step (day, week or month) across the period.
#[utoipa::path(get, path = "/stats/trend", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(TrendQuery),
    responses((status = 200, body = Trend), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn trend(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<TrendQuery>,
) -> AppResult<Json<Trend>> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let p = period(q.period, q.from.as_deref(), q.to.as_deref())?;
    let interval = q.interval.unwrap_or_else(|| service::default_interval(&p));
    Ok(Json(
        service::trend(&state.db.conn, &sel, p, q.figure, interval).await?,
    ))
}

/// The cases reported in the period, by category, grid, source, responsible party or
/// grid worker (assignee): reported, closed and overdue now in each group.
#[utoipa::path(get, path = "/stats/breakdown", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(BreakdownQuery),
    responses((status = 200, body = Breakdown), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn breakdown(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<BreakdownQuery>,
) -> AppResult<Json<Breakdown>> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let p = period(q.period, q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        service::breakdown(&state.db.conn, &sel, p, q.by).await?,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DrillQuery {
    pub period: Option<PeriodKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place_id: Option<i64>,
    pub by: BreakdownBy,
    /// The group: a breakdown row's `key_id`, or its `source` for a breakdown by source;
    /// absent or `none` for the row without one (no grid, no assignee …).
    pub key: Option<String>,
    pub offset: Option<u64>,
    pub limit: Option<u64>,
}

/// The cases one breakdown row counts (reported in the period, in that group), newest first.
#[utoipa::path(get, path = "/stats/cases", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(DrillQuery),
    responses((status = 200, body = shared::Page<CaseSummary>), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn drill(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<DrillQuery>,
) -> AppResult<Json<shared::Page<CaseSummary>>> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let p = period(q.period, q.from.as_deref(), q.to.as_deref())?;
    Ok(Json(
        service::drill(
            &state.db.conn,
            &sel,
            p,
            q.by,
            q.key.as_deref(),
            q.offset,
            q.limit,
        )
        .await?,
    ))
}

/// Which month and which part of the community.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ReportQuery {
    /// `YYYY-MM` (Beijing); default this month.
    pub month: Option<String>,
    /// A community, grid or micro-grid; none: all the reader's statistics reach.
    pub place_id: Option<i64>,
}

fn month(s: Option<&str>) -> AppResult<Period> {
    match s.map(str::trim).filter(|s| !s.is_empty()) {
        None => Ok(Period::containing(PeriodKind::Month, calendar::today())),
        Some(s) => shared::stats::parse_month(s)
            .ok_or_else(|| AppError::field("month", FieldErrorCode::InvalidFormat)),
    }
}

/// The monthly report (月度工作报告): the month's figures against the month before and the
/// same month last year, cases by week, grid and category, the notable cases, the council's
/// decisions, the disputes by type and the visits per special group.
#[utoipa::path(get, path = "/stats/report", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(ReportQuery),
    responses((status = 200, body = MonthlyReport), (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem),
              (status = 422, body = Problem)))]
async fn report(
    State(state): State<AppState>,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<impl IntoResponse> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let m = month(q.month.as_deref())?;
    let r = report::monthly(&state.db.conn, sel, m).await?;
    Ok(([(header::CACHE_CONTROL, "no-store")], Json(r)))
}

/// The monthly report as an XLSX workbook, one sheet per table (the same answer as
/// `/stats/report`). Audited: it lists cases.
#[utoipa::path(get, path = "/stats/report.xlsx", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(ReportQuery),
    responses((status = 200, description = "The monthly report as an XLSX workbook", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn report_xlsx(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ReportQuery>,
) -> AppResult<impl IntoResponse> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let m = month(q.month.as_deref())?;
    let r = report::monthly(&state.db.conn, sel, m).await?;
    let bytes = sheet::workbook(&report::tables(&r))
        .map_err(|e| AppError::Internal(format!("workbook: {e}")))?;
    audit::record_now(
        &state,
        Some(&me),
        &ctx,
        audit::Record {
            action: AuditAction::StatsReportXlsx,
            entity: q.place_id.map(|_| "place"),
            entity_id: q.place_id,
            resident_id: None,
            detail: Some(AuditDetail::count(r.notable_cases.len(), Counted::Cases).to_json()),
        },
    )
    .await?;
    Ok((
        [
            (header::CONTENT_TYPE, XLSX.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"report-{}.xlsx\"", r.month),
            ),
        ],
        bytes,
    ))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// What to export: `cases`, `visits`, `errands`, `meals`, `mediation_files` or
    /// `council_items` (care records name people in care by a masked name only).
    #[param(inline)]
    pub kind: ExportKind,
    /// `csv` or `xlsx`.
    #[param(inline)]
    pub format: ExportFormat,
    pub period: Option<PeriodKind>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub place_id: Option<i64>,
    /// With `key`: one breakdown group's cases, as `/stats/cases` (cases only); none: every
    /// record of the kind in the period.
    pub by: Option<BreakdownBy>,
    pub key: Option<String>,
}

/// The records the statistics pages count, as a CSV or XLSX file: the same selection and
/// reach (a grid worker's grids) as the dashboard; cases with the fields of `/stats/cases`.
/// Streamed a batch at a time; audited with the number of rows.
#[utoipa::path(get, path = "/stats/export", extensions(("x-permission" = json!("view_statistics"))), tag = "stats", params(ExportQuery),
    responses((status = 200, description = "The rows as CSV (UTF-8 with a byte-order mark) or XLSX", content(
                  ("text/csv"), ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))),
              (status = 401, body = Problem), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem)))]
async fn export_file(
    State(state): State<AppState>,
    ctx: RequestCtx,
    CurrentUser(me): CurrentUser,
    Query(q): Query<ExportQuery>,
) -> AppResult<impl IntoResponse> {
    let sel = service::select(&state.db.conn, &me, q.place_id).await?;
    let p = period(q.period, q.from.as_deref(), q.to.as_deref())?;
    let (rows, total) =
        records::of_kind(&state.db.conn, &sel, &p, q.kind, q.by, q.key.as_deref()).await?;
    let record = audit::Record {
        action: AuditAction::StatsExport,
        entity: q.place_id.map(|_| "place"),
        entity_id: q.place_id,
        resident_id: None,
        detail: Some(AuditDetail::count(total, q.kind.counted()).to_json()),
    };
    let name = format!(
        "{}-{}-{}",
        q.kind.as_str(),
        calendar::format_day(p.from),
        calendar::format_day(p.to),
    );
    let sheet = q.kind.text().get(shared::i18n::Lang::ZhCn);
    export::send(&state, &ctx, &me, record, &name, sheet, q.format, rows).await
}

/// The media type of an XLSX workbook.
pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

pub fn router() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(dashboard))
        .routes(routes!(trend))
        .routes(routes!(breakdown))
        .routes(routes!(drill))
        .routes(routes!(report))
        .routes(routes!(report_xlsx))
        .routes(routes!(export_file))
}
