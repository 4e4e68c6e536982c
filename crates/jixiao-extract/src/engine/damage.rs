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
use crate::rows::{compact, squeeze, Cell, Row};
use std::borrow::Cow;

/// A CJK unified ideograph: the Chinese of a form's own text.
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

/// An indicator value with an opening bracket that the line did not close.
pub(crate) fn open(text: &str) -> bool {
    let opens = text.matches(['(', '（']).count();
    let closes = text.matches([')', '）']).count();
    opens > closes
}

/// A cell that only closes a bracket opened on the line above (`比)`, `分比)`).
pub(crate) fn closing_fragment(text: &str) -> bool {
    let c: Cow<str> = if text.chars().any(char::is_whitespace) {
        Cow::Owned(compact(text))
    } else {
        Cow::Borrowed(text)
    };
    (c.ends_with(')') || c.ends_with('）'))
        && !c.contains(['(', '（'])
        && !c
            .chars()
            .any(|ch| ch.is_ascii_digit() || "=≥≤<>".contains(ch))
}

/// `s` ends in an open value that follows a closed one (`=90.00(百分比) =90.00(百分`):
/// the line carried the end of one indicator's values and the start of the next's.
/// Returns where the open tail starts.
pub(crate) fn open_tail(s: &str) -> Option<usize> {
    let cut = s.trim_end().rfind(char::is_whitespace)?;
    let (head, tail) = s.split_at(cut);
    (!head.trim().is_empty() && !open(head) && open(tail)).then_some(cut)
}

/// What the `second_layer` repair makes of an indicator row.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Layer {
    /// A real indicator.
    Own,
    /// A real indicator whose values started on the line above, inside the
    /// previous indicator's cells.
    OwnWithTail,
    /// A copy from a second text layer, with why.
    Copy(String),
}

/// The indicator above a row, as read so far.
pub(crate) struct Above<'a> {
    pub(crate) name: &'a str,
    pub(crate) target: &'a str,
    pub(crate) actual: &'a str,
    pub(crate) weight: Option<&'a str>,
    pub(crate) score: Option<&'a str>,
}

/// An indicator row that may be a second layer's copy of the one above.
pub(crate) struct Candidate<'a> {
    /// The keys of its name and target cells.
    pub(crate) keys: Vec<&'a str>,
    /// Its name, levels left out, as keys joined.
    pub(crate) name: String,
    pub(crate) target: Option<&'a str>,
    pub(crate) actual: Option<&'a str>,
    pub(crate) weight: &'a str,
    pub(crate) score: &'a str,
}

/// The `second_layer` test: a row that repeats the indicator above (its
/// weight and score beside a garbled value, or its name, or its weight and
/// score again beside values that only close the brackets the row above
/// left open) is a copy from a second text layer.
pub(crate) fn second_layer(above: &Above, row: &Candidate, damaged: bool) -> Layer {
    let value_garbled = [row.target, row.actual]
        .iter()
        .flatten()
        .any(|t| damaged && garbled(t, true));
    let same_numbers = above.weight == Some(row.weight) && above.score == Some(row.score);
    let name_key = squeeze(above.name);
    let repeats_name = !above.name.is_empty() && row.keys.iter().any(|k| *k == name_key);
    if value_garbled && (same_numbers || repeats_name) {
        return Layer::Copy("second text layer: garbled copy of the indicator above".into());
    }
    if !row.name.is_empty() && row.name == name_key {
        return Layer::Copy("second text layer: repeats the name of the indicator above".into());
    }
    let is_open = open(above.target) || open(above.actual);
    let closes = |t: Option<&str>| t.is_some_and(closing_fragment);
    if is_open && closes(row.target) && closes(row.actual) {
        if open_tail(above.target).is_some() && open_tail(above.actual).is_some() {
            return Layer::OwnWithTail;
        }
        return Layer::Copy(
            "second text layer: weight and score repeated on the continuation line of the indicator above"
                .into(),
        );
    }
    Layer::Own
}

fn measure_text(m: &Option<crate::number::Measure>) -> &str {
    m.as_ref().map_or("", |m| m.text.as_str())
}

/// Why the `second_layer` repair leaves a cell of a copied row out.
pub(crate) const COPIED: &str = "in an indicator row copied from a second text layer";

impl super::selfeval::Reader<'_> {
    /// The `second_layer` repair on the engine: a body row that is a second
    /// layer's copy of the indicator above is left out, each of its cells
    /// with why, except value cells that close the brackets the indicator
    /// above left open, which complete its values. Whether `row` was such
    /// a copy.
    pub(super) fn second_layer_copy(&mut self, row: &Row, cols: &super::columns::Columns) -> bool {
        use super::columns::Meaning;
        let field = |c: &Cell| match cols.at(c.column) {
            Some(Meaning::Field(f)) => f.as_str(),
            _ => "",
        };
        let cell_of = |f: &str| row.cells.iter().find(|c| field(c) == f);
        let (Some(weight), Some(score)) = (cell_of("weight"), cell_of("score")) else {
            return false;
        };
        let Some(above) = self.form.indicators.last() else {
            return false;
        };
        let (target, actual) = (cell_of("target"), cell_of("actual"));
        let names: Vec<&Cell> = row.cells.iter().filter(|c| field(c) == "name").collect();
        let layer = second_layer(
            &Above {
                name: above.name.as_deref().unwrap_or(""),
                target: measure_text(&above.target),
                actual: measure_text(&above.actual),
                weight: above.weight.as_ref().map(|n| n.raw.as_str()),
                score: above.score.as_ref().map(|n| n.raw.as_str()),
            },
            &Candidate {
                keys: names.iter().chain(target.iter()).map(|c| c.key()).collect(),
                name: names.iter().map(|c| c.key()).collect(),
                target: target.map(|c| c.text.as_str()),
                actual: actual.map(|c| c.text.as_str()),
                weight: &weight.text,
                score: &score.text,
            },
            self.damaged,
        );
        let Layer::Copy(why) = layer else {
            return false;
        };
        self.close_above(row, target, actual);
        for cell in &row.cells {
            self.leave(row, cell, COPIED);
        }
        self.form.repairs.push(Repair {
            line: row.line,
            action: format!(
                "second_layer: dropped a repeated indicator row ({why}); its weight/score are not counted"
            ),
            affects_numbers: true,
        });
        true
    }

    /// Value cells of a copied row that close the brackets the indicator
    /// above left open are the end of its values.
    fn close_above(&mut self, row: &Row, target: Option<&Cell>, actual: Option<&Cell>) {
        let Some(mut above) = self.form.indicators.pop() else {
            return;
        };
        for (cell, slot) in [(target, &mut above.target), (actual, &mut above.actual)] {
            let (Some(cell), Some(value)) = (cell, slot.as_ref()) else {
                continue;
            };
            if open(&value.text) && closing_fragment(&cell.text) {
                *slot = Some(crate::number::read_measure(&format!(
                    "{}{}",
                    value.text, cell.text
                )));
                self.take(row, cell);
                if !above.lines.contains(&row.line) {
                    above.lines.push(row.line);
                }
            }
        }
        self.form.indicators.push(above);
    }
}
