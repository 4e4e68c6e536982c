//! Recovering a PDF whose cross-reference table is lost (a download cut
//! short after the last object, an xref overwritten) while its objects are
//! intact: scan the file for `N G obj … endobj`, and write a fresh table
//! and trailer after them, the root being the last catalog found.

use regex::bytes::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A PDF with a rebuilt cross-reference table.
#[derive(Debug)]
pub struct Rebuilt {
    /// The original bytes followed by the new table and trailer.
    pub bytes: Vec<u8>,
    /// Complete objects found.
    pub objects: usize,
    /// Objects cut short (at the end of a truncated file), left out.
    pub incomplete: usize,
}

fn object_start() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // An object header at the start of the file or after a delimiter.
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[\r\n\t >])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b").unwrap()
    })
}

fn catalog() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"/Type\s*/Catalog\b").unwrap())
}

/// Rebuilds the table from the objects present, or `None` when there is no
/// catalog to root the document at (then the file is beyond repair here).
pub fn rebuild_xref(bytes: &[u8]) -> Option<Rebuilt> {
    // Header offsets in file order; a later definition of the same number
    // wins, as an incremental update intends.
    let starts: Vec<(u32, u16, usize)> = object_start()
        .captures_iter(bytes)
        .filter_map(|c| {
            let number = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            let generation = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            Some((number, generation, c.get(1)?.start()))
        })
        .collect();
    let mut table: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    let mut root = None;
    let mut incomplete = 0;
    for (i, &(number, generation, at)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map_or(bytes.len(), |next| next.2);
        let body = &bytes[at..end];
        // A stream may hold bytes that look like a header; its real end is
        // the `endobj` after `endstream`.
        let Some(close) = find(body, b"endobj") else {
            incomplete += 1;
            continue;
        };
        if find(&body[..close], b"stream").is_some() && find(&body[..close], b"endstream").is_none()
        {
            incomplete += 1;
            continue;
        }
        if catalog().is_match(&body[..close]) {
            root = Some((number, generation));
        }
        table.insert(number, (generation, at));
    }
    let (root_number, root_generation) = root?;
    let size = table.keys().next_back().map_or(1, |&n| n + 1);
    let mut out = bytes.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let xref_at = out.len();
    out.extend_from_slice(format!("xref\n0 {size}\n").as_bytes());
    for number in 0..size {
        let entry = match table.get(&number) {
            Some(&(generation, at)) => format!("{at:010} {generation:05} n\r\n"),
            None => "0000000000 65535 f\r\n".to_string(),
        };
        out.extend_from_slice(entry.as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root_number} {root_generation} R >>\nstartxref\n{xref_at}\n%%EOF\n"
        )
        .as_bytes(),
    );
    Some(Rebuilt {
        bytes: out,
        objects: table.len(),
        incomplete,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECTS: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";

    #[test]
    fn a_table_is_written_for_intact_objects() {
        let rebuilt = rebuild_xref(OBJECTS).unwrap();
        assert_eq!((rebuilt.objects, rebuilt.incomplete), (2, 0));
        let text = String::from_utf8(rebuilt.bytes).unwrap();
        assert!(text.contains("xref\n0 3\n0000000000 65535 f\r\n0000000009 00000 n\r\n"));
        assert!(text.contains("/Root 1 0 R"));
        let doc = pdf_extract::Document::load_mem(text.as_bytes()).unwrap();
        assert_eq!(doc.get_pages().len(), 0);
    }

    #[test]
    fn an_object_cut_short_is_left_out() {
        let mut cut = OBJECTS.to_vec();
        cut.extend_from_slice(b"3 0 obj\n<< /Length 99 >>\nstream\nBT");
        let rebuilt = rebuild_xref(&cut).unwrap();
        assert_eq!((rebuilt.objects, rebuilt.incomplete), (2, 1));
    }

    #[test]
    fn without_a_catalog_there_is_nothing_to_rebuild() {
        assert!(rebuild_xref(b"%PDF-1.4\n2 0 obj\n<< /Type /Pages >>\nendobj\n").is_none());
    }
}
