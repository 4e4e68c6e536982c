//! Bookkeeping that makes "nothing lost" hold by construction: every cell a
//! reader takes is marked, every cell it rejects is kept with a reason, and
//! whatever is left when the form is done goes to `unmapped`.

use crate::model::{CellCount, Missing, Repair, Unmapped};
use crate::rows::{Cell, Row};
use std::collections::{BTreeMap, HashSet};

#[derive(Default)]
pub(crate) struct Ledger {
    taken: HashSet<(usize, usize)>,
    rejected: BTreeMap<(usize, usize), Unmapped>,
    pub(crate) missing: Vec<Missing>,
    pub(crate) repairs: Vec<Repair>,
}

impl Ledger {
    /// The cell is read into a field (or is a label).
    pub(crate) fn take(&mut self, line: usize, cell: &Cell) {
        self.rejected.remove(&(line, cell.column));
        self.taken.insert((line, cell.column));
    }

    /// The cell is kept out of the fields for `reason`.
    pub(crate) fn reject(&mut self, line: usize, cell: &Cell, reason: impl Into<String>) {
        if self.taken.contains(&(line, cell.column)) {
            return;
        }
        self.rejected
            .entry((line, cell.column))
            .or_insert_with(|| Unmapped {
                line,
                column: cell.column,
                text: cell.text.clone(),
                reason: reason.into(),
            });
    }

    pub(crate) fn is_taken(&self, line: usize, column: usize) -> bool {
        self.taken.contains(&(line, column))
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
        mut self,
        rows: &[Row],
    ) -> (Vec<Unmapped>, CellCount, Vec<Missing>, Vec<Repair>) {
        let mut count = CellCount::default();
        for row in rows {
            for cell in &row.cells {
                count.total += 1;
                if self.taken.contains(&(row.line, cell.column)) {
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
