//! Unit budget tables (单位预算表): rows keyed by functional or economic
//! classification codes (类/款/项 → `2050801`) or by named categories, with
//! amount columns found from a header tree (merged header cells stand at the
//! first column they span).

use crate::engine::plain;
use crate::ledger::Ledger;
use crate::model::*;
use crate::number::{num_at, read_number, NumberCell};
use crate::rows::{compact, Row};

/// Which budget table a title names.
pub(crate) fn table_kind(key: &str) -> Option<BudgetTableKind> {
    use BudgetTableKind::*;
    if key.starts_with('-') || !key.contains('表') {
        return None;
    }
    let key = plain(key);
    let has = |w: &str| key.contains(w);
    // The national template's titles and Shanghai's, most specific first.
    Some(if has("财务收支预算总表") {
        RevenueExpenditure
    } else if has("财政拨款收支") {
        Appropriation
    } else if has("三公") {
        ThreePublic
    } else if has("政府性基金") {
        GovernmentFundFunctional
    } else if has("国有资本经营") {
        StateCapital
    } else if has("经济分类") || has("基本支出表") || has("基本支出预算表") {
        BasicEconomic
    } else if has("一般公共预算支出") {
        GeneralPublicFunctional
    } else if has("收支总表") || has("收支预算总表") {
        RevenueExpenditure
    } else if has("收入预算总表") || has("收入总表") {
        Revenue
    } else if has("支出预算总表") || has("支出总表") {
        Expenditure
    } else {
        return None;
    })
}

/// A subject code: three, five or seven digits (类, 款, 项).
fn is_subject_code(text: &str) -> bool {
    [3, 5, 7].into_iter().any(|n| is_code(text, n))
}

/// Whether rows hold a budget table by their structure, whatever their
/// title: a header row of two cells or more, then two rows or more whose
/// first cells carry a subject code (alone or before its name) and which
/// print an amount.
pub(crate) fn is_coded_table(rows: &[Row]) -> bool {
    let coded = |r: &Row| {
        r.cells.iter().take(3).any(|c| {
            is_subject_code(&c.text)
                || c.text
                    .split_whitespace()
                    .next()
                    .is_some_and(|w| is_code(w, 7))
        }) && r
            .cells
            .iter()
            .skip(1)
            .any(|c| is_amount(&c.text) && !is_subject_code(&c.text))
    };
    let Some(first) = rows.iter().position(coded) else {
        return false;
    };
    let header = rows[..first]
        .iter()
        .any(|r| r.cells.len() >= 2 && !r.cells.iter().any(|c| is_amount(&c.text)));
    header && rows[first..].iter().filter(|r| coded(r)).count() >= 2
}

fn is_amount(text: &str) -> bool {
    matches!(read_number(text), NumberCell::Number { .. })
}

fn is_placeholder(text: &str) -> bool {
    matches!(read_number(text), NumberCell::Empty)
}

/// `digits` ASCII digits and nothing else.
pub(crate) fn is_code(text: &str, digits: usize) -> bool {
    let t = text.trim();
    t.len() == digits && t.bytes().all(|b| b.is_ascii_digit())
}

/// Labels of header cells that name no amount column.
fn is_key_label(key: &str) -> bool {
    let key = plain(key);
    matches!(key.as_str(), "项目" | "类" | "款" | "项")
        || key.ends_with("科目编码")
        || is_name_label(&key)
}

/// A header naming the rows' item column (项目, 项目(按功能分类), 科目名称),
/// in either script.
fn is_name_label(label: &str) -> bool {
    let key = plain(label);
    key == "项目" || key.starts_with("项目(") || key.ends_with("科目名称")
}

/// `单位:万元`, `金额单位:元`, in either script: the money unit a cell names.
fn unit_cell(text: &str) -> Option<Option<MoneyUnit>> {
    let key = plain(text);
    let (label, unit) = key.split_once(':')?;
    if !label.ends_with("单位") {
        return None;
    }
    Some(match unit.trim() {
        "元" => Some(MoneyUnit::Yuan),
        "万元" => Some(MoneyUnit::WanYuan),
        _ => None,
    })
}

