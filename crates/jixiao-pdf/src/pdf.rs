//! Opening published PDFs and collecting the glyphs of their text layer,
//! with a clear error for every kind of PDF that cannot be read: empty, not
//! a PDF, damaged, encrypted with a user password, without a text layer,
//! too large once inflated, or claiming an absurd number of pages.
//!
//! The content streams are interpreted by `content` on the lopdf that
//! pdf-extract re-exports; a PDF whose cross-reference table is lost is
//! rebuilt by `repair`; every document is read inside `catch_unwind`, so a
//! defect in a parser costs that file and never the process.

use jixiao_model::{Cell, CellBox, Rect, Row, RowGeometry};
use pdf_extract::{Document, Object, ObjectId};
use std::collections::{HashMap, HashSet};

/// Bounds that keep a hostile or broken PDF from exhausting the machine:
/// every budget the reader keeps is here, and `Default` gives values far
/// above what any published form needs.
#[derive(Debug, Clone, Copy)]
pub struct PdfLimits {
    /// Most pages a document may have (or claim to have).
    pub max_pages: usize,
    /// Most bytes one page's content streams together, or any one other
    /// stream (a form XObject, a ToUnicode CMap, an object stream), may
    /// inflate to.
    pub max_content_bytes: u64,
    /// Most bytes all the streams of a document together may inflate to.
    pub max_document_bytes: u64,
    /// Most objects a lost cross-reference table is rebuilt from.
    pub max_objects: usize,
    /// Most content operators one page may run, those of the form
    /// XObjects it draws included, counted at each time a form is drawn.
    pub max_page_operators: u64,
    /// Most content operators a whole document may run, counted as for
    /// a page.
    pub max_document_operators: u64,
    /// Most glyphs one page may show.
    pub max_page_glyphs: usize,
    /// Most places one page's horizontal and vertical rules may cross
    /// (counted by pairs of rules, once the rules are joined where they
    /// touch): each crossing may be a cell's corner.
    pub max_page_crossings: usize,
    /// Most levels arrays and dictionaries may nest in an object (lopdf,
    /// the parser, gives up beyond 100), and most graphics states a
    /// content stream may save with `q` at once (further saves are not
    /// kept).
    pub max_nesting: usize,
    /// Most levels form XObjects may be drawn inside one another (deeper
    /// ones are not drawn).
    pub max_form_depth: usize,
    /// Most entries a font's ToUnicode map or widths may be given, ranges
    /// counted by the codes they cover.
    pub max_font_entries: usize,
}

impl Default for PdfLimits {
    fn default() -> Self {
        PdfLimits {
            max_pages: 5_000,
            max_content_bytes: 64 * 1024 * 1024,
            max_document_bytes: 512 * 1024 * 1024,
            max_objects: 2_000_000,
            max_page_operators: 500_000,
            max_document_operators: 5_000_000,
            max_page_glyphs: 200_000,
            max_page_crossings: 500_000,
            max_nesting: 100,
            max_form_depth: 8,
            max_font_entries: 1 << 20,
        }
    }
}

/// One glyph of the text layer, in page space (origin bottom left, points).
#[derive(Debug, Clone, PartialEq)]
pub struct Glyph {
    /// The text it shows (usually one character).
    pub text: String,
    /// Origin, x.
    pub x: f64,
    /// Origin (baseline), y.
    pub y: f64,
    /// Font size in page space.
    pub size: f64,
    /// Advance width in page space.
    pub width: f64,
}

/// One page's glyphs and ruling.
#[derive(Debug, Clone, PartialEq)]
pub struct PageText {
    /// 1-based page number.
    pub number: u32,
    /// Page width and height (points).
    pub size: (f64, f64),
    /// Glyphs in content order.
    pub glyphs: Vec<Glyph>,
    /// Painted rectangles: the cells of ruled tables.
    pub rects: Vec<Rect>,
    /// Horizontal and vertical rules (stroked lines, and rectangles too
    /// thin to be cells), each a box of zero height or width.
    pub rules: Vec<Rect>,
}

