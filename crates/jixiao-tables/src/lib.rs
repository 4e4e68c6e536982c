//! Office and web files → the grid of cells every input becomes.
//!
//! A stage beside `jixiao-pdf`: an HTML page (a saved disclosure page or a
//! fragment), a spreadsheet (.xlsx, .xls, .ods, .xlsb) or a Word .docx flows
//! in as bytes, and rows of cells come out, the same [`Row`]s and [`Cell`]s
//! that tab-separated text is split into, with a [`RowOrigin`] for each row
//! saying where it came from (sheet or table, source row, each cell's
//! source column, span and stored value). A merged cell keeps its text at
//! its top-left position and records its span; the positions it covers
//! are empty, as they are in text exported from the table. A break (a
//! blank line, in text) stands between tables, between sheets, and where a
//! row or paragraph is empty, and takes a line number as a blank line
//! does, so that a file and the text exported from it number their rows
//! alike.
//!
//! The format is told from the bytes (a zip holding `xl/`, `word/` or an
//! OpenDocument spreadsheet; an OLE2 compound file; `<html` or `<table`
//! near the start), the file's extension only as a hint. Files this stage
//! cannot read say why: a legacy Word .doc, an encrypted Office file, a
//! damaged zip.
//!
//! ```
//! let html = "<p>单位：万元</p><table><tr><td rowspan=2>产出指标</td><td>数量指标</td></tr>\
//!             <tr><td>质量指标</td></tr></table>";
//! let grid = jixiao_tables::read_tables("page.html", html.as_bytes(), &Default::default())
//!     .expect("an HTML page")
//!     .expect("readable");
//! assert_eq!(grid.rows[0].cells[0].text, "单位：万元");
//! // A break stands between the text and the table, and takes a line.
//! assert_eq!(grid.rows[1].line, 3);
//! assert_eq!(grid.rows[1].cells[0].span.map(|s| s.rows), Some(2));
//! assert_eq!(grid.rows[2].cells[0].column, 1);
//! ```
#![deny(missing_docs)]

mod biff;
mod docx;
mod error;
mod html;
mod layout;
mod numfmt;
mod ods;
mod sheets;
mod sink;
mod sniff;
mod xml;
mod zipped;

pub use error::TablesError;
pub use jixiao_model::{Cell, CellOrigin, Row, RowOrigin, SourcePart, Span};
pub use sniff::{sniff, Format};

/// The rows read from a file, and where each came from.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Grid {
    /// The rows, as the readers take them.
    pub rows: Vec<Row>,
    /// For each row (by `line`), its sheet or table and source row.
    pub origins: Vec<RowOrigin>,
}

/// Bounds on what one file may make this stage hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The most bytes one part of a zip (a sheet, `word/document.xml`) may
    /// inflate to.
    pub max_part_bytes: u64,
    /// The most cells (positions, merged ones counted for every position
    /// they cover) one sheet or table may have.
    pub max_cells: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_part_bytes: 256 << 20,
            max_cells: 5_000_000,
        }
    }
}

/// Reads `bytes` if they are an office or web file: `None` when they are
/// not (a PDF or text goes on to its own reader), else the rows or why
/// they cannot be read. `path` gives the extension hint.
pub fn read_tables(path: &str, bytes: &[u8], limits: &Limits) -> Option<Result<Grid, TablesError>> {
    let format = match sniff(path, bytes)? {
        Ok(format) => format,
        Err(e) => return Some(Err(e)),
    };
    Some(read_format(format, bytes, limits))
}

/// Reads `bytes` as `format`; a file with no text at all is an error.
pub fn read_format(format: Format, bytes: &[u8], limits: &Limits) -> Result<Grid, TablesError> {
    let grid = match format {
        Format::Html => html::read(bytes, limits),
        Format::Xlsx | Format::Xlsb | Format::Xls | Format::Ods => {
            sheets::read(format, bytes, limits)
        }
        Format::Docx => docx::read(bytes, limits),
    }?;
    if grid.rows.is_empty() {
        return Err(TablesError::NoText);
    }
    Ok(grid)
}

/// Reads an HTML page or fragment already decoded to text.
pub fn read_html(text: &str, limits: &Limits) -> Result<Grid, TablesError> {
    html::read_text(text, limits)
}

/// What the unit tests of the readers share.
#[cfg(test)]
pub(crate) mod testing {
    use crate::Grid;

    /// Each row as (line, [(column, text)]).
    pub(crate) fn cells(g: &Grid) -> Vec<(usize, Vec<(usize, &str)>)> {
        g.rows
            .iter()
            .map(|r| {
                (
                    r.line,
                    r.cells
                        .iter()
                        .map(|c| (c.column, c.text.as_str()))
                        .collect(),
                )
            })
            .collect()
    }
}
