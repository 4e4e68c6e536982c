//! The figures the prose of a disclosure states, held against its tables and
//! declarations, with unit conversion (元 → 万元) at the printed precision.

use crate::budget::max_scale;
use crate::checks::{amount_slack, loc, slack_at, Ctx};
use crate::{Finding, Severity};
use jixiao_model::{
    compact, BudgetTable, BudgetTableKind, Document, MoneyUnit, Narrative, NarrativeFigure, Num,
};
use rust_decimal::Decimal;

fn table(doc: &Document, kind: BudgetTableKind) -> Option<&BudgetTable> {
    doc.forms
        .iter()
        .filter_map(|f| f.as_budget_table())
        .find(|t| t.table == kind)
}

/// The amount in `column` of the 合计 row (or of the only row) of a table.
fn total_of<'a>(t: &'a BudgetTable, column: &str) -> Option<Option<&'a Num>> {
    let ci = t
        .columns_of(None)
        .iter()
        .position(|c| c.name == column || c.path.ends_with(column))?;
    let row = t
        .rows
        .iter()
        .find(|r| r.total)
        .or_else(|| (t.rows.len() == 1).then(|| &t.rows[0]))?;
    Some(row.amounts.get(ci).and_then(|n| n.as_ref()))
}

/// The 合计 of the functional-classification row a subject names
/// (`“教师进修”科目`): by exact name, else the one row within two edits.
fn subject_row<'a>(t: &'a BudgetTable, name: &str) -> Option<(&'a Num, String)> {
    let want = compact(name);
    let ci = t.columns_of(None).iter().position(|c| c.name == "合计")?;
    let named = |exact: bool| {
        t.rows
            .iter()
            .filter(|r| r.code.as_ref().is_some_and(|c| c.len() == 7))
            .filter(|r| {
                let n = compact(r.name.as_deref().unwrap_or(""));
                if exact {
                    n == want
                } else {
                    strsim::levenshtein(&n, &want) <= 2
                }
            })
            .collect::<Vec<_>>()
    };
    let rows = match named(true) {
        r if r.len() == 1 => r,
        _ => named(false),
    };
    let [row] = rows.as_slice() else { return None };
    let n = row.amounts.get(ci)?.as_ref()?;
    Some((
        n,
        format!(
            "{} {}",
            row.code.as_deref().unwrap_or(""),
            row.name.as_deref().unwrap_or("")
        ),
    ))
}

/// What a figure is to be compared with: the table amount (in its unit), or
/// none printed (a zero), and how it is described.
enum Target<'a> {
    Amount(&'a Num, Option<MoneyUnit>, u32, String),
    Zero(String),
}

fn resolve<'a>(doc: &'a Document, fig: &NarrativeFigure) -> Option<Target<'a>> {
    use BudgetTableKind::*;
    let s = compact(&fig.subject)
        .replace(['（', '）'], "")
        .replace(['(', ')'], "");
    let amount = |t: &'a BudgetTable, col: &str, what: String| match total_of(t, col)? {
        Some(n) => Some(Target::Amount(n, t.unit, max_scale(t), what)),
        None => Some(Target::Zero(what)),
    };
    let title = |t: &BudgetTable| t.title.clone().unwrap_or_default();
    if s.contains("预算支出总额")
        || s.ends_with("财政拨款支出预算")
        || s.contains("一般公共预算拨款支出预算")
    {
        let t = table(doc, Expenditure)?;
        return amount(t, "合计", format!("{} › 合计 › 合计", title(t)));
    }
    if s.contains("政府性基金拨款支出预算") {
        let t = table(doc, GovernmentFundFunctional)?;
        return amount(t, "合计", format!("{} › 合计", title(t)));
    }
    for col in ["基本支出", "项目支出"] {
        if s.ends_with(&format!("{col}预算")) {
            let t = table(doc, Expenditure)?;
            return amount(t, col, format!("{} › 合计 › {col}", title(t)));
        }
    }
    if let Some(name) = s
        .strip_suffix("科目")
        .map(|n| n.trim_matches(['“', '”', '"']))
    {
        let t = table(doc, GeneralPublicFunctional)?;
        let (n, row) = subject_row(t, name)?;
        return Some(Target::Amount(
            n,
            t.unit,
            max_scale(t),
            format!("{} › {row} › 合计", title(t)),
        ));
    }
    let three = |col: &str| -> Option<Target<'a>> {
        let t = table(doc, ThreePublic)?;
        let ci = t
            .columns_of(None)
            .iter()
            .position(|c| compact(&c.path).contains(col))?;
        let row = t.rows.first()?;
        let what = format!("{} › {col}", title(t));
        Some(match row.amounts.get(ci).and_then(|n| n.as_ref()) {
            Some(n) => Target::Amount(n, t.unit, max_scale(t), what),
            None => Target::Zero(what),
        })
    };
    // `“三公”经费预算数`, `…一般公共预算“三公”经费支出预算` (its total).
    if s.contains("三公”经费预算数")
        || s.contains("三公经费预算数")
        || (s.contains("三公") && s.ends_with("经费支出预算"))
    {
        return three("合计");
    }
    for col in ["因公出国", "公务接待费", "机关运行经费"] {
        if s.contains(col) {
            return three(col);
        }
    }
    if s.contains("公务用车购置及运行费") {
        return three("小计");
    }
    None
}