/// Why a PDF could not be read; every message names what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// Zero bytes.
    #[error("empty file; expected a PDF")]
    Empty,
    /// No `%PDF-` header near the start.
    #[error("not a PDF: no %PDF- header in the first 1024 bytes")]
    NotPdf,
    /// The structure cannot be parsed (truncated, damaged).
    #[error("the PDF structure cannot be read (truncated or damaged): {0}")]
    Damaged(String),
    /// Encrypted with a user password, none or a wrong one given.
    #[error("encrypted with a user password; {0}")]
    Password(String),
    /// More pages than the limit.
    #[error("claims {claimed} pages; more than the limit of {limit}")]
    TooManyPages {
        /// Pages the document claims.
        claimed: u64,
        /// The limit.
        limit: usize,
    },
    /// A page's content inflates beyond the limit.
    #[error("page {page}: its content inflates beyond {limit} bytes (a decompression bomb?)")]
    Bomb {
        /// The page.
        page: u32,
        /// The limit in bytes.
        limit: u64,
    },
    /// pdf-extract failed or panicked on the content.
    #[error("the text layer cannot be read: {0}")]
    TextLayer(String),
    /// Pages with no text at all: a scan.
    #[error("no text layer on any of its {0} pages (a scan?); OCR is not supported")]
    NoText(usize),
    /// The page tree leads back to a node it came from, and no page is
    /// reached otherwise.
    #[error("page tree loops back to object {object}; no page can be reached")]
    PageTreeLoop {
        /// The node the loop leads back to.
        object: u32,
    },
    /// A stream's data cannot be decoded by its filter.
    #[error("page {page}: stream of object {object} cannot be decoded ({filter}: {why})")]
    Undecodable {
        /// The page being read.
        page: u32,
        /// The stream's object number.
        object: u32,
        /// The filter that failed.
        filter: String,
        /// What the decoder said.
        why: String,
    },
    /// A stream other than a page's content inflates beyond the limit.
    #[error("page {page}: stream of object {object} inflates beyond {limit} bytes (a decompression bomb?)")]
    StreamBomb {
        /// The page being read.
        page: u32,
        /// The stream's object number.
        object: u32,
        /// The limit in bytes.
        limit: u64,
    },
    /// The streams of the document together inflate beyond the limit.
    #[error("page {page}: its streams and the document's before it inflate beyond {limit} bytes together")]
    DocumentBomb {
        /// The page being read when the limit was reached.
        page: u32,
        /// The limit in bytes.
        limit: u64,
    },
    /// A page runs more content operators than the budget per page.
    #[error("page {page}: more than {limit} content operators (the budget per page, form XObjects counted each time they are drawn)")]
    PageOperators {
        /// The page.
        page: u32,
        /// The budget.
        limit: u64,
    },
    /// The document runs more content operators than the budget per
    /// document.
    #[error("page {page}: the document's budget of {limit} content operators (form XObjects counted each time they are drawn) is spent")]
    DocumentOperators {
        /// The page it was spent on.
        page: u32,
        /// The budget.
        limit: u64,
    },
    /// A page shows more glyphs than the budget per page.
    #[error("page {page}: more than {limit} glyphs")]
    PageGlyphs {
        /// The page.
        page: u32,
        /// The budget.
        limit: usize,
    },
    /// A page's rules cross more often than the budget per page.
    #[error("page {page}: its rules cross more than {limit} times (the budget of rule crossings per page)")]
    PageCrossings {
        /// The page.
        page: u32,
        /// The budget.
        limit: usize,
    },
    /// Arrays or dictionaries nested deeper than the limit.
    #[error("object {object}: arrays or dictionaries nested deeper than {limit} levels")]
    TooDeep {
        /// The object number.
        object: u32,
        /// The limit in levels.
        limit: usize,
    },
    /// Rebuilding a lost cross-reference table found too many objects.
    #[error(
        "its cross-reference table is lost, and rebuilding it found more than {limit} objects"
    )]
    TooManyObjects {
        /// The limit.
        limit: usize,
    },
}

impl PdfError {
    /// Whether the error is one page's (the other pages can still be
    /// read), not the whole document's.
    pub fn page_only(&self) -> bool {
        matches!(
            self,
            PdfError::Bomb { .. }
                | PdfError::Undecodable { .. }
                | PdfError::StreamBomb { .. }
                | PdfError::DocumentBomb { .. }
                | PdfError::PageOperators { .. }
                | PdfError::DocumentOperators { .. }
                | PdfError::PageGlyphs { .. }
                | PdfError::PageCrossings { .. }
        )
    }
}

/// A row being built: its top, and its cells (column, text, box).
type Band = (f64, Vec<(usize, String, Rect)>);