/// A line above the header that only says whose table it is and in what
/// unit (`单位名称:… | 单位:万元`, a stray first cell beside the unit).
fn is_unit_line(row: &Row) -> bool {
    row.cells.iter().any(|c| unit_cell(&c.text).is_some())
        && row.cells.iter().all(|c| {
            unit_cell(&c.text).is_some()
                || plain(&c.text).starts_with("单位名称:")
                || c.key().chars().count() <= 1
        })
}

/// The most rows a budget table's header prints (a tree of that depth).
const MAX_HEADER_ROWS: usize = 6;

/// Builds the header tree: each header cell spans from its column to the
/// next cell of its row; its children are the cells of the next row inside.
fn header_tree(header: &[&Row], width: usize) -> Vec<HeaderNode> {
    fn build(rows: &[&Row], level: usize, from: usize, to: usize) -> Vec<HeaderNode> {
        let Some(row) = rows.get(level) else {
            return Vec::new();
        };
        let cells: Vec<_> = row
            .cells
            .iter()
            .filter(|c| c.column >= from && c.column < to)
            .collect();
        if cells.is_empty() {
            // Nothing on this row here: look one row further down.
            return build(rows, level + 1, from, to);
        }
        let mut out = Vec::new();
        // Columns before the first cell belong to no label on this row.
        if cells[0].column > from {
            out.extend(build(rows, level + 1, from, cells[0].column));
        }
        for (i, c) in cells.iter().enumerate() {
            let end = cells.get(i + 1).map_or(to, |n| n.column);
            out.push(HeaderNode {
                label: compact(&c.text),
                line: row.line,
                column: c.column,
                span_end: end,
                children: build(rows, level + 1, c.column, end),
            });
        }
        out
    }
    build(header, 0, 0, width)
}

/// Leaves of the header tree that name amount columns, with their path.
fn amount_columns(nodes: &[HeaderNode], path: &mut Vec<String>, out: &mut Vec<AmountColumn>) {
    for n in nodes {
        path.push(n.label.clone());
        if n.children.is_empty() {
            if !is_key_label(&n.label) {
                out.push(AmountColumn {
                    column: n.column,
                    name: n.label.clone(),
                    path: path.join("/"),
                });
            }
        } else {
            amount_columns(&n.children, path, out);
        }
        path.pop();
    }
}

