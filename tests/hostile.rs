//! The text inputs of `fixtures/hostile/` (found by fuzzing) and their
//! kin: each gives a report, exit 0 or 1, in bounded time and memory, with
//! the real cause named; none loses a report to a panic.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

/// Runs `jixiao check FILE` under a 1 GiB address-space limit; the exit
/// code, the report and stderr.
fn check(path: &Path) -> (Option<i32>, serde_json::Value, String) {
    let started = Instant::now();
    let out = std::process::Command::new("sh")
        .arg("-c")
        .arg("ulimit -v 1048576; exec \"$0\" check \"$1\"")
        .arg(env!("CARGO_BIN_EXE_jixiao"))
        .arg(path)
        .output()
        .unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "{}: {:?}",
        path.display(),
        started.elapsed()
    );
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{}: no JSON report ({e})", path.display()));
    (
        out.status.code(),
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn hostile_texts() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("fixtures/hostile")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_hostile_text_gives_a_report_and_no_internal_error() {
    let files = hostile_texts();
    assert!(files.len() >= 17, "{files:?}");
    for path in files {
        let (code, report, stderr) = check(&path);
        assert_eq!(code, Some(0), "{}: {stderr}", path.display());
        let mut all = Vec::new();
        common::strings(&report, &mut all);
        assert!(
            !all.iter()
                .any(|t| t.contains("jixiao failed") || t.contains("panicked")),
            "{}: {:?}",
            path.display(),
            all.iter()
                .filter(|t| t.contains("failed"))
                .collect::<Vec<_>>()
        );
        let doc = &report["documents"][0];
        assert!(
            doc["errors"].as_array().unwrap().is_empty(),
            "{}",
            path.display()
        );
    }
}

/// A printed number beyond what the checks compute with stops the checks
/// of its form, which says so naming the cell; it never panics.
#[test]
fn numbers_out_of_range_are_named_and_not_checked() {
    for name in ["amount_28dec", "amount_decimal_max", "panic_checks_534_5"] {
        let (_, report, _) = check(Path::new(&format!("fixtures/hostile/{name}.txt")));
        let findings = report["documents"][0]["findings"].as_array().unwrap();
        assert!(!findings.is_empty(), "{name}");
        for f in findings {
            assert_eq!(f["check"], "not_checked", "{name}: {f}");
            assert_eq!(f["severity"], "info", "{name}");
            assert!(
                f["message"]
                    .as_str()
                    .unwrap()
                    .contains("beyond what the checks compute with"),
                "{name}: {f}"
            );
            assert!(f["location"]["column"].is_number(), "{name}: {f}");
        }
    }
}

/// Files that are no text name their real cause.
#[test]
fn whitespace_binary_and_oversized_files_say_what_they_are() {
    let dir = std::env::temp_dir().join(format!("jixiao-hostile-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let tabs = dir.join("tabs.txt");
    std::fs::write(&tabs, "\t".repeat(1_000_000)).unwrap();
    let nul = dir.join("nul.txt");
    std::fs::write(&nul, vec![0u8; 4_000_000]).unwrap();
    let (code, _, err) = check(&tabs);
    assert_eq!(code, Some(1));
    assert!(err.contains("only 1000000 bytes of whitespace"), "{err}");
    let (code, _, err) = check(&nul);
    assert_eq!(code, Some(1));
    assert!(err.contains("binary data (a NUL byte at byte 0)"), "{err}");
    let out = common::jixiao()
        .args(["check", "--max-file-size", "1M"])
        .arg(&nul)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("the file is 4000000 bytes, over the limit of 1048576 bytes"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A cell of hundreds of thousands of characters is read in linear time.
#[test]
fn a_huge_cell_is_read_in_bounded_time() {
    let dir = std::env::temp_dir().join(format!("jixiao-hugecell-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("huge.txt");
    let text = format!(
        "财政项目支出绩效自评表\n项目名称\t{}\n一级指标\t二级指标\t三级指标\t分值\t得分\n产出指标\t数量指标\t{}\t10\t10\n",
        "甲".repeat(724_000),
        "乙a1".repeat(240_000)
    );
    std::fs::write(&path, text).unwrap();
    let (code, report, err) = check(&path);
    assert_eq!(code, Some(0), "{err}");
    let form = &report["documents"][0]["forms"][0];
    assert_eq!(form["indicators"][0]["weight"]["raw"], "10");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A damaged text layer (corpus/000) with a cell of 720,000 characters in
/// an indicator row: its level fragments are matched in linear time.
#[test]
fn a_huge_cell_in_a_damaged_layer_is_read_in_bounded_time() {
    let dir = std::env::temp_dir().join(format!("jixiao-hugedamaged-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = std::fs::read_to_string("corpus/000_c6e6c36143672e6e.txt").unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let at = (20..lines.len())
        .find(|&i| {
            lines[i].matches('\t').count() >= 5 && lines[i].contains(|c: char| c.is_ascii_digit())
        })
        .unwrap();
    lines[at] = lines[at].replacen('\t', &format!("\t{}\t", "产出".repeat(360_000)), 1);
    let path = dir.join("damaged.txt");
    std::fs::write(&path, lines.join("\n")).unwrap();
    let (code, report, err) = check(&path);
    assert_eq!(code, Some(0), "{err}");
    assert!(report["documents"][0]["forms"].as_array().unwrap().len() > 10);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The page budget is the user's to lower (or raise): `--max-pages`.
#[test]
fn the_page_limit_is_set_on_the_command_line() {
    let out = common::jixiao()
        .args(["check", "--max-pages", "1", "fixtures/pdf/000_forms.pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("more than the limit of 1"), "{err}");
}
