//! `check --format text`: one line per finding, 1-based positions that
//! point at the printed cell, then the totals.

fn text_report(args: &[&str]) -> String {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_jixiao"))
        .args(["check", "--format", "text"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_text_report_of_the_corpus_matches_its_snapshot() {
    let text = text_report(&["corpus/"]);
    insta::with_settings!({
        snapshot_path => "../snapshots",
        prepend_module_to_snapshot => false,
        omit_expression => true,
    }, {
        insta::assert_snapshot!("text_report_corpus", text);
    });
}

/// Every finding's `file:line:column` names the tab-separated cell (line
/// and column counted from 1) that prints the value the finding says was
/// printed. Checked by hand for 003: line 8, the 8th field is `97.68%`.
#[test]
fn positions_are_one_based_and_point_at_the_printed_cell() {
    let text = text_report(&["corpus/"]);
    let line = text
        .lines()
        .find(|l| l.starts_with("corpus/003_fe87764352761340.txt:"))
        .unwrap();
    assert!(
        line.starts_with(
            "corpus/003_fe87764352761340.txt:8:8  error  funds.rate  内涵建设经费  97.68 → 97.67  "
        ),
        "{line}"
    );
    let mut checked = 0;
    for l in text.lines() {
        let Some((at, rest)) = l.split_once("  ") else {
            continue;
        };
        let parts: Vec<&str> = at.rsplitn(3, ':').collect();
        let [column, line, file] = parts[..] else {
            continue;
        };
        let (Ok(column), Ok(line)) = (column.parse::<usize>(), line.parse::<usize>()) else {
            continue;
        };
        let Some(printed) = rest
            .split("  ")
            .find(|f| f.contains(" → "))
            .and_then(|f| f.split(" → ").next())
            .filter(|p| *p != "-")
        else {
            continue;
        };
        let source = std::fs::read_to_string(file).unwrap();
        let row = source.lines().nth(line - 1).unwrap();
        let cell = row.split('\t').nth(column - 1).unwrap_or("");
        let digits: String = cell.chars().filter(|c| *c != ',' && *c != ' ').collect();
        assert!(
            digits.contains(printed.trim_start_matches('-')),
            "{l}: cell {line}:{column} is «{cell}»"
        );
        checked += 1;
    }
    assert!(checked >= 50, "only {checked} findings checked");
    // The totals close the report.
    let last = text.lines().last().unwrap();
    assert!(
        last.contains(" documents (0 unreadable), ") && last.contains(" errors, "),
        "{last}"
    );
}

/// A PDF's findings name their page: `file:pPAGE:line:column`.
#[test]
fn a_pdf_finding_names_its_page() {
    let text = text_report(&["fixtures/pdf/003_forms.pdf"]);
    let line = text.lines().find(|l| l.contains("funds.rate")).unwrap();
    assert!(line.starts_with("fixtures/pdf/003_forms.pdf:p1:"), "{line}");
    assert!(line.contains("97.68 → 97.67"), "{line}");
}