/// The page's cells: its painted rectangles, and the boxes its rules close
/// (a table drawn with lines, or with bars too thin to be cells), each
/// once.
fn cell_boxes(page: &PageText) -> Vec<Rect> {
    // Boxes by their top left corner rounded down: a box within 1 pt of
    // another on every side is in one of the 9 buckets around it. Corners
    // of ruled cells are crossings, at least 1 pt apart, so few of them
    // look into any one bucket.
    let bucket = |r: &Rect| [r.x0, r.y1].map(|v| v.floor() as i64);
    let mut index: HashMap<[i64; 2], Vec<usize>> = HashMap::new();
    let mut boxes = page.rects.clone();
    for (k, r) in boxes.iter().enumerate() {
        index.entry(bucket(r)).or_default().push(k);
    }
    for cell in crate::ruling::cells_from_rules(&page.rules) {
        let same = |r: &Rect| {
            (r.x0 - cell.x0).abs() < 1.0
                && (r.x1 - cell.x1).abs() < 1.0
                && (r.y0 - cell.y0).abs() < 1.0
                && (r.y1 - cell.y1).abs() < 1.0
        };
        let at = bucket(&cell);
        let near = (0..9).any(|n: i64| {
            let mut probe = at;
            let mut rest = n;
            for p in &mut probe {
                *p = p.saturating_add(rest % 3 - 1);
                rest /= 3;
            }
            index
                .get(&probe)
                .is_some_and(|found| found.iter().any(|&k| same(&boxes[k])))
        });
        if !near {
            index.entry(at).or_default().push(boxes.len());
            boxes.push(cell);
        }
    }
    boxes
}

/// The rank among `lefts` (sorted, NaN at the ends if anywhere) of the
/// first left edge within 1 pt of `x`, or 0 when none is: a binary
/// search among the numbers, as the distance from `x` rises with them.
fn column_of(lefts: &[f64], x: f64) -> usize {
    let start = lefts.partition_point(|l| l.is_nan() && l.is_sign_negative());
    let end = lefts.len()
        - lefts[start..]
            .iter()
            .rev()
            .take_while(|l| l.is_nan())
            .count();
    let numbers = &lefts[start..end];
    let first = numbers.partition_point(|&l| l - x <= -1.0);
    match numbers.get(first) {
        Some(&l) if (l - x).abs() < 1.0 => start + first,
        _ => 0,
    }
}

