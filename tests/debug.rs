//! `jixiao debug`: what each stage made of a file.

fn debug(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .arg("debug")
        .args(args)
        .output()
        .unwrap()
}

type Shape = (usize, bool, Vec<(usize, String)>);

/// A row as the readers match it: its line, whether a break stands before
/// it, and each cell's column and text without whitespace (a PDF does not
/// print the space where a cell's text wraps).
fn shape(text: &str) -> Vec<Shape> {
    jixiao_extract::grid::read_rows(text)
        .iter()
        .map(|r| {
            let cells = r
                .cells
                .iter()
                .map(|c| (c.column, c.text.split_whitespace().collect::<String>()))
                .collect();
            (r.line, r.after_break, cells)
        })
        .collect()
}

#[test]
fn the_grid_of_a_pdf_is_the_rows_of_its_text_twin() {
    for name in ["002_form", "003_forms", "004_form", "001_part"] {
        let out = debug(&["grid", &format!("fixtures/pdf/{name}.pdf")]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let grid = String::from_utf8(out.stdout).unwrap();
        let twin = std::fs::read_to_string(format!("fixtures/pdf/{name}.txt")).unwrap();
        assert_eq!(shape(&grid), shape(&twin), "{name}");
    }
}

#[test]
fn the_grid_of_text_reads_back_as_the_same_rows() {
    for file in [
        "corpus/003_fe87764352761340.txt",
        "fixtures/text/002.csv",
        "fixtures/text/004.utf-16le.txt",
    ] {
        let out = debug(&["grid", file]);
        assert_eq!(out.status.code(), Some(0), "{file}");
        let grid = String::from_utf8(out.stdout).unwrap();
        let bytes = std::fs::read(file).unwrap();
        let read = jixiao_extract::read_grid(file, &bytes, &Default::default()).unwrap();
        assert_eq!(jixiao_extract::grid::read_rows(&grid), read.rows, "{file}");
    }
}

#[test]
fn glyphs_rules_and_forms_are_printed_without_float_noise() {
    let glyphs = String::from_utf8(debug(&["glyphs", "fixtures/pdf/002_form.pdf"]).stdout).unwrap();
    let first = glyphs.lines().nth(1).unwrap();
    assert_eq!(first, "1\t31.18\t560.13\t6\t6\t财");
    let rules = String::from_utf8(debug(&["rules", "fixtures/pdf/002_form.pdf"]).stdout).unwrap();
    assert!(rules.lines().skip(1).all(|l| l.split('\t').count() == 6));
    assert!(rules.lines().any(|l| l.starts_with("1\trect\t")));
    let forms = String::from_utf8(debug(&["forms", "fixtures/pdf/003_forms.pdf"]).stdout).unwrap();
    assert_eq!(
        forms.lines().nth(1).unwrap(),
        "1-18\tself_evaluation\tshanghai_modern\t内涵建设经费\t85/85"
    );
    // Glyphs of a text file: it has none, and says so.
    let out = debug(&["glyphs", "corpus/003_fe87764352761340.txt"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("only a PDF has glyphs"));
}
