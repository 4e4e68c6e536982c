//! Header rows of a block: which column means what.
//!
//! A header cell is matched against the template's column words. A header
//! printed over two cells (`年度` `指标值`) or over two rows (`全年` above
//! `预算数`) is joined before it is matched. A header cell no word matches
//! keeps its text: cells under it are listed as unmapped, never guessed.

use super::template::Vocabulary;
use super::words::meaning;
use crate::rows::Row;

/// What a column of a block holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// A field of the template (`adjusted_budget`, `level1`).
    Field(String),
    /// A header no word of the template names, as printed.
    Unknown(String),
}

/// The columns of a header, sorted by column.
#[derive(Debug, Clone, Default)]
pub(crate) struct Columns {
    pub cols: Vec<(usize, Meaning)>,
    /// The source lines of the header.
    pub lines: Vec<usize>,
}

impl Columns {
    /// The meaning of a data cell at `column`: the header at that column,
    /// else the nearest one to its left (a header merged across columns).
    pub(crate) fn at(&self, column: usize) -> Option<&Meaning> {
        self.cols
            .iter()
            .rev()
            .find(|(c, _)| *c <= column)
            .map(|(_, m)| m)
    }

    /// The column of a field.
    pub(crate) fn of(&self, field: &str) -> Option<usize> {
        self.cols
            .iter()
            .find(|(_, m)| matches!(m, Meaning::Field(f) if f == field))
            .map(|(c, _)| *c)
    }

    /// The first column holding one of `fields`.
    pub(crate) fn first_of(&self, fields: &[&str]) -> Option<usize> {
        fields.iter().filter_map(|f| self.of(f)).min()
    }
}

/// The meanings of one header row; `skip` tells cells that belong to no
/// column (a block label beside the header).
pub(crate) fn read_header(row: &Row, vocab: &Vocabulary, skip: &dyn Fn(&str) -> bool) -> Columns {
    let cells: Vec<_> = row.cells.iter().filter(|c| !skip(&c.text)).collect();
    let mut cols: Vec<(usize, Meaning)> = Vec::with_capacity(cells.len());
    let mut i = 0;
    while i < cells.len() {
        let c = cells[i];
        if let Some((m, _)) = meaning(&c.text, vocab) {
            cols.push((c.column, Meaning::Field(m.to_string())));
            i += 1;
            continue;
        }
        // A header printed over two adjacent cells.
        if let Some(next) = cells
            .get(i + 1)
            .filter(|n| meaning(&n.text, vocab).is_none())
        {
            if let Some((m, _)) = meaning(&format!("{}{}", c.text, next.text), vocab) {
                cols.push((c.column, Meaning::Field(m.to_string())));
                cols.push((next.column, Meaning::Field(m.to_string())));
                i += 2;
                continue;
            }
        }
        cols.push((c.column, Meaning::Unknown(c.text.clone())));
        i += 1;
    }
    keep_best_of_each(&mut cols, row, vocab);
    Columns {
        cols,
        lines: vec![row.line],
    }
}

/// Where two header cells name one field (`得分系数` and `指标得分`), the
/// better match keeps it and the other is left unknown, never guessed.
fn keep_best_of_each(cols: &mut [(usize, Meaning)], row: &Row, vocab: &Vocabulary) {
    let strength = |c: usize| {
        row.at(c)
            .and_then(|cell| meaning(&cell.text, vocab))
            .map_or(0, |(_, n)| n)
    };
    let fields: Vec<(usize, String)> = cols
        .iter()
        .filter_map(|(c, m)| match m {
            Meaning::Field(f) => Some((*c, f.clone())),
            Meaning::Unknown(_) => None,
        })
        .collect();
    for (c, f) in &fields {
        let best = fields
            .iter()
            .filter(|(_, g)| g == f)
            .max_by_key(|(k, _)| (strength(*k), std::cmp::Reverse(*k)))
            .map(|(k, _)| *k);
        if best != Some(*c) && strength(*c) < best.map_or(0, strength) {
            if let Some(slot) = cols.iter_mut().find(|(k, _)| k == c) {
                slot.1 = Meaning::Unknown(row.at(*c).map_or(String::new(), |x| x.text.clone()));
            }
        }
    }
}

/// Joins a second header row under `first`: a cell below a header that
/// means nothing alone is read with the text above it.
pub(crate) fn join_second_row(first: &mut Columns, above: &Row, below: &Row, vocab: &Vocabulary) {
    let mut changed = false;
    for cell in &below.cells {
        let top = above.at(cell.column).map_or("", |c| c.text.as_str());
        let joined =
            meaning(&format!("{top}{}", cell.text), vocab).or_else(|| meaning(&cell.text, vocab));
        let Some((m, _)) = joined else { continue };
        let slot = first.cols.iter_mut().find(|(c, _)| *c == cell.column);
        match slot {
            Some((_, old @ Meaning::Unknown(_))) => *old = Meaning::Field(m.to_string()),
            Some(_) => {}
            None => first
                .cols
                .push((cell.column, Meaning::Field(m.to_string()))),
        }
        changed = true;
    }
    if changed {
        first.cols.sort_by_key(|(c, _)| *c);
        first.lines.push(below.line);
    }
}

/// How many cells of `row` name a column of `vocab`.
pub(crate) fn header_score(row: &Row, vocab: &Vocabulary) -> usize {
    row.cells
        .iter()
        .filter(|c| c.text.chars().count() <= 24 && meaning(&c.text, vocab).is_some())
        .count()
}
