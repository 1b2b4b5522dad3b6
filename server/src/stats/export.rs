//! Filtered exports (CSV and XLSX) of what the statistics pages list. One writer for every
//! kind: a kind says its columns and reads its rows a batch at a time (keyset pages, newest
//! first); the writer streams them out. CSV goes to the client batch by batch as the body is
//! read; XLSX is written row by row in rust_xlsxwriter's constant-memory mode to a temporary
//! file, which is then streamed and removed. Either way the server holds one batch of rows at
//! a time, whatever the size of the export.

use super::service::{self, Selection};
use super::sheet::{self, Cell, Column, Formats, Kind};
use crate::cases::service::summary;
use crate::cases::store::{case, category};
use crate::error::{AppError, AppResult};
use crate::places::store::place;
use axum::body::{Body, Bytes};
use futures::StreamExt;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
};
use shared::cases::CaseSummary;
use shared::i18n::Lang;
use std::collections::HashMap;
use std::future::Future;
use time::OffsetDateTime;

/// Rows read per query: the most the server holds of an export at once.
pub const BATCH: u64 = 500;

/// A kind of record as an export writes it.
pub trait Rows: Send + 'static {
    fn columns(&self) -> Vec<Column>;
    /// The next batch of rows (empty at the end).
    fn next_batch(
        &mut self,
        conn: &DatabaseConnection,
    ) -> impl Future<Output = AppResult<Vec<Vec<Cell>>>> + Send;
}

/// The grids' and the categories' (Chinese) names, which export rows print instead of ids.
pub async fn grid_and_category_names(
    conn: &DatabaseConnection,
) -> AppResult<(HashMap<i64, String>, HashMap<i64, String>)> {
    let grids = place::Entity::find()
        .filter(place::Column::Kind.eq("grid"))
        .all(conn)
        .await?
        .into_iter()
        .map(|p| (p.id, p.name))
        .collect();
    let categories = category::Entity::find()
        .all(conn)
        .await?
        .into_iter()
        .map(|c| (c.id, c.name_zh))
        .collect();
    Ok((grids, categories))
}

/// The cases an export lists, as the drill-down page shows them (`CaseSummary`: no reporter,
/// no phone — nothing the page masks), newest first.
pub struct CaseRows {
    filter: Condition,
    /// (created at, id) of the last row written: the next batch starts below it.
    after: Option<(OffsetDateTime, i64)>,
    categories: HashMap<i64, String>,
    grids: HashMap<i64, String>,
}

impl CaseRows {
    pub async fn new(conn: &DatabaseConnection, filter: Condition) -> AppResult<CaseRows> {
        let (grids, categories) = grid_and_category_names(conn).await?;
        Ok(CaseRows {
            filter,
            after: None,
            categories,
            grids,
        })
    }

    fn cells(&self, c: &CaseSummary, closed_at: Option<OffsetDateTime>) -> Vec<Cell> {
        let zh = Lang::ZhCn;
        vec![
            c.number.clone().into(),
            c.title.clone().into(),
            self.categories
                .get(&c.category_id)
                .cloned()
                .unwrap_or_default()
                .into(),
            c.source.text().get(zh).into(),
            c.urgency.text().get(zh).into(),
            c.stage.text().get(zh).into(),
            c.grid_id
                .and_then(|g| self.grids.get(&g).cloned())
                .unwrap_or_default()
                .into(),
            c.created_at.into(),
            c.deadline_at.into(),
            closed_at.into(),
            if c.overdue { "是" } else { "" }.into(),
            u64::try_from(c.rework_count).unwrap_or(0).into(),
        ]
    }
}

