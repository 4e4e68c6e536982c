//! Text as disclosures really come: every encoding and comma-separated text
//! gives the records of its UTF-8 tab-separated twin (fixtures made by
//! `fixtures/make_texts.py` from corpus documents), and names its encoding.

use jixiao_report::DocumentReport;

fn report(path: &str) -> DocumentReport {
    DocumentReport::new(path, jixiao_extract::read_file(std::path::Path::new(path)))
}

/// The fixture reads without error, in the encoding named, and says what
/// its twin says (forms and findings, positions aside: the same here).
fn same_as_twin(fixture: &str, twin: &str, encoding: &str) {
    let read = report(&format!("fixtures/text/{fixture}"));
    assert!(read.errors.is_empty(), "{fixture}: {:?}", read.errors);
    assert_eq!(read.encoding.as_deref(), Some(encoding), "{fixture}");
    let original = report(&format!("corpus/{twin}"));
    assert!(!original.forms.is_empty());
    assert_eq!(read.content(), original.content(), "{fixture}");
    // Lines and columns are the twin's too: findings point at the same cells.
    let json = |r: &DocumentReport| serde_json::to_value(&r.findings).unwrap();
    assert_eq!(json(&read), json(&original), "{fixture}");
}

const D002: &str = "002_bc93ede7711070ab.txt";
const D003: &str = "003_fe87764352761340.txt";
const D004: &str = "004_fba036f995728357.txt";

#[test]
fn gbk_text() {
    same_as_twin("002.gbk.txt", D002, "GBK");
}

#[test]
fn gb18030_text() {
    // GB18030 text of characters GBK has is GBK text: it is named so.
    same_as_twin("003.gb18030.txt", D003, "GBK");
}

#[test]
fn utf16le_text_without_bom() {
    same_as_twin("004.utf-16le.txt", D004, "UTF-16LE");
}

#[test]
fn utf16le_text_with_bom() {
    same_as_twin("004.utf-16le-bom.txt", D004, "UTF-16LE with BOM");
}

#[test]
fn utf16be_text_with_bom() {
    same_as_twin("002.utf-16be-bom.txt", D002, "UTF-16BE with BOM");
}

#[test]
fn utf8_text_with_bom() {
    same_as_twin("003.utf-8-bom.txt", D003, "UTF-8 with BOM");
}

#[test]
fn comma_separated_text() {
    same_as_twin("002.csv", D002, "UTF-8");
}

#[test]
fn comma_separated_gbk_text() {
    same_as_twin("004.gbk.csv", D004, "GBK");
}

#[test]
fn utf8_text_is_named() {
    assert_eq!(
        report(&format!("corpus/{D002}")).encoding.as_deref(),
        Some("UTF-8")
    );
}

/// `--encoding` forces one: GBK bytes read as UTF-8 are refused with the
/// line and byte of the first that is not, and how to name another.
#[test]
fn a_forced_encoding_that_does_not_fit_says_where() {
    let options = jixiao_extract::ReadOptions {
        encoding: Some(jixiao_extract::Encoding::for_label(b"utf-8").unwrap()),
        ..Default::default()
    };
    let path = std::path::Path::new("fixtures/text/002.gbk.txt");
    let e = jixiao_extract::read_file_with(path, &options)
        .unwrap_err()
        .to_string();
    assert!(e.starts_with("fixtures/text/002.gbk.txt: line "), "{e}");
    assert!(e.contains("not valid UTF-8 text"), "{e}");
    let options = jixiao_extract::ReadOptions {
        encoding: Some(jixiao_extract::Encoding::for_label(b"gb18030").unwrap()),
        ..Default::default()
    };
    let doc = jixiao_extract::read_file_with(path, &options).unwrap();
    assert_eq!(doc.encoding.as_deref(), Some("GB18030"));
    assert!(!doc.forms.is_empty());
}
