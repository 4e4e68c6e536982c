//! Header rows of a block: which column means what.
//!
//! A header cell is matched against the template's column words. A header
//! printed over two cells (`年度` `指标值`) or over two rows (`全年` above
//! `预算数`) is joined before it is matched. A header cell no word matches
//! keeps its text: cells under it are listed as unmapped, never guessed.

use super::template::Vocabulary;
use super::words::{damaged_meaning, meaning};
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
    /// Header cells read as a word their characters reorder (the damaged
    /// header repair): column, printed text, the word.
    pub damaged: Vec<(usize, String, String)>,
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
    // Each column with its meaning and how strongly its header names it.
    let mut cols: Vec<(usize, Meaning, usize)> = Vec::with_capacity(cells.len());
    let mut damaged = Vec::new();
    let mut i = 0;
    while i < cells.len() {
        let c = cells[i];
        if let Some((m, n)) = meaning(&c.text, vocab) {
            cols.push((c.column, Meaning::Field(m.to_string()), n));
            i += 1;
            continue;
        }
        // A header printed over two adjacent cells (`年度` `指标值`, or `实际`
        // `完成值` where the second half alone means the same).
        if let Some(next) = cells.get(i + 1) {
            // The first half must add to the match, not merely sit before it.
            let alone = meaning(&next.text, vocab);
            let joined = meaning(&format!("{}{}", c.text, next.text), vocab)
                .filter(|(m, n)| alone.is_none_or(|(a, k)| a == *m && *n > k));
            if let Some((m, n)) = joined {
                cols.push((c.column, Meaning::Field(m.to_string()), n));
                cols.push((next.column, Meaning::Field(m.to_string()), n));
                i += 2;
                continue;
            }
        }
        // A header whose characters the text layer reordered.
        match damaged_meaning(&c.text, vocab) {
            Some((m, word)) => {
                damaged.push((c.column, c.text.clone(), word.to_string()));
                cols.push((c.column, Meaning::Field(m.to_string()), 1));
            }
            None => cols.push((c.column, Meaning::Unknown(c.text.clone()), 0)),
        }
        i += 1;
    }
    keep_best_of_each(&mut cols, row);
    damaged.retain(|(c, ..)| {
        cols.iter()
            .any(|(k, m, _)| k == c && matches!(m, Meaning::Field(_)))
    });
    Columns {
        cols: cols.into_iter().map(|(c, m, _)| (c, m)).collect(),
        lines: vec![row.line],
        damaged,
    }
}

/// Where two header cells name one field (`得分系数` and `指标得分`), the
/// better match keeps it and the other is left unknown, never guessed. The
/// two halves of a header split over two cells match equally and both keep it.
fn keep_best_of_each(cols: &mut [(usize, Meaning, usize)], row: &Row) {
    let best: Vec<(String, usize)> = cols
        .iter()
        .filter_map(|(_, m, n)| match m {
            Meaning::Field(f) => Some((f.clone(), *n)),
            Meaning::Unknown(_) => None,
        })
        .collect();
    for (c, m, n) in cols.iter_mut() {
        let Meaning::Field(f) = m else { continue };
        let top = best.iter().filter(|(g, _)| g == f).map(|(_, k)| *k).max();
        if top.is_some_and(|t| *n < t) {
            *m = Meaning::Unknown(row.at(*c).map_or(String::new(), |x| x.text.clone()));
        }
    }
}

/// Joins a second header row under `first`: a cell below a header that
/// means nothing alone is read with the text above it.
pub(crate) fn join_second_row(first: &mut Columns, above: &Row, below: &Row, vocab: &Vocabulary) {
    let lower: Vec<(usize, String)> = below
        .cells
        .iter()
        .filter_map(|cell| {
            let top = above.at(cell.column).map_or("", |c| c.text.as_str());
            let joined = meaning(&format!("{top}{}", cell.text), vocab)
                .or_else(|| meaning(&cell.text, vocab));
            joined.map(|(m, _)| (cell.column, m.to_string()))
        })
        .collect();
    for (column, m) in &lower {
        let slot = first.cols.iter_mut().find(|(c, _)| c == column);
        match slot {
            // An upper cell over several lower ones (年度指标值 over 指标性质 ·
            // 指标值 · 度量单位): the lower row repeats its meaning elsewhere,
            // and names each column more narrowly.
            Some((_, old @ Meaning::Field(_))) => {
                let spans = matches!(old, Meaning::Field(f) if lower.iter().any(|(_, l)| l == f));
                if spans {
                    *old = Meaning::Field(m.clone());
                }
            }
            Some((_, old)) => *old = Meaning::Field(m.clone()),
            None => first.cols.push((*column, Meaning::Field(m.clone()))),
        }
    }
    if !lower.is_empty() {
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
