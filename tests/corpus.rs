//! End-to-end over the bundled corpus: the full JSON report of every file is
//! snapshot-tested, and the invariants every report must hold are asserted.

mod common;

use common::strings;
use jixiao_report::DocumentReport;
use std::path::{Path, PathBuf};

fn corpus_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir("corpus")
        .expect("corpus/ is bundled with the repository")
        .map(|e| e.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "the corpus has five documents");
    files
}

fn report(path: &Path) -> DocumentReport {
    let shown = path.display().to_string();
    DocumentReport::new(&shown, jixiao_extract::read_file(path))
}

#[test]
fn every_corpus_document_matches_its_snapshot() {
    for path in corpus_files() {
        let doc = report(&path);
        let json = serde_json::to_string_pretty(&doc).expect("serialises");
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        insta::with_settings!({
            snapshot_path => "../snapshots",
            prepend_module_to_snapshot => false,
            omit_expression => true,
        }, {
            insta::assert_snapshot!(name, json);
        });
    }
}

/// Non-empty cells of the given source lines, counted straight from the text.
fn cells_in(text: &str, start: usize, end: usize) -> usize {
    text.lines()
        .enumerate()
        .filter(|(i, _)| (start..=end).contains(&(i + 1)))
        .map(|(_, l)| l.split('\t').filter(|c| !c.trim().is_empty()).count())
        .sum()
}

#[test]
fn nothing_is_lost() {
    for path in corpus_files() {
        let text = std::fs::read_to_string(&path).unwrap();
        let doc = jixiao_extract::read_file(&path).unwrap();
        let mut covered = 0;
        for form in &doc.forms {
            let lines = form.lines();
            let cells = form.cells();
            let expected = cells_in(&text, lines.start, lines.end);
            assert_eq!(
                cells.total,
                expected,
                "{}: form at line {}",
                path.display(),
                lines.start
            );
            assert_eq!(cells.total, cells.mapped + cells.unmapped);
            assert_eq!(form.unmapped().len(), cells.unmapped);
            for u in form.unmapped() {
                assert!(!u.reason.is_empty() && !u.text.trim().is_empty());
                assert!((lines.start..=lines.end).contains(&u.line));
            }
            covered += cells.total;
        }
        for u in &doc.unrecognized {
            assert_eq!(u.cells, cells_in(&text, u.lines.start, u.lines.end));
            covered += u.cells;
        }
        let all = cells_in(&text, 1, usize::MAX);
        assert_eq!(
            covered,
            all,
            "{}: every non-empty cell is in a form or an unrecognized span",
            path.display()
        );
    }
}

#[test]
fn clean_documents_are_read_in_full() {
    for name in [
        "002_bc93ede7711070ab",
        "003_fe87764352761340",
        "004_fba036f995728357",
    ] {
        let doc = jixiao_extract::read_file(Path::new(&format!("corpus/{name}.txt"))).unwrap();
        for form in doc
            .forms
            .iter()
            .filter_map(jixiao_extract::Form::as_self_evaluation)
        {
            assert!(form.unmapped.is_empty(), "{name}: {:?}", form.unmapped);
            assert!(form.project_name.is_some());
            assert!(form.total_score.is_some() && form.total_weight.is_some());
            assert!(form
                .indicators
                .iter()
                .all(|i| i.weight.is_some() && i.score.is_some() && i.name.is_some()));
            assert!(!form.funds.is_empty());
        }
    }
}

#[test]
fn badly_extracted_document_still_yields_its_forms() {
    let doc = jixiao_extract::read_file(Path::new("corpus/000_c6e6c36143672e6e.txt")).unwrap();
    assert_eq!(doc.forms.len(), 22);
    let with_funds_and_total = doc
        .forms
        .iter()
        .filter_map(jixiao_extract::Form::as_self_evaluation)
        .filter(|f| {
            f.funds_row(jixiao_extract::FundsLine::Total)
                .is_some_and(|r| {
                    r.executed.is_some() && r.execution_rate.is_some() && r.score.is_some()
                })
                && f.total_score.is_some()
        })
        .count();
    assert!(with_funds_and_total >= 20, "{with_funds_and_total} of 22");
    // Every null that matters says why.
    for f in doc
        .forms
        .iter()
        .filter_map(jixiao_extract::Form::as_self_evaluation)
    {
        for (field, is_null) in [
            ("project_name", f.project_name.is_none()),
            ("total_score", f.total_score.is_none()),
            ("grade", f.grade.is_none()),
        ] {
            if is_null {
                assert!(
                    f.missing.iter().any(|m| m.field == field),
                    "form at {}: {field} null without reason",
                    f.lines.start
                );
            }
        }
    }
}

#[test]
fn declarations_of_001_are_read_whole_without_markup() {
    let path = Path::new("corpus/001_c2baf747aff8c518.txt");
    let doc = jixiao_extract::read_file(path).unwrap();
    let declarations: Vec<&jixiao_extract::Declaration> = doc
        .forms
        .iter()
        .filter_map(jixiao_extract::Form::as_declaration)
        .collect();
    assert_eq!(declarations.len(), 22);
    assert!(doc.unrecognized.is_empty(), "{:?}", doc.unrecognized);
    let tables: Vec<&jixiao_extract::BudgetTable> = doc
        .forms
        .iter()
        .filter_map(jixiao_extract::Form::as_budget_table)
        .collect();
    assert_eq!(tables.len(), 8, "the eight unit budget tables");
    for t in &tables {
        assert!(
            t.unit.is_some() && !t.columns.is_empty() && t.unmapped.is_empty(),
            "{:?}",
            t.title
        );
    }
    for d in &declarations {
        assert_eq!(
            d.parts.len(),
            3,
            "{:?}: overview, targets and safeguards",
            d.project_name
        );
        assert!(
            d.project_name.is_some() && d.funds.annual_budget.is_some() && d.items_total.is_some()
        );
        assert!(!d.targets.is_empty() && !d.line_items.is_empty() && !d.safeguards.is_empty());
        assert!(d.category.is_some() && d.phone.is_some());
        let a = &d.approval;
        assert!(
            a.basis.is_some() && a.necessity.is_some() && a.feasibility.is_some(),
            "{:?}",
            d.project_name
        );
    }
    let json = serde_json::to_value(&doc.forms).unwrap();
    let mut all = Vec::new();
    strings(&json, &mut all);
    for s in all {
        for tag in [
            "<p", "</", "<b>", "<br", "<table", "<td", "<input", "&nbsp;",
        ] {
            assert!(!s.contains(tag), "markup {tag} left in {s:?}");
        }
    }
}

#[test]
fn every_finding_uses_a_documented_check() {
    let ids: Vec<&str> = jixiao_validate::CHECKS.iter().map(|(id, _)| *id).collect();
    for path in corpus_files() {
        let doc = jixiao_extract::read_file(&path).unwrap();
        for f in jixiao_validate::validate(&doc) {
            assert!(
                ids.contains(&f.check),
                "{}: undocumented check {}",
                path.display(),
                f.check
            );
            assert!(f.form < doc.forms.len());
        }
    }
}