/// Reads one budget table from its rows (title first).
pub(crate) fn read(kind: BudgetTableKind, rows: &[Row]) -> BudgetTable {
    let mut ledger = Ledger::for_rows(rows);
    let mut table = BudgetTable {
        not_read_whole: Vec::new(),
        table: kind,
        title: None,
        lines: LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.last().map_or(0, |r| r.line),
        },
        unit: None,
        header: Vec::new(),
        columns: Vec::new(),
        rows: Vec::new(),
        statement: None,
        missing: Vec::new(),
        repairs: Vec::new(),
        unmapped: Vec::new(),
        cells: CellCount::default(),
    };
    let mut i = 0;
    // Title and unit.
    while i < rows.len() {
        let row = &rows[i];
        let key = row.compact();
        if table_kind(key).is_some() && table.title.is_none() {
            table.title = Some(key.trim_start_matches('#').to_string());
        } else if is_unit_line(row) {
            table.unit = row.cells.iter().find_map(|c| unit_cell(&c.text).flatten());
            if table.unit.is_none() {
                ledger.miss("unit", format!("unit line reads '{key}'"));
            }
        } else {
            break;
        }
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        i += 1;
    }
    // Header rows: up to the first row with an amount, a code or 合计.
    let data_start = rows[i..]
        .iter()
        .position(|r| {
            r.cells
                .iter()
                .any(|c| is_amount(&c.text) || is_code(&c.text, 3))
                || (r.cells.first().is_some_and(|c| plain(c.key()) == "合计")
                    && r.cells
                        .iter()
                        .skip(1)
                        .all(|c| is_amount(&c.text) || is_placeholder(&c.text)))
        })
        .map_or(rows.len(), |p| i + p);
    // A header prints a few rows; rows further above the first row of
    // amounts are no part of it (and a tree of thousands of levels would
    // be no header anyone prints).
    let header_start = data_start.saturating_sub(MAX_HEADER_ROWS).max(i);
    for r in &rows[i..header_start] {
        for c in &r.cells {
            ledger.reject(
                r.line,
                c,
                format!(
                    "above the table's header rows (a header prints at most {MAX_HEADER_ROWS})"
                ),
            );
        }
    }
    let header_rows: Vec<&Row> = rows[header_start..data_start].iter().collect();
    let width = rows
        .iter()
        .flat_map(|r| r.cells.iter().map(|c| c.column + 1))
        .max()
        .unwrap_or(0);
    table.header = header_tree(&header_rows, width);
    for r in &header_rows {
        r.cells.iter().for_each(|c| ledger.take(r.line, c));
    }
    amount_columns(&table.header, &mut Vec::new(), &mut table.columns);
    let first_header = header_rows.first().map(|r| r.compact().to_string());
    // Code columns: the 类/款/项 header cells.
    let code_col = |label: &str| {
        header_rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .find(|c| c.key() == label)
            .map(|c| c.column)
    };
    // A 科目编码 column that prints whole codes (205, 20502, 2050201) where
    // no 类/款/项 columns split them.
    let whole_code_col = table
        .header
        .iter()
        .flat_map(|n| std::iter::once(n).chain(n.children.iter()))
        .find(|n| n.children.is_empty() && plain(&n.label).ends_with("编码"))
        .map(|n| n.column);
    let (class_col, section_col, item_col) = (
        code_col("类").or(whole_code_col),
        code_col("款"),
        code_col("项"),
    );
    // Item-name columns: header leaves named 项目 or …科目名称.
    let mut name_cols: Vec<(usize, Option<Side>)> = Vec::new();
    collect_name_columns(&table.header, None, &mut name_cols);

    for row in &rows[data_start..] {
        let key = row.compact();
        // A header repeated after a page break is not data.
        if first_header.as_deref() == Some(key) || header_rows.iter().any(|h| h.compact() == key) {
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            ledger.repair(row.line, "header repeated after a page break; skipped");
            continue;
        }
        if row.cells.iter().all(|c| !is_amount(&c.text))
            && key.contains("无")
            && key.contains("预算")
        {
            table.statement = Some(row.joined(""));
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            continue;
        }
        read_data_row(
            row,
            &mut table,
            &mut ledger,
            class_col,
            section_col,
            item_col,
            &name_cols,
        );
    }
    let (unmapped, cells, missing, repairs) = ledger.finish(rows);
    table.unmapped = unmapped;
    table.cells = cells;
    table.missing = missing;
    table.repairs = repairs;
    table
}

fn collect_name_columns(
    nodes: &[HeaderNode],
    side: Option<Side>,
    out: &mut Vec<(usize, Option<Side>)>,
) {
    for n in nodes {
        let side = side.or_else(|| side_of(&n.label));
        if n.children.is_empty() {
            if is_name_label(&n.label) {
                out.push((n.column, side));
            }
        } else {
            collect_name_columns(&n.children, side, out);
        }
    }
}

fn side_of(label: &str) -> Option<Side> {
    if label.ends_with("收入") {
        Some(Side::Revenue)
    } else if label.ends_with("支出") && !label.contains("预算支出") {
        Some(Side::Expenditure)
    } else {
        None
    }
}

/// The side an amount column belongs to, from its header path.
fn column_side(path: &str) -> Option<Side> {
    path.split('/').next().and_then(side_of)
}

