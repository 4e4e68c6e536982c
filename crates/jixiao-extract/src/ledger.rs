//! Bookkeeping that makes "nothing lost" hold by construction: every cell a
//! reader takes is marked, every cell it rejects is kept with a reason, and
//! whatever is left when the form is done goes to `unmapped`.

use crate::model::{CellCount, Missing, Repair, Unmapped};
use crate::rows::{Cell, Row};
use std::collections::BTreeMap;

#[derive(Default)]
pub(crate) struct Ledger {
    taken: Taken,
    rejected: BTreeMap<(usize, usize), Unmapped>,
    pub(crate) missing: Vec<Missing>,
    pub(crate) repairs: Vec<Repair>,
    /// The reader's `debris` repair is on, for a damaged text layer (see
    /// `engine::damage`).
    pub(crate) damaged_layer: bool,
}

/// The cells taken so far: a bit per (line, column) of the form's lines.
#[derive(Default)]
struct Taken {
    first_line: usize,
    columns: usize,
    bits: Vec<bool>,
}

impl Taken {
    fn slot(&self, line: usize, column: usize) -> Option<usize> {
        let row = line.checked_sub(self.first_line)?;
        (column < self.columns).then_some(row * self.columns + column)
    }
    fn insert(&mut self, line: usize, column: usize) {
        match self.slot(line, column) {
            Some(i) if i < self.bits.len() => self.bits[i] = true,
            _ => {
                // Outside the span the ledger was made for: grow it.
                let mut grown = Taken::for_span(
                    self.first_line.min(line),
                    (self.first_line + self.bits.len() / self.columns.max(1)).max(line + 1),
                    self.columns.max(column + 1),
                );
                for i in (0..self.bits.len()).filter(|&i| self.bits[i]) {
                    grown.insert(self.first_line + i / self.columns, i % self.columns);
                }
                grown.insert(line, column);
                *self = grown;
            }
        }
    }
    fn contains(&self, line: usize, column: usize) -> bool {
        self.slot(line, column)
            .and_then(|i| self.bits.get(i).copied())
            .unwrap_or(false)
    }
    fn for_span(first_line: usize, end_line: usize, columns: usize) -> Self {
        Taken {
            first_line,
            columns,
            bits: vec![false; end_line.saturating_sub(first_line) * columns],
        }
    }
}

impl Ledger {
    /// A ledger for the cells of `rows`.
    pub(crate) fn for_rows(rows: &[Row]) -> Self {
        Self::for_parts(&[rows])
    }

    /// A ledger for the cells of several stretches of rows.
    pub(crate) fn for_parts(parts: &[&[Row]]) -> Self {
        let rows = || parts.iter().flat_map(|p| p.iter());
        let first = rows().map(|r| r.line).min().unwrap_or(1);
        let last = rows().map(|r| r.line).max().unwrap_or(first);
        let columns = rows()
            .flat_map(|r| r.cells.iter().map(|c| c.column + 1))
            .max()
            .unwrap_or(1);
        Ledger {
            taken: Taken::for_span(first, last + 1, columns),
            ..Ledger::default()
        }
    }

    /// The cell is read into a field (or is a label).
    pub(crate) fn take(&mut self, line: usize, cell: &Cell) {
        self.rejected.remove(&(line, cell.column));
        self.taken.insert(line, cell.column);
    }

    /// The cell is kept out of the fields for `reason`.
    pub(crate) fn reject(&mut self, line: usize, cell: &Cell, reason: impl Into<String>) {
        if self.taken.contains(line, cell.column) {
            return;
        }
        self.rejected
            .entry((line, cell.column))
            .or_insert_with(|| Unmapped::new(line, cell.column, &cell.text, reason));
    }

    pub(crate) fn is_taken(&self, line: usize, column: usize) -> bool {
        self.taken.contains(line, column)
    }

    pub(crate) fn miss(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        let field = field.into();
        if !self.missing.iter().any(|m| m.field == field) {
            self.missing.push(Missing {
                field,
                reason: reason.into(),
            });
        }
    }

    /// Notes a repair that changes only text.
    pub(crate) fn repair(&mut self, line: usize, action: impl Into<String>) {
        self.repairs.push(Repair {
            line,
            action: action.into(),
            affects_numbers: false,
        });
    }

    /// Notes a repair that decides which printed numbers are counted.
    pub(crate) fn repair_numbers(&mut self, line: usize, action: impl Into<String>) {
        self.repairs.push(Repair {
            line,
            action: action.into(),
            affects_numbers: true,
        });
    }

    /// Sweeps every cell of `rows` that no reader took into `unmapped`.
    pub(crate) fn finish(
        self,
        rows: &[Row],
    ) -> (Vec<Unmapped>, CellCount, Vec<Missing>, Vec<Repair>) {
        self.finish_parts(&[rows])
    }

    /// As [`Ledger::finish`], over several stretches of rows.
    pub(crate) fn finish_parts(
        mut self,
        parts: &[&[Row]],
    ) -> (Vec<Unmapped>, CellCount, Vec<Missing>, Vec<Repair>) {
        let rows = parts.iter().flat_map(|p| p.iter());
        let mut count = CellCount::default();
        for row in rows {
            for cell in &row.cells {
                count.total += 1;
                if self.taken.contains(row.line, cell.column) {
                    count.mapped += 1;
                } else {
                    self.reject(row.line, cell, "not recognised as part of the form");
                }
            }
        }
        let unmapped: Vec<Unmapped> = self.rejected.into_values().collect();
        count.unmapped = unmapped.len();
        self.repairs.sort_by_key(|r| r.line);
        (unmapped, count, self.missing, self.repairs)
    }
}
