//! Reading a residents roster out of the file an office uploads: a CSV file (the export's own
//! format) or an Excel workbook (.xlsx, as committees keep their rosters). Both become one
//! [`Roster`] of text cells under recognised headings (`shared::places::RosterColumn`), which
//! the import then checks row by row.

use crate::error::{AppError, AppResult};
use calamine::{Data, Reader, Xlsx};
use shared::error::FieldErrorCode;
use shared::places::RosterColumn;

/// Rows a workbook's heading may be preceded by (a title such as 幸福社区居民花名册, a date).
const TITLE_ROWS: usize = 10;

/// A roster's rows as text, with the column each heading names.
pub struct Roster {
    /// Every heading as written (for naming a cell that breaks the text rule).
    pub headings: Vec<String>,
    /// For each heading, the roster column it names (if any).
    pub columns: Vec<Option<RosterColumn>>,
    /// (the row number to report, its cells; `None` when the row could not be read).
    pub rows: Vec<(u64, Option<Vec<String>>)>,
}

impl Roster {
    fn new(headings: Vec<String>) -> Roster {
        let columns = headings
            .iter()
            .map(|h| RosterColumn::recognise(h))
            .collect();
        Roster {
            headings,
            columns,
            rows: Vec::new(),
        }
    }

    /// Where a column is, if a heading names it (the first such heading).
    pub fn position(&self, column: RosterColumn) -> Option<usize> {
        self.columns.iter().position(|c| *c == Some(column))
    }

    fn has_required(&self) -> bool {
        RosterColumn::ALL
            .into_iter()
            .filter(|c| c.required())
            .all(|c| self.position(c).is_some())
    }
}

/// A CSV roster: a heading row, then one resident per line (rows numbered after the heading).
pub fn from_csv(body: &[u8]) -> AppResult<Roster> {
    let text = std::str::from_utf8(body)
        .map_err(|_| AppError::field("body", FieldErrorCode::InvalidFormat))?;
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.trim_start_matches('\u{feff}').as_bytes());
    let headings = reader
        .headers()
        .map_err(|_| AppError::field("header", FieldErrorCode::InvalidFormat))?
        .iter()
        .map(str::to_string)
        .collect();
    let mut roster = Roster::new(headings);
    if !roster.has_required() {
        return Err(AppError::field("header", FieldErrorCode::Required));
    }
    for (i, record) in reader.records().enumerate() {
        let cells = record.ok().map(|r| r.iter().map(str::to_string).collect());
        roster.rows.push((i as u64 + 1, cells));
    }
    Ok(roster)
}

/// An Excel roster: the first sheet with a heading row naming the required columns (within
/// its first rows, below any title), then one resident per row; empty rows are skipped and a
/// row is reported by the number Excel shows beside it.
pub fn from_xlsx(body: &[u8]) -> AppResult<Roster> {
    let unreadable = || AppError::field("body", FieldErrorCode::InvalidFormat);
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(std::io::Cursor::new(body)).map_err(|_| unreadable())?;
    for name in book.sheet_names() {
        let Ok(range) = book.worksheet_range(&name) else {
            continue;
        };
        // Row numbers as Excel shows them: the range may start below the sheet's first row.
        let first_row = range.start().map_or(0, |(row, _)| row as u64) + 1;
        let rows: Vec<Vec<String>> = range
            .rows()
            .map(|cells| cells.iter().map(cell_text).collect())
            .collect();
        let Some((heading_at, roster)) = rows
            .iter()
            .take(TITLE_ROWS)
            .enumerate()
            .map(|(i, cells)| (i, Roster::new(cells.clone())))
            .find(|(_, r)| r.has_required())
        else {
            continue;
        };
        let mut roster = roster;
        for (i, cells) in rows.into_iter().enumerate().skip(heading_at + 1) {
            if cells.iter().all(|c| c.is_empty()) {
                continue;
            }
            roster.rows.push((first_row + i as u64, Some(cells)));
        }
        return Ok(roster);
    }
    Err(AppError::field("header", FieldErrorCode::Required))
}

/// A cell as the text a person reads in it. Numbers typed into a cell (a phone such as
/// 13800138000) come back as floating point and are written without a decimal part.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.trim().to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        other => other.to_string().trim().to_string(),
    }
}