#[allow(clippy::too_many_arguments)]
fn read_data_row(
    row: &Row,
    table: &mut BudgetTable,
    ledger: &mut Ledger,
    class_col: Option<usize>,
    section_col: Option<usize>,
    item_col: Option<usize>,
    name_cols: &[(usize, Option<Side>)],
) {
    let sides: Vec<Option<Side>> = if name_cols.len() > 1 {
        name_cols.iter().map(|(_, s)| *s).collect()
    } else {
        vec![None]
    };
    for side in sides {
        let name_col = name_cols
            .iter()
            .find(|(_, s)| *s == side || side.is_none())
            .map(|(c, _)| *c);
        let cols: Vec<&AmountColumn> = table
            .columns
            .iter()
            .filter(|c| side.is_none() || column_side(&c.path) == side)
            .collect();
        let mut out = BudgetRow {
            line: row.line,
            side,
            ..BudgetRow::default()
        };
        let at = |col: Option<usize>| col.and_then(|c| row.at(c));
        let code_part =
            |col: Option<usize>, digits: usize| at(col).filter(|c| is_code(&c.text, digits));
        let whole = at(class_col).filter(|c| section_col.is_none() && is_subject_code(&c.text));
        if let Some(c) = whole {
            out.code = Some(c.text.trim().to_string());
            ledger.take(row.line, c);
        } else if let Some(c) = code_part(class_col, 3) {
            out.class = Some(c.text.trim().to_string());
            ledger.take(row.line, c);
            if let Some(s) = code_part(section_col, 2) {
                out.section = Some(s.text.trim().to_string());
                ledger.take(row.line, s);
                if let Some(it) = code_part(item_col, 2) {
                    out.item = Some(it.text.trim().to_string());
                    ledger.take(row.line, it);
                }
            }
            out.code = Some(format!(
                "{}{}{}",
                out.class.as_deref().unwrap_or(""),
                out.section.as_deref().unwrap_or(""),
                out.item.as_deref().unwrap_or("")
            ));
        }
        // The row's name: its name column, or 合计/总计 in the first column.
        let first = row.cells.first();
        if let Some(c) = at(name_col).or_else(|| first.filter(|c| c.key() == "合计")) {
            let k = c.key();
            if k == "合计" || k.ends_with("总计") {
                out.total = true;
            }
            out.name = Some(c.text.trim().to_string());
            ledger.take(row.line, c);
        }
        if side.is_none() {
            if let Some(c) = first.filter(|c| c.key() == "合计") {
                out.total = true;
                ledger.take(row.line, c);
            }
        }
        let mut any_amount = false;
        for col in &cols {
            let cell = row.at(col.column);
            let value = match cell.map(|c| read_number(&c.text)) {
                Some(NumberCell::Number { .. }) => {
                    let c = cell.expect("checked");
                    ledger.take(row.line, c);
                    any_amount = true;
                    num_at(&c.text, row.line, c.column)
                }
                Some(NumberCell::Empty) => {
                    ledger.take(row.line, cell.expect("checked"));
                    None
                }
                Some(NumberCell::Text) => {
                    ledger.reject(
                        row.line,
                        cell.expect("checked"),
                        format!("expected an amount for {}", col.path),
                    );
                    None
                }
                Some(NumberCell::OutOfRange) => {
                    let c = cell.expect("checked");
                    ledger.reject(row.line, c, crate::number::OUT_OF_RANGE.to_string());
                    table.not_read_whole.push(NotReadWhole {
                        block: "table".into(),
                        reason: format!(
                            "line {}: {} ({})",
                            row.line,
                            c.text,
                            crate::number::OUT_OF_RANGE
                        ),
                    });
                    None
                }
                None => None,
            };
            out.amounts.push(value);
        }
        if out.name.is_some() || out.code.is_some() || any_amount {
            table.rows.push(out);
        }
    }
}
