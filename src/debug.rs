//! `jixiao debug`: each stage's output as plain text, so that a user sees
//! what the readers saw.

use jixiao_extract::{Document, Form, PageText, Row};
use std::fmt::Write;

/// Points rounded to 0.01, without float noise (`31.18`, not
/// `31.18000030517578`).
fn pt(v: f64) -> String {
    let r = (v * 100.0).round() / 100.0;
    // `-0` prints as `0`.
    format!("{}", if r == 0.0 { 0.0 } else { r })
}

/// One line per glyph: page, x, y, size, advance, text (tabs in between).
pub fn glyphs(pages: &[PageText]) -> String {
    let mut out = String::from("page\tx\ty\tsize\twidth\ttext\n");
    for p in pages {
        for g in &p.glyphs {
            let _ = writeln!(
                out,
                "{}\t{}\t{}\t{}\t{}\t{}",
                p.number,
                pt(g.x),
                pt(g.y),
                pt(g.size),
                pt(g.width),
                g.text.escape_debug()
            );
        }
    }
    out
}

/// One line per painted cell (`rect`) and rule (`rule`): page, kind, box.
pub fn rules(pages: &[PageText]) -> String {
    let mut out = String::from("page\tkind\tx0\ty0\tx1\ty1\n");
    for p in pages {
        let kinds = p
            .rects
            .iter()
            .map(|r| ("rect", r))
            .chain(p.rules.iter().map(|r| ("rule", r)));
        for (kind, r) in kinds {
            let _ = writeln!(
                out,
                "{}\t{kind}\t{}\t{}\t{}\t{}",
                p.number,
                pt(r.x0),
                pt(r.y0),
                pt(r.x1),
                pt(r.y1)
            );
        }
    }
    out
}

/// The rows as tab-separated text, each on its own line number (blank
/// lines standing for breaks and for lines without a cell), so that
/// reading the output as text gives the same rows.
pub fn grid(rows: &[Row]) -> String {
    let mut out = String::new();
    let mut line = 0;
    for row in rows {
        // A break needs a blank line of its own, even where the numbering
        // leaves none.
        let blank_lines = row
            .line
            .saturating_sub(line + 1)
            .max(usize::from(row.after_break));
        for _ in 0..blank_lines {
            out.push('\n');
        }
        line = row.line.max(line + blank_lines + 1);
        let mut column = 0;
        for cell in &row.cells {
            while column < cell.column {
                out.push('\t');
                column += 1;
            }
            // A cell's own line breaks and tabs would make other rows.
            out.push_str(&cell.text.replace(['\t', '\n', '\r'], " "));
        }
        out.push('\n');
    }
    out
}

/// One line per form and per stretch no reader took: lines, kind, the
/// template or table kind, the name, and how many cells a field took.
pub fn forms(doc: &Document) -> String {
    let mut out = String::from("lines\tkind\ttemplate\tname\tcells mapped/total\n");
    for f in &doc.forms {
        let lines = f.lines();
        let (kind, template, name) = match f {
            Form::SelfEvaluation(s) => (
                "self_evaluation",
                s.template.clone().unwrap_or_default(),
                s.project_name.clone(),
            ),
            Form::Declaration(d) => (
                "declaration",
                d.template.clone().unwrap_or_default(),
                d.project_name.clone(),
            ),
            Form::BudgetTable(t) => ("budget_table", format!("{:?}", t.table), t.title.clone()),
            Form::Narrative(_) => ("narrative", String::new(), None),
        };
        let cells = f.cells();
        let _ = writeln!(
            out,
            "{}-{}\t{kind}\t{template}\t{}\t{}/{}",
            lines.start,
            lines.end,
            name.unwrap_or_default().replace(['\t', '\n'], " "),
            cells.mapped,
            cells.total
        );
    }
    for u in &doc.unrecognized {
        let _ = writeln!(
            out,
            "{}-{}\tunrecognized\t\t{}\t0/{}",
            u.lines.start, u.lines.end, u.reason, u.cells
        );
    }
    out
}
