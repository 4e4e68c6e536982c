//! Hostile PDFs (found by fuzzing, kept in fixtures/hostile): each ends
//! within seconds and a bounded amount of memory, with an error that names
//! its real cause or, where the file can be mended, with its text. Each is
//! read twice: by the library in a thread that must finish in time, and by
//! the command under a memory limit, which must print its JSON report and
//! exit with 0 or 1.

use jixiao_extract::{read_pdf, PdfError, PdfLimits, PdfText};
use std::process::Command;
use std::sync::mpsc;
use std::time::Duration;

/// Seconds one file may take, in a debug build on a busy machine.
const SECONDS: u64 = 20;

fn path(name: &str) -> String {
    format!("fixtures/hostile/{name}")
}

/// Reads the file with the library, failing the test if it takes too long.
fn read(name: &str) -> Result<PdfText, PdfError> {
    let bytes = std::fs::read(path(name)).expect("fixture is committed");
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = send.send(read_pdf(&bytes, None, PdfLimits::default()));
    });
    receive
        .recv_timeout(Duration::from_secs(SECONDS))
        .unwrap_or_else(|_| panic!("{name}: not read within {SECONDS} s"))
}

/// Runs `jixiao check` on the file under a 1 GiB address-space limit and
/// a time limit; returns its report's one document.
fn check(name: &str) -> serde_json::Value {
    let script = format!("ulimit -v 1048576; exec timeout {SECONDS} \"$0\" check \"$1\"",);
    let out = Command::new("sh")
        .args(["-c", &script, env!("CARGO_BIN_EXE_jixiao"), &path(name)])
        .output()
        .expect("sh runs");
    let code = out.status.code();
    assert!(
        matches!(code, Some(0 | 1)),
        "{name}: exit {code:?}; stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{name}: {stderr}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{name}: no JSON report ({e})"));
    json["documents"][0].clone()
}

