//! Tab-separated text → rows of cells with their line and column.
//!
//! A blank line in extracted text is where a page (or a table) broke; rows
//! keep that fact so that later stages can join cells split across it.

use serde::Serialize;

/// One non-empty cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Cell {
    /// 0-based tab-separated column.
    pub column: usize,
    /// The cell text, trimmed.
    pub text: String,
    /// The text without whitespace, when it differs from `text` (prose
    /// longer than a label keeps its spaces).
    #[serde(skip)]
    squeezed: Option<String>,
    /// For a merged cell of a table (an HTML `rowspan`/`colspan`, a
    /// spreadsheet's merged region, Word's `gridSpan`/`vMerge`): the rows
    /// and columns it covers. The positions it covers hold no cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span: Option<Span>,
}

/// How many rows and columns a merged cell covers (each at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Span {
    /// Rows covered, its own included.
    pub rows: u32,
    /// Columns covered, its own included.
    pub columns: u32,
}

/// Cells longer than this (in bytes) are prose, not labels.
const LONG: usize = 240;

impl Cell {
    /// A cell at `column` holding `text` (trimmed).
    pub fn new(column: usize, text: &str) -> Self {
        Cell::trimmed(column, text.trim())
    }

    /// A merged cell at `column` (its top-left position) holding `text`
    /// (trimmed) and covering `rows` × `columns` positions. A span of one
    /// row and one column is no span.
    pub fn spanning(column: usize, text: &str, rows: u32, columns: u32) -> Self {
        let mut cell = Cell::new(column, text);
        if rows > 1 || columns > 1 {
            cell.span = Some(Span {
                rows: rows.max(1),
                columns: columns.max(1),
            });
        }
        cell
    }

    /// A cell at `column` holding `text`, which is trimmed already.
    fn trimmed(column: usize, text: &str) -> Self {
        Cell {
            column,
            span: None,
            // Labels and names are short; long prose is matched as printed.
            squeezed: (text.len() <= LONG && has_whitespace(text.as_bytes()))
                .then(|| strip_whitespace(text)),
            text: text.to_string(),
        }
    }

    /// The text without whitespace: what labels and names are matched on.
    pub fn key(&self) -> &str {
        self.squeezed.as_deref().unwrap_or(&self.text)
    }
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
    /// All cell texts with their whitespace removed, joined.
    key: String,
}

impl Row {
    /// Makes a row of `cells` at `line`.
    pub fn new(line: usize, cells: Vec<Cell>, after_break: bool) -> Self {
        let mut key = String::with_capacity(cells.iter().map(|c| c.key().len()).sum());
        cells.iter().for_each(|c| key.push_str(c.key()));
        Row {
            line,
            cells,
            after_break,
            key,
        }
    }

    /// All cell texts with their whitespace removed, joined: what a label
    /// test looks at (`项目 名称` and `项目\t名称` both give `项目名称`).
    pub fn compact(&self) -> &str {
        &self.key
    }

    /// The cell texts, trimmed, joined with `sep`.
    pub fn joined(&self, sep: &str) -> String {
        self.cells
            .iter()
            .map(|c| c.text.trim())
            .collect::<Vec<_>>()
            .join(sep)
    }

    /// The cell at `column`, if it is non-empty.
    pub fn at(&self, column: usize) -> Option<&Cell> {
        self.cells.iter().find(|c| c.column == column)
    }
}

/// `s` without any whitespace.
pub fn compact(s: &str) -> String {
    // Most cells hold no whitespace at all: copy them as they are.
    if !has_whitespace(s.as_bytes()) {
        return s.to_string();
    }
    strip_whitespace(s)
}

/// `s` with every whitespace character removed (no test first).
fn strip_whitespace(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    // Copy the runs between whitespace characters; every run starts and
    // ends at a character boundary, since candidates are ASCII or lead bytes.
    let mut from = 0;
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&x| CANDIDATE[x as usize]) {
        let j = i + off;
        let n = whitespace_len(b, j);
        if n > 0 {
            out.push_str(&s[from..j]);
            from = j + n;
        }
        i = j + n.max(1);
    }
    out.push_str(&s[from..]);
    out
}

/// The bytes that may start a whitespace character: ASCII controls and
/// space, and the lead bytes of the others.
const CANDIDATE: [bool; 256] = {
    let mut t = [false; 256];
    let mut x = 0;
    while x <= b' ' as usize {
        t[x] = true;
        x += 1;
    }
    t[0xC2] = true;
    t[0xE1] = true;
    t[0xE2] = true;
    t[0xE3] = true;
    t
};

