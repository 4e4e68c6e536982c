//! HTML pages and fragments: every `<table>` on a true grid, the text
//! outside tables as rows of one cell, in document order.
//!
//! The page is parsed by html5ever (through `scraper`) as a browser would
//! parse it, so unclosed cells and tags in the wrong place are mended the
//! same way. A table nested in a cell is a table of its own, numbered in
//! the order tables open and given after the table that holds it; the
//! outer cell keeps the text around the inner table. `<br>` and block
//! elements (`<p>`, `<div>` …) inside a cell are line breaks in its text;
//! a cell of `&nbsp;` only is empty.

use crate::layout::{lay_out, SourceCell};
use crate::sink::Sink;
use crate::{Grid, Limits, TablesError};
use ego_tree::iter::Edge;
use jixiao_model::SourcePart;
use scraper::{Html, Node};

/// Reads an HTML file's bytes, decoded as its BOM or `<meta>` charset says
/// (UTF-8 when it says nothing and the bytes are UTF-8, else GB18030, the
/// encoding of Chinese pages that declare none).
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Grid, TablesError> {
    read_text(&decode(bytes), limits)
}

/// Reads HTML text.
pub(crate) fn read_text(text: &str, limits: &Limits) -> Result<Grid, TablesError> {
    let work = nesting_work(text.as_bytes());
    if work > MAX_NESTING_WORK {
        return Err(TablesError::Part {
            part: "HTML".into(),
            why: format!(
                "elements nested too deep to parse in bounded time (about {work} steps of the parser's scope checks, over the limit of {MAX_NESTING_WORK})"
            ),
        });
    }
    let html = Html::parse_document(text);
    let mut walk = Walk {
        limits: *limits,
        ..Walk::default()
    };
    for edge in html.tree.root().traverse() {
        match edge {
            Edge::Open(node) => match node.value() {
                Node::Element(e) => walk.open(e.name(), |a| e.attr(a))?,
                Node::Text(t) => walk.text(t),
                _ => {}
            },
            Edge::Close(node) => {
                if let Node::Element(e) = node.value() {
                    walk.close(e.name())?;
                }
            }
        }
    }
    walk.flush_text();
    Ok(walk.sink.finish())
}

/// The text of `bytes` in the encoding the page declares.
pub(crate) fn decode(bytes: &[u8]) -> String {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(bytes) {
        return encoding.decode_with_bom_removal(bytes).0.into_owned();
    }
    let declared = declared_charset(bytes);
    let encoding = match declared {
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => encoding_rs::UTF_8,
        None => encoding_rs::GB18030,
    };
    encoding.decode_without_bom_handling(bytes).0.into_owned()
}

/// The charset a `<meta charset=…>` or `<meta http-equiv … content="…;
/// charset=…">` in the first 4 KiB names, as the HTML standard's prescan
/// looks for it: the label after `charset`, `=` and an optional quote.
fn declared_charset(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(4096)];
    let lower = head.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = find(&lower[from..], b"charset") {
        let mut i = from + at + b"charset".len();
        from = i;
        while lower.get(i).is_some_and(|b| b.is_ascii_whitespace()) {
            i += 1;
        }
        if lower.get(i) != Some(&b'=') {
            continue;
        }
        i += 1;
        while lower
            .get(i)
            .is_some_and(|b| b.is_ascii_whitespace() || *b == b'"' || *b == b'\'')
        {
            i += 1;
        }
        let end = lower[i..]
            .iter()
            .position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
            .map_or(lower.len(), |n| i + n);
        if let Some(encoding) = encoding_rs::Encoding::for_label(&lower[i..end]) {
            // A page saved as UTF-16 cannot declare it in ASCII bytes; the
            // standard takes such a declaration for UTF-8.
            if encoding == encoding_rs::UTF_16LE || encoding == encoding_rs::UTF_16BE {
                return Some(encoding_rs::UTF_8);
            }
            return Some(encoding);
        }
    }
    None
}

/// The most steps of scope checks a page may cost the parser: half a
/// second's work (10,000 elements nested in each other). Pages as
/// published nest a few dozen deep.
const MAX_NESTING_WORK: u64 = 50_000_000;

/// Elements without content, and those whose end tag may be left out
/// (the parser closes them itself): they do not deepen the tree.
const FLAT: [&[u8]; 30] = [
    b"area",
    b"base",
    b"br",
    b"col",
    b"embed",
    b"hr",
    b"img",
    b"input",
    b"link",
    b"meta",
    b"param",
    b"source",
    b"track",
    b"wbr",
    b"p",
    b"li",
    b"dt",
    b"dd",
    b"td",
    b"th",
    b"tr",
    b"tbody",
    b"thead",
    b"tfoot",
    b"option",
    b"optgroup",
    b"colgroup",
    b"caption",
    b"rb",
    b"rp",
];