fn judge_figure(
    cx: &mut Ctx,
    fi: usize,
    fig: &NarrativeFigure,
    exact_wan: Decimal,
    slack_wan: Decimal,
    used: &[&Num],
    what: &str,
) {
    cx.judge(
        "narrative.figure",
        format!("figures[{fi}].amount"),
        &format!("The text's {}", fig.subject),
        &fig.amount,
        exact_wan,
        slack_wan,
        used,
        what,
        false,
    );
}

fn check_figures(doc: &Document, index: usize, n: &Narrative, out: &mut Vec<Finding>) {
    let min_scale = n.figures.iter().map(|f| f.amount.scale).max().unwrap_or(0);
    let mut cx = Ctx {
        index,
        unit: Some(MoneyUnit::WanYuan),
        min_scale,
        doubt: None,
        score: false,
        out: Vec::new(),
    };
    let ten_thousand = Decimal::from(10_000);
    let to_wan = |num: &Num, unit: Option<MoneyUnit>, scale: u32| match unit {
        Some(MoneyUnit::WanYuan) => (num.value, slack_at(num, unit, scale)),
        _ => (
            num.value / ten_thousand,
            slack_at(num, unit, scale) / ten_thousand,
        ),
    };
    for (fi, fig) in n.figures.iter().enumerate() {
        // The tables' figures are held in 万元; a figure the text states in
        // 元 is checked within the text only.
        let in_wan = fig.unit == MoneyUnit::WanYuan;
        match resolve(doc, fig).filter(|_| in_wan) {
            Some(Target::Amount(num, unit, scale, what)) => {
                let (exact, slack) = to_wan(num, unit, scale);
                let shown = if unit == Some(MoneyUnit::WanYuan) {
                    "万元"
                } else {
                    "元"
                };
                judge_figure(
                    &mut cx,
                    fi,
                    fig,
                    exact,
                    slack,
                    &[num],
                    &format!("{what} ({} {shown})", num.raw.trim()),
                );
            }
            Some(Target::Zero(what)) => {
                judge_figure(
                    &mut cx,
                    fi,
                    fig,
                    Decimal::ZERO,
                    Decimal::ZERO,
                    &[],
                    &format!("{what} (nothing printed)"),
                );
            }
            None => {}
        }
        // The percentage of a change: change ÷ last year's figure.
        if let (Some(change), Some(pct)) = (&fig.change, &fig.change_percent) {
            let previous = fig.amount.value - change.value;
            if !previous.is_zero() {
                let exact = change.value / previous * Decimal::ONE_HUNDRED;
                let h = slack_at(&fig.amount, None, min_scale) + slack_at(change, None, min_scale);
                // A last-year figure near zero makes the bound too large
                // to compute: then nothing meaningful is left to check.
                let Some(slack) = change_slack(h, change.value, previous) else {
                    continue;
                };
                cx.judge(
                    "narrative.change",
                    format!("figures[{fi}].change_percent"),
                    &format!("The text's change of {} in percent", fig.subject),
                    pct,
                    exact,
                    slack,
                    &[change, &fig.amount],
                    &format!(
                        "{} ÷ ({} − {})",
                        change.value, fig.amount.value, change.value
                    ),
                    false,
                );
            }
        }
    }
    // Parts stated after a total in one sentence (`其中：…`) add up to it.
    for (fi, fig) in n.figures.iter().enumerate() {
        let sub: Vec<&Num> = n
            .figures
            .iter()
            .skip(fi + 1)
            .filter(|f| {
                f.line == fig.line && f.subject.contains("政府采购") && f.subject != fig.subject
            })
            .map(|f| &f.amount)
            .collect();
        if compact(&fig.subject).ends_with("政府采购预算") && !sub.is_empty() {
            let exact: Decimal = sub.iter().map(|n| n.value).sum();
            let slack = sub.iter().map(|n| slack_at(n, None, min_scale)).sum();
            cx.judge(
                "narrative.sum",
                format!("figures[{fi}].amount"),
                &format!("The text's {}", fig.subject),
                &fig.amount,
                exact,
                slack,
                &sub,
                "the sum of its parts (货物 + 工程 + 服务)",
                false,
            );
        }
    }
    // The change of the 三公 total = the changes of its three parts.
    let three_total = n
        .figures
        .iter()
        .enumerate()
        .find(|(_, f)| compact(&f.subject).contains("三公") && f.change.is_some());
    if let Some((fi, total)) = three_total {
        let parts: Vec<&Num> = n
            .figures
            .iter()
            .filter(|f| {
                ["因公出国", "公务用车", "公务接待"]
                    .iter()
                    .any(|p| f.subject.contains(p))
            })
            .filter_map(|f| f.change.as_ref())
            .collect();
        if parts.len() == 3 {
            let change = total.change.as_ref().expect("checked");
            let exact: Decimal = parts.iter().map(|n| n.value).sum();
            let slack = parts.iter().map(|n| slack_at(n, None, min_scale)).sum();
            cx.judge(
                "narrative.sum",
                format!("figures[{fi}].change"),
                "The text's change of the 三公 total",
                change,
                exact,
                slack,
                &parts,
                "the changes of 因公出国（境）费, 公务用车购置及运行费 and 公务接待费",
                false,
            );
        }
    }
    // Projects with performance targets: their number and their budget.
    let declarations: Vec<&jixiao_model::Declaration> = doc
        .forms
        .iter()
        .filter_map(|f| f.as_declaration())
        .collect();
    if let Some(count) = &n.project_count {
        if !declarations.is_empty() && count.value != Decimal::from(declarations.len()) {
            cx.out.push(Finding {
                check: "narrative.projects",
                severity: Severity::Error,
                form: index,
                field: "project_count".into(),
                printed: Some(count.value.to_string()),
                computed: Some(declarations.len().to_string()),
                location: loc(count),
                inputs: Vec::new(),
                message: format!(
                    "The text states {} projects with performance targets, but the document holds {} declarations.",
                    count.value,
                    declarations.len()
                ),
                explained_by: None,
            });
        }
        if let Some((fi, fig)) = n
            .figures
            .iter()
            .enumerate()
            .find(|(_, f)| f.subject.contains("涉及项目预算资金"))
        {
            let budgets: Vec<&Num> = declarations
                .iter()
                .filter_map(|d| d.funds.annual_budget.as_ref())
                .collect();
            if budgets.len() == declarations.len() && !budgets.is_empty() {
                let unit = declarations[0].unit;
                let sum: Decimal = budgets.iter().map(|n| n.value).sum();
                let slack: Decimal = budgets.iter().map(|n| amount_slack(n, unit)).sum();
                judge_figure(
                    &mut cx,
                    fi,
                    fig,
                    sum / ten_thousand,
                    slack / ten_thousand,
                    &budgets,
                    &format!("the sum of the {} declarations' 当年预算", budgets.len()),
                );
            }
        }
    }
    check_parts(&mut cx, n);
    check_shares(&mut cx, n);
    out.append(&mut cx.out);
}

