//! Pinyin readings printed after characters: some sites that convert pages
//! to traditional script annotate each converted character with its reading,
//! `績(jī)效目標(biāo)`. The readings hide every word of the forms, so when a
//! document prints them they are removed before anything is read, and the
//! document's `repairs` says how many.

use crate::rows::{Cell, Row};
use regex::Regex;
use std::sync::OnceLock;

/// A CJK character followed by a bracketed reading with a tone mark.
fn reading_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The CJK blocks spelled out: `\p{Han}` costs a large automaton.
        Regex::new(r"([\x{3400}-\x{4DBF}\x{4E00}-\x{9FFF}\x{F900}-\x{FAFF}])[(（]([a-zü]*[āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ][a-zü]*)[)）]")
            .expect("pinyin pattern")
    })
}

/// How many readings a document must print before they are taken for
/// annotations rather than a lone bracketed word.
const MIN_READINGS: usize = 3;

/// Removes the readings from every cell when the document prints at least
/// [`MIN_READINGS`] of them; the note for `repairs`, if any were removed.
pub(crate) fn strip_readings(rows: &mut [Row]) -> Option<String> {
    // A reading is bracketed and has a tone mark (U+00E0–U+01DC, whose
    // UTF-8 starts with a byte C3–C7): cells without both need no pattern,
    // and a document without any never builds it. Both are looked for with
    // vectorised byte searches, the rarer tone byte first.
    let toned = |t: &str| {
        let b = t.as_bytes();
        (memchr::memchr3(0xC3, 0xC4, 0xC5, b).is_some() || memchr::memchr2(0xC6, 0xC7, b).is_some())
            && (memchr::memchr(b'(', b).is_some() || t.contains('（'))
    };
    let mut cells = rows
        .iter()
        .flat_map(|r| r.cells.iter())
        .filter(|c| toned(&c.text));
    let first = cells.next()?;
    let re = reading_re();
    let count: usize = std::iter::once(first)
        .chain(cells)
        .map(|c| re.find_iter(&c.text).count())
        .sum();
    if count < MIN_READINGS {
        return None;
    }
    for row in rows.iter_mut() {
        if !row.cells.iter().any(|c| re.is_match(&c.text)) {
            continue;
        }
        let cells: Vec<Cell> = row
            .cells
            .iter()
            .map(|c| Cell::new(c.column, &re.replace_all(&c.text, "$1")))
            .collect();
        *row = Row::new(row.line, cells, row.after_break);
    }
    Some(format!(
        "pinyin_readings: removed {count} pinyin readings printed after characters (績(jī) read as 績)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::read_rows;

    #[test]
    fn readings_go_when_the_document_prints_them() {
        let mut rows = read_rows("績(jī)效目標(biāo)自評(píng)表\n項目名稱\t(A)項目");
        let note = strip_readings(&mut rows).expect("three readings");
        assert!(note.contains("removed 3"));
        assert_eq!(rows[0].cells[0].text, "績效目標自評表");
        // A bracket without a tone mark is no reading.
        assert_eq!(rows[1].cells[1].text, "(A)項目");
    }

    #[test]
    fn a_lone_bracketed_reading_is_left_alone() {
        let mut rows = read_rows("项目名称\t重(zhòng)点项目");
        assert_eq!(strip_readings(&mut rows), None);
        assert_eq!(rows[0].cells[1].text, "重(zhòng)点项目");
    }
}
