//! The relations of a declaration the generic engine read: each total of
//! its funds block against the sources printed with it, each 占比 against
//! its amount and total, and the sums of the allocation table before it.

use crate::checks::{amount_slack, Ctx};
use crate::scoring::block_read_whole;
use crate::{Finding, Severity};
use jixiao_model::{AllocationTable, Declaration, FundSource, FundsLine, Num, TableRow};
use rust_decimal::Decimal;

/// The amount of `s` in `column`, if printed (a percentage is no amount).
fn amount<'a>(s: &'a FundSource, column: &str) -> Option<&'a Num> {
    s.amounts
        .iter()
        .find(|a| a.column == column)
        .map(|a| &a.value)
        .filter(|n| !n.percent)
}

/// The amount columns the block prints (every column but 占比).
fn amount_columns(sources: &[FundSource]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in sources.iter().flat_map(|s| &s.amounts) {
        if a.column != "share" && !out.contains(&a.column) {
            out.push(a.column.clone());
        }
    }
    out
}

/// Each total row with the rows it is the total of: the rows after it up
/// to the next total, or where none follow, the rows before it since the
/// previous total (a 合计 printed under its parts). Rows of different parts
/// (收入构成, 支出构成), or labelled in different columns (blocks printed side
/// by side), are never summed together.
fn sum_groups(sources: &[FundSource]) -> Vec<(&FundSource, Vec<&FundSource>)> {
    let mut columns: Vec<usize> = sources.iter().map(|s| s.column).collect();
    columns.sort_unstable();
    columns.dedup();
    columns
        .into_iter()
        .flat_map(|c| {
            let block: Vec<&FundSource> = sources.iter().filter(|s| s.column == c).collect();
            sum_groups_of(&block)
        })
        .collect()
}

/// [`sum_groups`] within one column of labels.
fn sum_groups_of<'a>(sources: &[&'a FundSource]) -> Vec<(&'a FundSource, Vec<&'a FundSource>)> {
    let mut out = Vec::new();
    let totals: Vec<usize> = (0..sources.len())
        .filter(|&i| sources[i].row == FundsLine::Total)
        .collect();
    for (k, &t) in totals.iter().enumerate() {
        let same_part = |s: &&&FundSource| s.block == sources[t].block && s.row != FundsLine::Total;
        let next = totals.get(k + 1).copied().unwrap_or(sources.len());
        let after: Vec<&FundSource> = sources[t + 1..next]
            .iter()
            .filter(same_part)
            .copied()
            .collect();
        let previous = k.checked_sub(1).map_or(0, |p| totals[p] + 1);
        let parts = if after.is_empty() {
            sources[previous..t]
                .iter()
                .filter(same_part)
                .copied()
                .collect()
        } else {
            after
        };
        out.push((sources[t], parts));
    }
    out
}

/// `funds.sum`: each total = Σ the sources printed with it, per column.
fn check_sums(cx: &mut Ctx, d: &Declaration) {
    for (i, (total, parts)) in sum_groups(&d.sources).into_iter().enumerate() {
        for column in amount_columns(&d.sources) {
            let Some(printed) = amount(total, &column) else {
                continue;
            };
            // 中央/省级/市县 rows are parts of an appropriation printed with them.
            let appropriation = parts
                .iter()
                .any(|p| p.row == FundsLine::Appropriation && amount(p, &column).is_some());
            let counted: Vec<&&FundSource> = parts
                .iter()
                .filter(|p| !(appropriation && p.row.is_sub_source()))
                .filter(|p| amount(p, &column).is_some())
                .collect();
            if counted.is_empty() {
                continue;
            }
            let values: Vec<&Num> = counted.iter().filter_map(|p| amount(p, &column)).collect();
            let labels: Vec<&str> = counted.iter().map(|p| p.label.as_str()).collect();
            cx.judge_sum(
                "funds.sum",
                format!("sources[{i}].{column}"),
                &total.label,
                printed,
                &values,
                &labels.join(" + "),
            );
        }
    }
}

