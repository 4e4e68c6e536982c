//! Helpers shared by the archive tests (SQLite and PostgreSQL).
#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

pub fn jixiao() -> Command {
    Command::new(env!("CARGO_BIN_EXE_jixiao"))
}

/// How deep the archive tests look into a directory: they are written for
/// the files at the top of `corpus/` (the Shanghai documents) and of
/// `fixtures/pdf/`, not for the provinces' folder below.
pub const DEPTH: [&str; 2] = ["--max-depth", "1"];

/// Runs `jixiao archive ingest --max-depth 1 --db DB PATHS…`: exit code
/// and stdout.
pub fn ingest(db: &str, paths: &[&str]) -> (Option<i32>, String) {
    let out = jixiao()
        .args(["archive", "ingest", "--db", db])
        .args(DEPTH)
        .args(paths)
        .output()
        .unwrap();
    (out.status.code(), String::from_utf8(out.stdout).unwrap())
}

/// Row counts of every table of the archive at `db`.
pub fn counts(db: &str) -> Vec<(&'static str, i64)> {
    jixiao_archive::Archive::open(db).unwrap().counts().unwrap()
}

/// The report of one file.
pub fn report_of(path: &str) -> jixiao_report::DocumentReport {
    jixiao_report::DocumentReport::new(path, jixiao_extract::read_file(Path::new(path)))
}

/// The SQL blocks of the README that start with `-- example: NAME`.
pub fn readme_examples() -> Vec<(String, String)> {
    let readme = std::fs::read_to_string("README.md").unwrap();
    let mut out = Vec::new();
    for block in readme.split("```sql\n").skip(1) {
        let sql = block.split("```").next().unwrap();
        let name = sql
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("-- example: "))
            .expect("every SQL block of the README names its example");
        out.push((name.trim().to_string(), sql.to_string()));
    }
    out
}

/// The same document ingested again with a later extractor's report (no
/// findings, one more indicator) replaces its rows; the first report
/// brings them back. Works on any backend.
pub fn assert_newer_extraction_replaces(db: &str) {
    use jixiao_archive::{Archive, Outcome};
    use std::collections::HashMap;
    let mut archive = Archive::open(db).unwrap();
    let path = "corpus/003_fe87764352761340.txt";
    let bytes = std::fs::read(path).unwrap();
    let report = report_of(path);
    assert_eq!(archive.ingest(&bytes, &report).unwrap(), Outcome::Added);
    assert_eq!(archive.ingest(&bytes, &report).unwrap(), Outcome::Unchanged);
    let before: HashMap<_, _> = archive.counts().unwrap().into_iter().collect();
    let mut newer = report.clone();
    newer.findings.clear();
    let jixiao_extract::Form::SelfEvaluation(first) = &mut newer.forms[0].form else {
        panic!("003 opens with a self-evaluation");
    };
    let extra = first.indicators[0].clone();
    first.indicators.push(extra);
    assert_eq!(archive.ingest(&bytes, &newer).unwrap(), Outcome::Replaced);
    let after: HashMap<_, _> = archive.counts().unwrap().into_iter().collect();
    assert_eq!(after["documents"], 1);
    assert_eq!(after["forms"], before["forms"]);
    assert_eq!(after["findings"], 0);
    assert_eq!(after["indicators"], before["indicators"] + 1);
    assert_eq!(after["projects"], before["projects"], "projects are kept");
    assert_eq!(archive.ingest(&bytes, &report).unwrap(), Outcome::Replaced);
    let again: HashMap<_, _> = archive.counts().unwrap().into_iter().collect();
    assert_eq!(again, before);
}

/// How many documents the files of `corpus` and `fixtures/pdf` that
/// jixiao reads (`.txt` and `.pdf`) are: files with the same bytes are one
/// (two fixtures share a text twin).
pub fn input_count() -> usize {
    let contents: std::collections::HashSet<Vec<u8>> = ["corpus", "fixtures/pdf"]
        .iter()
        .flat_map(|d| std::fs::read_dir(d).unwrap())
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt" || e == "pdf"))
        .map(|p| std::fs::read(p).unwrap())
        .collect();
    contents.len()
}

/// Every string in a JSON value.
pub fn strings(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        serde_json::Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}
