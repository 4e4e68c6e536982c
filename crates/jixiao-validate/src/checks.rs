//! The relations a self-evaluation implies, each a check with a stable id.
//!
//! Arithmetic on printed values cannot overflow: the model reads a printed
//! number as a value only below 10^14 with at most 10 decimals
//! (`jixiao_model::number::CHECKABLE_DIGITS`), and `validate` checks no
//! form that prints a larger one. So a sum of fewer than 10^14 values, a
//! product of two and a quotient of two by a non-zero divisor stay far
//! inside the decimal type's 7.9 × 10^28; the longer chains (bounds of a
//! share or of a change in percent, a score in proportion to completion)
//! use checked arithmetic and are not judged where it fails.

use crate::compare::{compare, compare_score, round, Verdict};
use crate::{Explanation, Finding, Severity};
use jixiao_model::{
    Document, Form, FundsLine, FundsRow, Location, MoneyUnit, Num, NumberCell, SelfEvaluation,
};
use rust_decimal::Decimal;

/// Every check id with what it recomputes.
pub const CHECKS: &[(&str, &str)] = &[
    (
        "funds.sum",
        "年度资金总额 = 当年财政拨款 + 上年结转资金 + 其他资金, for 年初预算数, 全年预算数 and 全年执行数",
    ),
    (
        "funds.rate",
        "执行率 = 全年执行数 ÷ 全年预算数 on every funds row that prints a rate (a rate printed over a zero budget is an error)",
    ),
    ("funds.score", "资金得分 = 分值 × 执行率, capped at 分值 (or the row that stands for it, a rubric's 预算执行率)"),
    ("score.exceeds_weight", "no 得分 above its own 分值 (funds row and every indicator)"),
    ("total.weight", "Σ 分值 of the funds row and all indicators = the 分值 printed on the 总分/合计 row"),
    ("total.score", "总分 = 资金得分 + Σ indicator 得分"),
    ("group.weight", "Σ 权重 of a group's indicators = the group's printed weight, e.g. 投入与管理 (36分), 产出指标(50分), 绩效指标(90分)"),
    ("group.score", "a parent row (一、产出指标) prints the sum of its children's 得分 (and 分值)"),
    ("weighted_score", "折算得分 = 得分 × 权重占比%"),
    ("indicator.rule", "a quantitative indicator scores its full 分值 when its target is met, else 分值 × completion (a warning: provinces apply the rule differently)"),
    ("indicator.no_reason", "an indicator scored below its 分值 gives a 偏差原因 (info)"),
    ("not_checked", "a relation over a block the reader did not read whole is not checked, and says why (info)"),
    (
        "grade.band",
        "评分等级 lies in the band of 总分: the form's own printed bands, else 优 ≥ 90, 良 80–90, 中 60–80, 差 < 60",
    ),
    ("declaration.annual_sum", "申报表: 当年预算 = 财政拨款 + 其他资金"),
    ("declaration.appropriation_sum", "申报表: 财政拨款 = 上级财政拨款 + 本级财政安排 + 下级财政配套"),
    ("declaration.items_sum", "申报表: 金额合计 = Σ 明细金额 of 项目构成分解"),
    ("declaration.items_vs_annual", "申报表: 金额合计 = 当年预算"),
    ("declaration.item_price", "申报表: 明细金额 = 单价 × 数量 on every line item"),
    ("declaration.copy_differs", "申报表: an amount of 项目资金 printed twice (a table and its flattened copy) is the same both times"),
    (
        "declaration.total_vs_annual",
        "申报表: 项目总预算 vs 当年预算 — an error for a one-off project within one year or a total below the year's budget, else info",
    ),
    ("budget.row_sum", "预算表: in every row, 合计 (or 小计) = the other members of its header group (基本支出 + 项目支出, 人员经费 + 公用经费, 三公 parts …)"),
    ("budget.hierarchy", "预算表: each 类 = Σ its 款, each 款 = Σ its 项 (and 一、 = Σ its 1、 …), for every amount column"),
    ("budget.total", "预算表: the 合计/总计 row = Σ the top rows, for every amount column"),
    ("budget.balance", "预算表: 收入总计 = 支出总计 in the two-sided tables"),
    ("budget.cross_table", "预算表: the same code or category carries the same amount in every table that prints it"),
    ("narrative.figure", "说明: every 万元 figure of the prose = the table cell (or the declarations' total) it states, converted from 元"),
    ("narrative.change", "说明: a year-on-year percentage = the change ÷ last year's figure"),
    ("narrative.sum", "说明: parts stated in one sentence add up to their total (政府采购, the 三公 changes)"),
    ("narrative.projects", "说明: the number of projects with performance targets = the declarations in the document"),
];

