//! Where a row read from a spreadsheet, a Word file or an HTML page came
//! from: the sheet or table, the source row, and each cell's source
//! column, span and stored value. What [`crate::RowGeometry`] is for a PDF.

use serde::Serialize;

/// The part of a file a row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum SourcePart {
    /// A spreadsheet's sheet, by name (1-based `index` in the workbook).
    Sheet {
        /// The sheet's name.
        name: String,
        /// Its place in the workbook, from 1.
        index: usize,
    },
    /// A table of a Word file or an HTML page, numbered from 1 in
    /// document order (a table nested in another has its own number).
    Table {
        /// The table's number.
        number: usize,
    },
    /// Text outside tables (a title, `单位：万元`, a paragraph).
    Text,
}

/// Where one row came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct RowOrigin {
    /// The row's number (what `line` means for these files).
    pub line: usize,
    /// The sheet, table or text.
    pub part: SourcePart,
    /// 1-based row in the sheet or table; for text, the paragraph's number
    /// among the document's paragraphs outside tables.
    pub row: usize,
    /// Each cell of the row.
    pub cells: Vec<CellOrigin>,
}

/// Where one cell came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct CellOrigin {
    /// Column, as in the row.
    pub column: usize,
    /// 1-based column in the sheet or table.
    pub source_column: usize,
    /// Rows the cell covers (merged cells: more than 1).
    pub rows: u32,
    /// Columns the cell covers.
    pub columns: u32,
    /// The value the file stores, where the text shown differs from it: a
    /// number formatted `#,##0.00` shows `4,072.10` and stores `4072.1`; a
    /// date shows `2023-03-01` and stores the serial `44986`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}
