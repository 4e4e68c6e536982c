//! Changing the leading digit of any one printed figure of a clean
//! self-evaluation must produce an error that names that cell, or the total
//! that the changed cell breaks.

use jixiao_extract::{Form, Location, Num};
use jixiao_validate::{validate, Finding, Severity};
use std::collections::HashSet;

/// Every printed figure that takes part in a relation on the form, with
/// the label that precedes it where one cell prints several.
fn figures(form: &Form) -> Vec<(Num, Option<&'static str>)> {
    if let Some(n) = form.as_narrative() {
        // The amounts the prose states (its changes are checked as
        // percentages and sums, not mutated here); `无` has no digit.
        return n
            .figures
            .iter()
            .filter(|f| f.amount.raw.chars().any(|c| c.is_ascii_digit()))
            .map(|f| (f.amount.clone(), Some(leak(&f.subject))))
            .collect();
    }
    if let Some(t) = form.as_budget_table() {
        return t
            .rows
            .iter()
            .flat_map(|r| r.amounts.iter().flatten().cloned())
            .map(|n| (n, None))
            .collect();
    }
    let Some(f) = form.as_self_evaluation() else {
        return declaration_figures(form);
    };
    let mut out = Vec::new();
    self_evaluation_figures(f, &mut out);
    out.into_iter().map(|n| (n, None)).collect()
}

fn self_evaluation_figures(f: &jixiao_extract::SelfEvaluation, out: &mut Vec<Num>) {
    for row in &f.funds {
        for n in [
            &row.initial_budget,
            &row.adjusted_budget,
            &row.executed,
            &row.weight,
            &row.execution_rate,
            &row.score,
        ]
        .into_iter()
        .flatten()
        {
            out.push(n.clone());
        }
    }
    for ind in &f.indicators {
        out.extend(ind.weight.clone());
        out.extend(ind.score.clone());
    }
    out.extend(f.groups.iter().filter_map(|g| g.weight.clone()));
    out.extend(f.total_weight.clone());
    out.extend(f.total_score.clone());
}

/// A label for the life of the test.
fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

/// Every printed amount of a declaration that takes part in a relation.
fn declaration_figures(form: &Form) -> Vec<(Num, Option<&'static str>)> {
    let d = form.as_declaration().expect("a declaration");
    let f = &d.funds;
    // 项目总预算 may differ from 当年预算 for a project running over several
    // years (recurring or mid-term); only a one-off project ties the two.
    let one_off = d.category == Some(jixiao_extract::ProjectCategory::OneOff);
    let mut out: Vec<(Num, Option<&'static str>)> = [
        (&f.total_budget, "项目总预算"),
        (&f.annual_budget, "当年预算"),
        (&f.appropriation, "财政拨款"),
        (&f.from_higher, "上级财政拨款"),
        (&f.from_same_level, "本级财政安排"),
        (&f.from_lower, "下级财政配套"),
        (&f.other, "其他资金"),
    ]
    .into_iter()
    .filter(|(_, label)| one_off || *label != "项目总预算")
    .filter_map(|(n, label)| n.clone().map(|n| (n, Some(label))))
    .collect();
    out.extend(d.items_total.clone().map(|n| (n, None)));
    out.extend(d.copies.iter().map(|c| (c.amount.clone(), None)));
    for item in &d.line_items {
        for n in [&item.amount, &item.unit_price, &item.quantity]
            .into_iter()
            .flatten()
        {
            out.push((n.clone(), None));
        }
    }
    out
}

/// The source text with the first digit of the figure at `line`/`column`
/// (after `label`, where given) moved up by one.
fn mutate(text: &str, line: usize, column: usize, label: Option<&str>) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[line - 1].split('\t').map(str::to_string).collect();
    let cell = &mut cells[column];
    // Where one cell prints several figures, the one after its label.
    let from = label
        .and_then(|l| cell.find(l).map(|p| p + l.len()))
        .unwrap_or(0);
    let pos = from
        + cell[from..]
            .find(|c: char| c.is_ascii_digit())
            .expect("a figure has a digit");
    let d = cell.as_bytes()[pos] - b'0';
    cell.replace_range(pos..pos + 1, &((d + 1) % 10).to_string());
    lines[line - 1] = cells.join("\t");
    lines.join("\n")
}

