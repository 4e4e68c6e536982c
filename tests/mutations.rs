//! Changing the leading digit of any one printed figure of a clean
//! self-evaluation must produce an error that names that cell, or the total
//! that the changed cell breaks.

use jixiao_extract::{Form, Location, Num};
use jixiao_validate::{validate, Finding, Severity};
use std::collections::HashSet;

/// Every printed figure that takes part in a relation on the form.
fn figures(form: &Form) -> Vec<Num> {
    let Form::SelfEvaluation(f) = form;
    let mut out = Vec::new();
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
    out.extend(f.groups.iter().map(|g| g.weight.clone()));
    out.extend(f.total_weight.clone());
    out.extend(f.total_score.clone());
    out
}

/// The source text with the first digit of the cell at `line`/`column` moved up by one.
fn mutate(text: &str, line: usize, column: usize) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let mut cells: Vec<String> = lines[line - 1].split('\t').map(str::to_string).collect();
    let cell = &mut cells[column];
    let pos = cell
        .find(|c: char| c.is_ascii_digit())
        .expect("a figure has a digit");
    let d = cell.as_bytes()[pos] - b'0';
    cell.replace_range(pos..pos + 1, &((d + 1) % 10).to_string());
    lines[line - 1] = cells.join("\t");
    lines.join("\n")
}

fn key(f: &Finding) -> (String, String, usize, Option<String>) {
    (
        f.check.to_string(),
        f.field.clone(),
        f.form,
        f.printed.clone(),
    )
}

fn run(name: &str) -> usize {
    let text = std::fs::read_to_string(format!("corpus/{name}.txt")).unwrap();
    let doc = jixiao_extract::read_document(&text);
    let baseline: HashSet<_> = validate(&doc).iter().map(key).collect();
    let mut tried = 0;
    for form in &doc.forms {
        for n in figures(form) {
            let changed = mutate(&text, n.line, n.column);
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
fn unchanged_clean_forms_have_only_the_genuine_error() {
    let mut errors = Vec::new();
    for name in [
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
    // 003's first form prints 97.68% for 23,035,714.51 ÷ 23,585,012 = 97.671 %.
    assert_eq!(
        errors,
        vec![(
            "003_fe87764352761340",
            "funds.rate",
            "funds.total.execution_rate".to_string(),
            Some("97.68".to_string()),
            Some("97.67".to_string())
        )]
    );
}