/// The length in bytes of the whitespace character at `j` of UTF-8 `b`
/// (0 when there is none there).
fn whitespace_len(b: &[u8], j: usize) -> usize {
    let hit = match b[j] {
        x if x <= b' ' => return usize::from(x == b' ' || (b'\t'..=b'\r').contains(&x)),
        0xC2 => matches!(b.get(j + 1), Some(0x85 | 0xA0)),
        0xE1 => b.get(j + 1) == Some(&0x9A) && b.get(j + 2) == Some(&0x80),
        0xE2 => match (b.get(j + 1), b.get(j + 2)) {
            (Some(0x80), Some(&x)) => x <= 0x8A || matches!(x, 0xA8 | 0xA9 | 0xAF),
            (Some(0x81), Some(0x9F)) => true,
            _ => false,
        },
        0xE3 => b.get(j + 1) == Some(&0x80) && b.get(j + 2) == Some(&0x80),
        _ => false,
    };
    match (hit, b[j]) {
        (false, _) => 0,
        (true, 0xC2) => 2,
        (true, _) => 3,
    }
}

/// Whether UTF-8 `b` holds a whitespace character (what `char::is_whitespace`
/// accepts: U+0009–U+000D, space, U+0085, U+00A0, U+1680, U+2000–U+200A,
/// U+2028, U+2029, U+202F, U+205F and U+3000), looking at bytes only.
pub fn has_whitespace(b: &[u8]) -> bool {
    // Cells are short: one loop that stops at the candidate bytes.
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&x| CANDIDATE[x as usize]) {
        let j = i + off;
        if whitespace_len(b, j) > 0 {
            return true;
        }
        i = j + 1;
    }
    false
}

/// `s` without whitespace, borrowed when it has none.
pub fn squeeze(s: &str) -> std::borrow::Cow<'_, str> {
    if has_whitespace(s.as_bytes()) {
        std::borrow::Cow::Owned(strip_whitespace(s))
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A cell's text as the readers take it: each line trimmed, empty lines
/// dropped (a web or office cell's paragraphs, one per line).
pub fn trim_lines(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Splits text into rows. Lines holding only whitespace are breaks.
pub fn read_rows(text: &str) -> Vec<Row> {
    let mut rows = Vec::new();
    let mut pending_break = false;
    for (i, line) in text.lines().enumerate() {
        let mut cells: Vec<Cell> =
            Vec::with_capacity(memchr::memchr_iter(b'\t', line.as_bytes()).count() + 1);
        cells.extend(
            line.split('\t')
                .map(str::trim)
                .enumerate()
                .filter(|(_, t)| !t.is_empty())
                .map(|(column, t)| Cell::trimmed(column, t)),
        );
        if cells.is_empty() {
            pending_break = true;
            continue;
        }
        rows.push(Row::new(i + 1, cells, std::mem::take(&mut pending_break)));
    }
    rows
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
    fn whitespace_is_found_as_char_is_whitespace_finds_it() {
        // Every character, between CJK text near the start and deep inside.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            let pad = "预".repeat(10);
            for s in [format!("项目{c}名称"), format!("{pad}x{c}{pad}")] {
                assert_eq!(
                    has_whitespace(s.as_bytes()),
                    s.chars().any(char::is_whitespace),
                    "U+{:04X}",
                    c as u32
                );
                let stripped: String = s.chars().filter(|c| !c.is_whitespace()).collect();
                assert_eq!(strip_whitespace(&s), stripped, "U+{:04X}", c as u32);
            }
        }
    }

    #[test]
    fn compact_joins_split_labels() {
        let rows = read_rows("项目\t 名称\t教研局");
        assert!(rows[0].compact().starts_with("项目名称"));
    }

    #[test]
    fn whitespace_found_by_bytes_as_by_chars() {
        for s in [
            "项目名称",
            "项目 名称",
            "项目\u{3000}名称",
            "a\u{a0}b",
            "、。（）",
            "x\u{2009}y",
            "\u{205f}",
            "abc",
        ] {
            assert_eq!(
                has_whitespace(s.as_bytes()),
                s.chars().any(char::is_whitespace),
                "{s:?}"
            );
        }
    }
}