/// The report's first error message, or "" when it has none.
fn error_of(doc: &serde_json::Value) -> String {
    doc["errors"][0]["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn text(pdf: &PdfText) -> String {
    pdf.pages
        .iter()
        .flat_map(|p| p.glyphs.iter().map(|g| g.text.as_str()))
        .collect()
}

#[test]
fn a_lost_table_is_rebuilt_by_the_objects_found_not_their_numbers() {
    // `4000000000 0 obj` in 140 bytes: the table lists three objects; the
    // page tree has no page.
    match read("xref_lost_bignum_4e9.pdf") {
        Err(PdfError::Damaged(why)) => {
            assert!(why.contains("rebuilt from 3 objects"), "{why}")
        }
        other => panic!("{other:?}"),
    }
    let doc = check("xref_lost_bignum_4e9.pdf");
    assert!(error_of(&doc).contains("rebuilt from 3 objects"), "{doc}");
}

#[test]
fn ten_million_operators_spend_the_page_budget() {
    let limit = PdfLimits::default().max_page_operators;
    assert_eq!(
        read("ops10m_q.pdf").map(|_| ()),
        Err(PdfError::PageOperators { page: 1, limit })
    );
    let doc = check("ops10m_q.pdf");
    let message = error_of(&doc);
    assert!(
        message.contains("more than 500000 content operators"),
        "{message}"
    );
    assert!(message.contains("budget per page"), "{message}");
}

#[test]
fn a_form_drawing_itself_spends_the_budget_each_time_it_is_drawn() {
    let limit = PdfLimits::default().max_page_operators;
    assert_eq!(
        read("xobject_fanout10.pdf").map(|_| ()),
        Err(PdfError::PageOperators { page: 1, limit })
    );
    assert!(error_of(&check("xobject_fanout10.pdf")).contains("content operators"));
}

#[test]
fn the_document_budget_is_shared_by_its_pages() {
    // With a budget per document below the page's, it is the document's
    // that is spent.
    let bytes = std::fs::read(path("xobject_fanout10.pdf")).unwrap();
    let limits = PdfLimits {
        max_document_operators: 5_000,
        ..PdfLimits::default()
    };
    assert_eq!(
        read_pdf(&bytes, None, limits).map(|_| ()),
        Err(PdfError::DocumentOperators {
            page: 1,
            limit: 5_000
        })
    );
}

#[test]
fn malformed_to_unicode_tokens_are_skipped() {
    // `<zz\xff\xfe>` and `<\xe9\xa1\xb9>` are skipped; `<0001> <4E00>` holds.
    let pdf = read("tounicode_nonhex.pdf").unwrap();
    assert!(text(&pdf).starts_with('一'), "{}", text(&pdf));
    let doc = check("tounicode_nonhex.pdf");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn a_cmap_that_broke_char_boundaries_reads() {
    let pdf = read("panic_content_62_46.pdf").unwrap();
    assert!(!text(&pdf).trim().is_empty());
    let doc = check("panic_content_62_46.pdf");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn a_line_of_blank_glyphs_makes_no_row() {
    let pdf = read("panic_pdf_200_21.pdf").unwrap();
    // Rows are made from the pages without panicking.
    let _ = jixiao_extract::pdf_rows(&pdf.pages);
    let doc = check("panic_pdf_200_21.pdf");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}

#[test]
fn a_page_tree_that_contains_itself_is_walked_once() {
    let pdf = read("kids_cycle_self.pdf").unwrap();
    assert_eq!(text(&pdf), "Hello 123.45");
    assert!(
        pdf.repairs
            .iter()
            .any(|r| r.contains("page tree loops back to object 2")),
        "{:?}",
        pdf.repairs
    );
    let doc = check("kids_cycle_self.pdf");
    assert!(doc["repairs"][0]
        .as_str()
        .unwrap()
        .contains("loops back to object 2"));
}

#[test]
fn a_page_that_is_its_own_parent_is_read() {
    let pdf = read("parent_cycle.pdf").unwrap();
    assert_eq!(text(&pdf), "Hello 123.45");
    assert!(
        pdf.repairs
            .iter()
            .any(|r| r.contains("/Parent chain loops back to object 3")),
        "{:?}",
        pdf.repairs
    );
    let doc = check("parent_cycle.pdf");
    assert!(doc["repairs"][0].as_str().unwrap().contains("loops back"));
}

#[test]
fn a_length_past_endstream_is_read_to_endstream() {
    let pdf = read("length_too_long.pdf").unwrap();
    assert_eq!(text(&pdf), "Hello 123.45");
    assert!(
        pdf.repairs[0].contains("/Length 999999 runs past its endstream"),
        "{:?}",
        pdf.repairs
    );
    let doc = check("length_too_long.pdf");
    assert!(doc["repairs"][0].as_str().unwrap().contains("/Length"));
}

#[test]
fn garbage_flate_data_is_said_to_be_undecodable() {
    match read("flate_garbage.pdf") {
        Err(PdfError::Undecodable {
            page: 1,
            object: 4,
            filter,
            ..
        }) => assert_eq!(filter, "FlateDecode"),
        other => panic!("{other:?}"),
    }
    let message = error_of(&check("flate_garbage.pdf"));
    assert!(
        message.contains("stream of object 4 cannot be decoded (FlateDecode"),
        "{message}"
    );
}

#[test]
fn an_array_nested_100000_deep_is_refused_by_its_depth() {
    let limit = PdfLimits::default().max_nesting;
    assert_eq!(
        read("deep_array_in_page.pdf").map(|_| ()),
        Err(PdfError::TooDeep { object: 3, limit })
    );
    let message = error_of(&check("deep_array_in_page.pdf"));
    assert!(
        message.contains("nested deeper than 100 levels"),
        "{message}"
    );
}

#[test]
fn a_page_over_its_budget_is_left_out_and_the_others_are_read() {
    // Two pages: the first shows text, the second draws a form that draws
    // itself ten times at each level.
    let file = two_pages();
    let limits = PdfLimits {
        max_page_operators: 2_000,
        ..PdfLimits::default()
    };
    let pdf = read_pdf(&file, None, limits).unwrap();
    assert_eq!(text(&pdf), "Hello");
    assert_eq!(
        pdf.unread,
        vec![PdfError::PageOperators {
            page: 2,
            limit: 2_000
        }]
    );
    assert!(pdf
        .repairs
        .iter()
        .any(|r| r.contains("page 2: more than 2000")));
}

#[test]
fn a_page_ruled_with_tens_of_thousands_of_crossings_is_read_in_time() {
    // 300 horizontal and 300 vertical lines 2 pt apart: 90,000 crossings
    // and 89,401 cells, once minutes of work; then 800 of each, 640,000
    // crossings, over the budget per page.
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let read = |n| read_pdf(&grid(n), None, PdfLimits::default());
        let _ = send.send((read(300), read(800)));
    });
    let (small, large) = receive
        .recv_timeout(Duration::from_secs(10))
        .expect("read within 10 s");
    let small = small.unwrap();
    assert_eq!(text(&small), "Grid");
    assert_eq!(small.pages[0].rules.len(), 600);
    let (rows, _) = jixiao_extract::pdf_rows(&small.pages);
    assert_eq!(rows.len(), 1, "only the cell with text makes a row");
    assert_eq!(
        large.unwrap_err(),
        PdfError::PageCrossings {
            page: 1,
            limit: 500_000
        }
    );
}

#[test]
fn a_corner_with_thousands_of_open_rules_on_both_sides_is_read_in_time() {
    // A long vertical and a long horizontal meeting at the top left, each
    // crossed by 20,000 stubs that close nothing: every pair of a stub
    // below and one to the right was once looked at.
    let n = 20_000;
    let top = 10 + 2 * n;
    let mut content = format!("10 10 m 10 {top} l S\n10 {top} m {top} {top} l S\n");
    for k in 0..n {
        let (y, x) = (10 + 2 * k, 12 + 2 * k);
        content.push_str(&format!(
            "10 {y} m 10.6 {y} l S\n{x} {top} m {x} {top}.6 l S\n"
        ));
    }
    content.push_str("BT /F1 9 Tf 20 2 Td (Stubs) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {0} {0}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>", top + 20),
        stream("", &content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let file = file_of(&objects);
    let (send, receive) = mpsc::channel();
    std::thread::spawn(move || {
        let pdf = read_pdf(&file, None, PdfLimits::default());
        let _ = send.send(pdf.map(|pdf| jixiao_extract::pdf_rows(&pdf.pages).0.len()));
    });
    let rows = receive
        .recv_timeout(Duration::from_secs(10))
        .expect("read within 10 s");
    assert_eq!(rows, Ok(1));
}

/// A page ruled as a grid of `n` horizontal and `n` vertical lines, 2 pt
/// apart, each drawn alone, with a word in one of its cells.
fn grid(n: usize) -> Vec<u8> {
    let far = 10 + 2 * (n - 1);
    let mut content = String::new();
    for k in 0..n {
        let at = 10 + 2 * k;
        content.push_str(&format!(
            "10 {at} m {far} {at} l S\n{at} 10 m {at} {far} l S\n"
        ));
    }
    content.push_str("BT /F1 1 Tf 10.5 10.5 Td (Grid) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        format!("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {0} {0}] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>", far + 10),
        stream("", &content),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    file_of(&objects)
}

/// A PDF of two pages, the second drawing a form that draws itself.
fn two_pages() -> Vec<u8> {
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R 6 0 R] /Count 2 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>".to_string(),
        stream("", "BT /F1 10 Tf 50 750 Td (Hello) Tj ET"),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Fm 8 0 R >> >> /Contents 7 0 R >>".to_string(),
        stream("", "/Fm Do"),
        stream(
            "/Type /XObject /Subtype /Form /BBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> /XObject << /Fm 8 0 R >> >>",
            &format!("BT /F1 10 Tf 50 700 Td (a) Tj ET\n{}", "/Fm Do\n".repeat(10)),
        ),
    ];
    file_of(&objects)
}