/// Rows of cells from the pages: every painted rectangle is a cell, and so
/// is every box that rules close; a cell's column is the rank of its left
/// edge among the table's; text outside any cell makes rows of one cell,
/// one per baseline. Rows run top to bottom; the first row of each page
/// after the first follows a break.
/// Returns the rows with where each of them is (page, and each cell's box).
pub fn pdf_rows(pages: &[PageText]) -> (Vec<Row>, Vec<RowGeometry>) {
    let mut rows = Vec::new();
    let mut geometry = Vec::new();
    for page in pages {
        let boxes = cell_boxes(page);
        // Left edges of the page's cells, clustered, give the columns.
        let mut lefts: Vec<f64> = boxes.iter().map(|r| r.x0).collect();
        lefts.sort_by(f64::total_cmp);
        lefts.dedup_by(|a, b| (*a - *b).abs() < 1.0);
        let column_of = |x: f64| column_of(&lefts, x);
        // Bands: each distinct cell top, and each baseline outside cells.
        let mut used = vec![false; page.glyphs.len()];
        // Glyphs by baseline, so that a cell looks only at those in its band.
        let mut by_y: Vec<usize> = (0..page.glyphs.len()).collect();
        by_y.sort_by(|&a, &b| page.glyphs[a].y.total_cmp(&page.glyphs[b].y));
        let ys: Vec<f64> = by_y.iter().map(|&i| page.glyphs[i].y).collect();
        let mut items: Vec<Band> = Vec::new();
        let mut tops: Vec<f64> = boxes.iter().map(|r| r.y1).collect();
        tops.sort_by(|a, b| b.total_cmp(a));
        tops.dedup_by(|a, b| (*a - *b).abs() < 0.5);
        // Boxes by top, so that a band looks only at those near its top.
        let mut by_top: Vec<usize> = (0..boxes.len())
            .filter(|&k| !boxes[k].y1.is_nan())
            .collect();
        by_top.sort_by(|&a, &b| boxes[a].y1.total_cmp(&boxes[b].y1));
        for top in tops {
            let mut cells: Vec<(usize, String, Rect)> = Vec::new();
            let mut columns: HashSet<usize> = HashSet::new();
            let from = by_top.partition_point(|&k| boxes[k].y1 - top <= -0.5);
            let to = by_top.partition_point(|&k| boxes[k].y1 - top < 0.5);
            let mut near: Vec<usize> = by_top[from..to.max(from)].to_vec();
            near.sort_unstable();
            for rect in near.iter().map(|&k| &boxes[k]) {
                let from = ys.partition_point(|&y| y < rect.y0 - 0.5);
                let to = ys.partition_point(|&y| y <= rect.y1 + 0.5);
                let inside: Vec<usize> = by_y[from..to]
                    .iter()
                    .copied()
                    .filter(|&i| !used[i] && rect.contains(page.glyphs[i].x, page.glyphs[i].y))
                    .collect();
                inside.iter().for_each(|&i| used[i] = true);
                let text = cell_text(&page.glyphs, &inside, rect);
                let column = column_of(rect.x0);
                if !text.trim().is_empty() && columns.insert(column) {
                    cells.push((column, text.trim().to_string(), *rect));
                }
            }
            cells.sort_by_key(|(c, _, _)| *c);
            if !cells.is_empty() {
                items.push((top, cells));
            }
        }
        // Text outside every cell: one row per baseline, split into
        // columns where the lines line up as a borderless table.
        let lines = free_lines(page, &used);
        // A line of blank glyphs has no span, and makes no row.
        let spans: Vec<Vec<Span>> = lines
            .iter()
            .map(|l| spans_of(page, l))
            .filter(|spans| !spans.is_empty())
            .collect();
        let bounds = alignment_columns(&spans);
        for line in &spans {
            let Some(line_top) = line.first().map(|s| s.top) else {
                continue;
            };
            let inside = bounds
                .as_ref()
                .is_some_and(|(_, top, bottom)| line_top <= top + 0.5 && line_top >= bottom - 0.5);
            let mut cells: Vec<(usize, String, Rect)> = Vec::new();
            for span in line {
                let column = match (&bounds, inside) {
                    (Some((cuts, _, _)), true) => {
                        cuts.iter().filter(|&&c| c < span.rect.x0).count()
                    }
                    _ => 0,
                };
                match cells.last_mut() {
                    Some((c, text, rect)) if *c == column => {
                        text.push(' ');
                        text.push_str(&span.text);
                        rect.x1 = rect.x1.max(span.rect.x1);
                        rect.y0 = rect.y0.min(span.rect.y0);
                        rect.y1 = rect.y1.max(span.rect.y1);
                    }
                    _ => cells.push((column, span.text.clone(), span.rect)),
                }
            }
            if !cells.is_empty() {
                items.push((line_top, cells));
            }
        }
        items.sort_by(|a, b| b.0.total_cmp(&a.0));
        for (k, (_, cells)) in items.into_iter().enumerate() {
            let number = rows.len() + 1;
            geometry.push(RowGeometry {
                line: number,
                page: page.number,
                cells: cells
                    .iter()
                    .map(|(c, _, r)| CellBox {
                        column: *c,
                        bbox: *r,
                    })
                    .collect(),
            });
            let cells: Vec<Cell> = cells
                .into_iter()
                .map(|(c, t, _)| Cell::new(c, &t))
                .collect();
            rows.push(Row::new(number, cells, k == 0 && page.number > 1));
        }
    }
    (rows, geometry)
}

/// The text of a cell from its glyphs: lines top down (a baseline within
/// 1 pt is one line), each left to right, joined. A wrapped line ends
/// without the space it was broken at; the space is put back where both
/// sides of the break are Latin letters or digits and the line ends short
/// of the cell's right edge by more than the next line's first character,
/// which would have fitted had the break been inside a word. Anywhere else
/// (Chinese text, a line filled to the edge) lines join as they are.
fn cell_text(glyphs: &[Glyph], inside: &[usize], rect: &Rect) -> String {
    let mut order = inside.to_vec();
    order.sort_by(|&a, &b| glyphs[b].y.total_cmp(&glyphs[a].y));
    let mut lines: Vec<Vec<&Glyph>> = Vec::new();
    for &i in &order {
        let g = &glyphs[i];
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= 1.0 => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    for line in &mut lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
    }
    // The padding on the left, taken to be the same on the right.
    let pad = lines
        .iter()
        .map(|l| l[0].x - rect.x0)
        .fold(f64::MAX, f64::min)
        .max(0.0);
    let latin = |t: &str| t.chars().all(|c| c.is_ascii_alphanumeric()) && !t.is_empty();
    let mut text = String::new();
    for (k, line) in lines.iter().enumerate() {
        if k > 0 {
            let last = lines[k - 1]
                .iter()
                .rev()
                .find(|g| !g.text.trim().is_empty());
            let first = line.iter().find(|g| !g.text.trim().is_empty());
            if let (Some(last), Some(first)) = (last, first) {
                let room = rect.x1 - pad - (last.x + last.width);
                if latin(&last.text) && latin(&first.text) && room > first.width + 0.1 {
                    text.push(' ');
                }
            }
        }
        for g in line {
            text.push_str(&g.text);
        }
    }
    text
}