fn key(f: &Finding) -> (String, String, usize, Option<String>, Option<String>) {
    (
        f.check.to_string(),
        f.field.clone(),
        f.form,
        f.printed.clone(),
        f.computed.clone(),
    )
}

fn run(name: &str) -> usize {
    let text = std::fs::read_to_string(format!("corpus/{name}.txt")).unwrap();
    let doc = jixiao_extract::read_document(&text);
    let baseline: HashSet<_> = validate(&doc).iter().map(key).collect();
    let mut tried = 0;
    for form in &doc.forms {
        for (n, label) in figures(form) {
            let changed = mutate(&text, n.line, n.column, label);
            let findings = validate(&jixiao_extract::read_document(&changed));
            let cell = Location::cell(n.line, n.column);
            let named = findings.iter().any(|f| {
                f.severity == Severity::Error
                    && !baseline.contains(&key(f))
                    && (f.location == cell || f.inputs.contains(&cell))
            });
            assert!(
                named,
                "{name}: changing the first digit of '{}' at line {} column {} gave no error naming it; findings: {:#?}",
                n.raw, n.line, n.column, findings
            );
            tried += 1;
        }
    }
    tried
}

#[test]
fn every_figure_of_002_is_guarded() {
    // 18 funds figures, 21 indicators × (weight, score), 总分 weight and score.
    assert_eq!(run("002_bc93ede7711070ab"), 18 + 42 + 2);
}

#[test]
fn every_figure_of_003_is_guarded() {
    // Per form: 13 funds figures, 5 indicators × 2, two totals.
    assert_eq!(run("003_fe87764352761340"), 3 * (13 + 10 + 2));
}

#[test]
fn every_figure_of_004_is_guarded() {
    // Budget, executed and rate; 20 indicators × 2; four group weights; two totals.
    assert_eq!(run("004_fba036f995728357"), 3 + 40 + 4 + 2);
}

#[test]
fn every_amount_of_001_is_guarded() {
    let tried = run("001_c2baf747aff8c518");
    eprintln!("001: {tried} amounts changed one at a time");
    // Declarations, the eight budget tables and the prose.
    assert!(tried >= 800);
}

#[test]
fn unchanged_clean_forms_have_only_the_genuine_error() {
    let mut errors = Vec::new();
    for name in [
        "001_c2baf747aff8c518",
        "002_bc93ede7711070ab",
        "003_fe87764352761340",
        "004_fba036f995728357",
    ] {
        let text = std::fs::read_to_string(format!("corpus/{name}.txt")).unwrap();
        for f in validate(&jixiao_extract::read_document(&text)) {
            if f.severity == Severity::Error {
                errors.push((name, f.check, f.field, f.printed, f.computed));
            }
        }
    }
    let some = |s: &str| Some(s.to_string());
    assert_eq!(
        errors,
        vec![
            // 男童合唱团经费 prints 明细金额 221120 beside 单价 221220.00 × 1.00.
            (
                "001_c2baf747aff8c518",
                "declaration.item_price",
                "line_items[0].amount".to_string(),
                some("221120"),
                some("221220")
            ),
            // The prose states 282.06 万元 for 2080506, whose table amount
            // 2,820,507.43 元 is 282.05 万元.
            (
                "001_c2baf747aff8c518",
                "narrative.figure",
                "figures[10].amount".to_string(),
                some("282.06"),
                some("282.05")
            ),
            // 003's first form prints 97.68% for 23,035,714.51 ÷ 23,585,012 = 97.671 %.
            (
                "003_fe87764352761340",
                "funds.rate",
                "funds.total.execution_rate".to_string(),
                some("97.68"),
                some("97.67")
            ),
        ]
    );
}
