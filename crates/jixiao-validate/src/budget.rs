//! The relations unit budget tables (单位预算表) imply, within a table and
//! between the tables of one disclosure.

use crate::checks::{slack_at, Ctx};
use crate::Finding;
use jixiao_model::{
    BudgetRow, BudgetTable, BudgetTableKind, Document, Form, HeaderNode, Num, Side,
};
use rust_decimal::Decimal;
use std::collections::HashMap;

/// The most decimals any amount of the table prints.
pub(crate) fn max_scale(t: &BudgetTable) -> u32 {
    t.rows
        .iter()
        .flat_map(|r| r.amounts.iter().flatten())
        .map(|n| n.scale)
        .max()
        .unwrap_or(0)
}

/// Amounts of one row by source column.
fn by_column<'a>(table: &'a BudgetTable, row: &'a BudgetRow) -> HashMap<usize, Option<&'a Num>> {
    table
        .columns_of(row.side)
        .iter()
        .zip(&row.amounts)
        .map(|(c, n)| (c.column, n.as_ref()))
        .collect()
}

fn row_label(row: &BudgetRow) -> String {
    match (&row.code, &row.name) {
        (Some(c), Some(n)) => format!("{c} {n}"),
        (Some(c), None) => c.clone(),
        (None, Some(n)) => n.clone(),
        (None, None) => format!("line {}", row.line),
    }
}

fn title(table: &BudgetTable) -> String {
    table
        .title
        .clone()
        .unwrap_or_else(|| format!("{:?}", table.table))
}

/// The amounts a header node stands for in a row: its column if it is a
/// leaf; its 小计 if it has one; else the sum of its children.
fn node_value<'a>(
    node: &HeaderNode,
    cols: &HashMap<usize, Option<&'a Num>>,
    used: &mut Vec<&'a Num>,
) -> Option<Decimal> {
    if node.children.is_empty() {
        let n = cols.get(&node.column).copied().flatten();
        if let Some(n) = n {
            used.push(n);
        }
        return cols
            .contains_key(&node.column)
            .then(|| n.map_or(Decimal::ZERO, |n| n.value));
    }
    if let Some(sub) = node.children.iter().find(|c| c.label == "小计") {
        return node_value(sub, cols, used);
    }
    let mut total = None;
    for c in &node.children {
        if let Some(v) = node_value(c, cols, used) {
            total = Some(total.unwrap_or(Decimal::ZERO) + v);
        }
    }
    total
}

/// 合计 (or 小计) of a header group = the other members of the group, per row.
fn check_row_sums(cx: &mut Ctx, table: &BudgetTable) {
    // A flat header whose first amount column is a total (`2017年预算数合计 |
    // 公共财政预算拨款 | 政府性基金预算拨款`): the top row of headers is one
    // group under an unprinted parent.
    let top = HeaderNode {
        label: String::new(),
        line: 0,
        column: 0,
        span_end: usize::MAX,
        children: table.header.clone(),
    };
    let flat_total = table
        .header
        .iter()
        .any(|n| n.children.is_empty() && is_total_label(&n.label));
    for (ri, row) in table.rows.iter().enumerate() {
        let cols = by_column(table, row);
        check_row_groups(cx, table, ri, row, &cols, &table.header);
        if flat_total {
            check_row_groups(cx, table, ri, row, &cols, std::slice::from_ref(&top));
        }
    }
}

/// A header that names a total: 合计 or 小计, or a label ending so
/// (`“三公”经费合计`, `2017年预算数合計`).
fn is_total_label(label: &str) -> bool {
    let l = label.trim_end();
    ["合计", "合計", "小计", "小計"]
        .iter()
        .any(|w| l.ends_with(w))
}