pub(crate) struct Ctx {
    pub(crate) index: usize,
    pub(crate) unit: Option<MoneyUnit>,
    /// Decimals the other figures of the same table or text print.
    pub(crate) min_scale: u32,
    pub(crate) doubt: Option<String>,
    /// The value being judged is a score, which forms may round up.
    pub(crate) score: bool,
    pub(crate) out: Vec<Finding>,
}

pub(crate) fn loc(n: &Num) -> Location {
    Location::cell(n.line, n.column)
}

/// How far a printed amount may be from the amount it stands for. Amounts
/// in 元 are kept to the fen, so `28,335,329` is 28,335,329.00 give or take
/// half a fen; amounts in 万元 are rounded to what is printed.
pub(crate) fn amount_slack(n: &Num, unit: Option<MoneyUnit>) -> Decimal {
    slack_at(n, unit, 0)
}

/// As [`amount_slack`], for a figure printed by a table or text whose other
/// figures show `min_scale` decimals: a spreadsheet's general format drops
/// trailing zeros (`9.6`, `0` beside `10.27`), not precision.
pub(crate) fn slack_at(n: &Num, unit: Option<MoneyUnit>, min_scale: u32) -> Decimal {
    let fen = Decimal::new(5, 3);
    match unit {
        Some(MoneyUnit::Yuan) if n.scale <= 2 && !n.percent => fen,
        _ => Decimal::new(5, n.scale.max(min_scale) + 1),
    }
}

fn shown(d: Decimal) -> String {
    d.normalize().to_string()
}

impl Ctx {
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn judge(
        &mut self,
        check: &'static str,
        field: String,
        label: &str,
        printed: &Num,
        exact: Decimal,
        slack: Decimal,
        inputs: &[&Num],
        formula: &str,
        sums_over_form: bool,
    ) {
        // The printed result may itself be rounded to what it prints.
        let verdict = if self.score { compare_score } else { compare };
        let verdict = verdict(
            printed.value,
            printed.scale,
            exact,
            slack,
            printed.half_ulp(),
        );
        if verdict == Verdict::Equal {
            return;
        }
        let computed = round(exact, printed.scale);
        let percent = if printed.percent { "%" } else { "" };
        let head = format!(
            "{label} is printed as {} but {formula} gives {computed}{percent}",
            printed.raw.trim(),
        );
        let (severity, explained_by, tail) = match verdict {
            Verdict::Equal => unreachable!("returned above"),
            Verdict::Rounding => (
                Severity::Warning,
                Some(Explanation::Rounding),
                format!(
                    "; the difference of {} is within the rounding of the printed figures.",
                    shown((computed - printed.value).abs())
                ),
            ),
            Verdict::Truncation => (
                Severity::Warning,
                Some(Explanation::Truncation),
                "; the printed value is the result cut off, not rounded.".to_string(),
            ),
            Verdict::RoundedUp => (
                Severity::Warning,
                Some(Explanation::RoundedUp),
                "; the printed value is the result rounded up, not to the nearest.".to_string(),
            ),
            Verdict::Differs => match (&self.doubt, sums_over_form) {
                (Some(why), true) => (
                    Severity::Warning,
                    Some(Explanation::Extraction),
                    format!("; this form's text was hard to read ({why}), so the difference may come from reading it."),
                ),
                _ => (Severity::Error, None, ".".to_string()),
            },
        };
        self.out.push(Finding {
            check,
            severity,
            form: self.index,
            field,
            printed: Some(printed.value.to_string()),
            computed: Some(computed.to_string()),
            location: loc(printed),
            inputs: inputs.iter().map(|n| loc(n)).collect(),
            message: format!("{head}{tail}"),
            explained_by,
        });
    }
}

