//! End-to-end over the bundled corpus: the full JSON report of every file is
//! snapshot-tested, and the invariants every report must hold are asserted.

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
        for jixiao_extract::Form::SelfEvaluation(form) in &doc.forms {
            let expected = cells_in(&text, form.lines.start, form.lines.end);
            assert_eq!(
                form.cells.total,
                expected,
                "{}: form at line {}",
                path.display(),
                form.lines.start
            );
            assert_eq!(form.cells.total, form.cells.mapped + form.cells.unmapped);
            assert_eq!(form.unmapped.len(), form.cells.unmapped);
            for u in &form.unmapped {
                assert!(!u.reason.is_empty() && !u.text.trim().is_empty());
                assert!((form.lines.start..=form.lines.end).contains(&u.line));
            }
            covered += form.cells.total;
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
        for jixiao_extract::Form::SelfEvaluation(form) in &doc.forms {
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
        .filter(|jixiao_extract::Form::SelfEvaluation(f)| {
            f.funds_row(jixiao_extract::FundsLine::Total)
                .is_some_and(|r| {
                    r.executed.is_some() && r.execution_rate.is_some() && r.score.is_some()
                })
                && f.total_score.is_some()
        })
        .count();
    assert!(with_funds_and_total >= 20, "{with_funds_and_total} of 22");
    // Every null that matters says why.
    for jixiao_extract::Form::SelfEvaluation(f) in &doc.forms {
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