impl Rows for CaseRows {
    fn columns(&self) -> Vec<Column> {
        use Kind::*;
        vec![
            Column::new("编号", Text, 18.0),
            Column::new("标题", Text, 30.0),
            Column::new("类别", Text, 14.0),
            Column::new("来源", Text, 10.0),
            Column::new("紧急程度", Text, 8.0),
            Column::new("状态", Text, 10.0),
            Column::new("网格", Text, 12.0),
            Column::new("上报时间", Moment, 17.0),
            Column::new("期限", Moment, 17.0),
            Column::new("结案时间", Moment, 17.0),
            Column::new("超期", Text, 6.0),
            Column::new("返工次数", Count, 8.0),
        ]
    }

    async fn next_batch(&mut self, conn: &DatabaseConnection) -> AppResult<Vec<Vec<Cell>>> {
        let mut q = case::Entity::find().filter(self.filter.clone());
        if let Some((at, id)) = self.after {
            q = q.filter(
                Condition::any()
                    .add(case::Column::CreatedAt.lt(service::utc(at)))
                    .add(
                        Condition::all()
                            .add(case::Column::CreatedAt.eq(service::utc(at)))
                            .add(case::Column::Id.lt(id)),
                    ),
            );
        }
        let models = q
            .order_by_desc(case::Column::CreatedAt)
            .order_by_desc(case::Column::Id)
            .limit(BATCH)
            .all(conn)
            .await?;
        let now = OffsetDateTime::now_utc();
        if let Some(last) = models.last() {
            self.after = Some((last.created_at, last.id));
        }
        Ok(models
            .iter()
            .map(|m| self.cells(&summary(m, now), m.closed_at))
            .collect())
    }
}

/// A short table already in memory (a ranking of a few dozen rows), as export rows.
pub struct Fixed {
    columns: Vec<Column>,
    rows: Option<Vec<Vec<Cell>>>,
}

impl Fixed {
    pub fn new(columns: Vec<Column>, rows: Vec<Vec<Cell>>) -> Fixed {
        Fixed {
            columns,
            rows: Some(rows),
        }
    }
}

impl Rows for Fixed {
    fn columns(&self) -> Vec<Column> {
        self.columns.clone()
    }

    async fn next_batch(&mut self, _conn: &DatabaseConnection) -> AppResult<Vec<Vec<Cell>>> {
        Ok(self.rows.take().unwrap_or_default())
    }
}

/// The cases of the statistics page's selection (or of one breakdown group) and how many.
pub async fn cases(
    conn: &DatabaseConnection,
    sel: &Selection,
    period: &shared::stats::Period,
    by: Option<shared::stats::BreakdownBy>,
    key: Option<&str>,
) -> AppResult<(CaseRows, u64)> {
    let filter = service::drill_condition(sel, period, by, key)?;
    let total = service::count(conn, filter.clone()).await?;
    Ok((CaseRows::new(conn, filter).await?, total))
}

fn line(columns: &[Column], cells: &[Cell]) -> AppResult<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(
        columns
            .iter()
            .zip(cells)
            .map(|(col, cell)| sheet::csv_text(col.kind, cell)),
    )
    .map_err(|e| AppError::Internal(e.to_string()))?;
    w.into_inner()
        .map_err(|e| AppError::Internal(e.to_string()))
}

/// The rows as a CSV body, a batch per chunk, read from the database as the client reads.
/// A byte-order mark first: Excel on Chinese Windows then reads the file as UTF-8.
pub fn csv_body<R: Rows>(conn: DatabaseConnection, rows: R) -> AppResult<Body> {
    let columns = rows.columns();
    let mut head = "\u{feff}".as_bytes().to_vec();
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record(columns.iter().map(|c| c.header.as_str()))
        .map_err(|e| AppError::Internal(e.to_string()))?;
    head.extend(
        w.into_inner()
            .map_err(|e| AppError::Internal(e.to_string()))?,
    );
    let first = futures::stream::once(async move { Ok::<_, std::io::Error>(Bytes::from(head)) });
    let batches = futures::stream::unfold(Some((conn, rows, columns)), |state| async move {
        let (conn, mut rows, columns) = state?;
        let batch = match rows.next_batch(&conn).await {
            Ok(b) => b,
            Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
        };
        if batch.is_empty() {
            return None;
        }
        let mut out = Vec::new();
        for cells in &batch {
            match line(&columns, cells) {
                Ok(l) => out.extend(l),
                Err(e) => return Some((Err(std::io::Error::other(e.to_string())), None)),
            }
        }
        Some((Ok(Bytes::from(out)), Some((conn, rows, columns))))
    });
    // Fused: the compression layer polls a body once more after its end.
    Ok(Body::from_stream(first.chain(batches).fuse()))
}

