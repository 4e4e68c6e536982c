//! PDF input: every kind of PDF that cannot be read gets its own clear
//! error, none panics, and a batch mixing them reports each file.
//! Fixtures are made by fixtures/make_pdfs.py and committed.

use jixiao_extract::{read_pdf_text, PdfError, PdfLimits};
use std::process::Command;

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(format!("fixtures/pdf/{name}")).expect("fixture is committed")
}

fn read(name: &str, password: Option<&str>) -> Result<Vec<jixiao_extract::PageText>, PdfError> {
    read_pdf_text(&fixture(name), password, PdfLimits::default())
}

#[test]
fn a_ruled_table_pdf_gives_its_text_layer() {
    let pages = read("002_funds.pdf", None).unwrap();
    assert_eq!(pages.len(), 1);
    let text: String = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
    assert!(text.contains("项目名称"), "{text}");
    assert!(text.contains("4,072.13"), "{text}");
    assert!(pages[0]
        .glyphs
        .iter()
        .all(|g| g.x >= 0.0 && g.y >= 0.0 && g.size > 0.0));
}

#[test]
fn each_bad_pdf_has_its_own_error() {
    assert_eq!(read("empty.pdf", None), Err(PdfError::Empty));
    assert_eq!(read("not_a_pdf.pdf", None), Err(PdfError::NotPdf));
    // Cut in half: the table is rebuilt, but the page's content is gone.
    match read("truncated.pdf", None) {
        Err(PdfError::Damaged(why)) => {
            assert!(why.contains("cut short"), "{why}");
            assert!(why.contains("no page text survived"), "{why}");
        }
        other => panic!("{other:?}"),
    }
    // Encrypted and cut before its table: the trailer with /Encrypt and the
    // file ID is gone, so nothing can be decrypted; said so, not guessed.
    match read("encrypted_xref_lost.pdf", None) {
        Err(PdfError::Damaged(why)) => assert!(why.contains("is encrypted"), "{why}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(read("image_only.pdf", None), Err(PdfError::NoText(1)));
    assert_eq!(
        read("many_pages.pdf", None),
        Err(PdfError::TooManyPages {
            claimed: 10_000_000,
            limit: 5_000
        })
    );
    assert!(matches!(
        read("bomb.pdf", None),
        Err(PdfError::Bomb { page: 1, .. })
    ));
}

#[test]
fn a_gbk_cmap_is_decoded() {
    let pages = read("gbk_cmap.pdf", None).unwrap();
    let text: String = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
    assert_eq!(text, "财政项目支出绩效自评表");
    // Each GBK character advances by the font's default width, 12 pt here.
    let xs: Vec<f64> = pages[0].glyphs.iter().map(|g| g.x).collect();
    assert!((xs[1] - xs[0] - 12.0).abs() < 1e-6, "{xs:?}");
}

#[test]
fn a_font_without_to_unicode_is_an_error_not_garbage() {
    match read("no_to_unicode.pdf", None) {
        Err(PdfError::TextLayer(why)) => assert!(why.contains("no ToUnicode"), "{why}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_report_of_a_pdf_matches_its_snapshot() {
    // The whole report, geometry (page and cell boxes) included.
    let path = "fixtures/pdf/002_form.pdf";
    let doc = jixiao_report::DocumentReport::new(
        path,
        jixiao_extract::read_file(std::path::Path::new(path)),
    );
    let json = serde_json::to_string_pretty(&doc).unwrap();
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("pdf_002_form", json);
    });
}

#[test]
fn passwords() {
    // An owner password alone does not stop reading.
    assert!(read("owner_password.pdf", None).is_ok());
    // A user password is needed, and the right one.
    assert!(matches!(
        read("user_password.pdf", None),
        Err(PdfError::Password(_))
    ));
    assert!(matches!(
        read("user_password.pdf", Some("wrong")),
        Err(PdfError::Password(_))
    ));
    let pages = read("user_password.pdf", Some("secret")).unwrap();
    assert!(pages[0].glyphs.iter().any(|g| g.text == "项"));
}

#[test]
fn messages_say_what_is_wrong() {
    let cases = [
        (PdfError::Empty, "empty"),
        (PdfError::NotPdf, "%PDF-"),
        (PdfError::NoText(3), "OCR is not supported"),
        (
            PdfError::Password("give it with --password".into()),
            "--password",
        ),
    ];
    for (e, words) in cases {
        assert!(e.to_string().contains(words), "{e}");
    }
}

#[test]
fn a_directory_of_pdfs_reports_every_file() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "fixtures/pdf"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "some files cannot be read");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = json["documents"].as_array().unwrap();
    assert_eq!(
        docs.len(),
        37,
        "26 PDFs and the 11 texts the form PDFs were drawn from"
    );
    let readable = [
        "_form.pdf",
        "_forms.pdf",
        "_part.pdf",
        "_form.txt",
        "_forms.txt",
        "_part.txt",
        "002_funds.pdf",
        "owner_password.pdf",
        "predefined_cmap.pdf",
        "gbk_cmap.pdf",
        "/xref_lost.pdf",
        "xref_stream_lost.pdf",
        "rotated.pdf",
        "rotated.txt",
        "ruled_lines.pdf",
        "ruled_lines.txt",
        "borderless.pdf",
        "borderless.txt",
        "borderless_spanning.pdf",
        "borderless_spanning.txt",
        "office_export.pdf",
        "office_export.txt",
        "libreoffice.pdf",
        "libreoffice.txt",
    ];
    for d in docs {
        let source = d["source"].as_str().unwrap();
        let errors = d["errors"].as_array().unwrap();
        if readable.iter().any(|r| source.ends_with(r)) {
            assert!(errors.is_empty(), "{source}: {errors:?}");
            assert!(!d["forms"].as_array().unwrap().is_empty(), "{source}");
        } else {
            assert_eq!(errors.len(), 1, "{source}");
            let message = errors[0]["message"].as_str().unwrap();
            assert!(message.starts_with(source), "{message}");
        }
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The report of one file with where things are left out, and whitespace
/// removed from every string: a PDF cell's text wraps, and a space at a
/// wrap is not printed.
fn records(path: &str) -> serde_json::Value {
    let doc = jixiao_report::DocumentReport::new(
        path,
        jixiao_extract::read_file(std::path::Path::new(path)),
    );
    let mut json = serde_json::to_value(&doc).unwrap();
    if let Some(o) = json.as_object_mut() {
        o.remove("geometry");
    }
    jixiao_report::without_provenance(&json)
}

fn same_records(name: &str) -> serde_json::Value {
    let from_pdf = records(&format!("fixtures/pdf/{name}.pdf"));
    let from_text = records(&format!("fixtures/pdf/{name}.txt"));
    assert_eq!(from_pdf["errors"], serde_json::json!([]), "{name}");
    assert_eq!(from_pdf["forms"], from_text["forms"], "{name}");
    assert_eq!(from_pdf["findings"], from_text["findings"], "{name}");
    from_pdf
}

#[test]
fn the_form_pdfs_give_the_records_of_their_text() {
    let r = same_records("002_form");
    assert_eq!(r["forms"][0]["indicators"].as_array().unwrap().len(), 21);
    assert_eq!(r["forms"][0]["total_score"]["value"], "98.30");
    // 元 amounts, three forms, a row shifted by a lost merged cell.
    let r = same_records("003_forms");
    assert_eq!(r["forms"].as_array().unwrap().len(), 3);
    assert_eq!(r["findings"][0]["check"], "funds.rate");
    // The older layout: label/value cells, groups, grade bands.
    let r = same_records("004_form");
    assert_eq!(r["forms"][0]["groups"].as_array().unwrap().len(), 4);
    // 001's prose, eight budget tables and first declarations, with their
    // checks across tables and against the prose.
    let r = same_records("001_part");
    let kinds: Vec<&str> = r["forms"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds.iter().filter(|k| **k == "budget_table").count(), 8);
    assert!(kinds.contains(&"declaration") && kinds.contains(&"narrative"));
    // Pages turned by /Rotate 90 and 270 are read as a viewer shows them.
    let r = same_records("rotated");
    assert_eq!(r["forms"].as_array().unwrap().len(), 2);
    assert_eq!(r["forms"][1]["funds"][0]["executed"]["value"], "4071.87");
    // Ruled with stroked lines (page 1), with thin filled bars (page 2) and
    // with thin filled outlines (page 3), merged cells included.
    let r = same_records("ruled_lines");
    assert_eq!(r["forms"].as_array().unwrap().len(), 3);
    // No rules at all: columns from how the text lines up, also where the
    // project name runs on over the empty amount columns.
    for name in ["borderless", "borderless_spanning"] {
        let r = same_records(name);
        assert_eq!(r["forms"][0]["funds"][0]["executed"]["value"], "4071.87");
    }
}

/// An office-suite export: simple TrueType subsets, text written in no
/// reading order, the table continued on a second page that repeats its
/// header row. The records are those of its text, where the repeated header
/// follows a blank line as a text extraction gives it.
#[test]
fn an_office_export_out_of_reading_order_gives_the_records_of_its_text() {
    let pages = read("office_export.pdf", None).unwrap();
    assert_eq!(pages.len(), 2);
    // Content order is not reading order: baselines go up as often as down.
    let ups = pages[0]
        .glyphs
        .windows(2)
        .filter(|w| w[1].y > w[0].y + 1.0)
        .count();
    assert!(ups > 20, "only {ups} glyphs above their predecessor");
    let bytes = fixture("office_export.pdf");
    let simple = String::from_utf8_lossy(&bytes).contains("/Subtype /TrueType");
    assert!(simple, "the fixture uses a simple TrueType font");
    let r = same_records("office_export");
    let form = &r["forms"][0];
    let indicators = form["indicators"].as_array().unwrap();
    assert_eq!(indicators.len(), 21);
    assert!(indicators.iter().all(|i| i["name"] != "三级指标"));
    assert_eq!(form["total_score"]["value"], "98.30");
    assert_eq!(r["findings"], serde_json::json!([]));
}

/// 000 is the badly extracted document. Its PDF is drawn from the text,
/// with a blank line in the twin wherever the PDF breaks a page, as an
/// extraction of it would give. Two forms still differ: form 0, where a
/// cell of several figures (`(7) 100.00(次) 30.00 30.00`) wraps at a space
/// the PDF does not print and whose line ends too near the cell's edge for
/// the space to be put back without guessing; and form 1, where the
/// extraction's shifted continuation row (`比)` under `≥80.00(百分`) is
/// drawn where the text puts it. The other twenty give the text's records.
#[test]
fn the_000_pdf_gives_the_records_of_its_text_but_for_its_shifted_rows() {
    let from_pdf = records("fixtures/pdf/000_forms.pdf");
    let from_text = records("fixtures/pdf/000_forms.txt");
    let (a, b) = (
        from_pdf["forms"].as_array().unwrap(),
        from_text["forms"].as_array().unwrap(),
    );
    assert_eq!(a.len(), 22);
    assert_eq!(b.len(), 22);
    let differ: Vec<usize> = (0..22)
        .filter(|&k| {
            let strip = |f: &serde_json::Value| {
                let mut f = f.clone();
                for key in ["cells", "unmapped", "missing"] {
                    f.as_object_mut().unwrap().remove(key);
                }
                f
            };
            strip(&a[k]) != strip(&b[k])
        })
        .collect();
    assert_eq!(differ, [0, 1]);
}

/// A real producer: 002 typed into a spreadsheet and exported by LibreOffice
/// Calc (simple TrueType subsets, cell borders as lines, the table across
/// three pages) gives the records of the text it was typed from.
#[test]
fn a_libreoffice_calc_export_gives_the_records_of_its_text() {
    let bytes = fixture("libreoffice.pdf");
    // /Producer (LibreOffice 7.4), written as UTF-16BE hex.
    let producer = "004C0069006200720065004F0066006600690063006500";
    assert!(String::from_utf8_lossy(&bytes).contains(producer));
    assert_eq!(read("libreoffice.pdf", None).unwrap().len(), 3);
    let r = same_records("libreoffice");
    let form = &r["forms"][0];
    assert_eq!(form["indicators"].as_array().unwrap().len(), 21);
    assert_eq!(form["total_score"]["value"], "98.30");
    assert_eq!(form["funds"][0]["executed"]["value"], "4071.87");
    assert_eq!(r["findings"], serde_json::json!([]));
}

/// A table without rules (002's funds block: labels left-aligned, headers
/// centred, amounts right-aligned) gets the columns of the text it was
/// drawn from, cell by cell, and its title lines stay rows of one cell.
#[test]
fn a_borderless_table_is_split_into_columns_by_alignment() {
    for name in ["borderless", "borderless_spanning"] {
        borderless_columns(name);
    }
}

/// The columns of every cell of a borderless fixture, against its text.
fn borderless_columns(name: &str) {
    let text = std::fs::read_to_string(format!("fixtures/pdf/{name}.txt")).unwrap();
    let expected: Vec<Vec<usize>> = text
        .lines()
        .map(|l| {
            l.split('\t')
                .enumerate()
                .filter(|(_, c)| !c.trim().is_empty())
                .map(|(k, _)| k)
                .collect()
        })
        .collect();
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", &format!("fixtures/pdf/{name}.pdf")])
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let geometry = json["documents"][0]["geometry"].as_array().unwrap();
    let columns: Vec<Vec<usize>> = geometry
        .iter()
        .map(|row| {
            row["cells"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["column"].as_u64().unwrap() as usize)
                .collect()
        })
        .collect();
    assert_eq!(columns, expected, "{name}");
    assert_eq!(columns[2], [0, 1], "项目名称 and the name");
    assert_eq!(columns[4], [0, 2, 3, 4, 5, 6, 7], "the header row");
}

#[test]
fn merged_cells_of_a_table_ruled_with_lines_keep_their_span() {
    let doc =
        jixiao_extract::read_file(std::path::Path::new("fixtures/pdf/ruled_lines.pdf")).unwrap();
    for page in [1, 2, 3] {
        let rows: Vec<_> = doc.geometry.iter().filter(|g| g.page == page).collect();
        assert_eq!(rows.len(), 7, "page {page}");
        // The project name spans columns 1 to 7.
        let name = rows[0].cells[1];
        assert_eq!((name.column, name.bbox.x0, name.bbox.x1), (1, 116.0, 804.0));
        // 项目资金 spans the five rows of the funds block.
        let funds = rows[2].cells[0];
        assert_eq!(funds.column, 0);
        assert_eq!(funds.bbox.y1 - funds.bbox.y0, 70.0, "page {page}");
    }
}

#[test]
fn a_turned_page_has_the_size_and_boxes_it_is_shown_with() {
    let pages = read("rotated.pdf", None).unwrap();
    for page in &pages {
        assert_eq!(page.size, (842.0, 595.0), "page {}", page.number);
        // Every cell box lies on the shown (landscape) page.
        assert!(page
            .rects
            .iter()
            .all(|r| r.x0 >= 0.0 && r.x1 <= 842.0 && r.y0 >= 0.0 && r.y1 <= 595.0));
        let title: String = page
            .glyphs
            .iter()
            .take(4)
            .map(|g| g.text.as_str())
            .collect();
        assert_eq!(title, "项目名称", "page {}", page.number);
    }
}

#[test]
fn a_pdf_whose_xref_is_lost_is_rebuilt_from_its_objects() {
    let path = "fixtures/pdf/xref_lost.pdf";
    let recovered = records(path);
    let text = records("fixtures/pdf/002_form.txt");
    assert_eq!(recovered["errors"], serde_json::json!([]));
    assert_eq!(recovered["forms"], text["forms"]);
    assert_eq!(recovered["findings"], text["findings"]);
    // The report says the text was recovered, not read as published.
    let doc = jixiao_report::DocumentReport::new(
        path,
        jixiao_extract::read_file(std::path::Path::new(path)),
    );
    let json = serde_json::to_value(&doc).unwrap();
    let said = json["repairs"][0].as_str().unwrap();
    assert!(said.contains("rebuilt from 16 objects"), "{said}");
    assert!(!said.contains("cut short"), "{said}");
    // The intact file needs no repair.
    let intact = jixiao_report::DocumentReport::new(
        "002_form.pdf",
        jixiao_extract::read_file(std::path::Path::new("fixtures/pdf/002_form.pdf")),
    );
    assert!(intact.repairs.is_empty());
}

/// The PDF 1.5 way: objects packed in compressed object streams, their
/// table an xref stream, and the file cut short just before it. The
/// catalog and pages are only inside the object streams; they are unpacked
/// and the form reads as its text.
#[test]
fn a_pdf_whose_xref_stream_is_lost_is_rebuilt_from_its_object_streams() {
    let path = "fixtures/pdf/xref_stream_lost.pdf";
    let bytes = fixture("xref_stream_lost.pdf");
    let visible = String::from_utf8_lossy(&bytes);
    assert!(visible.contains("/ObjStm") && !visible.contains("/Catalog"));
    let recovered = records(path);
    let text = records("fixtures/pdf/002_form.txt");
    assert_eq!(recovered["errors"], serde_json::json!([]));
    assert_eq!(recovered["forms"], text["forms"]);
    let doc = jixiao_report::DocumentReport::new(
        path,
        jixiao_extract::read_file(std::path::Path::new(path)),
    );
    let said = &doc.repairs[0];
    assert!(said.contains("unpacked from object streams"), "{said}");
}

#[test]
fn a_font_with_a_predefined_cmap_is_decoded() {
    // reportlab's STSong-Light: UniGB-UCS2-H, not embedded, no ToUnicode:
    // the codes are UCS-2 themselves. (pdf-extract panics on it.)
    let pages = read("predefined_cmap.pdf", None).unwrap();
    let text: String = pages[0].glyphs.iter().map(|g| g.text.as_str()).collect();
    assert!(text.contains("财政项目支出绩效自评表"), "{text}");
    assert!(text.contains("智慧纸笔"), "{text}");
}

#[test]
fn rows_from_a_pdf_know_their_page_and_boxes() {
    let doc = jixiao_extract::read_file(std::path::Path::new("fixtures/pdf/002_form.pdf")).unwrap();
    assert!(!doc.geometry.is_empty());
    let pages: std::collections::BTreeSet<u32> = doc.geometry.iter().map(|g| g.page).collect();
    assert_eq!(
        pages.into_iter().collect::<Vec<_>>(),
        vec![1, 2],
        "the form runs over two pages"
    );
    for g in &doc.geometry {
        for c in &g.cells {
            assert!(c.bbox.x0 < c.bbox.x1 && c.bbox.y0 < c.bbox.y1, "{g:?}");
        }
    }
    // The total score cell is where the form prints it: on the last page.
    let form = doc.forms[0].as_self_evaluation().unwrap();
    let total = form.total_score.as_ref().unwrap();
    let row = doc.geometry.iter().find(|g| g.line == total.line).unwrap();
    assert_eq!(row.page, 2);
    assert!(row.cells.iter().any(|c| c.column == total.column));
}

#[test]
fn the_password_option_reaches_the_reader() {
    let out = Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args([
            "check",
            "--password",
            "secret",
            "fixtures/pdf/user_password.pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["documents"][0]["errors"], serde_json::json!([]));
    assert!(!json["documents"][0]["forms"].as_array().unwrap().is_empty());
}

/// A finding in a PDF names the page and the box of each cell it names:
/// the box of 003's 97.68 holds the glyphs `97.68` on that page.
#[test]
fn a_finding_names_the_page_and_box_its_figure_is_printed_in() {
    let path = "fixtures/pdf/003_forms.pdf";
    let report = jixiao_report::DocumentReport::new(
        path,
        jixiao_extract::read_file(std::path::Path::new(path)),
    );
    let rate = report
        .findings
        .iter()
        .find(|f| f.check == "funds.rate" && f.printed.as_deref() == Some("97.68"))
        .expect("003's rate finding");
    let page = rate.location.place.page.expect("a page");
    let bbox: jixiao_extract::Rect = rate.location.place.bbox.expect("a box").into();
    let pages = read("003_forms.pdf", None).unwrap();
    let mut inside: Vec<&jixiao_extract::Glyph> = pages[page as usize - 1]
        .glyphs
        .iter()
        .filter(|g| bbox.contains(g.x + g.width / 2.0, g.y + g.size / 3.0))
        .collect();
    inside.sort_by(|a, b| a.x.total_cmp(&b.x));
    let text: String = inside.iter().map(|g| g.text.as_str()).collect();
    assert!(text.starts_with("97.68"), "the box holds «{text}»");
    // Every finding of every readable PDF fixture is placed: its page, and
    // the box of each cell it names.
    for entry in std::fs::read_dir("fixtures/pdf").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|e| e != "pdf") {
            continue;
        }
        let shown = p.display().to_string();
        let r = jixiao_report::DocumentReport::new(&shown, jixiao_extract::read_file(&p));
        for f in &r.findings {
            for at in std::iter::once(&f.location).chain(&f.inputs) {
                assert!(at.place.page.is_some(), "{shown}: {} has no page", f.check);
                if at.column.is_some() {
                    assert!(at.place.bbox.is_some(), "{shown}: {} has no box", f.check);
                }
            }
        }
        for u in r.forms.iter().flat_map(|f| f.form.unmapped()) {
            assert!(
                u.place.page.is_some() && u.place.bbox.is_some(),
                "{shown}: {u:?}"
            );
        }
    }
}