/// A PDF of the given objects, numbered from 1, the first the catalog.
fn file_of(objects: &[String]) -> Vec<u8> {
    let mut file = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (k, object) in objects.iter().enumerate() {
        offsets.push(file.len());
        file.extend_from_slice(format!("{} 0 obj\n{object}\nendobj\n", k + 1).as_bytes());
    }
    let xref = file.len();
    file.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f\r\n", objects.len() + 1).as_bytes(),
    );
    for at in offsets {
        file.extend_from_slice(format!("{at:010} 00000 n\r\n").as_bytes());
    }
    file.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    file
}

fn stream(dict: &str, data: &str) -> String {
    format!(
        "<< {dict} /Length {} >>\nstream\n{data}\nendstream",
        data.len()
    )
}

#[test]
fn a_page_the_tree_lists_many_times_is_read_once() {
    // Found by the fuzzer: /Kids lists one page object 1,898 times, which
    // read every time took over 20 s.
    let pdf = read("fuzz_repeated_kids.pdf").unwrap();
    assert!(
        pdf.repairs
            .iter()
            .any(|r| r.contains("lists pages more than once")
                && r.contains("each page is read once")),
        "{:?}",
        pdf.repairs
    );
    let doc = check("fuzz_repeated_kids.pdf");
    assert!(doc["errors"].as_array().unwrap().is_empty(), "{doc}");
}