fn check_row_groups(
    cx: &mut Ctx,
    table: &BudgetTable,
    ri: usize,
    row: &BudgetRow,
    cols: &HashMap<usize, Option<&Num>>,
    nodes: &[HeaderNode],
) {
    for node in nodes {
        check_row_groups(cx, table, ri, row, cols, &node.children);
        // Under a printed header the total is 合计 or 小计 itself; in the top
        // row, any label ending so.
        let top = node.label.is_empty();
        let Some(sum_node) = node.children.iter().find(|c| {
            c.label == "合计"
                || c.label == "小计"
                || (top && c.children.is_empty() && is_total_label(&c.label))
        }) else {
            continue;
        };
        let Some(Some(printed)) = cols.get(&sum_node.column) else {
            continue;
        };
        let mut used: Vec<&Num> = Vec::new();
        let mut exact = Decimal::ZERO;
        let mut any = false;
        for other in node.children.iter().filter(|c| c.column != sum_node.column) {
            if let Some(v) = node_value(other, cols, &mut used) {
                exact += v;
                any = true;
            }
        }
        if !any || used.is_empty() {
            continue;
        }
        // Only the columns that hold amounts are named (not 科目编码, 科目名称).
        let amounts = |c: &HeaderNode| {
            table
                .columns
                .iter()
                .any(|a| a.column >= c.column && a.column < c.span_end)
        };
        let names: Vec<&str> = node
            .children
            .iter()
            .filter(|c| c.column != sum_node.column && amounts(c))
            .map(|c| c.label.as_str())
            .collect();
        let slack = used
            .iter()
            .map(|n| slack_at(n, cx.unit, cx.min_scale))
            .sum();
        let col_index = table
            .columns_of(row.side)
            .iter()
            .position(|c| c.column == sum_node.column)
            .unwrap_or(0);
        cx.judge(
            "budget.row_sum",
            format!("rows[{ri}].amounts[{col_index}]"),
            &format!("{} › {} › {}", title(table), row_label(row), sum_node.label),
            printed,
            exact,
            slack,
            &used,
            &names.join(" + "),
            false,
        );
    }
}

/// Rank of a named row: 一、… is 1, 1、… is 2; a code row: its code length.
fn rank(row: &BudgetRow) -> Option<usize> {
    if let Some(code) = &row.code {
        return Some(code.len());
    }
    let name = row.name.as_deref()?.trim();
    // `其中:` before a sub-row's number says it is a part, not its rank.
    let name = name
        .strip_prefix("其中")
        .map_or(name, |r| r.trim_start_matches([':', '：', ' ']));
    const CHINESE: &str = "一二三四五六七八九十";
    // `(一)` and `(1)`: a rank below `一、` and below `1.` respectively.
    if let Some(inner) = name
        .strip_prefix(['(', '（'])
        .and_then(|r| r.split_once([')', '）']))
        .map(|(n, _)| n)
    {
        if !inner.is_empty() && inner.chars().all(|c| CHINESE.contains(c)) {
            return Some(4);
        }
        if !inner.is_empty() && inner.chars().all(|c| c.is_ascii_digit()) {
            return Some(6);
        }
        return None;
    }
    let head: String = name
        .chars()
        .take_while(|c| !matches!(c, '、' | '.' | '．'))
        .collect();
    if head.len() == name.len() || head.is_empty() {
        return None;
    }
    let dot = name[head.len()..].starts_with(['.', '．']);
    if !dot && head.chars().all(|c| CHINESE.contains(c)) {
        Some(3)
    } else if head.chars().all(|c| c.is_ascii_digit()) {
        Some(5)
    } else {
        None
    }
}

