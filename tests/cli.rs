//! The command line: exit status, batches with bad files, output.

use std::process::Command;

fn jixiao(args: &[&str]) -> (i32, serde_json::Value, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .expect("runs");
    let json = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        out.status.code().expect("exit status"),
        json,
        String::from_utf8_lossy(&out.stderr).to_string(),
    )
}

#[test]
fn the_bundled_corpus_is_read_without_failure() {
    let (code, json, _) = jixiao(&["check", "corpus/"]);
    assert_eq!(code, 0);
    let docs = json["documents"].as_array().unwrap();
    // Every text file of the corpus, the provinces' folder included.
    let text_files = |dir: &str| {
        std::fs::read_dir(dir)
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .path()
                    .extension()
                    .is_some_and(|x| x == "txt")
            })
            .count()
    };
    assert_eq!(
        docs.len(),
        text_files("corpus") + text_files("corpus/provinces")
    );
    assert!(docs
        .iter()
        .all(|d| d["errors"].as_array().unwrap().is_empty()));
    let shanghai: Vec<&serde_json::Value> = docs
        .iter()
        .filter(|d| !d["source"].as_str().unwrap().contains("provinces"))
        .collect();
    assert_eq!(shanghai.len(), 5);
    let forms: usize = shanghai
        .iter()
        .map(|d| d["forms"].as_array().unwrap().len())
        .sum();
    // 000: 22 self-evaluations; 001: 11 prose sections, 8 budget tables and
    // 22 declarations; 002, 003, 004: 1, 3 and 1 self-evaluations.
    assert_eq!(forms, 22 + (11 + 8 + 22) + 1 + 3 + 1);
}

#[test]
fn fail_on_error_turns_findings_into_status_3() {
    let (code, _, _) = jixiao(&[
        "check",
        "--fail-on",
        "error",
        "corpus/003_fe87764352761340.txt",
    ]);
    assert_eq!(code, 3, "003 holds a genuine rate error");
    let (code, _, _) = jixiao(&[
        "check",
        "--fail-on",
        "error",
        "corpus/002_bc93ede7711070ab.txt",
    ]);
    assert_eq!(code, 0, "002 adds up");
}