/// What parsing the page costs in scope checks, estimated from its tags:
/// html5ever, like the HTML standard's tree builder, looks down the stack
/// of open elements at each start tag, so a page of n tags nested d deep
/// costs about n × d. The sum of the depth at each start tag, counting
/// only elements that nest (a guard before parsing, not a parser: what
/// the page holds is read by html5ever).
fn nesting_work(b: &[u8]) -> u64 {
    let (mut depth, mut work, mut i) = (0u64, 0u64, 0usize);
    while let Some(off) = memchr_lt(&b[i..]) {
        i += off + 1;
        if b[i..].starts_with(b"!--") {
            i = find(&b[i..], b"-->").map_or(b.len(), |n| i + n + 3);
            continue;
        }
        let end = b.get(i) == Some(&b'/');
        let start = i + usize::from(end);
        let len = b[start..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .unwrap_or(b.len() - start);
        if len == 0 {
            continue;
        }
        let name = b[start..start + len].to_ascii_lowercase();
        let close = b[start + len..].iter().position(|&c| c == b'>');
        let self_closing = close.is_some_and(|n| n > 0 && b[start + len + n - 1] == b'/');
        if FLAT.contains(&name.as_slice()) || self_closing {
            continue;
        }
        if end {
            depth = depth.saturating_sub(1);
            continue;
        }
        work = work.saturating_add(depth);
        depth += 1;
        // The text of these is not markup.
        if matches!(
            name.as_slice(),
            b"script" | b"style" | b"textarea" | b"title" | b"xmp"
        ) {
            let mut closing = b"</".to_vec();
            closing.extend(&name);
            let lower_at = b[i..]
                .windows(closing.len())
                .position(|w| w.eq_ignore_ascii_case(&closing));
            i = lower_at.map_or(b.len(), |n| i + n);
        }
    }
    work
}

fn memchr_lt(b: &[u8]) -> Option<usize> {
    b.iter().position(|&c| c == b'<')
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

/// Elements whose content is not page text.
const SKIPPED: [&str; 7] = [
    "head", "script", "style", "template", "noscript", "title", "select",
];

/// Elements that start and end a line of text.
const BLOCKS: [&str; 27] = [
    "p",
    "div",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "li",
    "ul",
    "ol",
    "dl",
    "dt",
    "dd",
    "section",
    "article",
    "header",
    "footer",
    "blockquote",
    "pre",
    "hr",
    "center",
    "form",
    "fieldset",
    "address",
    "figure",
    "main",
];

/// A table being read.
#[derive(Debug, Default)]
struct OpenTable {
    number: usize,
    caption: String,
    in_caption: bool,
    rows: Vec<Vec<SourceCell>>,
    /// The cell being read: its text and spans.
    cell: Option<SourceCell>,
}

/// A table read whole, waiting for the table that holds it to end.
#[derive(Debug)]
struct DoneTable {
    number: usize,
    caption: String,
    rows: Vec<Vec<SourceCell>>,
}

#[derive(Debug, Default)]
struct Walk {
    limits: Limits,
    sink: Sink,
    /// Open tables, the innermost last.
    tables: Vec<OpenTable>,
    /// Tables nested in the open outermost one, read whole.
    nested: Vec<DoneTable>,
    count: usize,
    /// Text outside tables not yet made rows.
    text: String,
    /// How deep inside a skipped element the walk is.
    skipping: usize,
    /// Rows of text made when the open `<p>` started.
    paragraph_start: Option<usize>,
    text_rows: usize,
}

impl Walk {
    fn open<'a>(
        &mut self,
        name: &str,
        attr: impl Fn(&str) -> Option<&'a str>,
    ) -> Result<(), TablesError> {
        if self.skipping > 0 || SKIPPED.contains(&name) {
            self.skipping += 1;
            return Ok(());
        }
        match name {
            "table" => {
                if self.tables.is_empty() {
                    self.flush_text();
                    self.sink.brk();
                }
                self.count += 1;
                self.tables.push(OpenTable {
                    number: self.count,
                    ..OpenTable::default()
                });
            }
            "tr" => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Vec::new());
                }
            }
            "td" | "th" => {
                if let Some(t) = self.tables.last_mut() {
                    if t.rows.is_empty() {
                        t.rows.push(Vec::new());
                    }
                    t.cell = Some(SourceCell {
                        text: String::new(),
                        rows: span(attr("rowspan"), 1, 65534),
                        columns: span(attr("colspan"), 1, 1000).max(1),
                    });
                }
            }
            "caption" => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_caption = true;
                }
            }
            "br" => self.push_str("\n"),
            _ if BLOCKS.contains(&name) => {
                self.push_str("\n");
                if self.tables.is_empty() {
                    self.flush_text();
                    if name == "p" {
                        self.paragraph_start = Some(self.text_rows);
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn close(&mut self, name: &str) -> Result<(), TablesError> {
        if self.skipping > 0 {
            self.skipping -= 1;
            return Ok(());
        }
        match name {
            "td" | "th" => {
                if let Some(t) = self.tables.last_mut() {
                    if let Some(mut cell) = t.cell.take() {
                        cell.text = jixiao_model::grid::trim_lines(&cell.text);
                        if let Some(row) = t.rows.last_mut() {
                            row.push(cell);
                        }
                    }
                }
            }
            "caption" => {
                if let Some(t) = self.tables.last_mut() {
                    t.in_caption = false;
                }
            }
            "table" => {
                if let Some(t) = self.tables.pop() {
                    self.nested.push(DoneTable {
                        number: t.number,
                        caption: t.caption,
                        rows: t.rows,
                    });
                    if self.tables.is_empty() {
                        self.emit_tables()?;
                    }
                }
            }
            _ if BLOCKS.contains(&name) => {
                self.push_str("\n");
                if self.tables.is_empty() {
                    self.flush_text();
                    // An empty paragraph is a blank line.
                    if name == "p" && self.paragraph_start.take() == Some(self.text_rows) {
                        self.sink.brk();
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn text(&mut self, text: &str) {
        if self.skipping > 0 {
            return;
        }
        // Whitespace runs are one space, as a browser shows them.
        let mut shown = String::with_capacity(text.len());
        let mut space = false;
        for c in text.chars() {
            if c.is_ascii_whitespace() || c == '\u{a0}' {
                if !space {
                    shown.push(' ');
                }
                space = true;
            } else {
                shown.push(c);
                space = false;
            }
        }
        self.push_str(&shown);
    }

    /// Adds to the text being read: the open cell or caption, or the text
    /// outside tables. Text in a table but in no cell is dropped (the
    /// parser moves printable text out of tables before it).
    fn push_str(&mut self, s: &str) {
        match self.tables.last_mut() {
            Some(t) => {
                if let Some(cell) = t.cell.as_mut() {
                    cell.text.push_str(s);
                } else if t.in_caption {
                    t.caption.push_str(s);
                }
            }
            None => self.text.push_str(s),
        }
    }

    fn flush_text(&mut self) {
        let text = std::mem::take(&mut self.text);
        let lines = text.lines().filter(|l| !l.trim().is_empty()).count();
        if lines > 0 {
            self.sink.text(&text);
            self.text_rows += lines;
        }
    }

    /// The outermost table just closed: it and the tables nested in it,
    /// in the order they opened, each after a break.
    fn emit_tables(&mut self) -> Result<(), TablesError> {
        let mut done = std::mem::take(&mut self.nested);
        done.sort_by_key(|t| t.number);
        for t in done {
            let part = SourcePart::Table { number: t.number };
            let laid = lay_out(
                &t.rows,
                self.limits.max_cells,
                &format!("table {}", t.number),
            )?;
            self.sink.text(&jixiao_model::grid::trim_lines(&t.caption));
            for (i, row) in laid.iter().enumerate() {
                self.sink.row(&part, i + 1, row);
            }
            self.sink.brk();
        }
        Ok(())
    }
}

/// A `rowspan`/`colspan` value: its leading digits (`2px` is 2), else
/// `default`; at most `max`.
fn span(value: Option<&str>, default: u32, max: u32) -> u32 {
    let Some(v) = value else { return default };
    let digits: String = v.trim().chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u64>() {
        Ok(n) => n.min(u64::from(max)) as u32,
        Err(_) if digits.is_empty() => default,
        Err(_) => max,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::cells;

    fn grid(html: &str) -> Grid {
        read_text(html, &Limits::default()).unwrap()
    }

    #[test]
    fn rowspan_and_colspan_on_a_true_grid() {
        let g = grid(
            "<table><tr><td colspan=2>项目资金</td><td>年初预算数</td></tr>\
             <tr><td rowspan=2>其中</td><td>当年财政拨款</td><td>4,072.13</td></tr>\
             <tr><td>其他资金</td><td>0.00</td></tr></table>",
        );
        assert_eq!(
            cells(&g),
            vec![
                (1, vec![(0, "项目资金"), (2, "年初预算数")]),
                (2, vec![(0, "其中"), (1, "当年财政拨款"), (2, "4,072.13")]),
                (3, vec![(1, "其他资金"), (2, "0.00")]),
            ]
        );
        let head = &g.rows[0].cells[0];
        assert_eq!(
            head.span,
            Some(jixiao_model::Span {
                rows: 1,
                columns: 2
            })
        );
        assert_eq!(g.rows[1].cells[0].span.map(|s| s.rows), Some(2));
        assert_eq!(g.rows[1].cells[1].span, None);
        let o = &g.origins[2];
        assert_eq!((o.row, &o.part), (3, &SourcePart::Table { number: 1 }));
        assert_eq!(o.cells[0].source_column, 2);
    }

    #[test]
    fn text_outside_tables_is_rows_of_one_cell_in_order() {
        let g = grid(
            "<html><head><title>不是正文</title><style>td{}</style></head><body>\
             <h3>财政项目支出绩效自评表</h3><p>单位：万元</p>\
             <table><tr><td>项目名称</td><td>示例</td></tr></table>\
             <p>备注：无</p><p>&nbsp;</p><div>第二段</div></body></html>",
        );
        assert_eq!(
            cells(&g),
            vec![
                (1, vec![(0, "财政项目支出绩效自评表")]),
                (2, vec![(0, "单位：万元")]),
                (4, vec![(0, "项目名称"), (1, "示例")]),
                (6, vec![(0, "备注：无")]),
                (8, vec![(0, "第二段")]),
            ]
        );
        assert!(g.rows[2].after_break && g.rows[3].after_break && g.rows[4].after_break);
        assert_eq!(g.origins[0].part, SourcePart::Text);
    }

    #[test]
    fn br_and_paragraphs_in_a_cell_are_line_breaks_and_nbsp_is_empty() {
        let g = grid(
            "<table><tr><td>第一行<br>第二行</td><td><p>甲</p><p>乙</p></td>\
             <td>&nbsp;</td><td> 4,072.13&nbsp;</td></tr></table>",
        );
        assert_eq!(
            cells(&g),
            vec![(
                1,
                vec![(0, "第一行\n第二行"), (1, "甲\n乙"), (3, "4,072.13")]
            )]
        );
        // A row of `&nbsp;` cells only is a break, as a line of tabs is.
        let g = grid(
            "<table><tr><td>a</td></tr><tr><td>&nbsp;</td><td> </td></tr><tr><td>b</td></tr></table>",
        );
        assert_eq!(cells(&g), vec![(1, vec![(0, "a")]), (3, vec![(0, "b")])]);
        assert!(g.rows[1].after_break);
    }

    #[test]
    fn a_nested_table_is_its_own_table_after_the_one_holding_it() {
        let g = grid(
            "<table><tr><td>外</td><td>前<table><tr><td>内1</td><td>内2</td></tr></table>后</td></tr>\
             <tr><td>末</td></tr></table>",
        );
        assert_eq!(
            cells(&g),
            vec![
                (1, vec![(0, "外"), (1, "前后")]),
                (2, vec![(0, "末")]),
                (4, vec![(0, "内1"), (1, "内2")]),
            ]
        );
        assert_eq!(g.origins[2].part, SourcePart::Table { number: 2 });
    }

    #[test]
    fn charsets_are_decoded_as_declared() {
        let (gbk, _, _) = encoding_rs::GBK.encode("<meta charset=\"gbk\"><p>单位：万元</p>");
        assert!(decode(&gbk).contains("单位：万元"));
        let page = "<meta http-equiv=\"Content-Type\" content=\"text/html; charset=GB2312\"><p>项目名称</p>";
        let (bytes, _, _) = encoding_rs::GBK.encode(page);
        assert!(decode(&bytes).contains("项目名称"));
        // Nothing declared and not UTF-8: GB18030.
        let (bytes, _, _) = encoding_rs::GB18030.encode("<p>绩效</p>");
        assert!(decode(&bytes).contains("绩效"));
        assert!(decode("<p>绩效</p>".as_bytes()).contains("绩效"));
    }

    #[test]
    fn pages_nested_too_deep_are_refused_before_parsing() {
        let deep = format!("{}x{}", "<div>".repeat(30_000), "</div>".repeat(30_000));
        match read_text(&deep, &Limits::default()) {
            Err(TablesError::Part { why, .. }) => assert!(why.contains("nested too deep"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Unclosed cells and paragraphs, comments and scripts do not count.
        let sloppy = format!(
            "<table>{}</table><!-- <div><div> --><script>{}</script>",
            "<tr><td><p>1<td>2".repeat(50_000),
            "<div>".repeat(50_000)
        );
        assert!(
            nesting_work(sloppy.as_bytes()) < 10,
            "{}",
            nesting_work(sloppy.as_bytes())
        );
        let page = "<html><body><div><table><tr><td><b>a</b></td></tr></table></div></body></html>";
        assert_eq!(nesting_work(page.as_bytes()), 1 + 2 + 3 + 4);
    }

    #[test]
    fn a_table_over_the_cell_limit_is_an_error() {
        let limits = Limits {
            max_cells: 10,
            ..Limits::default()
        };
        let r = read_text("<table><tr><td colspan=20>x</td></tr></table>", &limits);
        assert!(matches!(r, Err(TablesError::TooManyCells { .. })), "{r:?}");
    }
}