/// A figure the text gives parts for (`…元。其中:` and a line per part)
/// = the sum of those parts, where all are stated in one unit.
fn check_parts(cx: &mut Ctx, n: &Narrative) {
    for (fi, fig) in n.figures.iter().enumerate() {
        let parts: Vec<&NarrativeFigure> =
            fig.parts.iter().filter_map(|&p| n.figures.get(p)).collect();
        if parts.len() < 2 || parts.iter().any(|p| p.unit != fig.unit) {
            continue;
        }
        let values: Vec<&Num> = parts.iter().map(|p| &p.amount).collect();
        let names: Vec<&str> = parts.iter().map(|p| p.subject.as_str()).collect();
        // Each part is rounded to what it prints, in the figure's own unit.
        let unit = cx.unit.replace(fig.unit);
        cx.judge_sum(
            "narrative.sum",
            format!("figures[{fi}].amount"),
            &format!("The text's {}", fig.subject),
            &fig.amount,
            &values,
            &format!("the sum of its parts ({})", names.join(" + ")),
        );
        cx.unit = unit;
    }
}

/// The words a share's whole is named by, without what varies between
/// mentions (`的`, `预算`, the year).
fn whole_key(s: &str) -> String {
    compact(s)
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == '年')
        .replace("预算", "")
        .replace('的', "")
        .replace("本年", "")
}