/// The rows as an XLSX workbook of one sheet, written in constant-memory mode to a temporary
/// file and streamed from it (the file is removed when the body is done).
pub async fn xlsx_body<R: Rows>(
    conn: &DatabaseConnection,
    mut rows: R,
    sheet_name: &str,
) -> AppResult<Body> {
    let err = |e: rust_xlsxwriter::XlsxError| AppError::Internal(format!("workbook: {e}"));
    let file = tempfile::NamedTempFile::new().map_err(|e| AppError::Internal(e.to_string()))?;
    let table = sheet::Table {
        name: sheet_name.to_string(),
        title: None,
        columns: rows.columns(),
        rows: Vec::new(),
    };
    let mut wb = rust_xlsxwriter::Workbook::new();
    let f = Formats::default();
    {
        let ws = wb.add_worksheet_with_constant_memory().map_err(err)?;
        let mut at = sheet::start_sheet(ws, &table, &f).map_err(err)?;
        loop {
            let batch = rows.next_batch(conn).await?;
            if batch.is_empty() {
                break;
            }
            for cells in &batch {
                sheet::write_row(ws, at, &table.columns, cells, &f).map_err(err)?;
                at += 1;
            }
        }
    }
    let path = file.path().to_path_buf();
    tokio::task::block_in_place(|| wb.save(&path)).map_err(err)?;
    let reader = tokio::fs::File::open(&path)
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    // The temporary file lives as long as the stream; dropped with it, it is removed.
    let chunks = futures::stream::unfold(Some((reader, file)), |state| async move {
        use tokio::io::AsyncReadExt;
        let (mut reader, file) = state?;
        let mut buf = vec![0u8; 64 * 1024];
        match reader.read(&mut buf).await {
            Ok(0) => None,
            Ok(n) => {
                buf.truncate(n);
                Some((
                    Ok::<_, std::io::Error>(Bytes::from(buf)),
                    Some((reader, file)),
                ))
            }
            Err(e) => Some((Err(e), None)),
        }
    });
    Ok(Body::from_stream(chunks.fuse()))
}

/// An export as the answer to its request: audited first (what was exported, how many rows),
/// then streamed as CSV or XLSX, `no-store`, as an attachment named `{name}.{csv|xlsx}`. Every
/// export of the app goes through here (the statistics' cases, the approvals ledger).
#[allow(clippy::too_many_arguments)]
pub async fn send<R: Rows>(
    state: &crate::state::AppState,
    ctx: &crate::http::RequestCtx,
    me: &shared::accounts::Principal,
    record: crate::audit::Record<'_>,
    name: &str,
    sheet_name: &str,
    format: shared::stats::ExportFormat,
    rows: R,
) -> AppResult<axum::response::Response> {
    use axum::http::header;
    use axum::response::IntoResponse;
    crate::audit::record_now(state, Some(me), ctx, record).await?;
    let conn = &state.db.conn;
    let (content_type, body) = match format {
        shared::stats::ExportFormat::Csv => {
            ("text/csv; charset=utf-8", csv_body(conn.clone(), rows)?)
        }
        shared::stats::ExportFormat::Xlsx => (
            super::routes::XLSX,
            xlsx_body(conn, rows, sheet_name).await?,
        ),
    };
    Ok((
        [
            (header::CONTENT_TYPE, content_type.to_string()),
            (header::CACHE_CONTROL, "no-store".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{}\"", format.as_str()),
            ),
        ],
        body,
    )
        .into_response())
}