/// `funds.share`: each printed 占比 = its amount ÷ the total of its part.
fn check_shares(cx: &mut Ctx, d: &Declaration) {
    for (total, parts) in sum_groups(&d.sources) {
        let Some(column) = amount_columns(&d.sources).into_iter().next() else {
            return;
        };
        let Some(whole) = amount(total, &column).filter(|n| !n.value.is_zero()) else {
            continue;
        };
        for s in parts.iter().copied().chain([total]) {
            let share = s.amounts.iter().find(|a| a.column == "share");
            let (Some(share), Some(part)) = (share.map(|a| &a.value), amount(s, &column)) else {
                continue;
            };
            let hundred = Decimal::ONE_HUNDRED;
            // A whole near zero puts the share beyond the decimal range.
            let share_of = || -> Option<(Decimal, Decimal)> {
                let exact = part.value.checked_mul(hundred)?.checked_div(whole.value)?;
                let spread = (exact / hundred).checked_mul(amount_slack(whole, d.unit))?;
                let slack = amount_slack(part, d.unit)
                    .checked_add(spread)?
                    .checked_mul(hundred)?
                    .checked_div(whole.value)?;
                Some((exact, slack))
            };
            let Some((exact, slack)) = share_of() else {
                continue;
            };
            cx.judge(
                "funds.share",
                format!("sources.{}.share", s.label),
                &format!("{} 占比", s.label),
                share,
                exact,
                slack,
                &[part, whole],
                &format!("{} ÷ {}", part.raw.trim(), whole.raw.trim()),
                false,
            );
        }
    }
}