/// A run of glyphs on one baseline with no gap wider than a third of the
/// font size: a word, or a cell's text in a table without rules.
#[derive(Debug, Clone)]
struct Span {
    text: String,
    rect: Rect,
    /// Top of the line it is on.
    top: f64,
}

/// The glyphs outside every cell, in lines (one per baseline, top down),
/// each left to right.
fn free_lines(page: &PageText, used: &[bool]) -> Vec<Vec<usize>> {
    let mut free: Vec<usize> = (0..page.glyphs.len()).filter(|&i| !used[i]).collect();
    let g = &page.glyphs;
    free.sort_by(|&a, &b| g[b].y.total_cmp(&g[a].y).then(g[a].x.total_cmp(&g[b].x)));
    let mut lines: Vec<Vec<usize>> = Vec::new();
    for i in free {
        match lines.last_mut() {
            Some(line) if (g[line[0]].y - g[i].y).abs() <= 1.0 => line.push(i),
            _ => lines.push(vec![i]),
        }
    }
    for line in &mut lines {
        line.sort_by(|&a, &b| g[a].x.total_cmp(&g[b].x));
    }
    lines
}

/// A line's spans, blank ones left out; never empty for a line with text.
fn spans_of(page: &PageText, line: &[usize]) -> Vec<Span> {
    let g = &page.glyphs;
    let top = line
        .iter()
        .map(|&i| g[i].y + g[i].size)
        .fold(f64::MIN, f64::max);
    let mut spans: Vec<Span> = Vec::new();
    let mut end = f64::MIN;
    for &i in line {
        let glyph = &g[i];
        let joined = glyph.x - end <= glyph.size / 3.0;
        match spans.last_mut() {
            Some(span) if joined => {
                span.text.push_str(&glyph.text);
                span.rect.x1 = span.rect.x1.max(glyph.x + glyph.width);
                span.rect.y0 = span.rect.y0.min(glyph.y);
                span.rect.y1 = span.rect.y1.max(glyph.y + glyph.size);
            }
            _ => spans.push(Span {
                text: glyph.text.clone(),
                rect: Rect {
                    x0: glyph.x,
                    y0: glyph.y,
                    x1: glyph.x + glyph.width,
                    y1: glyph.y + glyph.size,
                },
                top,
            }),
        }
        end = end.max(glyph.x + glyph.width);
    }
    spans.retain_mut(|s| {
        let trimmed = s.text.trim();
        if trimmed.len() != s.text.len() {
            s.text = trimmed.to_string();
        }
        !s.text.is_empty()
    });
    spans
}

/// Covered x ranges put together into columns, left to right: from the
/// right, a range joins the column to its right unless some line has text
/// in both (a centred header over right-aligned amounts, or a label in a
/// row of its own, are parts of one column; amounts are right-aligned, so
/// a column's parts lean on its right edge). Returns each column's extent.
fn group_columns(table: &[&Vec<Span>], ranges: &[(f64, f64)]) -> Vec<(f64, f64)> {
    let holds = |(x0, x1): (f64, f64)| -> Vec<usize> {
        (0..table.len())
            .filter(|&n| table[n].iter().any(|s| s.rect.x0 >= x0 && s.rect.x0 <= x1))
            .collect()
    };
    let mut columns: Vec<(f64, f64)> = Vec::new();
    let mut lines: Vec<usize> = Vec::new();
    for &range in ranges.iter().rev() {
        let here = holds(range);
        match columns.last_mut() {
            Some(column) if here.iter().all(|n| !lines.contains(n)) => {
                column.0 = range.0;
                lines.extend(here);
            }
            _ => {
                columns.push(range);
                lines = here;
            }
        }
    }
    columns.reverse();
    columns
}

/// An x range: left and right.
type Extent = (f64, f64);