#[test]
fn one_bad_file_does_not_stop_the_batch() {
    let dir = std::env::temp_dir().join(format!("jixiao-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy("corpus/002_bc93ede7711070ab.txt", dir.join("a_good.txt")).unwrap();
    // Latin-1 text: neither UTF-8 nor a Chinese encoding.
    std::fs::write(dir.join("b_latin1.txt"), b"caf\xe9\tcr\xe8me\n").unwrap();
    std::fs::write(dir.join("c_empty.txt"), b"").unwrap();
    std::fs::write(dir.join("d_scan.pdf"), b"%PDF-1.7\n").unwrap();
    let (code, json, stderr) = jixiao(&["check", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    let docs = json["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 4);
    assert_eq!(docs[0]["forms"].as_array().unwrap().len(), 1);
    let msg = |i: usize| {
        docs[i]["errors"][0]["message"]
            .as_str()
            .unwrap()
            .to_string()
    };
    assert!(
        msg(1).contains("b_latin1.txt") && msg(1).contains("line 1") && msg(1).contains("UTF-8")
    );
    assert!(msg(2).contains("c_empty.txt") && msg(2).contains("empty"));
    assert!(msg(3).contains("d_scan.pdf") && msg(3).contains("PDF"));
    assert!(stderr.contains("b_latin1.txt"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_missing_file_is_an_error_in_the_report() {
    let (code, json, _) = jixiao(&["check", "corpus/no_such_file.txt"]);
    assert_eq!(code, 1);
    let msg = json["documents"][0]["errors"][0]["message"]
        .as_str()
        .unwrap();
    assert!(msg.contains("no_such_file.txt") && msg.contains("cannot read"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(jixiao(&["check"]).0, 2);
    assert_eq!(jixiao(&["frobnicate"]).0, 2);
    assert_eq!(jixiao(&["check", "--fail-on", "sometimes", "corpus/"]).0, 2);
}

#[test]
fn output_file() {
    let path = std::env::temp_dir().join(format!("jixiao-out-{}.json", std::process::id()));
    let (code, json, _) = jixiao(&[
        "check",
        "corpus/004_fba036f995728357.txt",
        "-o",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 0);
    assert!(json.is_null(), "nothing on stdout");
    let written: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(written["documents"][0]["forms"][0]["grade"], "优秀");
    std::fs::remove_file(path).unwrap();
}

#[test]
fn the_readme_documents_every_check() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for (id, _) in jixiao_validate::CHECKS {
        assert!(
            readme.contains(&format!("`{id}`")),
            "README lacks check {id}"
        );
    }
}

fn run(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn jsonl_gives_one_document_report_per_line() {
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check", "corpus"]).stdout).unwrap();
    let jsonl = String::from_utf8(run(&["check", "corpus", "--format", "jsonl"]).stdout).unwrap();
    let lines: Vec<serde_json::Value> = jsonl
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(&lines, json["documents"].as_array().unwrap());
}

#[test]
fn csv_gives_flat_tables_that_agree_with_the_json() {
    let json: serde_json::Value =
        serde_json::from_slice(&run(&["check", "corpus"]).stdout).unwrap();
    let findings: usize = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["findings"].as_array().unwrap().len())
        .sum();
    let forms: usize = json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["forms"].as_array().unwrap().len())
        .sum();
    // One table to standard output, with a byte-order mark for Excel.
    let out = run(&[
        "check", "corpus", "--format", "csv", "--table", "findings", "--bom",
    ]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let body = text.strip_prefix('\u{feff}').expect("starts with a BOM");
    let mut reader = csv::Reader::from_reader(body.as_bytes());
    let header = reader.headers().unwrap().clone();
    assert!(header.iter().any(|h| h == "check_id") && header.iter().any(|h| h == "printed"));
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), findings);
    let printed = header.iter().position(|h| h == "printed").unwrap();
    assert!(
        rows.iter().any(|r| &r[printed] == "97.68"),
        "003's rate slip"
    );
    // Every table into a directory, without a BOM by default.
    let dir = std::env::temp_dir().join(format!("jixiao-csv-{}", std::process::id()));
    let out = run(&[
        "check",
        "corpus",
        "--format",
        "csv",
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(out.status.success());
    for table in jixiao_archive::TABLE_NAMES {
        let text = std::fs::read_to_string(dir.join(format!("{table}.csv"))).unwrap();
        assert!(!text.starts_with('\u{feff}'), "{table}");
    }
    let forms_csv = std::fs::read_to_string(dir.join("forms.csv")).unwrap();
    let mut reader = csv::Reader::from_reader(forms_csv.as_bytes());
    assert!(!reader.headers().unwrap().iter().any(|h| h == "record"));
    assert_eq!(reader.records().count(), forms);
    // CSV needs somewhere to put its tables; an unknown table is named.
    assert_eq!(
        run(&["check", "corpus", "--format", "csv"]).status.code(),
        Some(2)
    );
    let out = run(&["check", "corpus", "--format", "csv", "--table", "nope"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("findings"));
}

/// Every CSV table of `corpus/` and `fixtures/pdf/` (the top of each
/// folder) opens in a spreadsheet: no field is longer than a cell holds.
/// `findings.csv` reads without joins: each finding names its file, its
/// form's kind and project and, for a PDF, the page of its line, as the
/// JSON report says; `cell_boxes.csv` holds a row per cell box of every
/// PDF's geometry.
#[test]
fn csv_tables_fit_a_spreadsheet_and_findings_stand_alone() {
    let inputs = ["--max-depth", "1", "corpus", "fixtures/pdf"];
    let json: serde_json::Value =
        serde_json::from_slice(&run(&[&["check"][..], &inputs].concat()).stdout).unwrap();
    let documents = json["documents"].as_array().unwrap();
    let dir = std::env::temp_dir().join(format!("jixiao-csv-cells-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = run(&[
        &["check", "--format", "csv", "-o", dir.to_str().unwrap()][..],
        &inputs,
    ]
    .concat());
    // The bad PDFs make the exit status 1; the tables are written.
    assert_eq!(out.status.code(), Some(1));
    let read = |table: &str| -> (csv::StringRecord, Vec<csv::StringRecord>) {
        let mut reader = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
        let header = reader.headers().unwrap().clone();
        (header, reader.records().map(Result::unwrap).collect())
    };
    let mut fields = 0;
    for table in jixiao_archive::TABLE_NAMES {
        let (header, rows) = read(table);
        for row in &rows {
            for (name, field) in header.iter().zip(row.iter()) {
                fields += 1;
                assert!(
                    field.chars().count() <= 32_767 && field.encode_utf16().count() <= 32_767,
                    "{table}.{name}: {} characters",
                    field.chars().count()
                );
            }
        }
    }
    assert!(fields > 50_000, "{fields} fields");
    let (header, rows) = read("findings");
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let (source, project, kind, page, line) = (
        at("source"),
        at("project"),
        at("form_kind"),
        at("page"),
        at("line"),
    );
    // The rows are the JSON report's findings, in its order.
    let mut want = Vec::new();
    for d in documents {
        let pages: std::collections::HashMap<u64, u64> = d["geometry"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|g| (g["line"].as_u64().unwrap(), g["page"].as_u64().unwrap()))
            .collect();
        for f in d["findings"].as_array().unwrap() {
            let form = &d["forms"][f["form"].as_u64().unwrap() as usize];
            let name = match form["kind"].as_str().unwrap() {
                "budget_table" => &form["title"],
                _ => &form["project_name"],
            };
            let line = f["location"]["line"].as_u64().unwrap();
            want.push(vec![
                d["source"].as_str().unwrap().to_string(),
                name.as_str()
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or("")
                    .to_string(),
                form["kind"].as_str().unwrap().to_string(),
                pages.get(&line).map(u64::to_string).unwrap_or_default(),
                line.to_string(),
            ]);
        }
    }
    let got: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            [source, project, kind, page, line]
                .iter()
                .map(|&k| r[k].to_string())
                .collect()
        })
        .collect();
    assert_eq!(got, want);
    assert!(got.iter().all(|r| !r[0].is_empty() && !r[2].is_empty()));
    assert!(got.iter().filter(|r| !r[1].is_empty()).count() > got.len() / 2);
    // 003's rate slip in the PDF, on page 1.
    let slip = rows
        .iter()
        .find(|r| {
            &r[source] == "fixtures/pdf/003_forms.pdf"
                && &r[at("check_id")] == "funds.rate"
                && &r[at("printed")] == "97.68"
        })
        .expect("003's 97.68 in the PDF");
    assert_eq!(&slip[page], "1");
    assert_eq!(&slip[kind], "self_evaluation");
    assert!(!slip[project].is_empty());
    assert!(!slip[at("col")].is_empty());
    // The page geometry is no longer a column of documents.csv but a table
    // of its own, a row per cell box.
    let (header, _) = read("documents");
    assert!(!header.iter().any(|h| h == "geometry"));
    let (header, boxes) = read("cell_boxes");
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let cells: usize = documents
        .iter()
        .flat_map(|d| d["geometry"].as_array().into_iter().flatten())
        .map(|g| g["cells"].as_array().unwrap().len())
        .sum();
    assert_eq!(boxes.len(), cells);
    let pdf = documents
        .iter()
        .position(|d| d["source"] == "fixtures/pdf/003_forms.pdf")
        .unwrap();
    let want: Vec<(String, String, String, f64)> = documents[pdf]["geometry"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|g| {
            g["cells"].as_array().unwrap().iter().map(|c| {
                (
                    g["line"].to_string(),
                    g["page"].to_string(),
                    c["column"].to_string(),
                    c["bbox"]["x1"].as_f64().unwrap(),
                )
            })
        })
        .collect();
    // Documents are numbered from 1 in the order of the report.
    let id = (pdf + 1).to_string();
    let got: Vec<&csv::StringRecord> = boxes
        .iter()
        .filter(|b| b[at("document_id")] == id)
        .collect();
    assert_eq!(got.len(), want.len());
    for (b, (line, page, column, x1)) in got.iter().zip(&want) {
        assert_eq!(
            (&b[at("line")], &b[at("page")], &b[at("col")]),
            (line.as_str(), page.as_str(), column.as_str())
        );
        let printed: f64 = b[at("x1")].parse().unwrap();
        assert!((printed - x1).abs() <= 0.005, "{printed} for {x1}");
        assert!(b[at("x1")].split('.').nth(1).is_none_or(|d| d.len() <= 2));
    }
}

/// A cell text longer than a spreadsheet cell holds is cut in the CSV,
/// with a marker that says so, and is whole in the JSON report.
#[test]
fn a_text_too_long_for_a_spreadsheet_cell_is_cut_with_a_marker() {
    let dir = std::env::temp_dir().join(format!("jixiao-csv-long-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let long = "很长的说明文字".repeat(6_000);
    let file = dir.join("long.txt");
    std::fs::write(
        &file,
        format!("项目名称\t示例\n备注说明\t{long}\n总分\t\t100.00\t99.00\n"),
    )
    .unwrap();
    let file = file.to_str().unwrap();
    let json: serde_json::Value = serde_json::from_slice(&run(&["check", file]).stdout).unwrap();
    let unmapped = json["documents"][0]["forms"][0]["unmapped"]
        .as_array()
        .unwrap();
    assert!(unmapped.iter().any(|u| u["text"] == long.as_str()));
    let out = run(&["check", "--format", "csv", "--table", "unmapped", file]);
    assert!(out.status.success());
    let mut reader = csv::Reader::from_reader(&out.stdout[..]);
    let text = reader
        .headers()
        .unwrap()
        .iter()
        .position(|h| h == "text")
        .unwrap();
    let cut: Vec<String> = reader
        .records()
        .map(|r| r.unwrap()[text].to_string())
        .filter(|t| t.starts_with("很长的说明文字"))
        .collect();
    assert_eq!(cut.len(), 1);
    assert_eq!(cut[0].chars().count(), 32_767);
    assert!(
        cut[0].ends_with("[cut: 42000 characters in all; the whole text is in the JSON report]"),
        "{}",
        cut[0].chars().skip(32_600).collect::<String>()
    );
    assert!(long.starts_with(cut[0].split(" … [cut").next().unwrap()));
}

/// With --redact-contacts no personal name or mobile number of a contact is
/// left in the report, the CSV or the archive; without it they are there.
#[test]
fn redact_contacts_masks_names_and_phones_everywhere() {
    let file = "corpus/001_c2baf747aff8c518.txt";
    let plain = String::from_utf8(run(&["check", file]).stdout).unwrap();
    assert!(plain.contains("13585699621") && plain.contains("\"刘太如\""));
    let mobile = regex::Regex::new(r"1[3-9]\d{9}").unwrap();
    let redacted = String::from_utf8(run(&["check", file, "--redact-contacts"]).stdout).unwrap();
    assert!(!mobile.is_match(&redacted));
    assert!(redacted.contains("\"135****9621\"") && redacted.contains("\"刘**\""));
    assert!(!redacted.contains("刘太如"));
    // Everything but the contacts is as before.
    let a: serde_json::Value = serde_json::from_str(&plain).unwrap();
    let b: serde_json::Value = serde_json::from_str(&redacted).unwrap();
    assert_eq!(a["documents"][0]["findings"], b["documents"][0]["findings"]);
    let csv = run(&[
        "check",
        file,
        "--format",
        "csv",
        "--table",
        "forms",
        "--redact-contacts",
    ]);
    assert!(!mobile.is_match(&String::from_utf8(csv.stdout).unwrap()));
    // The archive: ingesting with redaction replaces an unredacted copy.
    let db = std::env::temp_dir().join(format!("jixiao-redact-{}.sqlite", std::process::id()));
    let _ = std::fs::remove_file(&db);
    let db = db.to_str().unwrap();
    let first = run(&["archive", "ingest", "--db", db, file]);
    assert!(String::from_utf8_lossy(&first.stdout).starts_with("added"));
    let second = run(&["archive", "ingest", "--db", db, "--redact-contacts", file]);
    assert!(String::from_utf8_lossy(&second.stdout).starts_with("replaced"));
    let c = rusqlite::Connection::open(db).unwrap();
    let mut st = c.prepare("SELECT record FROM forms").unwrap();
    let records: Vec<String> = st
        .query_map([], |r| r.get(0))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert!(!records.is_empty());
    assert!(records
        .iter()
        .all(|r| !mobile.is_match(r) && !r.contains("刘太如")));
}

/// A scratch directory of this test process.
fn scratch_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("jixiao-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn sources(json: &serde_json::Value) -> Vec<String> {
    json["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["source"].as_str().unwrap().to_string())
        .collect()
}

/// Directories are walked all the way down, extensions matched in any case,
/// hidden files and folders skipped, each directory's files in name order.
#[test]
fn a_tree_is_walked_with_extensions_in_any_case() {
    let dir = scratch_dir("tree");
    let put = |rel: &str, from: &str| {
        let path = dir.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::copy(from, path).unwrap();
    };
    put("2023/REPORT.TXT", "corpus/004_fba036f995728357.txt");
    put("2024/q1/deep/表.Pdf", "fixtures/pdf/004_form.pdf");
    put("2024/a.csv", "fixtures/text/002.csv");
    put(".cache/hidden.txt", "corpus/004_fba036f995728357.txt");
    put("2024/.partial.txt", "corpus/004_fba036f995728357.txt");
    put("notes.md", "README.md");
    let d = dir.to_str().unwrap();
    let (code, json, stderr) = jixiao(&["check", d]);
    assert_eq!(code, 0, "{stderr}");
    let want: Vec<String> = ["2023/REPORT.TXT", "2024/a.csv", "2024/q1/deep/表.Pdf"]
        .iter()
        .map(|r| dir.join(r).display().to_string())
        .collect();
    assert_eq!(sources(&json), want);
    // --max-depth 2: the directory's own files and those one level down.
    let (code, json, _) = jixiao(&["check", "--max-depth", "2", d]);
    assert_eq!(code, 0);
    assert_eq!(sources(&json), want[..2]);
    // Nothing to read in a directory is a warning; no input at all, exit 2.
    let empty = scratch_dir("empty");
    let (code, _, stderr) = jixiao(&[
        "check",
        empty.to_str().unwrap(),
        "corpus/002_bc93ede7711070ab.txt",
    ]);
    assert_eq!(code, 0);
    assert!(
        stderr.contains("warning") && stderr.contains("no file to read"),
        "{stderr}"
    );
    let (code, _, stderr) = jixiao(&["check", empty.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(stderr.contains("no input to read"), "{stderr}");
}

/// `-` reads standard input, its format sniffed from the bytes.
#[test]
fn a_dash_reads_standard_input() {
    use std::io::Write;
    for file in [
        "corpus/004_fba036f995728357.txt",
        "fixtures/pdf/004_form.pdf",
        "fixtures/text/004.utf-16le.txt",
    ] {
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
            .args(["check", "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let bytes = std::fs::read(file).unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let writer = std::thread::spawn(move || stdin.write_all(&bytes));
        let out = child.wait_with_output().unwrap();
        writer.join().unwrap().unwrap();
        assert_eq!(out.status.code(), Some(0), "{file}");
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["documents"][0]["source"], "-");
        assert_eq!(json["documents"][0]["forms"][0]["grade"], "优秀", "{file}");
    }
}

/// A reader that stops early (`| head -1`) ends jixiao quietly with 0.
#[test]
fn a_closed_pipe_ends_quietly_with_status_0() {
    use std::io::Read;
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "corpus/"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    stdout.read_exact(&mut first).unwrap();
    assert_eq!(first[0], b'{');
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

/// `-o -` is standard output; usage errors are found before any input is
/// read and exit 2; an output that cannot be written is its own message.
#[test]
fn output_options_and_their_errors() {
    let (code, json, _) = jixiao(&["check", "-o", "-", "corpus/004_fba036f995728357.txt"]);
    assert_eq!(code, 0);
    assert_eq!(json["documents"][0]["forms"][0]["grade"], "优秀");
    let (code, _, stderr) = jixiao(&["check", "--table", "findings", "corpus/"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("--table needs --format csv"), "{stderr}");
    let (code, _, stderr) = jixiao(&["check", "--format", "csv", "--table", "nope", "corpus/"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("no such table") && stderr.contains("findings"),
        "{stderr}"
    );
    let (code, _, stderr) = jixiao(&["check", "--encoding", "klingon", "corpus/"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("klingon"), "{stderr}");
    let unwritable = "/proc/no/such/dir/report.json";
    let (code, _, stderr) = jixiao(&["check", "-o", unwritable, "corpus/004_fba036f995728357.txt"]);
    assert_eq!(code, 4);
    assert!(
        stderr.contains(&format!("cannot write the report to {unwritable}")),
        "{stderr}"
    );
}
