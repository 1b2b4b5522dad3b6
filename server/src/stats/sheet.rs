//! Tables as spreadsheets: one description of a table (its columns, their kinds and widths,
//! its rows of typed cells) written as an XLSX worksheet — bold header row frozen and repeated
//! on each printed page, widths set, dates as dates, ratios as percentages — or as CSV made
//! safe against formula injection. The monthly report's workbook and the exports both write
//! through here.

use rust_xlsxwriter::{ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet};
use shared::calendar::SHANGHAI;
use shared::validate::spreadsheet_safe;
use time::{Date, OffsetDateTime};

/// What a column holds: how its cells are formatted.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Text,
    /// A whole number.
    Count,
    /// A share between 0 and 1, shown as a percentage.
    Ratio,
    /// A number with one decimal (hours).
    Decimal,
    /// A Beijing day.
    Day,
    /// A moment, shown in Beijing time to the minute.
    Moment,
}

#[derive(Clone)]
pub struct Column {
    pub header: String,
    pub kind: Kind,
    /// Width in characters (a Chinese character counts two).
    pub width: f64,
}

impl Column {
    pub fn new(header: impl Into<String>, kind: Kind, width: f64) -> Column {
        Column {
            header: header.into(),
            kind,
            width,
        }
    }
}

/// One cell's value.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell {
    Text(String),
    /// Formatted as its column's kind says.
    Number(f64),
    /// A share, as a percentage whatever the column (a table of mixed figures).
    Share(f64),
    /// One decimal whatever the column.
    Decimal(f64),
    Day(Date),
    Moment(OffsetDateTime),
    Empty,
}

impl From<&str> for Cell {
    fn from(s: &str) -> Cell {
        Cell::Text(s.to_string())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Cell {
        Cell::Text(s)
    }
}

impl From<u64> for Cell {
    fn from(n: u64) -> Cell {
        Cell::Number(n as f64)
    }
}

impl From<Option<f64>> for Cell {
    fn from(v: Option<f64>) -> Cell {
        v.map_or(Cell::Empty, Cell::Number)
    }
}

impl From<Date> for Cell {
    fn from(d: Date) -> Cell {
        Cell::Day(d)
    }
}

impl From<Option<Date>> for Cell {
    fn from(d: Option<Date>) -> Cell {
        d.map_or(Cell::Empty, Cell::Day)
    }
}

impl From<OffsetDateTime> for Cell {
    fn from(t: OffsetDateTime) -> Cell {
        Cell::Moment(t)
    }
}

impl From<Option<OffsetDateTime>> for Cell {
    fn from(t: Option<OffsetDateTime>) -> Cell {
        t.map_or(Cell::Empty, Cell::Moment)
    }
}

/// A table to write: a sheet of the workbook, or a CSV file.
pub struct Table {
    /// The sheet's name (at most 31 characters, none of `[]:*?/\`).
    pub name: String,
    /// A title line above the header (the report's month and scope); none for exports,
    /// whose first row is the header.
    pub title: Option<String>,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
}

pub type XlsxResult<T> = Result<T, rust_xlsxwriter::XlsxError>;

fn excel_day(d: Date) -> XlsxResult<ExcelDateTime> {
    ExcelDateTime::from_ymd(d.year() as u16, u8::from(d.month()), d.day())
}

fn excel_moment(t: OffsetDateTime) -> XlsxResult<ExcelDateTime> {
    let t = t.to_offset(SHANGHAI);
    excel_day(t.date())?.and_hms(u16::from(t.hour()), t.minute(), t.second())
}

/// The formats of a sheet, made once.
pub struct Formats {
    title: Format,
    header: Format,
    text: Format,
    count: Format,
    ratio: Format,
    decimal: Format,
    day: Format,
    moment: Format,
}

impl Default for Formats {
    fn default() -> Formats {
        let cell = || Format::new().set_border(FormatBorder::Thin);
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            header: cell()
                .set_bold()
                .set_background_color(0xE8F0EC)
                .set_align(FormatAlign::Center)
                .set_text_wrap(),
            text: cell().set_text_wrap(),
            count: cell().set_num_format("0"),
            ratio: cell().set_num_format("0.0%"),
            decimal: cell().set_num_format("0.0"),
            day: cell().set_num_format("yyyy-mm-dd"),
            moment: cell().set_num_format("yyyy-mm-dd hh:mm"),
        }
    }
}

