//! The JSON Schema `jixiao schema` prints describes every report jixiao
//! writes: every corpus document and every PDF fixture (with its geometry)
//! validates against it, and no key is emitted that the schema does not name.

use std::collections::BTreeSet;
use std::process::Command;

fn schema() -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("schema")
        .output()
        .unwrap();
    assert!(out.status.success());
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every property name the schema defines, anywhere.
fn named(schema: &serde_json::Value, out: &mut BTreeSet<String>) {
    match schema {
        serde_json::Value::Object(o) => {
            if let Some(serde_json::Value::Object(props)) = o.get("properties") {
                out.extend(props.keys().cloned());
            }
            o.values().for_each(|v| named(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| named(v, out)),
        _ => {}
    }
}

/// Every key the report uses, anywhere.
fn keys(value: &serde_json::Value, out: &mut BTreeSet<String>) {
    match value {
        serde_json::Value::Object(o) => {
            out.extend(o.keys().cloned());
            o.values().for_each(|v| keys(v, out));
        }
        serde_json::Value::Array(a) => a.iter().for_each(|v| keys(v, out)),
        _ => {}
    }
}

#[test]
fn every_report_validates_against_the_schema() {
    let schema = schema();
    let validator = jsonschema::validator_for(&schema).expect("the schema is valid");
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "check",
            "corpus",
            "fixtures/pdf",
            "fixtures/text",
            "fixtures/tables",
        ])
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let documents = report["documents"].as_array().unwrap();
    // Every file of a kind jixiao reads in those folders, all the way down:
    // text, CSV, PDF, web pages, spreadsheets, Word files (the bad ones too).
    let kinds = [
        "txt", "csv", "pdf", "html", "xlsx", "xls", "ods", "docx", "doc",
    ];
    let inputs = ["corpus", "fixtures/pdf", "fixtures/text", "fixtures/tables"]
        .iter()
        .flat_map(walkdir::WalkDir::new)
        .filter(|e| {
            let p = e.as_ref().unwrap().path();
            p.extension().is_some_and(|x| kinds.iter().any(|k| x == *k))
        })
        .count();
    assert_eq!(documents.len(), inputs);
    let errors: Vec<String> = validator
        .iter_errors(&report)
        .take(10)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    let mut defined = BTreeSet::new();
    named(&schema, &mut defined);
    let mut used = BTreeSet::new();
    keys(&report, &mut used);
    let undocumented: Vec<&String> = used.difference(&defined).collect();
    assert!(
        undocumented.is_empty(),
        "keys the schema does not name: {undocumented:?}"
    );
    // The office and web files' provenance is among the keys checked.
    assert!(used.contains("origins") && used.contains("source_column"));
    // The schema is not vacuous: a report missing a required field fails.
    let mut broken = report.clone();
    broken["documents"][0]
        .as_object_mut()
        .unwrap()
        .remove("findings");
    assert!(!validator.is_valid(&broken));
    let mut broken = report.clone();
    broken["documents"][0]["forms"][0]["total_score"]["value"] = serde_json::json!(98.3);
    assert!(
        !validator.is_valid(&broken),
        "a decimal is a string, never a float"
    );
}