/// Every parent row = the sum of its children, and the 合计/总计 row = the
/// sum of the top rows, for every amount column.
fn check_hierarchy(cx: &mut Ctx, table: &BudgetTable) {
    for side in [None, Some(Side::Revenue), Some(Side::Expenditure)] {
        let rows: Vec<(usize, &BudgetRow)> = table
            .rows
            .iter()
            .enumerate()
            .filter(|(_, r)| r.side == side)
            .collect();
        if rows.is_empty() {
            continue;
        }
        let columns = table.columns_of(side);
        for (pos, &(ri, parent)) in rows.iter().enumerate() {
            let (is_total, parent_rank) = match (parent.total, rank(parent)) {
                (true, _) => (true, 0),
                (false, Some(r)) => (false, r),
                _ => continue,
            };
            // Children: the rows of the next rank until one of this rank or higher.
            let mut children: Vec<&BudgetRow> = Vec::new();
            let candidates: Box<dyn Iterator<Item = &(usize, &BudgetRow)>> = if is_total {
                Box::new(rows.iter().filter(|(_, r)| !r.total))
            } else {
                Box::new(rows.iter().skip(pos + 1))
            };
            let mut child_rank = None;
            for &(_, r) in candidates {
                let Some(rr) = rank(r) else { continue };
                // A numbered line that prints no amount at all (a note under
                // the table) is no sub-row.
                if r.amounts.iter().all(Option::is_none) && rr > parent_rank {
                    continue;
                }
                if !is_total && (rr <= parent_rank || r.total) {
                    break;
                }
                match child_rank {
                    None => {
                        child_rank = Some(rr);
                        children.push(r);
                    }
                    Some(c) if rr == c => children.push(r),
                    Some(c) if rr < c => break,
                    _ => {}
                }
            }
            if children.is_empty() {
                continue;
            }
            let codes_match = parent.code.as_ref().is_none_or(|p| {
                children
                    .iter()
                    .all(|c| c.code.as_ref().is_some_and(|cc| cc.starts_with(p.as_str())))
            });
            if !codes_match {
                continue;
            }
            for (ci, col) in columns.iter().enumerate() {
                let Some(Some(printed)) = parent.amounts.get(ci) else {
                    continue;
                };
                // Rates (增减幅度 in %) do not add up over rows.
                if printed.percent {
                    continue;
                }
                let used: Vec<&Num> = children
                    .iter()
                    .filter_map(|c| c.amounts.get(ci).and_then(|n| n.as_ref()))
                    .collect();
                if used.is_empty() && printed.value.is_zero() {
                    continue;
                }
                let exact: Decimal = used.iter().map(|n| n.value).sum();
                let slack = used
                    .iter()
                    .map(|n| slack_at(n, cx.unit, cx.min_scale))
                    .sum();
                let check = if is_total {
                    "budget.total"
                } else {
                    "budget.hierarchy"
                };
                let what = if is_total {
                    format!("the sum of the {} top rows", children.len())
                } else {
                    format!("the sum of its {} sub-rows", children.len())
                };
                cx.judge(
                    check,
                    format!("rows[{ri}].amounts[{ci}]"),
                    &format!("{} › {} › {}", title(table), row_label(parent), col.name),
                    printed,
                    exact,
                    slack,
                    &used,
                    &what,
                    false,
                );
            }
        }
    }
}

/// 收入总计 = 支出总计 in a two-sided table.
fn check_balance(cx: &mut Ctx, table: &BudgetTable) {
    let total = |side| {
        table
            .rows
            .iter()
            .find(|r| r.side == Some(side) && r.total)
            .and_then(|r| r.amounts.first().cloned().flatten())
    };
    let (Some(revenue), Some(expenditure)) = (total(Side::Revenue), total(Side::Expenditure))
    else {
        return;
    };
    cx.judge(
        "budget.balance",
        "expenditure_total".into(),
        &format!("{} › 支出总计", title(table)),
        &expenditure,
        revenue.value,
        slack_at(&revenue, cx.unit, cx.min_scale),
        &[&revenue],
        &format!("收入总计 ({})", revenue.raw.trim()),
        false,
    );
}

/// How a row is matched across tables: by code, by category name, or the total.
fn row_key(row: &BudgetRow, by_name: &HashMap<String, String>) -> Option<String> {
    if row.total {
        return Some("total".into());
    }
    if let Some(code) = &row.code {
        return Some(code.clone());
    }
    let name = row.name.as_deref()?;
    let bare = name.split_once('、').map_or(name, |(_, b)| b);
    by_name.get(&jixiao_model::compact(bare)).cloned()
}