impl Ctx {
    /// Judges `printed` against the sum of `values`, each allowed the
    /// rounding of an amount printed in the form's unit.
    pub(crate) fn judge_sum(
        &mut self,
        check: &'static str,
        field: String,
        label: &str,
        printed: &Num,
        values: &[&Num],
        formula: &str,
    ) {
        let exact: Decimal = values.iter().map(|n| n.value).sum();
        let slack: Decimal = values.iter().map(|n| amount_slack(n, self.unit)).sum();
        self.judge(
            check, field, label, printed, exact, slack, values, formula, false,
        );
    }
}

type Column = (&'static str, &'static str, fn(&FundsRow) -> Option<&Num>);

const AMOUNT_COLUMNS: [Column; 3] = [
    ("initial_budget", "年初预算数", |r| {
        r.initial_budget.as_ref()
    }),
    ("adjusted_budget", "全年预算数", |r| {
        r.adjusted_budget.as_ref()
    }),
    ("executed", "全年执行数", |r| r.executed.as_ref()),
];

fn unreadable(form: &SelfEvaluation, field: &str) -> bool {
    form.missing.iter().any(|m| m.field == field)
}

fn check_funds_sum(cx: &mut Ctx, form: &SelfEvaluation) {
    let Some(total) = form.funds_row(FundsLine::Total) else {
        return;
    };
    for (key, name, get) in AMOUNT_COLUMNS {
        let Some(printed) = get(total) else { continue };
        // 中央/省级/市县 rows are parts of an appropriation printed above them.
        let has_appropriation = form
            .funds_row(FundsLine::Appropriation)
            .and_then(get)
            .is_some();
        let parts: Vec<&FundsRow> = form
            .funds
            .iter()
            .filter(|r| r.row != FundsLine::Total)
            .filter(|r| !(has_appropriation && r.row.is_sub_source()))
            .collect();
        let values: Vec<&Num> = parts.iter().filter_map(|r| get(r)).collect();
        if values.is_empty() {
            continue;
        }
        let any_unreadable = parts
            .iter()
            .any(|r| unreadable(form, &format!("funds.{}.{key}", r.row.key())));
        if any_unreadable {
            continue;
        }
        let labels: Vec<&str> = parts
            .iter()
            .filter(|r| get(r).is_some())
            .map(|r| r.name())
            .collect();
        cx.judge_sum(
            "funds.sum",
            format!("funds.total.{key}"),
            &format!("{} ({name})", total.name()),
            printed,
            &values,
            &labels.join(" + "),
        );
    }
}

fn check_funds_rate(cx: &mut Ctx, form: &SelfEvaluation) {
    for row in &form.funds {
        let Some(rate) = row.execution_rate.as_ref() else {
            continue;
        };
        let (Some(budget), Some(executed)) = (row.adjusted_budget.as_ref(), row.executed.as_ref())
        else {
            continue;
        };
        let field = format!("funds.{}.execution_rate", row.row.key());
        if budget.value.is_zero() {
            if !rate.value.is_zero() {
                cx.out.push(Finding {
                    check: "funds.rate",
                    severity: Severity::Error,
                    form: cx.index,
                    field,
                    printed: Some(rate.value.to_string()),
                    computed: None,
                    location: loc(rate),
                    inputs: vec![loc(budget), loc(executed)],
                    message: format!(
                        "{} 执行率 is printed as {} but its 全年预算数 is zero, so no rate can be computed.",
                        row.name(),
                        rate.raw.trim()
                    ),
                    explained_by: None,
                });
            }
            continue;
        }
        let hundred = Decimal::ONE_HUNDRED;
        let unit = form.unit;
        let (de, db) = (amount_slack(executed, unit), amount_slack(budget, unit));
        let exact = executed.value / budget.value * hundred;
        let lo_den = budget.value - db;
        let hi = if lo_den > Decimal::ZERO {
            (executed.value + de) / lo_den * hundred
        } else {
            exact
        };
        // (A negative budget can bring the bound's denominator to zero.)
        let lo = (executed.value - de)
            .max(Decimal::ZERO)
            .checked_div(budget.value + db)
            .map_or(exact, |v| v * hundred);
        let slack = (hi - exact).abs().max((exact - lo).abs());
        cx.judge(
            "funds.rate",
            field,
            &format!("{} 执行率", row.name()),
            rate,
            exact,
            slack,
            &[executed, budget],
            &format!(
                "全年执行数 ÷ 全年预算数 ({} ÷ {})",
                executed.raw.trim(),
                budget.raw.trim()
            ),
            false,
        );
    }
}

