//! The relations a declaration (申报表) implies.

use crate::checks::{amount_slack, loc, Ctx};
use crate::{Finding, Severity};
use jixiao_model::{Declaration, Num, ProjectCategory};
use rust_decimal::Decimal;

fn sum_check(
    cx: &mut Ctx,
    check: &'static str,
    field: &str,
    label: &str,
    printed: Option<&Num>,
    parts: &[(&str, Option<&Num>)],
) {
    let Some(printed) = printed else { return };
    let present: Vec<&Num> = parts.iter().filter_map(|(_, n)| *n).collect();
    if present.len() != parts.len() {
        return;
    }
    let exact: Decimal = present.iter().map(|n| n.value).sum();
    let slack: Decimal = present.iter().map(|n| amount_slack(n, cx.unit)).sum();
    let names: Vec<&str> = parts.iter().map(|(l, _)| *l).collect();
    cx.judge(
        check,
        field.to_string(),
        label,
        printed,
        exact,
        slack,
        &present,
        &names.join(" + "),
        false,
    );
}

fn year_of(date: Option<&String>) -> Option<&str> {
    date.and_then(|d| d.get(..4))
        .filter(|y| y.chars().all(|c| c.is_ascii_digit()))
}

/// Checks one declaration; `index` is its place in the document.
pub(crate) fn validate(index: usize, d: &Declaration) -> Vec<Finding> {
    let mut cx = Ctx {
        index,
        unit: d.unit,
        min_scale: 0,
        doubt: None,
        score: false,
        out: Vec::new(),
    };
    crate::targets::check(&mut cx, d);
    let f = &d.funds;
    for copy in &d.copies {
        let first = match copy.field.as_str() {
            "项目总预算" => &f.total_budget,
            "当年预算" => &f.annual_budget,
            "财政拨款" => &f.appropriation,
            "上级财政拨款" => &f.from_higher,
            "本级财政安排" => &f.from_same_level,
            "下级财政配套" => &f.from_lower,
            _ => &f.other,
        };
        let Some(first) = first else { continue };
        if first.value != copy.amount.value {
            cx.out.push(Finding {
                check: "declaration.copy_differs",
                severity: Severity::Error,
                form: index,
                field: format!("copies.{}", copy.field),
                printed: Some(copy.amount.value.to_string()),
                computed: Some(first.value.to_string()),
                location: loc(&copy.amount),
                inputs: vec![loc(first)],
                message: format!(
                    "{} is printed twice, as {} and as {}.",
                    copy.field,
                    first.raw.trim(),
                    copy.amount.raw.trim()
                ),
                explained_by: None,
            });
        }
    }
    sum_check(
        &mut cx,
        "declaration.annual_sum",
        "funds.annual_budget",
        "当年预算",
        f.annual_budget.as_ref(),
        &[
            ("财政拨款", f.appropriation.as_ref()),
            ("其他资金", f.other.as_ref()),
        ],
    );
    sum_check(
        &mut cx,
        "declaration.appropriation_sum",
        "funds.appropriation",
        "财政拨款",
        f.appropriation.as_ref(),
        &[
            ("上级财政拨款", f.from_higher.as_ref()),
            ("本级财政安排", f.from_same_level.as_ref()),
            ("下级财政配套", f.from_lower.as_ref()),
        ],
    );
    let amounts: Vec<(&str, Option<&Num>)> = d
        .line_items
        .iter()
        .map(|i| ("明细金额", i.amount.as_ref()))
        .collect();
    if !amounts.is_empty() {
        let label = format!("Σ of the {} 明细金额", amounts.len());
        let Some(total) = d.items_total.as_ref() else {
            return cx.out;
        };
        let present: Vec<&Num> = amounts.iter().filter_map(|(_, n)| *n).collect();
        if present.len() == amounts.len() {
            let exact: Decimal = present.iter().map(|n| n.value).sum();
            let slack: Decimal = present.iter().map(|n| amount_slack(n, cx.unit)).sum();
            cx.judge(
                "declaration.items_sum",
                "items_total".into(),
                "金额合计",
                total,
                exact,
                slack,
                &present,
                &label,
                false,
            );
        }
    }
    if let (Some(total), Some(annual)) = (d.items_total.as_ref(), f.annual_budget.as_ref()) {
        cx.judge(
            "declaration.items_vs_annual",
            "items_total".into(),
            "金额合计",
            total,
            annual.value,
            amount_slack(annual, cx.unit),
            &[annual],
            &format!("当年预算 ({})", annual.raw.trim()),
            false,
        );
    }
    for (i, item) in d.line_items.iter().enumerate() {
        let (Some(amount), Some(price), Some(qty)) =
            (&item.amount, &item.unit_price, &item.quantity)
        else {
            continue;
        };
        let exact = price.value * qty.value;
        // Quantities are counted, not rounded; the price is exact to its unit.
        let slack = amount_slack(price, cx.unit) * qty.value.abs();
        cx.judge(
            "declaration.item_price",
            format!("line_items[{i}].amount"),
            "明细金额",
            amount,
            exact,
            slack,
            &[price, qty],
            &format!("单价 × 数量 ({} × {})", price.raw.trim(), qty.raw.trim()),
            false,
        );
    }
    if let (Some(total), Some(annual)) = (f.total_budget.as_ref(), f.annual_budget.as_ref()) {
        if total.value != annual.value {
            // A one-off project that starts and ends within the year has no
            // other year to budget for; a recurring or mid-term one may print
            // its whole-term budget beside this year's.
            let one_year = d.category == Some(ProjectCategory::OneOff)
                && match (year_of(d.start_date.as_ref()), year_of(d.end_date.as_ref())) {
                    (Some(a), Some(b)) => a == b,
                    _ => false,
                };
            let (severity, why) = if one_year || total.value < annual.value {
                (
                    Severity::Error,
                    if one_year {
                        "a one-off project that starts and ends in the same year has no other year's budget, so the two must be equal"
                    } else {
                        "a project's total budget cannot be below one year's budget"
                    },
                )
            } else {
                (
                    Severity::Info,
                    "a project running over several years may differ",
                )
            };
            cx.out.push(Finding {
                check: "declaration.total_vs_annual",
                severity,
                form: index,
                field: "funds.total_budget".into(),
                printed: Some(total.value.to_string()),
                computed: Some(annual.value.to_string()),
                location: loc(total),
                inputs: vec![loc(annual)],
                message: format!(
                    "项目总预算 is printed as {} and 当年预算 as {}; {why}.",
                    total.raw.trim(),
                    annual.raw.trim()
                ),
                explained_by: None,
            });
        }
    }
    cx.out
}
