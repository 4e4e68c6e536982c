//! A table of amounts under a header of one or two rows, read generically:
//! the allocation table (资金分配表) printed before a declaration. Each cell
//! is kept with the header of its column, a header under a spanning one
//! written `上级/下级`.

use super::template::Template;
use super::words::any;
use crate::model::*;
use crate::number::{num_at, read_number, NumberCell};
use crate::rows::Row;

/// What became of the rows of an allocation segment.
pub(crate) struct Read {
    pub(crate) table: AllocationTable,
    pub(crate) unmapped: Vec<Unmapped>,
    pub(crate) cells: CellCount,
}

fn is_number(text: &str) -> bool {
    matches!(read_number(text), NumberCell::Number { .. })
}

/// A 款 or 项 subject code (`21302`, `2130209`): five or seven digits and
/// nothing else. It heads a column or names a row; it is no amount. (A
/// three-digit 类 code cannot be told from an amount by its text.)
fn is_subject_code(text: &str) -> bool {
    [5, 7].into_iter().any(|n| crate::budget::is_code(text, n))
}

/// A cell that prints an amount (a number that is no subject code).
fn is_amount(text: &str) -> bool {
    is_number(text) && !is_subject_code(text)
}

/// The allocation table of `rows`, when they hold a title the template
/// names and a header over rows of amounts.
pub(crate) fn read_allocation(rows: &[Row], t: &Template) -> Option<Read> {
    let titles = &t.allocation.titles;
    if titles.is_empty() {
        return None;
    }
    let title_at = rows
        .iter()
        .rposition(|r| r.cells.len() <= 2 && any(&r.cells[0].text, titles))?;
    let header_at = title_at
        + 1
        + rows[title_at + 1..]
            .iter()
            .position(|r| r.cells.len() >= 2 && !r.cells.iter().any(|c| is_number(&c.text)))?;
    let first = &rows[header_at];
    // A second header row prints no amount (subject codes may head its
    // columns) and sits under the first.
    let second = rows
        .get(header_at + 1)
        .filter(|r| !r.cells.iter().any(|c| is_amount(&c.text)));
    let columns = leaves(first, second);
    let data_from = header_at + 1 + usize::from(second.is_some());
    let mut table = AllocationTable {
        title: Some(rows[title_at].cells[0].text.clone()),
        lines: LineSpan {
            start: rows[title_at].line,
            end: rows.last().map_or(0, |r| r.line),
        },
        columns,
        rows: Vec::new(),
        unit: None,
    };
    let mut unmapped = Vec::new();
    let mut total = 0;
    let mut leave = |row: &Row, reason: &str| {
        for c in &row.cells {
            unmapped.push(Unmapped::new(
                row.line,
                c.column,
                &c.text,
                reason.to_string(),
            ));
        }
    };
    for (i, row) in rows.iter().enumerate() {
        total += row.cells.len();
        if i < title_at {
            leave(row, "before the allocation table's title");
        } else if i > title_at && i < header_at {
            // 单位:万元 and other lines between the title and the header.
            match unit_line(&row.cells[0].text) {
                Some(u) if row.cells.len() == 1 => table.unit = Some(u),
                _ => leave(row, "between the allocation table's title and its header"),
            }
        } else if i >= data_from {
            let amounts = row.cells.iter().skip(1).any(|c| is_amount(&c.text));
            if amounts {
                table.rows.push(table_row(row, &table.columns));
            } else {
                leave(row, "a row of the allocation table that prints no amount");
            }
        }
    }
    if table.unit.is_none() {
        // `補助資金(萬元)`: the unit in an amount column's header.
        table.unit = table
            .columns
            .iter()
            .find_map(|c| super::selfeval::unit_in(&c.header));
    }
    let cells = CellCount {
        total,
        mapped: total - unmapped.len(),
        unmapped: unmapped.len(),
    };
    (!table.rows.is_empty()).then_some(Read {
        table,
        unmapped,
        cells,
    })
}

/// `单位:万元`, `金额单位:元`: the money unit a line names.
fn unit_line(text: &str) -> Option<MoneyUnit> {
    let p = super::words::plain(text);
    let (_, unit) = p.split_once("位:")?;
    match unit.trim() {
        "万元" | "萬元" => Some(MoneyUnit::WanYuan),
        "元" => Some(MoneyUnit::Yuan),
        _ => None,
    }
}

/// The leaf headers: each cell of the first row spans to the next one; the
/// second row's cells under a span are its leaves, `上级/下级`.
fn leaves(first: &Row, second: Option<&Row>) -> Vec<TableColumn> {
    let mut out = Vec::new();
    for (k, parent) in first.cells.iter().enumerate() {
        let end = first.cells.get(k + 1).map_or(usize::MAX, |n| n.column);
        let under: Vec<_> = second
            .into_iter()
            .flat_map(|r| r.cells.iter())
            .filter(|c| c.column >= parent.column && c.column < end)
            .collect();
        if under.is_empty() {
            out.push(TableColumn {
                column: parent.column,
                header: parent.text.trim().to_string(),
            });
        }
        for c in under {
            out.push(TableColumn {
                column: c.column,
                header: format!("{}/{}", parent.text.trim(), c.text.trim()),
            });
        }
    }
    out
}

fn table_row(row: &Row, columns: &[TableColumn]) -> TableRow {
    TableRow {
        line: row.line,
        cells: row
            .cells
            .iter()
            .map(|c| TableCell {
                column: c.column,
                header: columns
                    .iter()
                    .find(|h| h.column == c.column)
                    .map(|h| h.header.clone()),
                text: c.text.trim().to_string(),
                number: if is_number(&c.text) {
                    num_at(&c.text, row.line, c.column)
                } else {
                    None
                },
            })
            .collect(),
    }
}