/// A column of one kind of table, on one side.
type ColumnRef = (BudgetTableKind, Option<Side>, &'static str);

/// Pairs of columns that must carry the same amount for the same row.
const SAME: &[(ColumnRef, ColumnRef)] = {
    use BudgetTableKind::*;
    const EXP: Option<Side> = Some(Side::Expenditure);
    &[
        ((Revenue, None, "合计"), (Expenditure, None, "合计")),
        (
            (GeneralPublicFunctional, None, "合计"),
            (Expenditure, None, "合计"),
        ),
        (
            (GeneralPublicFunctional, None, "基本支出"),
            (Expenditure, None, "基本支出"),
        ),
        (
            (GeneralPublicFunctional, None, "项目支出"),
            (Expenditure, None, "项目支出"),
        ),
        (
            (RevenueExpenditure, EXP, "合计"),
            (Expenditure, None, "合计"),
        ),
        (
            (RevenueExpenditure, EXP, "项目支出"),
            (Expenditure, None, "项目支出"),
        ),
        (
            (Appropriation, EXP, "合计"),
            (GeneralPublicFunctional, None, "合计"),
        ),
        (
            (Appropriation, EXP, "一般公共预算"),
            (GeneralPublicFunctional, None, "合计"),
        ),
        (
            (BasicEconomic, None, "人员经费"),
            (RevenueExpenditure, EXP, "人员经费"),
        ),
        (
            (BasicEconomic, None, "公用经费"),
            (RevenueExpenditure, EXP, "公用经费"),
        ),
    ]
};

fn cross_tables(doc: &Document, out: &mut Vec<Finding>) {
    let tables: Vec<(usize, &BudgetTable)> = doc
        .forms
        .iter()
        .enumerate()
        .filter_map(|(i, f)| f.as_budget_table().map(|t| (i, t)))
        .collect();
    // Category names of 类 rows (教育支出 → 205), to match the two-sided tables.
    let mut by_name: HashMap<String, String> = HashMap::new();
    for (_, t) in &tables {
        for r in &t.rows {
            if let (Some(code), Some(name)) = (&r.code, &r.name) {
                if code.len() == 3 {
                    by_name
                        .entry(jixiao_model::compact(name))
                        .or_insert_with(|| code.clone());
                }
            }
        }
    }
    let find = |kind: BudgetTableKind| tables.iter().find(|(_, t)| t.table == kind).copied();
    for &((ka, sa, ca), (kb, sb, cb)) in SAME {
        let (Some((ia, ta)), Some((_, tb))) = (find(ka), find(kb)) else {
            continue;
        };
        let col_a = ta.columns_of(sa).iter().position(|c| c.name == ca);
        let col_b = tb.columns_of(sb).iter().position(|c| c.name == cb);
        let (Some(col_a), Some(col_b)) = (col_a, col_b) else {
            continue;
        };
        let mut other: HashMap<String, &Num> = HashMap::new();
        for r in tb.rows.iter().filter(|r| r.side == sb) {
            if let (Some(k), Some(Some(n))) = (row_key(r, &by_name), r.amounts.get(col_b)) {
                other.entry(k).or_insert(n);
            }
        }
        let mut cx = Ctx {
            index: ia,
            unit: ta.unit,
            min_scale: max_scale(ta),
            doubt: None,
            score: false,
            out: Vec::new(),
        };
        for (ri, r) in ta.rows.iter().enumerate().filter(|(_, r)| r.side == sa) {
            let (Some(k), Some(Some(printed))) = (row_key(r, &by_name), r.amounts.get(col_a))
            else {
                continue;
            };
            let Some(theirs) = other.get(&k) else {
                continue;
            };
            cx.judge(
                "budget.cross_table",
                format!("rows[{ri}].amounts[{col_a}]"),
                &format!("{} › {} › {ca}", title(ta), row_label(r)),
                printed,
                theirs.value,
                slack_at(theirs, tb.unit, max_scale(tb)),
                &[theirs],
                &format!("the same row of {} › {cb}", title(tb)),
                false,
            );
        }
        out.append(&mut cx.out);
    }
}

/// Checks one budget table.
pub(crate) fn validate(index: usize, table: &BudgetTable) -> Vec<Finding> {
    let mut cx = Ctx {
        index,
        unit: table.unit,
        min_scale: max_scale(table),
        doubt: None,
        score: false,
        out: Vec::new(),
    };
    check_row_sums(&mut cx, table);
    check_hierarchy(&mut cx, table);
    check_balance(&mut cx, table);
    cx.out
}

/// Checks between the tables of a document.
pub(crate) fn validate_document(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    if doc
        .forms
        .iter()
        .filter(|f| matches!(f, Form::BudgetTable(_)))
        .count()
        > 1
    {
        cross_tables(doc, &mut out);
    }
    out
}
