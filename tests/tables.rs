//! HTML pages, spreadsheets and Word files: each fixture gives the records
//! of its text twin, and the files that cannot be read each give one clear
//! error. Fixtures are made by fixtures/make_tables.py from corpus
//! documents and committed.

use jixiao_extract::{ReadError, SourcePart};
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The documents the fixtures were made from (their twins are `<name>.txt`).
const SOURCES: [&str; 4] = ["002_form", "004_form", "hubei_county", "anhui_declaration"];

fn path(name: &str) -> String {
    format!("fixtures/tables/{name}")
}

/// The whole report of one file as JSON, but for `source` (the file's own
/// path) and `origins` (where each row came from in the file: a text twin
/// has none). Nothing else is left out: the rows of a file and of its twin
/// have the same line and column numbers, so every `line`, `column` and
/// location in the records must agree too.
fn report(name: &str) -> Value {
    let p = path(name);
    let doc = jixiao_report::DocumentReport::new(&p, jixiao_extract::read_file(Path::new(&p)));
    let mut json = serde_json::to_value(&doc).unwrap();
    let o = json.as_object_mut().unwrap();
    o.remove("source");
    o.remove("origins");
    json
}

/// Checks that `<name>.<extension>` gives its twin's report, and that it
/// was read from the format (it has origins).
fn gives_twins_records(name: &str, extension: &str) {
    let file = format!("{name}.{extension}");
    let twin = report(&format!("{name}.txt"));
    let read = report(&file);
    assert_eq!(read["errors"], serde_json::json!([]), "{file}");
    assert!(!read["forms"].as_array().unwrap().is_empty(), "{file}");
    assert_eq!(read["forms"], twin["forms"], "{file}: forms");
    assert_eq!(read["findings"], twin["findings"], "{file}: findings");
    assert_eq!(
        read["unrecognized"], twin["unrecognized"],
        "{file}: unrecognized"
    );
    let doc = jixiao_extract::read_file(Path::new(&path(&file))).unwrap();
    assert_eq!(
        doc.origins.len(),
        count_rows(&path(&format!("{name}.txt"))),
        "{file}"
    );
}

/// The rows of a text twin: its lines with a non-blank cell.
fn count_rows(twin: &str) -> usize {
    std::fs::read_to_string(twin)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .count()
}

/// Whether some cell of the document spans more than one row, and some
/// more than one column.
fn has_spans(name: &str) -> (bool, bool) {
    let doc = jixiao_extract::read_file(Path::new(&path(name))).unwrap();
    let cells = doc.origins.iter().flat_map(|o| &o.cells);
    let (mut rows, mut columns) = (false, false);
    for c in cells {
        rows |= c.rows > 1;
        columns |= c.columns > 1;
    }
    (rows, columns)
}

#[test]
fn html_pages_give_their_twins_records() {
    for name in SOURCES {
        gives_twins_records(name, "html");
        let page = std::fs::read_to_string(path(&format!("{name}.html"))).unwrap();
        assert!(
            page.contains("rowspan=") && page.contains("colspan="),
            "{name}"
        );
        assert_eq!(has_spans(&format!("{name}.html")), (true, true), "{name}");
    }
    // 002's goals are HTML paragraphs inside a cell, read as its lines.
    let page = std::fs::read_to_string(path("002_form.html")).unwrap();
    assert!(
        page.contains("<td><p>1."),
        "002's goal cell holds paragraphs"
    );
}

#[test]
fn a_gbk_page_is_decoded_as_its_meta_charset_says() {
    let bytes = std::fs::read(path("gbk.html")).unwrap();
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the page is not UTF-8"
    );
    assert!(String::from_utf8_lossy(&bytes).contains("charset=\"gbk\""));
    gives_twins_records("gbk", "html");
}

#[test]
fn xlsx_workbooks_give_their_twins_records() {
    for name in SOURCES {
        gives_twins_records(name, "xlsx");
        assert_eq!(has_spans(&format!("{name}.xlsx")), (true, true), "{name}");
    }
}

#[test]
fn xls_workbooks_give_their_twins_records() {
    for name in SOURCES {
        gives_twins_records(name, "xls");
        assert_eq!(has_spans(&format!("{name}.xls")), (true, true), "{name}");
    }
}

#[test]
fn ods_spreadsheets_give_their_twins_records() {
    for name in SOURCES {
        gives_twins_records(name, "ods");
        assert_eq!(has_spans(&format!("{name}.ods")), (true, true), "{name}");
    }
}

#[test]
fn docx_documents_give_their_twins_records() {
    for name in SOURCES {
        gives_twins_records(name, "docx");
        assert_eq!(has_spans(&format!("{name}.docx")), (true, true), "{name}");
    }
}

