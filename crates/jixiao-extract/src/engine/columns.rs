//! Header rows of a block: which column means what.
//!
//! A header cell is matched against the template's column words. A header
//! printed over two cells (`年度` `指标值`) or over two rows (`全年` above
//! `预算数`) is joined before it is matched. A header cell no word matches
//! keeps its text: cells under it are listed as unmapped, never guessed.

use super::template::Vocabulary;
use super::words::{damaged_meaning, meaning};
use crate::number::{read_number, NumberCell};
use crate::rows::Row;
use std::collections::BTreeMap;

/// What a column of a block holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Meaning {
    /// A field of the template (`adjusted_budget`, `level1`).
    Field(String),
    /// A header no word of the template names, as printed.
    Unknown(String),
    /// One area's column under a target header that prints a column per
    /// area (区域目标值 over 新罗区 · 永定区 …): the area as printed.
    Area(String),
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
    /// The second header row was laid out under the spanning cells of the
    /// first (the header_spans repair).
    pub laid_out: bool,
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
        laid_out: false,
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
            Meaning::Unknown(_) | Meaning::Area(_) => None,
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

/// The header moved one column right, where the block's rows say it must
/// be: every row that ends in a number ends one column beyond the header's
/// last, and none prints a cell in the header's first column (a merged label
/// column, `绩效指标` printed down the side, whose header cell the text layer
/// ran together with the first column's). The header's first cell then names
/// the column the rows print their 一级 names in, when the header has a 二级
/// column right after it and no 一级 column.
pub(crate) fn shifted_right(cols: &Columns, rows: &[Row]) -> Option<Columns> {
    let first = cols.cols.first()?.0;
    let last = cols.cols.last()?.0;
    let ending: Vec<usize> = rows
        .iter()
        .filter(|r| r.cells.len() >= 3)
        .filter_map(last_number)
        .collect();
    let beyond = ending.iter().filter(|&&c| c == last + 1).count();
    let uses_first = rows
        .iter()
        .filter(|r| r.cells.len() >= 3)
        .any(|r| r.cells.iter().any(|c| c.column <= first));
    if ending.len() < 2 || beyond != ending.len() || uses_first {
        return None;
    }
    let mut out = moved(cols, 1);
    let has = |f: &str| out.of(f).is_some();
    if !has("level1") && out.of("level2") == Some(first + 2) {
        if let Some(slot) = out.cols.iter_mut().find(|(c, _)| *c == first + 1) {
            if matches!(slot.1, Meaning::Unknown(_)) {
                slot.1 = Meaning::Field("level1".into());
            }
        }
    }
    Some(out)
}

/// A second header row that prints only the cells under the first row's
/// spanning cells, packed to the left (a table exported from HTML, where
/// the cells of the first row that span both rows are absent from the
/// second): `一级 … 预期指标值 … 自评得分` over `符号 · 单位 · 单项指标得分 ·
/// 权重占比 · 折算得分`. `spans` names, per field of a spanning cell, the
/// columns under it in printed order (`target` → direction · target ·
/// measure_unit). Each lower cell goes under the first upper cell, left to
/// right, whose span holds its meaning; the layout is taken only when the
/// upper row's columns are contiguous and the widths it gives add up to
/// the columns the data rows print.
pub(crate) fn laid_out_under_spans(
    top: &Columns,
    second: &Row,
    data: &[Row],
    vocab: &Vocabulary,
    spans: &BTreeMap<String, Vec<String>>,
) -> Option<Columns> {
    let first = top.cols.first()?.0;
    let contiguous = top
        .cols
        .iter()
        .enumerate()
        .all(|(i, (c, _))| *c == first + i);
    let width = data
        .iter()
        .filter(|r| r.cells.len() >= 3)
        .map(|r| r.cells.last().map_or(0, |c| c.column))
        .max()?;
    if spans.is_empty() || !contiguous || width <= top.cols.last()?.0 {
        return None;
    }
    let lower: Vec<String> = second
        .cells
        .iter()
        .map(|c| meaning(&c.text, vocab).map(|(m, _)| m.to_string()))
        .collect::<Option<_>>()?;
    // The lower cells under each upper column, in order.
    let mut under: Vec<Vec<&str>> = vec![Vec::new(); top.cols.len()];
    let mut at = 0;
    for sub in &lower {
        let parent = (at..top.cols.len()).find(|&i| match &top.cols[i].1 {
            Meaning::Field(f) => spans.get(f).is_some_and(|s| s.contains(sub)),
            Meaning::Unknown(_) | Meaning::Area(_) => false,
        })?;
        under[parent].push(sub);
        at = parent;
    }
    let mut cols = Vec::new();
    for ((_, m), subs) in top.cols.iter().zip(&under) {
        let Meaning::Field(f) = m else {
            cols.push(m.clone());
            continue;
        };
        if subs.is_empty() {
            cols.push(m.clone());
            continue;
        }
        let layout: Vec<&String> = spans[f]
            .iter()
            .filter(|s| *s == f || subs.contains(&s.as_str()))
            .collect();
        let in_order = layout
            .iter()
            .filter(|s| *s != &f || subs.contains(&f.as_str()))
            .map(|s| s.as_str())
            .eq(subs.iter().copied());
        if !in_order {
            return None;
        }
        cols.extend(layout.into_iter().map(|s| Meaning::Field(s.clone())));
    }
    if first + cols.len() != width + 1 {
        return None;
    }
    let mut lines = top.lines.clone();
    lines.push(second.line);
    Some(Columns {
        cols: cols
            .into_iter()
            .enumerate()
            .map(|(i, m)| (first + i, m))
            .collect(),
        lines,
        damaged: top.damaged.clone(),
        laid_out: true,
    })
}