/// Overlapping or touching x ranges joined, left to right.
fn merge_ranges(mut ranges: Vec<(f64, f64)>) -> Vec<(f64, f64)> {
    ranges.sort_by(|a, b| a.0.total_cmp(&b.0));
    let mut merged: Vec<(f64, f64)> = Vec::new();
    for (x0, x1) in ranges {
        match merged.last_mut() {
            Some(last) if x0 <= last.1 + 0.5 => last.1 = last.1.max(x1),
            _ => merged.push((x0, x1)),
        }
    }
    merged
}

/// Columns of a table drawn without rules, from how its lines line up:
/// where three or more lines have several spans, an x range that no span of
/// those lines covers is a gutter; the ranges between gutters are put
/// together into columns as long as no line has text in two of them.
/// Returns the cuts between columns and the top and bottom of the lines
/// they hold for, or `None` when the page has no such table.
fn alignment_columns(lines: &[Vec<Span>]) -> Option<(Vec<f64>, f64, f64)> {
    let table: Vec<&Vec<Span>> = lines.iter().filter(|l| l.len() >= 2).collect();
    if table.len() < 3 {
        return None;
    }
    // Covered x ranges, merged: the gaps between them are the gutters. A
    // span much wider than most that reaches over two columns the others
    // make is a cell merged across them (a project name over the empty
    // amount columns): it must not close the gutters it crosses.
    let spans: Vec<(f64, f64)> = table
        .iter()
        .flat_map(|l| l.iter().map(|s| (s.rect.x0, s.rect.x1)))
        .collect();
    let mut widths: Vec<f64> = spans.iter().map(|s| s.1 - s.0).collect();
    widths.sort_by(f64::total_cmp);
    let median = widths.get(widths.len() / 2).copied().unwrap_or(0.0);
    let wide = (3.0 * median).max(60.0);
    let (narrow, broad): (Vec<Extent>, Vec<Extent>) = spans.iter().partition(|s| s.1 - s.0 <= wide);
    let apart = group_columns(&table, &merge_ranges(narrow.clone()));
    let within: Vec<(f64, f64)> = broad
        .into_iter()
        .filter(|b| apart.iter().filter(|c| c.0 < b.1 && b.0 < c.1).count() <= 1)
        .collect();
    let columns = group_columns(
        &table,
        &merge_ranges(narrow.into_iter().chain(within).collect()),
    );
    let cuts: Vec<f64> = columns
        .windows(2)
        .map(|w| (w[0].1 + w[1].0) / 2.0)
        .collect();
    if cuts.is_empty() {
        return None;
    }
    let top = table.iter().map(|l| l[0].top).fold(f64::MIN, f64::max);
    let bottom = table.iter().map(|l| l[0].top).fold(f64::MAX, f64::min);
    Some((cuts, top, bottom))
}

/// The text layer of a PDF, and what had to be repaired to read it.
#[derive(Debug, Clone, PartialEq)]
pub struct PdfText {
    /// The glyphs of every page.
    pub pages: Vec<PageText>,
    /// Repairs made to the file's structure, and the pages left out,
    /// said in words.
    pub repairs: Vec<String>,
    /// Why each page left out was (its number is in the error).
    pub unread: Vec<PdfError>,
}

/// Loads the document, rebuilding a lost cross-reference table from the
/// objects when it can; the repair, if any, is said in the second value.
fn load(bytes: &[u8], limits: &PdfLimits) -> Result<(Document, Option<String>), PdfError> {
    let error = match Document::load_mem(bytes) {
        Ok(doc) => return Ok((doc, None)),
        Err(e) => e.to_string(),
    };
    let rebuilt = crate::repair::rebuild_xref(
        bytes,
        limits.max_objects,
        limits.max_content_bytes,
        limits.max_document_bytes,
    )
    .map_err(
        |crate::repair::Refused::TooManyObjects| PdfError::TooManyObjects {
            limit: limits.max_objects,
        },
    )?;
    let Some(rebuilt) = rebuilt else {
        return Err(PdfError::Damaged(format!(
            "{error}; no catalog object found to rebuild it from"
        )));
    };
    if rebuilt.encrypted {
        return Err(PdfError::Damaged(format!(
            "{error}; the file is encrypted, and the trailer that names its encryption and holds \
             the file ID its key is made from was lost with the table, so it cannot be repaired"
        )));
    }
    let doc = Document::load_mem(&rebuilt.bytes)
        .map_err(|e| PdfError::Damaged(format!("{error}; rebuilding the table failed too: {e}")))?;
    let mut said = format!(
        "cross-reference table unreadable ({error}); rebuilt from {} objects found in the file",
        rebuilt.objects
    );
    if rebuilt.unpacked > 0 {
        said.push_str(&format!(
            " ({} of them unpacked from object streams)",
            rebuilt.unpacked
        ));
    }
    if rebuilt.incomplete > 0 {
        said.push_str(&format!(", leaving out {} cut short", rebuilt.incomplete));
    }
    Ok((doc, Some(said)))
}