/// The label cells of a table row (its texts), joined.
fn row_label(row: &TableRow) -> String {
    row.cells
        .iter()
        .filter(|c| c.number.is_none())
        .map(|c| c.text.as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

fn is_total_word(text: &str, words: &[&str]) -> bool {
    let t: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    words.iter().any(|w| t.starts_with(w))
}

/// The cell of `row` in `column`, if it prints a number.
fn number_at(row: &TableRow, column: usize) -> Option<&Num> {
    row.cells
        .iter()
        .find(|c| c.column == column)
        .and_then(|c| c.number.as_ref())
}

/// `allocation.sum`: each 小计 row = Σ the rows since the previous one, the
/// 合计 row = Σ the 小计 rows (or every row where none is printed), per
/// amount column; and a row's 合计 column = Σ its part columns.
fn check_allocation(cx: &mut Ctx, a: &AllocationTable) {
    let columns: Vec<usize> = a.columns.iter().map(|c| c.column).collect();
    let subtotal = |r: &TableRow| is_total_word(&row_label(r), &["小计", "小計"]);
    let total = |r: &TableRow| is_total_word(&row_label(r), &["合计", "合計", "总计", "總計"]);
    let mut since: Vec<&TableRow> = Vec::new();
    let mut subtotals: Vec<&TableRow> = Vec::new();
    let mut all: Vec<&TableRow> = Vec::new();
    for row in &a.rows {
        if subtotal(row) {
            column_sums(cx, row, &since, &columns);
            subtotals.push(row);
            since.clear();
        } else if total(row) {
            let parts = if subtotals.is_empty() {
                &all
            } else {
                &subtotals
            };
            column_sums(cx, row, parts, &columns);
        } else {
            since.push(row);
            all.push(row);
        }
        row_total(cx, a, row);
    }
}

fn column_sums(cx: &mut Ctx, row: &TableRow, parts: &[&TableRow], columns: &[usize]) {
    for &column in columns {
        let Some(printed) = number_at(row, column) else {
            continue;
        };
        let values: Vec<&Num> = parts.iter().filter_map(|r| number_at(r, column)).collect();
        // A column of numbering (序号) sums nothing: its rows count.
        if values.is_empty() || values.len() < parts.len() {
            continue;
        }
        cx.judge_sum(
            "allocation.sum",
            format!("allocation.line{}.column{column}", row.line),
            &format!("{} (line {})", row_label(row), row.line),
            printed,
            &values,
            &format!("Σ of the {} rows above it", values.len()),
        );
    }
}

/// A row's 合计 column against the amount columns after it; a spanning
/// header's 小计 stands for the columns under it.
fn row_total(cx: &mut Ctx, a: &AllocationTable, row: &TableRow) {
    let Some(total_col) = a
        .columns
        .iter()
        .find(|c| is_total_word(&c.header, &["合计", "合計"]))
    else {
        return;
    };
    let Some(printed) = number_at(row, total_col.column) else {
        return;
    };
    let parent = |h: &str| h.split_once('/').map(|(p, _)| p.to_string());
    let has_subtotal = |p: &str| {
        a.columns
            .iter()
            .any(|c| parent(&c.header).as_deref() == Some(p) && c.header.ends_with("小计"))
    };
    let values: Vec<&Num> = a
        .columns
        .iter()
        .filter(|c| c.column > total_col.column)
        .filter(|c| match parent(&c.header) {
            Some(p) if has_subtotal(&p) => c.header.ends_with("小计"),
            _ => true,
        })
        .filter_map(|c| number_at(row, c.column))
        .collect();
    if values.is_empty() {
        return;
    }
    cx.judge_sum(
        "allocation.sum",
        format!("allocation.line{}.{}", row.line, total_col.header),
        &format!(
            "{} {} (line {})",
            row_label(row),
            total_col.header,
            row.line
        ),
        printed,
        &values,
        "Σ of the row's part columns",
    );
}

/// The allocation's grand total against the form's total amount: a
/// warning, since a table may divide several programmes of which the form
/// declares one.
fn allocation_vs_form(cx: &mut Ctx, d: &Declaration, a: &AllocationTable) {
    let Some(total) = d.sources.iter().find(|s| s.row == FundsLine::Total) else {
        return;
    };
    let Some(form) = amount(total, "amount") else {
        return;
    };
    let grand = a
        .rows
        .iter()
        .rev()
        .find(|r| is_total_word(&row_label(r), &["合计", "合計", "总计", "總計"]));
    let Some(grand) = grand.and_then(|r| r.cells.iter().rev().find_map(|c| c.number.as_ref()))
    else {
        return;
    };
    if grand.value == form.value || (a.unit.is_some() && d.unit.is_some() && a.unit != d.unit) {
        return;
    }
    cx.out.push(Finding {
        check: "allocation.sum",
        severity: Severity::Warning,
        form: cx.index,
        field: "allocation.total".into(),
        printed: Some(form.value.to_string()),
        computed: Some(grand.value.to_string()),
        location: crate::checks::loc(form),
        inputs: vec![crate::checks::loc(grand)],
        message: format!(
            "{} is printed as {} but the allocation table before the form totals {}; the table may divide more than this form declares.",
            total.label,
            form.raw.trim(),
            grand.raw.trim()
        ),
        explained_by: None,
    });
}

/// `group.weight`: the weights of a group's targets add up to a value in
/// the range its 一级 cell prints (`产出指标(40-50)分`).
fn check_weight_ranges(cx: &mut Ctx, d: &Declaration) {
    for g in &d.groups {
        let Some((lo, hi)) = g.weight_range.as_deref().and_then(|r| r.split_once('-')) else {
            continue;
        };
        let (Ok(lo), Ok(hi)) = (lo.trim().parse::<Decimal>(), hi.trim().parse::<Decimal>()) else {
            continue;
        };
        let members: Vec<&Num> = d
            .targets
            .iter()
            .filter(|t| t.level1.as_deref() == Some(g.name.as_str()))
            .filter_map(|t| t.weight.as_ref())
            .collect();
        if members.is_empty() {
            continue;
        }
        let sum: Decimal = members.iter().map(|n| n.value).sum();
        if sum >= lo && sum <= hi {
            continue;
        }
        cx.out.push(Finding {
            check: "group.weight",
            severity: Severity::Error,
            form: cx.index,
            field: format!("groups.{}.weight", g.name),
            printed: Some(format!("{lo}-{hi}")),
            computed: Some(sum.to_string()),
            location: crate::checks::loc(members[0]),
            inputs: members.iter().map(|n| crate::checks::loc(n)).collect(),
            message: format!(
                "{} prints a weight of {lo} to {hi} points but its {} targets' 分值 add up to {sum}.",
                g.name,
                members.len()
            ),
            explained_by: None,
        });
    }
}

/// Every relation of an engine-read declaration.
pub(crate) fn check(cx: &mut Ctx, d: &Declaration) {
    let funds_whole = block_read_whole(
        cx,
        &d.not_read_whole,
        d.lines.start,
        "funds",
        "funds.sum and funds.share",
    );
    if funds_whole {
        check_sums(cx, d);
        check_shares(cx, d);
    }
    // Only a form that prints weight ranges has them to check.
    let ranges = d.groups.iter().any(|g| g.weight_range.is_some());
    if ranges
        && block_read_whole(
            cx,
            &d.not_read_whole,
            d.lines.start,
            "indicators",
            "group.weight",
        )
    {
        check_weight_ranges(cx, d);
    }
    if let Some(a) = &d.allocation {
        check_allocation(cx, a);
        if funds_whole {
            allocation_vs_form(cx, d, a);
        }
    }
}