/// The header with every column moved `by` columns (the callers make sure
/// none goes below 0).
fn moved(cols: &Columns, by: isize) -> Columns {
    let mut out = cols.clone();
    out.cols
        .iter_mut()
        .for_each(|(c, _)| *c = c.saturating_add_signed(by));
    out
}

/// The column of a row's last cell, when that cell is a number.
fn last_number(row: &Row) -> Option<usize> {
    let last = row.cells.last()?;
    matches!(read_number(&last.text), NumberCell::Number { .. }).then_some(last.column)
}

/// The columns of a row's number cells.
fn number_columns(row: &Row) -> Vec<usize> {
    row.cells
        .iter()
        .filter(|c| matches!(read_number(&c.text), NumberCell::Number { .. }))
        .map(|c| c.column)
        .collect()
}

/// Rows that stand one column right of the header: their first column is
/// empty and each of their figures is one column right of where most rows
/// print theirs (a merged cell beside them pushed the row over). Returns
/// the header moved one column right and the lines of the rows it is for.
pub(crate) fn shifted_right_rows(cols: &Columns, rows: &[Row]) -> Option<(Columns, Vec<usize>)> {
    let first = cols.cols.first()?.0;
    let numbered: Vec<(&Row, Vec<usize>)> = rows
        .iter()
        .map(|r| (r, number_columns(r)))
        .filter(|(_, n)| !n.is_empty())
        .collect();
    // The columns most rows print their figures in.
    let mut sets: Vec<&Vec<usize>> = numbered.iter().map(|(_, n)| n).collect();
    sets.sort_unstable();
    let usual = sets
        .chunk_by(|a, b| a == b)
        .max_by_key(|run| run.len())
        .filter(|run| run.len() * 2 > numbered.len())?[0];
    let right: Vec<usize> = usual.iter().map(|c| c + 1).collect();
    let lines: Vec<usize> = numbered
        .iter()
        .filter(|(r, n)| *n == right && r.cells.first().is_some_and(|c| c.column > first))
        .map(|(r, _)| r.line)
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some((moved(cols, 1), lines))
}

/// Rows that stand one column left of the header: the merged column at
/// the side (`绩效指标`) is not printed on them (a new page does not repeat
/// it, or an export dropped its empty cell), so they begin in it. A row is
/// read under the header moved one column left when it prints a cell left
/// of the header's first column and its last cell, a number, stands one
/// column left of where the other rows end theirs. Returns that header and
/// the lines of the rows it is for.
pub(crate) fn shifted_rows(cols: &Columns, rows: &[Row]) -> Option<(Columns, Vec<usize>)> {
    let first = cols.cols.first()?.0;
    if first == 0 {
        return None;
    }
    let left = |r: &Row| r.cells.iter().any(|c| c.column < first);
    // Where the rows that keep to the header end.
    let mut ends: Vec<usize> = rows
        .iter()
        .filter(|r| r.cells.len() >= 3 && !left(r))
        .filter_map(last_number)
        .collect();
    ends.sort_unstable();
    let at = *ends.get(ends.len() / 2)?;
    if ends.iter().filter(|&&c| c == at).count() * 2 <= ends.len() {
        return None;
    }
    let lines: Vec<usize> = rows
        .iter()
        .filter(|r| r.cells.len() >= 2 && left(r) && last_number(r).is_some_and(|c| c + 1 == at))
        .map(|r| r.line)
        .collect();
    if lines.is_empty() {
        return None;
    }
    Some((moved(cols, -1), lines))
}

/// A second header row that names one column per area under the target
/// header (区域目标值 over 新罗区 · 永定区 · 上杭县): at least two cells, no
/// numbers, every cell at or right of the target column and none a word of
/// the template. The target column becomes the first area's.
pub(crate) fn area_columns(cols: &Columns, below: &Row, vocab: &Vocabulary) -> Option<Columns> {
    let target = cols.of("target")?;
    let areas = &below.cells;
    let plain = areas.len() >= 2
        && areas.iter().all(|c| {
            c.column >= target
                && matches!(read_number(&c.text), NumberCell::Text)
                && meaning(&c.text, vocab).is_none()
        });
    if !plain {
        return None;
    }
    let mut out = cols.clone();
    out.cols
        .retain(|(c, _)| *c < target || areas.iter().all(|a| a.column != *c) && *c != target);
    for a in areas {
        out.cols
            .push((a.column, Meaning::Area(a.text.trim().to_string())));
    }
    out.cols.sort_by_key(|(c, _)| *c);
    out.lines.push(below.line);
    Some(out)
}
