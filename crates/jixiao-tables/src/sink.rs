//! Rows as they are laid out, numbered as text exported from the file
//! would number its lines: one line a row, one blank line a break.

use crate::layout::Placed;
use crate::Grid;
use jixiao_model::{Cell, CellOrigin, Row, RowOrigin, SourcePart};

/// Collects rows and their origins in document order.
#[derive(Debug, Default)]
pub(crate) struct Sink {
    grid: Grid,
    line: usize,
    pending_break: bool,
    paragraphs: usize,
}

impl Sink {
    /// A break (a blank line) before whatever comes next. Breaks before
    /// the first row, and breaks in a row, are one.
    pub(crate) fn brk(&mut self) {
        if !self.grid.rows.is_empty() {
            self.pending_break = true;
        }
    }

    /// One source row of a sheet or table: its cells at their columns
    /// (text at a merged cell's top-left position). A row with no text is
    /// a break.
    pub(crate) fn row(&mut self, part: &SourcePart, source_row: usize, placed: &[Placed]) {
        let mut cells = Vec::with_capacity(placed.len());
        let mut origins = Vec::with_capacity(placed.len());
        for p in placed {
            let cell = Cell::spanning(p.column, &p.text, p.rows, p.columns);
            if cell.text.is_empty() {
                continue;
            }
            cells.push(cell);
            origins.push(CellOrigin {
                column: p.column,
                source_column: p.column + 1,
                rows: p.rows.max(1),
                columns: p.columns.max(1),
                value: p.value.clone(),
            });
        }
        self.push(part.clone(), source_row, cells, origins);
    }

    /// Text outside tables: each of its lines a row of one cell.
    pub(crate) fn text(&mut self, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
            self.paragraphs += 1;
            let origin = CellOrigin {
                column: 0,
                source_column: 1,
                rows: 1,
                columns: 1,
                value: None,
            };
            self.push(
                SourcePart::Text,
                self.paragraphs,
                vec![Cell::new(0, line)],
                vec![origin],
            );
        }
    }

    fn push(&mut self, part: SourcePart, row: usize, cells: Vec<Cell>, origins: Vec<CellOrigin>) {
        if cells.is_empty() {
            self.brk();
            return;
        }
        let after_break = std::mem::take(&mut self.pending_break);
        // The blank line of a break has a number of its own, as in text.
        self.line += 1 + usize::from(after_break);
        self.grid.rows.push(Row::new(self.line, cells, after_break));
        self.grid.origins.push(RowOrigin {
            line: self.line,
            part,
            row,
            cells: origins,
        });
    }

    pub(crate) fn finish(self) -> Grid {
        self.grid
    }
}
