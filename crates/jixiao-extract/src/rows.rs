//! Tab-separated text → rows of cells with their line and column.
//!
//! A blank line in extracted text is where a page (or a table) broke; rows
//! keep that fact so that later stages can join cells split across it.

use serde::Serialize;

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    /// 0-based tab-separated column.
    pub column: usize,
    /// The cell text, trimmed.
    pub text: String,
}

/// One line of the source that has at least one non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line in the source file.
    pub line: usize,
    /// The non-empty cells, in column order.
    pub cells: Vec<Cell>,
    /// A blank line (page or table break) stands right before this row.
    pub after_break: bool,
}

impl Row {
    /// All cell texts with their whitespace removed, joined: what a label
    /// test looks at (`项目 名称` and `项目\t名称` both give `项目名称`).
    pub fn compact(&self) -> String {
        self.cells.iter().map(|c| compact(&c.text)).collect()
    }

    /// The cell at `column`, if it is non-empty.
    pub fn at(&self, column: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| c.column == column)
    }
}

/// `s` without any whitespace.
pub fn compact(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Splits text into rows. Lines holding only whitespace are breaks.
pub fn read_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut pending_break = false;
    for (i, line) in text.lines().enumerate() {
        let cells: Vec<Cell> = line
            .split('\t')
            .enumerate()
            .filter_map(|(column, t)| {
                let t = t.trim();
                (!t.is_empty()).then(|| Cell {
                    column,
                    text: t.to_string(),
                })
            })
            .collect();
        if cells.is_empty() {
            pending_break = true;
            continue;
        }
        rows.push(Row {
            line: i + 1,
            cells,
            after_break: std::mem::take(&mut pending_break),
        });
    }
    rows
}

/// Turns a cell's HTML fragment (`<p>…</p> <p>…</p>`, `<br>`, `<b>`) into
/// plain text: paragraphs on their own lines, tags removed, entities decoded.
pub fn html_to_text(s: &str) -> String {
    if !s.contains('<') && !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if matches!(name, "p" | "br" | "div" | "li" | "tr")
            && !out.ends_with('\n')
            && !out.is_empty()
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = out
        .replace("&nbsp;", " ")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&");
    decoded
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_keep_line_column_and_breaks() {
        let rows = read_rows("a\t\tb\n\n \t \n\tc\n");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 1);
        assert_eq!(rows[0].cells[1].column, 2);
        assert!(!rows[0].after_break);
        assert_eq!(rows[1].line, 4);
        assert!(rows[1].after_break);
        assert_eq!(rows[1].cells[0].column, 1);
    }

    #[test]
    fn compact_joins_split_labels() {
        let rows = read_rows("项目\t 名称\t教研局");
        assert!(rows[0].compact().starts_with("项目名称"));
    }

    #[test]
    fn html_paragraphs_become_lines() {
        assert_eq!(
            html_to_text("<p>一、工作</p> <p>1.申报&amp;评定</p><br/>完"),
            "一、工作\n1.申报&评定\n完"
        );
        assert_eq!(html_to_text("<i></i>"), "");
        assert_eq!(html_to_text("纯文本"), "纯文本");
    }
}
