//! A damaged text layer and the repairs that read one.
//!
//! Some published PDFs carry a second text layer laid over the first (or a
//! scan's OCR): their extraction prints debris no form prints (`\`, `~`,
//! `////`, `<i>`), writes pages bottom-up and splits labels into
//! fragments. Whether a document is damaged is decided once, from its
//! rows ([`damaged_layer`]); the repairs that read such text are named in a
//! template (`repairs`, always on for its forms, or `repairs_when_damaged`,
//! on only for a damaged document), never made on their own.

use crate::model::Repair;
use crate::number::{read_number, NumberCell};
use crate::rows::{Cell, Row};
use std::borrow::Cow;

pub(crate) fn is_cjk(c: char) -> bool {
    ('\u{4e00}'..='\u{9fff}').contains(&c)
}

/// Debris no form prints: `\`, `~`, four slashes, an `<i` tag.
pub(crate) fn debris(text: &str) -> bool {
    // Byte searches (all are ASCII, so no byte of another character can
    // be taken for one of them): `\\`, `~` or a slash starting four, then
    // a `<` before an `i`.
    let b = text.as_bytes();
    let mut rest = b;
    while let Some(i) = memchr::memchr3(b'\\', b'~', b'/', rest) {
        if rest[i] != b'/' || rest[i..].starts_with(b"////") {
            return true;
        }
        rest = &rest[i + 1..];
    }
    memchr::memchr_iter(b'<', b).any(|i| b.get(i + 1) == Some(&b'i'))
}

/// Whether a document's text layer is damaged: two cells or more of
/// debris (a second layer laid over the first, or a scan's OCR).
pub(crate) fn damaged_layer(rows: &[Row]) -> bool {
    rows.iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| debris(&c.text))
        .nth(1)
        .is_some()
}

/// Text that cannot be from the form's own text layer: debris, or, in a
/// damaged layer, letters without any Chinese (`FU)`, `E 00`). In a clean
/// layer such letters are values (`ISO9001`, `PM2.5`).
pub(crate) fn garbled(text: &str, damaged: bool) -> bool {
    if debris(text) {
        return true;
    }
    damaged && !text.chars().any(is_cjk) && text.chars().any(char::is_alphabetic)
}

/// Why the `debris` repair leaves a cell out.
pub(crate) const GARBLED: &str = "garbled text (second text layer or scan debris)";

/// A plain number fit to be a weight or score: no unit, no percent.
pub(crate) fn score_like(text: &str) -> bool {
    matches!(
        read_number(text),
        NumberCell::Number {
            percent: false,
            note: None,
            ..
        }
    )
}

/// The rightmost pair of neighbouring cells that both read as plain numbers.
pub(crate) fn numeric_pair(cells: &[Cell]) -> Option<(usize, usize)> {
    (1..cells.len())
        .rev()
        .find(|&j| score_like(&cells[j - 1].text) && score_like(&cells[j].text))
        .map(|j| (j - 1, j))
}

/// The `page_order` repair: puts back in order a page whose rows the
/// extraction wrote bottom-up, told by its first row closing the form
/// (`closes`: the total or grade row) while indicator rows (two plain
/// numbers side by side) follow it. Each page read in reverse is noted.
pub(crate) fn restore_page_order<'a>(
    rows: &'a [Row],
    closes: impl Fn(&Row) -> bool,
) -> (Cow<'a, [Row]>, Vec<Repair>) {
    let mut out: Cow<'a, [Row]> = Cow::Borrowed(rows);
    let mut notes = Vec::new();
    let mut starts: Vec<usize> = rows
        .iter()
        .enumerate()
        .filter(|(_, r)| r.after_break)
        .map(|(i, _)| i)
        .collect();
    starts.push(rows.len());
    for w in starts.windows(2) {
        let (s, e) = (w[0], w[1]);
        let page = &rows[s..e];
        let opens_with_end = page.first().is_some_and(&closes);
        let indicators_after = page
            .iter()
            .skip(2)
            .any(|r| numeric_pair(&r.cells).is_some());
        if opens_with_end && indicators_after {
            notes.push(Repair {
                line: rows[s].line,
                action: format!(
                    "page_order: lines {}–{} were extracted bottom-up (the page starts with its 总分/评分等级 rows); read in reverse",
                    rows[s].line,
                    rows[e - 1].line
                ),
                affects_numbers: true,
            });
            out.to_mut()[s..e].reverse();
        }
    }
    (out, notes)
}

/// Why the `debris` repair leaves out the other cells of a row it drops.
const AMONG_DEBRIS: &str =
    "in a row garbled in half its cells or more (second text layer or scan debris)";

/// The `debris` repair on one row: the row without its garbled cells, and
/// the cells left out with why; a row garbled in half its cells or more is
/// left out whole.
pub(crate) fn without_debris(
    row: &Row,
    damaged: bool,
) -> (Option<Cow<'_, Row>>, Vec<(&Cell, &'static str)>) {
    let bad = row
        .cells
        .iter()
        .filter(|c| garbled(&c.text, damaged))
        .count();
    if bad == 0 {
        return (Some(Cow::Borrowed(row)), Vec::new());
    }
    let why = |c: &Cell| {
        if garbled(&c.text, damaged) {
            GARBLED
        } else {
            AMONG_DEBRIS
        }
    };
    if bad * 2 >= row.cells.len() {
        return (None, row.cells.iter().map(|c| (c, why(c))).collect());
    }
    let (dropped, kept): (Vec<&Cell>, Vec<&Cell>) =
        row.cells.iter().partition(|c| garbled(&c.text, damaged));
    let kept = kept.into_iter().cloned().collect();
    let cleaned = Row::new(row.line, kept, row.after_break);
    (
        Some(Cow::Owned(cleaned)),
        dropped.into_iter().map(|c| (c, GARBLED)).collect(),
    )
}