/// The funds score with its weight and field: the funds row's own, else
/// the indicator the form's family scores by the funds rate (a rubric row
/// 预算执行率).
fn funds_score_of(form: &SelfEvaluation) -> Option<(&Num, &Num, String)> {
    let row = form.funds_row(FundsLine::Total)?;
    if let Some(score) = &row.score {
        let weight = row.weight.as_ref().or(form.funds_weight.as_ref())?;
        return Some((weight, score, "funds.total.score".into()));
    }
    let i = form.rules.funds_score_indicator?;
    let ind = form.indicators.get(i)?;
    Some((
        ind.weight.as_ref()?,
        ind.score.as_ref()?,
        format!("indicators[{i}].score"),
    ))
}

fn check_funds_score(cx: &mut Ctx, form: &SelfEvaluation) {
    let Some(row) = form.funds_row(FundsLine::Total) else {
        return;
    };
    let (Some((weight, score, field)), Some(rate)) = (funds_score_of(form), &row.execution_rate)
    else {
        return;
    };
    let hundred = Decimal::ONE_HUNDRED;
    let exact = (weight.value * rate.value / hundred).min(weight.value);
    let slack = weight.value * rate.half_ulp() / hundred;
    cx.score = true;
    cx.judge(
        "funds.score",
        field,
        "资金得分",
        score,
        exact,
        slack,
        &[weight, rate],
        &format!("分值 × 执行率 ({} × {}%)", weight.raw.trim(), rate.value),
        false,
    );
    cx.score = false;
}

fn check_exceeds(cx: &mut Ctx, form: &SelfEvaluation) {
    let mut pairs: Vec<(String, &Num, &Num)> = Vec::new();
    if let Some(row) = form.funds_row(FundsLine::Total) {
        if let (Some(w), Some(s)) = (
            row.weight.as_ref().or(form.funds_weight.as_ref()),
            &row.score,
        ) {
            pairs.push(("funds.total.score".into(), w, s));
        }
    }
    for (i, ind) in form.indicators.iter().enumerate() {
        if let (Some(w), Some(s)) = (&ind.weight, &ind.score) {
            pairs.push((format!("indicators[{i}].score"), w, s));
        }
    }
    for (field, w, s) in pairs {
        if s.value > w.value {
            cx.out.push(Finding {
                check: "score.exceeds_weight",
                severity: Severity::Error,
                form: cx.index,
                field,
                printed: Some(s.value.to_string()),
                computed: Some(w.value.to_string()),
                location: loc(s),
                inputs: vec![loc(w)],
                message: format!(
                    "得分 {} is above its 分值 {}: a score cannot exceed the points available.",
                    s.raw.trim(),
                    w.raw.trim()
                ),
                explained_by: None,
            });
        }
    }
}

fn funds_part(form: &SelfEvaluation, get: fn(&FundsRow) -> Option<&Num>) -> Option<&Num> {
    form.funds_row(FundsLine::Total).and_then(get)
}