/// The cell of `doc` whose text is `text`: its row's origin and its own.
fn cell_origin<'a>(
    doc: &'a jixiao_extract::Document,
    text: &str,
) -> Option<(
    &'a jixiao_extract::RowOrigin,
    &'a jixiao_extract::CellOrigin,
)> {
    // The grid is gone once read; find the cell by the twin's text.
    let twin = std::fs::read_to_string(path("004_form.txt")).unwrap();
    let (line, column) = twin.lines().enumerate().find_map(|(i, l)| {
        l.split('\t')
            .position(|c| c.trim() == text)
            .map(|c| (i + 1, c))
    })?;
    let row = doc.origins.iter().find(|o| o.line == line)?;
    Some((row, row.cells.iter().find(|c| c.column == column)?))
}

#[test]
fn spreadsheet_cells_keep_the_value_stored_beside_the_text_shown() {
    for extension in ["xlsx", "xls", "ods"] {
        let file = path(&format!("004_form.{extension}"));
        let doc = jixiao_extract::read_file(Path::new(&file)).unwrap();
        // Formatted `#,##0.00`, holding 4177600.
        let (row, cell) = cell_origin(&doc, "4,177,600.00").unwrap();
        assert_eq!(cell.value.as_deref(), Some("4177600"), "{file}");
        assert!(
            matches!(&row.part, SourcePart::Sheet { index: 1, .. }),
            "{file}"
        );
        assert_eq!(cell.source_column, cell.column + 1);
        // Formatted `0.00%`, holding 1.
        let (_, cell) = cell_origin(&doc, "100.00%").unwrap();
        assert_eq!(cell.value.as_deref(), Some("1"), "{file}");
        // The second half of the document is on a second sheet.
        assert!(doc
            .origins
            .iter()
            .any(|o| matches!(&o.part, SourcePart::Sheet { name, index: 2 } if name == "第2页")));
    }
    // A date cell shows its ISO date; Excel's serial of 2021-06-16 is the
    // days since 1899-12-30.
    for extension in ["xlsx", "xls"] {
        let doc =
            jixiao_extract::read_file(Path::new(&path(&format!("004_form.{extension}")))).unwrap();
        let (_, cell) = cell_origin(&doc, "2021-06-16").unwrap();
        assert_eq!(cell.value.as_deref(), Some("44363"), "{extension}");
    }
}

#[test]
fn files_that_cannot_be_read_each_give_one_clear_error() {
    let read = |name: &str| jixiao_extract::read_file(Path::new(&path(name)));
    let cases: [(&str, &[&str]); 3] = [
        (
            "legacy.doc",
            &["legacy Word .doc", "save it as .docx or PDF"],
        ),
        (
            "encrypted.xlsx",
            &["encrypted with a password", "without the password"],
        ),
        (
            "truncated.xlsx",
            &["damaged zip archive", "corrupt or cut short"],
        ),
    ];
    for (name, words) in cases {
        let e = read(name).unwrap_err();
        let message = e.to_string();
        assert!(message.starts_with(&path(name)), "{message}");
        for w in words {
            assert!(message.contains(w), "{name}: {message}");
        }
    }
    assert!(matches!(
        read("legacy.doc"),
        Err(ReadError::LegacyWord { .. })
    ));
    assert!(matches!(
        read("encrypted.xlsx"),
        Err(ReadError::EncryptedOffice { .. })
    ));
    assert!(matches!(
        read("truncated.xlsx"),
        Err(ReadError::CorruptZip { .. })
    ));
    // The legacy .doc and the encrypted .xlsx are OLE2 files, as they should be.
    for name in ["legacy.doc", "encrypted.xlsx"] {
        let bytes = std::fs::read(path(name)).unwrap();
        assert!(bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]), "{name}");
    }
}

#[test]
fn the_command_line_checks_office_files_given_by_path() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "check",
            "fixtures/tables/002_form.xlsx",
            "fixtures/tables/004_form.docx",
            "fixtures/tables/hubei_county.html",
            "fixtures/tables/encrypted.xlsx",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "one file cannot be read");
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = json["documents"].as_array().unwrap();
    assert_eq!(docs.len(), 4);
    for d in &docs[..3] {
        assert_eq!(d["errors"], serde_json::json!([]), "{}", d["source"]);
        assert_eq!(d["forms"][0]["kind"], "self_evaluation", "{}", d["source"]);
        assert!(
            !d["origins"].as_array().unwrap().is_empty(),
            "{}",
            d["source"]
        );
    }
    let errors = docs[3]["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 1);
    assert!(errors[0]["message"]
        .as_str()
        .unwrap()
        .contains("encrypted with a password"));
}