impl Formats {
    fn of(&self, kind: Kind) -> &Format {
        match kind {
            Kind::Text => &self.text,
            Kind::Count => &self.count,
            Kind::Ratio => &self.ratio,
            Kind::Decimal => &self.decimal,
            Kind::Day => &self.day,
            Kind::Moment => &self.moment,
        }
    }
}

/// The header (and title) of a table on a sheet, the widths and the print set-up; the
/// row the data starts on.
pub fn start_sheet(ws: &mut Worksheet, t: &Table, f: &Formats) -> XlsxResult<u32> {
    ws.set_name(&t.name)?;
    let mut row = 0;
    if let Some(title) = &t.title {
        ws.write_string_with_format(0, 0, title, &f.title)?;
        row = 2;
    }
    for (c, col) in t.columns.iter().enumerate() {
        let c = c as u16;
        ws.write_string_with_format(row, c, &col.header, &f.header)?;
        ws.set_column_width(c, col.width)?;
    }
    ws.set_freeze_panes(row + 1, 0)?;
    ws.set_repeat_rows(row, row)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    Ok(row + 1)
}

/// One row of cells at `row`.
pub fn write_row(
    ws: &mut Worksheet,
    row: u32,
    columns: &[Column],
    cells: &[Cell],
    f: &Formats,
) -> XlsxResult<()> {
    for (c, (col, cell)) in columns.iter().zip(cells).enumerate() {
        let c = c as u16;
        let format = f.of(col.kind);
        match cell {
            // Written as a string cell: never read as a formula, whatever it starts with.
            Cell::Text(s) => ws.write_string_with_format(row, c, s, format)?,
            Cell::Number(n) => ws.write_number_with_format(row, c, *n, format)?,
            Cell::Share(n) => ws.write_number_with_format(row, c, *n, &f.ratio)?,
            Cell::Decimal(n) => ws.write_number_with_format(row, c, *n, &f.decimal)?,
            Cell::Day(d) => ws.write_datetime_with_format(row, c, excel_day(*d)?, format)?,
            Cell::Moment(t) => ws.write_datetime_with_format(row, c, excel_moment(*t)?, format)?,
            Cell::Empty => ws.write_blank(row, c, format)?,
        };
    }
    Ok(())
}

/// A workbook of tables, one sheet each.
pub fn workbook(tables: &[Table]) -> XlsxResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let f = Formats::default();
    for t in tables {
        let ws = wb.add_worksheet();
        let first = start_sheet(ws, t, &f)?;
        for (i, cells) in t.rows.iter().enumerate() {
            write_row(ws, first + i as u32, &t.columns, cells, &f)?;
        }
    }
    wb.save_to_buffer()
}

/// A cell as CSV text: numbers as they are, days `YYYY-MM-DD`, moments in Beijing time.
pub fn csv_text(kind: Kind, cell: &Cell) -> String {
    match cell {
        // Guarded against formula injection (`shared::validate::spreadsheet_safe`).
        Cell::Text(s) => spreadsheet_safe(s),
        Cell::Number(n) => match kind {
            Kind::Count => format!("{}", n.round() as i64),
            Kind::Ratio => format!("{:.4}", n),
            Kind::Decimal => format!("{n:.1}"),
            _ => format!("{n}"),
        },
        Cell::Share(n) => format!("{n:.4}"),
        Cell::Decimal(n) => format!("{n:.1}"),
        Cell::Day(d) => shared::calendar::format_day(*d),
        Cell::Moment(t) => {
            let t = t.to_offset(SHANGHAI);
            format!(
                "{} {:02}:{:02}",
                shared::calendar::format_day(t.date()),
                t.hour(),
                t.minute()
            )
        }
        Cell::Empty => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_look_like_formulas_stay_text_in_csv() {
        for s in ["=1+1", "+86 139", "-3", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_text(Kind::Text, &Cell::Text(s.into())).starts_with('\''),
                "{s:?}"
            );
        }
        for s in ["楼道堆物", "1+1", "a=b", ""] {
            assert_eq!(csv_text(Kind::Text, &Cell::Text(s.into())), s);
        }
        assert_eq!(
            csv_text(Kind::Text, &Cell::Text("=HYPERLINK(\"x\")".into())),
            "'=HYPERLINK(\"x\")"
        );
        assert_eq!(csv_text(Kind::Count, &Cell::Number(3.0)), "3");
        assert_eq!(csv_text(Kind::Ratio, &Cell::Number(0.5)), "0.5000");
        assert_eq!(
            csv_text(
                Kind::Moment,
                &Cell::Moment(time::macros::datetime!(2025-03-31 16:30 UTC))
            ),
            "2025-04-01 00:30"
        );
    }
}