fn check_totals(cx: &mut Ctx, form: &SelfEvaluation) {
    if form.indicators.is_empty() {
        return;
    }
    if let Some(total_weight) = &form.total_weight {
        let mut inputs: Vec<&Num> = Vec::new();
        inputs.extend(funds_part(form, |r| r.weight.as_ref()));
        inputs.extend(form.indicators.iter().filter_map(|i| i.weight.as_ref()));
        let exact: Decimal = inputs.iter().map(|n| n.value).sum();
        let slack = Decimal::ZERO;
        let formula = if funds_part(form, |r| r.weight.as_ref()).is_some() {
            format!(
                "the funds 分值 plus the {} indicators' 分值",
                form.indicators.len()
            )
        } else {
            format!("the {} indicators' 分值", form.indicators.len())
        };
        cx.judge(
            "total.weight",
            "total_weight".into(),
            "the total 分值",
            total_weight,
            exact,
            slack,
            &inputs,
            &format!("the sum of {formula}"),
            true,
        );
    }
    if let Some(total_score) = &form.total_score {
        let mut inputs: Vec<&Num> = Vec::new();
        inputs.extend(funds_part(form, |r| r.score.as_ref()));
        inputs.extend(form.indicators.iter().filter_map(|i| i.score.as_ref()));
        let exact: Decimal = inputs.iter().map(|n| n.value).sum();
        // Only the funds score is itself the rounded result of a computation.
        let slack = funds_part(form, |r| r.score.as_ref()).map_or(Decimal::ZERO, Num::half_ulp);
        let formula = if funds_part(form, |r| r.score.as_ref()).is_some() {
            format!(
                "资金得分 plus the {} indicators' 得分",
                form.indicators.len()
            )
        } else {
            format!("the {} indicators' 得分", form.indicators.len())
        };
        cx.judge(
            "total.score",
            "total_score".into(),
            "总分",
            total_score,
            exact,
            slack,
            &inputs,
            &format!("the sum of {formula}"),
            true,
        );
    }
}

fn canonical_grade(g: &str) -> &str {
    match g {
        "优秀" => "优",
        "良好" => "良",
        "合格" => "中",
        "不合格" => "差",
        other => other,
    }
}

fn check_grade(cx: &mut Ctx, form: &SelfEvaluation) {
    let (Some(grade), Some(total)) = (&form.grade, &form.total_score) else {
        return;
    };
    let score = total.value;
    let expected: Option<String> = if form.grade_bands.is_empty() {
        let ninety = Decimal::from(90);
        let eighty = Decimal::from(80);
        let sixty = Decimal::from(60);
        Some(
            if score >= ninety {
                "优"
            } else if score >= eighty {
                "良"
            } else if score >= sixty {
                "中"
            } else {
                "差"
            }
            .to_string(),
        )
    } else {
        form.grade_bands
            .iter()
            .find(|b| score >= b.min && (score < b.max || (b.max_included && score == b.max)))
            .map(|b| b.grade.clone())
    };
    let Some(expected) = expected else { return };
    if canonical_grade(grade) == canonical_grade(&expected) {
        return;
    }
    let bands = if form.grade_bands.is_empty() {
        "the usual bands (优 ≥ 90, 良 80–90, 中 60–80, 差 < 60)"
    } else {
        "the bands the form itself prints"
    };
    cx.out.push(Finding {
        check: "grade.band",
        severity: Severity::Error,
        form: cx.index,
        field: "grade".into(),
        printed: Some(grade.clone()),
        computed: Some(expected.clone()),
        location: form.grade_at.unwrap_or(loc(total)),
        inputs: vec![loc(total)],
        message: format!(
            "评分等级 is printed as {grade} but 总分 {} falls in {expected} by {bands}.",
            total.raw.trim()
        ),
        explained_by: None,
    });
}

/// Why sums over this form rest on the reader's judgement, if they do.
fn extraction_doubt(form: &SelfEvaluation) -> Option<String> {
    let repairs = form.repairs.iter().filter(|r| r.affects_numbers).count();
    let first_indicator = form.indicators.first().map_or(usize::MAX, |i| i.line);
    let stray_numbers = form
        .unmapped
        .iter()
        .filter(|u| u.line >= first_indicator)
        .filter(|u| {
            matches!(
                jixiao_model::read_number(&u.text),
                NumberCell::Number { .. }
            )
        })
        .count();
    let mut parts = Vec::new();
    if repairs > 0 {
        parts.push(format!("{repairs} repairs decided which numbers count"));
    }
    if stray_numbers > 0 {
        parts.push(format!(
            "{stray_numbers} numbers in the indicator table could not be placed"
        ));
    }
    (!parts.is_empty()).then(|| parts.join(", "))
}