/// Whether `%PDF-` appears in the first 1024 bytes, where readers look.
pub fn has_pdf_header(bytes: &[u8]) -> bool {
    bytes[..bytes.len().min(1024)]
        .windows(5)
        .any(|w| w == b"%PDF-")
}

fn open(
    bytes: &[u8],
    password: Option<&str>,
    limits: &PdfLimits,
) -> Result<(Document, Option<String>), PdfError> {
    let (doc, repair) = load(bytes, limits)?;
    if !doc.is_encrypted() {
        return Ok((doc, repair));
    }
    let with_password = |pw: &str| {
        let options = pdf_extract::LoadOptions {
            password: Some(pw.to_string()),
            ..pdf_extract::LoadOptions::default()
        };
        Document::load_mem_with_options(bytes, options)
    };
    // An owner password alone leaves the user password empty.
    if let Ok(doc) = with_password("") {
        if !doc.is_encrypted() || doc.get_pages().values().next().is_some() {
            return Ok((doc, repair));
        }
    }
    match password {
        None => Err(PdfError::Password("give it with --password".into())),
        Some(pw) => with_password(pw)
            .map(|doc| (doc, repair))
            .map_err(|_| PdfError::Password("the password given does not open it".into())),
    }
}

/// The page count the page tree claims.
fn claimed_pages(doc: &Document) -> Option<u64> {
    let catalog = doc.catalog().ok()?;
    let pages = catalog.get(b"Pages").ok()?.as_reference().ok()?;
    let count = doc
        .get_object(pages)
        .ok()?
        .as_dict()
        .ok()?
        .get(b"Count")
        .ok()?
        .as_i64()
        .ok()?;
    u64::try_from(count).ok()
}

/// What walking the page tree found besides the pages.
#[derive(Default)]
struct TreeFaults {
    /// The first node a loop leads back to.
    looped: Option<u32>,
    /// The first page object the tree lists more than once, and how many
    /// listings of pages are repeats: a tree lists each page once, so
    /// each is read once.
    repeated: Option<(u32, usize)>,
}

/// The pages in order, walking the page tree as lopdf does, but never
/// into a node of it a second time, and each page once.
fn page_tree(doc: &Document) -> (Vec<ObjectId>, TreeFaults) {
    let Some(root) = doc
        .catalog()
        .and_then(|c| c.get(b"Pages"))
        .and_then(Object::as_reference)
        .ok()
    else {
        return (Vec::new(), TreeFaults::default());
    };
    let kids = |id: ObjectId| -> &[Object] {
        doc.get_dictionary(id)
            .and_then(|node| node.get_deref(b"Kids", doc))
            .and_then(Object::as_array)
            .map_or(&[], |k| k.as_slice())
    };
    let mut pages = Vec::new();
    let mut faults = TreeFaults::default();
    let mut seen: HashSet<ObjectId> = HashSet::new();
    let mut walked = HashSet::from([root]);
    let mut stack = vec![kids(root).iter()];
    while let Some(level) = stack.last_mut() {
        let Some(kid) = level.next() else {
            stack.pop();
            continue;
        };
        let Ok(id) = kid.as_reference() else {
            continue;
        };
        match doc.get_dictionary(id).and_then(|d| d.get_type()) {
            Ok(b"Page") if seen.insert(id) => pages.push(id),
            Ok(b"Page") => match &mut faults.repeated {
                Some((_, times)) => *times += 1,
                None => faults.repeated = Some((id.0, 1)),
            },
            Ok(b"Pages") if walked.insert(id) => stack.push(kids(id).iter()),
            Ok(b"Pages") => {
                faults.looped.get_or_insert(id.0);
            }
            _ => {}
        }
    }
    (pages, faults)
}

/// Opens a PDF and collects the glyphs of every page.
pub fn read_pdf_text(
    bytes: &[u8],
    password: Option<&str>,
    limits: PdfLimits,
) -> Result<Vec<PageText>, PdfError> {
    read_pdf(bytes, password, limits).map(|text| text.pages)
}

