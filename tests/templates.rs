//! Adding a variant is data: a template loaded from `--templates DIR` reads
//! a form whose words no shipped template knows.

mod common;
use common::jixiao;

const FORM: &str = "项目支出绩效自评表
(2022年度)
项目名称\t示例项目
考评内容\t计划目标\t考评结果\t标准分\t考核分
水毁道路修复\t≥12公里\t12公里\t60\t60
群众满意率\t≥90%\t93%\t40\t40
";

const VARIANT: &str = r#"
id = "example_variant"
kind = "self_evaluation"
family = "national"
extends = "base"
description = "a variant with its own column words"

[recognise]
title = ["项目支出绩效自评表"]
hints = ["考评内容", "考核分"]

[indicators.columns]
name = ["考评内容"]
target = ["计划目标"]
actual = ["考评结果"]
weight = ["标准分"]
score = ["考核分"]
"#;

fn report(extra: &[&str], dir: &std::path::Path) -> serde_json::Value {
    let form = dir.join("form.txt");
    std::fs::write(&form, FORM).unwrap();
    let out = jixiao()
        .arg("check")
        .args(extra)
        .arg(&form)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_template_from_a_directory_reads_a_new_variant() {
    let dir = std::env::temp_dir().join(format!("jixiao-templates-{}", std::process::id()));
    let tdir = dir.join("templates");
    std::fs::create_dir_all(&tdir).unwrap();
    std::fs::write(tdir.join("variant.toml"), VARIANT).unwrap();

    // The shipped templates do not know these columns: nothing is guessed.
    let plain = report(&[], &dir);
    let form = &plain["documents"][0]["forms"][0];
    assert_eq!(form["indicators"].as_array().unwrap().len(), 0);
    assert!(form["unmapped"]
        .as_array()
        .unwrap()
        .iter()
        .any(|u| u["text"] == "水毁道路修复"));

    let with = report(&["--templates", tdir.to_str().unwrap()], &dir);
    let form = &with["documents"][0]["forms"][0];
    assert_eq!(form["template"], "example_variant");
    assert_eq!(form["year"], 2022);
    let inds = form["indicators"].as_array().unwrap();
    assert_eq!(inds.len(), 2);
    assert_eq!(inds[0]["name"], "水毁道路修复");
    assert_eq!(inds[0]["target"]["text"], "≥12公里");
    assert_eq!(inds[1]["weight"]["value"], "40");
    assert_eq!(inds[1]["score"]["value"], "40");
    assert!(
        form["unmapped"].as_array().unwrap().is_empty(),
        "{}",
        form["unmapped"]
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_broken_template_is_a_clear_error() {
    let dir = std::env::temp_dir().join(format!("jixiao-badtemplates-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("bad.toml"), "id = \"x\"\nkind = 3\n").unwrap();
    let out = jixiao()
        .args([
            "check",
            "--templates",
            dir.to_str().unwrap(),
            "corpus/002_bc93ede7711070ab.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml") && err.contains("not a valid template"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}