/// Checks one form; `index` is its place in the document.
pub fn validate_form(index: usize, form: &Form) -> Vec<Finding> {
    let form = match form {
        Form::SelfEvaluation(f) => f,
        Form::Declaration(d) => return crate::declaration::validate(index, d),
        Form::BudgetTable(t) => return crate::budget::validate(index, t),
        // Prose is checked against the other forms, in `validate`.
        Form::Narrative(_) => return Vec::new(),
    };
    let mut cx = Ctx {
        index,
        unit: form.unit,
        min_scale: 0,
        doubt: extraction_doubt(form),
        score: false,
        out: Vec::new(),
    };
    let funds_whole = crate::scoring::read_whole(&mut cx, form, "funds");
    let indicators_whole = crate::scoring::read_whole(&mut cx, form, "indicators");
    if funds_whole {
        check_funds_sum(&mut cx, form);
        check_funds_rate(&mut cx, form);
        check_funds_score(&mut cx, form);
    }
    check_exceeds(&mut cx, form);
    if funds_whole && indicators_whole {
        check_totals(&mut cx, form);
    }
    if indicators_whole {
        crate::scoring::check_groups(&mut cx, form);
    }
    crate::scoring::check_indicators(&mut cx, form);
    check_grade(&mut cx, form);
    cx.out
}

/// Checks every form of a document, then what ties its forms together.
pub fn validate(doc: &Document) -> Vec<Finding> {
    // Forms that print a number beyond what the checks compute with are
    // not checked at all; the document-wide checks see them as blank.
    let mut out: Vec<Finding> = Vec::new();
    let mut unchecked: Vec<usize> = Vec::new();
    for (i, form) in doc.forms.iter().enumerate() {
        let span = form.lines();
        let cells: Vec<_> = doc
            .out_of_range
            .iter()
            .filter(|c| c.line >= span.start && c.line <= span.end)
            .collect();
        if cells.is_empty() {
            out.extend(guarded(i, form.line(), || validate_form(i, form)));
            continue;
        }
        unchecked.push(i);
        out.extend(cells.into_iter().map(|c| Finding {
            check: "not_checked",
            severity: Severity::Info,
            form: i,
            field: String::new(),
            printed: None,
            computed: None,
            location: Location::cell(c.line, c.column),
            inputs: Vec::new(),
            message: format!(
                "no relation of this form was checked: it prints `{}`, {}.",
                c.text.trim(),
                c.reason
            ),
            explained_by: None,
        }));
    }
    let blanked;
    let doc = if unchecked.is_empty() {
        doc
    } else {
        let mut copy = doc.clone();
        for &i in &unchecked {
            let lines = copy.forms[i].lines();
            copy.forms[i] = Form::Narrative(jixiao_model::Narrative::empty(lines));
        }
        blanked = copy;
        &blanked
    };
    out.extend(guarded(0, 1, || crate::budget::validate_document(doc)));
    out.extend(guarded(0, 1, || crate::narrative::validate_document(doc)));
    for f in out
        .iter_mut()
        .filter(|f| f.inputs.len() > MAX_FINDING_INPUTS)
    {
        let all = f.inputs.len();
        f.inputs.truncate(MAX_FINDING_INPUTS);
        f.message.push_str(&format!(
            " (the first {MAX_FINDING_INPUTS} of its {all} input cells are listed)"
        ));
    }
    out
}

/// The most input cells a finding lists: a relation over thousands of
/// cells names the first of them, so that a report stays linear in its
/// input.
pub const MAX_FINDING_INPUTS: usize = 200;

/// Runs the checks of one form (or of the document); a check that panics
/// (a bug in jixiao, never the form's fault) loses only them, and says so.
fn guarded(form: usize, line: usize, run: impl FnOnce() -> Vec<Finding>) -> Vec<Finding> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|_| {
        vec![Finding {
            check: "not_checked",
            severity: Severity::Info,
            form,
            field: String::new(),
            printed: None,
            computed: None,
            location: Location::line(line),
            inputs: Vec::new(),
            message: "these relations were not checked: jixiao failed while checking them (an internal error, not a fault of the form); please report the file.".into(),
            explained_by: None,
        }]
    })
}