/// A share the text states (`占基本支出预算18.76%`) = the figure ÷ the
/// whole, where the text states the whole before it; and the shares of
/// one whole in one section add to at most 100 %.
fn check_shares(cx: &mut Ctx, n: &Narrative) {
    let hundred = Decimal::ONE_HUNDRED;
    for (fi, fig) in n.figures.iter().enumerate() {
        let (Some(share), Some(of)) = (&fig.share, &fig.share_of) else {
            continue;
        };
        let key = whole_key(of);
        let whole = n.figures[..fi]
            .iter()
            .rev()
            .find(|w| w.unit == fig.unit && !key.is_empty() && whole_key(&w.subject) == key);
        let Some(whole) = whole.filter(|w| !w.amount.value.is_zero()) else {
            continue;
        };
        let exact = fig.amount.value * hundred / whole.amount.value;
        let slack = slack_at(&fig.amount, Some(fig.unit), 0) * hundred / whole.amount.value;
        // Texts round shares as forms round scores: down, up or half-up.
        let was = std::mem::replace(&mut cx.score, true);
        cx.judge(
            "narrative.share",
            format!("figures[{fi}].share"),
            &format!("The text's share of {} in {of}", fig.subject),
            share,
            exact,
            slack,
            &[&fig.amount, &whole.amount],
            &format!("{} ÷ {}", fig.amount.raw.trim(), whole.amount.raw.trim()),
            false,
        );
        cx.score = was;
    }
    // Shares of one whole stated in one section.
    let mut groups: Vec<(String, usize, Vec<&Num>)> = Vec::new();
    for fig in &n.figures {
        let (Some(share), Some(of)) = (&fig.share, &fig.share_of) else {
            continue;
        };
        let section = n
            .sections
            .iter()
            .rposition(|s| s.line <= fig.line)
            .unwrap_or(0);
        let key = whole_key(of);
        match groups
            .iter_mut()
            .find(|(k, s, _)| *k == key && *s == section)
        {
            Some((_, _, v)) => v.push(share),
            None => groups.push((key, section, vec![share])),
        }
    }
    for (key, _, shares) in groups.iter().filter(|(_, _, v)| v.len() >= 2) {
        let total: Decimal = shares.iter().map(|s| s.value).sum();
        let slack: Decimal = shares.iter().map(|s| s.half_ulp()).sum();
        if total <= hundred + slack {
            continue;
        }
        // The share that takes the sum past 100 % is the one named: with
        // the others as printed it can be at most what they leave.
        let (last, others) = shares.split_last().expect("two shares or more");
        let left = hundred - others.iter().map(|s| s.value).sum::<Decimal>();
        let listed: Vec<String> = shares.iter().map(|s| format!("{}%", s.value)).collect();
        cx.out.push(Finding {
            check: "narrative.share",
            severity: Severity::Warning,
            form: cx.index,
            field: format!("shares of {key}"),
            printed: Some(last.value.to_string()),
            computed: Some(left.to_string()),
            location: loc(last),
            inputs: others.iter().map(|s| loc(s)).collect(),
            message: format!(
                "The text gives shares of {key} that add to {total}% ({}): parts of one whole cannot exceed 100%, so {}% can be at most {left}% beside the others.",
                listed.join(" + "),
                last.value
            ),
            explained_by: None,
        });
    }
}

/// Checks the prose of a document against its tables and declarations.
pub(crate) fn validate_document(doc: &Document) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, f) in doc.forms.iter().enumerate() {
        if let Some(n) = f.as_narrative() {
            check_figures(doc, i, n, &mut out);
        }
    }
    out
}

/// How far the rounding of a change and its figure (`h` together) can move
/// the change in percent: h/|previous| + |change|·h/previous², in percent;
/// `None` where that is beyond the decimal range.
fn change_slack(h: Decimal, change: Decimal, previous: Decimal) -> Option<Decimal> {
    let first = h.checked_div(previous.abs())?;
    let second = change
        .abs()
        .checked_mul(h)?
        .checked_div(previous.checked_mul(previous)?)?;
    first.checked_add(second)?.checked_mul(Decimal::ONE_HUNDRED)
}