/// Opens a PDF and collects the glyphs of every page, saying what had to
/// be repaired to read it. A page that cannot be read alone (a budget of
/// `limits` spent on it, a stream that cannot be decoded) is left out and
/// said among the repairs; when no page can be read, the first such cause
/// is the error. No input makes it panic; a defect that would is caught
/// and said as an error.
pub fn read_pdf(
    bytes: &[u8],
    password: Option<&str>,
    limits: PdfLimits,
) -> Result<PdfText, PdfError> {
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        read(bytes, password, &limits)
    }));
    result.unwrap_or_else(|_| {
        Err(PdfError::TextLayer(
            "jixiao failed while reading it (an internal error, not a fault of the file alone); please report the file".into(),
        ))
    })
}

fn read(bytes: &[u8], password: Option<&str>, limits: &PdfLimits) -> Result<PdfText, PdfError> {
    if bytes.is_empty() {
        return Err(PdfError::Empty);
    }
    if !has_pdf_header(bytes) {
        return Err(PdfError::NotPdf);
    }
    if let Some(object) = crate::scan::too_deep(bytes, limits.max_nesting) {
        return Err(PdfError::TooDeep {
            object,
            limit: limits.max_nesting,
        });
    }
    let mut repairs = Vec::new();
    let mended = crate::scan::mend_lengths(bytes);
    let bytes = match &mended {
        Some((mended, notes)) => {
            repairs.extend(notes.iter().cloned());
            mended.as_slice()
        }
        None => bytes,
    };
    let (doc, rebuilt) = open(bytes, password, limits)?;
    repairs.extend(rebuilt.iter().cloned());
    let (page_ids, faults) = page_tree(&doc);
    if let Some((object, times)) = faults.repeated {
        repairs.push(format!(
            "page tree lists pages more than once ({times} repeated listings, the first of object {object}); each page is read once"
        ));
    }
    let looped = faults.looped;
    let claimed = claimed_pages(&doc)
        .unwrap_or(page_ids.len() as u64)
        .max(page_ids.len() as u64);
    if claimed > limits.max_pages as u64 {
        return Err(PdfError::TooManyPages {
            claimed,
            limit: limits.max_pages,
        });
    }
    if let Some(object) = looped {
        if page_ids.is_empty() {
            return Err(PdfError::PageTreeLoop { object });
        }
        repairs.push(format!(
            "page tree loops back to object {object}; the loop was not followed"
        ));
    }
    let reading = crate::content::pages(&doc, &page_ids, limits)?;
    repairs.extend(reading.notes);
    let pages = reading.pages;
    if pages
        .iter()
        .all(|p| p.glyphs.iter().all(|g| g.text.trim().is_empty()))
    {
        if let Some(first) = reading.unread.into_iter().next() {
            return Err(first);
        }
        // A rebuilt file whose pages lost their content is truncated, not
        // a scan.
        return Err(match rebuilt {
            Some(said) => PdfError::Damaged(format!("{said}; no page text survived")),
            None => PdfError::NoText(pages.len()),
        });
    }
    repairs.extend(reading.unread.iter().map(|e| format!("left out: {e}")));
    Ok(PdfText {
        pages,
        repairs,
        unread: reading.unread,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn glyphs(line: &str, x0: f64, y: f64) -> Vec<Glyph> {
        line.chars()
            .enumerate()
            .map(|(k, c)| Glyph {
                text: c.to_string(),
                x: x0 + 3.0 * k as f64,
                y,
                size: 6.0,
                width: 3.0,
            })
            .collect()
    }

    #[test]
    fn a_space_is_put_back_only_where_a_word_cannot_have_been_split() {
        let rect = Rect {
            x0: 0.0,
            y0: 0.0,
            x1: 40.0,
            y1: 20.0,
        };
        let text = |a: &str, b: &str| {
            let mut g = glyphs(a, 2.0, 12.0);
            g.extend(glyphs(b, 2.0, 4.0));
            let all: Vec<usize> = (0..g.len()).collect();
            cell_text(&g, &all, &rect)
        };
        // "30.00" ends at 17 pt of 38: another digit would have fitted.
        assert_eq!(text("30.00", "30.00"), "30.00 30.00");
        // Filled to the edge (12 glyphs reach 38 pt): split inside a word.
        assert_eq!(text("123456789012", "34"), "12345678901234");
        // Chinese text wraps anywhere, without spaces.
        assert_eq!(text("百分", "比"), "百分比");
    }
}
