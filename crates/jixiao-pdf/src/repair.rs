//! Recovering a PDF whose cross-reference table is lost (a download cut
//! short after the last object, an xref overwritten) while its objects are
//! intact: scan the file for `N G obj … endobj`, and write a fresh table
//! and trailer after them, the root being the last catalog found. Objects
//! packed in object streams (`/Type /ObjStm`, PDF 1.5 and later) are
//! unpacked and written out as plain objects first: their table, an xref
//! stream, is usually what was lost, and the catalog is often among them.

use regex::bytes::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// A PDF with a rebuilt cross-reference table.
#[derive(Debug)]
pub struct Rebuilt {
    /// The original bytes followed by the objects unpacked from object
    /// streams, the new table and the trailer.
    pub bytes: Vec<u8>,
    /// Complete objects found.
    pub objects: usize,
    /// Of them, objects unpacked from object streams.
    pub unpacked: usize,
    /// Objects cut short (at the end of a truncated file), left out.
    pub incomplete: usize,
    /// The file holds an encryption dictionary (`/Filter /Standard`): its
    /// trailer, with the file ID the key is made from, was lost with the
    /// table, so its strings and streams cannot be decrypted.
    pub encrypted: bool,
}

/// Why a table could not be rebuilt.
#[derive(Debug)]
pub enum Refused {
    /// More objects than the limit.
    TooManyObjects,
}

fn number_after(dict: &[u8], key: &[u8]) -> Option<usize> {
    let at = find(dict, key)? + key.len();
    let digits: Vec<u8> = dict[at..]
        .iter()
        .skip_while(|b| b.is_ascii_whitespace())
        .take_while(|b| b.is_ascii_digit())
        .copied()
        .collect();
    std::str::from_utf8(&digits).ok()?.parse().ok()
}

/// The objects an object stream holds, written out as plain objects; its
/// data inflates to at most `max` bytes.
fn unpack(body: &[u8], max: u64) -> Option<(Vec<u8>, usize)> {
    use std::io::Read;
    let stream_at = find(body, b"stream")?;
    let dict = &body[..stream_at];
    // Only object streams.
    find(dict, b"/ObjStm")?;
    let count = number_after(dict, b"/N")?;
    let first = number_after(dict, b"/First")?;
    let mut data_at = stream_at + b"stream".len();
    if body.get(data_at) == Some(&b'\r') {
        data_at += 1;
    }
    if body.get(data_at) == Some(&b'\n') {
        data_at += 1;
    }
    let data_end = data_at + find(body.get(data_at..)?, b"endstream")?;
    let raw = body.get(data_at..data_end)?;
    let mut data = Vec::new();
    if find(dict, b"/FlateDecode").is_some() {
        flate2::read::ZlibDecoder::new(raw)
            .take(max)
            .read_to_end(&mut data)
            .ok()?;
    } else if find(dict, b"/Filter").is_none() {
        data = raw.to_vec();
    } else {
        return None;
    }
    let header = std::str::from_utf8(data.get(..first)?).ok()?;
    let numbers: Vec<usize> = header
        .split_ascii_whitespace()
        .filter_map(|t| t.parse().ok())
        .collect();
    let pairs: Vec<(usize, usize)> = numbers
        .chunks_exact(2)
        .take(count)
        .map(|p| (p[0], p[1]))
        .collect();
    let mut out = Vec::new();
    for (k, &(number, offset)) in pairs.iter().enumerate() {
        let start = first.checked_add(offset)?;
        let end = pairs
            .get(k + 1)
            .map_or(Some(data.len()), |next| first.checked_add(next.1))?;
        let object = data.get(start..end.max(start))?;
        out.extend_from_slice(format!("{number} 0 obj\n").as_bytes());
        out.extend_from_slice(object);
        out.extend_from_slice(b"\nendobj\n");
    }
    Some((out, pairs.len()))
}

fn object_start() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    // An object header at the start of the file or after a delimiter.
    RE.get_or_init(|| {
        Regex::new(r"(?:^|[\r\n\t >])(\d{1,10})[ \t\r\n]+(\d{1,5})[ \t\r\n]+obj\b").unwrap()
    })
}

fn encryption() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"/Filter\s*/Standard\b").unwrap())
}

fn catalog() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"/Type\s*/Catalog\b").unwrap())
}

/// Rebuilds the table from the objects present, or `None` when there is no
/// catalog to root the document at (then the file is beyond repair here).
/// At most `max_objects` objects are taken, and object streams inflate to
/// at most `max_stream` bytes each and `max_total` together; the table
/// lists only the objects found, so its size follows them and not their
/// numbers.
pub fn rebuild_xref(
    original: &[u8],
    max_objects: usize,
    max_stream: u64,
    max_total: u64,
) -> Result<Option<Rebuilt>, Refused> {
    let mut bytes = original.to_vec();
    if !bytes.ends_with(b"\n") {
        bytes.push(b'\n');
    }
    let spans = object_spans(original, max_objects);
    if spans.len() > max_objects {
        return Err(Refused::TooManyObjects);
    }
    let mut unpacked = 0;
    let mut inflated = 0u64;
    for (at, end) in spans {
        let left = max_total.saturating_sub(inflated).min(max_stream);
        if let Some((objects, n)) = unpack(&original[at..end], left) {
            inflated += objects.len() as u64;
            bytes.extend_from_slice(&objects);
            unpacked += n;
            if unpacked > max_objects {
                return Err(Refused::TooManyObjects);
            }
        }
    }
    let bytes = &bytes[..];
    // Header offsets in file order; a later definition of the same number
    // wins, as an incremental update intends.
    let starts: Vec<(u32, u16, usize)> = object_start()
        .captures_iter(bytes)
        .take(max_objects.saturating_add(1))
        .filter_map(|c| {
            let number = std::str::from_utf8(&c[1]).ok()?.parse().ok()?;
            let generation = std::str::from_utf8(&c[2]).ok()?.parse().ok()?;
            Some((number, generation, c.get(1)?.start()))
        })
        .collect();
    if starts.len() > max_objects {
        return Err(Refused::TooManyObjects);
    }
    let mut table: BTreeMap<u32, (u16, usize)> = BTreeMap::new();
    let mut root = None;
    let mut incomplete = 0;
    let mut encrypted = false;
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
        encrypted |= encryption().is_match(&body[..close]);
        table.insert(number, (generation, at));
    }
    let Some((root_number, root_generation)) = root else {
        return Ok(None);
    };
    // Object 0 heads the list of free objects; no object can be it.
    table.remove(&0);
    let size = table.keys().next_back().map_or(1, |&n| u64::from(n) + 1);
    let mut out = bytes.to_vec();
    if !out.ends_with(b"\n") {
        out.push(b'\n');
    }
    let xref_at = out.len();
    out.extend_from_slice(b"xref\n0 1\n0000000000 65535 f\r\n");
    // One subsection for each run of consecutive numbers.
    let entries: Vec<(u32, u16, usize)> = table.iter().map(|(&n, &(g, at))| (n, g, at)).collect();
    for run in entries.chunk_by(|a, b| b.0 == a.0.wrapping_add(1)) {
        let Some(&(first, _, _)) = run.first() else {
            continue;
        };
        out.extend_from_slice(format!("{first} {}\n", run.len()).as_bytes());
        for &(_, generation, at) in run {
            out.extend_from_slice(format!("{at:010} {generation:05} n\r\n").as_bytes());
        }
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {size} /Root {root_number} {root_generation} R >>\nstartxref\n{xref_at}\n%%EOF\n"
        )
        .as_bytes(),
    );
    Ok(Some(Rebuilt {
        bytes: out,
        objects: table.len(),
        unpacked,
        incomplete,
        encrypted,
    }))
}

/// Where each object header starts and the next one (or the end) begins;
/// no more than one past `max` of them.
fn object_spans(bytes: &[u8], max: usize) -> Vec<(usize, usize)> {
    let starts: Vec<usize> = object_start()
        .captures_iter(bytes)
        .take(max.saturating_add(1))
        .filter_map(|c| c.get(1).map(|m| m.start()))
        .collect();
    starts
        .iter()
        .enumerate()
        .map(|(i, &at)| (at, starts.get(i + 1).copied().unwrap_or(bytes.len())))
        .collect()
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rebuild(bytes: &[u8]) -> Option<Rebuilt> {
        rebuild_xref(bytes, 1000, 1 << 20, 1 << 20).unwrap()
    }

    #[test]
    fn the_table_lists_only_the_objects_found() {
        let file = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n4000000000 0 obj\n<< >>\nendobj\n";
        let rebuilt = rebuild(file).unwrap();
        let text = String::from_utf8_lossy(&rebuilt.bytes);
        assert!(
            text.contains("xref\n0 1\n0000000000 65535 f\r\n1 1\n"),
            "{text}"
        );
        assert!(text.contains("4000000000 1\n"), "{text}");
        assert!(rebuilt.bytes.len() < 2 * file.len() + 200);
        assert!(matches!(
            rebuild_xref(file, 1, 1 << 20, 1 << 20),
            Err(Refused::TooManyObjects)
        ));
    }

    const OBJECTS: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n";

    #[test]
    fn a_table_is_written_for_intact_objects() {
        let rebuilt = rebuild(OBJECTS).unwrap();
        assert_eq!((rebuilt.objects, rebuilt.incomplete), (2, 0));
        let text = String::from_utf8(rebuilt.bytes).unwrap();
        assert!(text.contains("xref\n0 1\n0000000000 65535 f\r\n1 2\n0000000009 00000 n\r\n"));
        assert!(text.contains("/Root 1 0 R"));
        let doc = pdf_extract::Document::load_mem(text.as_bytes()).unwrap();
        assert_eq!(doc.get_pages().len(), 0);
    }

    #[test]
    fn an_object_cut_short_is_left_out() {
        let mut cut = OBJECTS.to_vec();
        cut.extend_from_slice(b"3 0 obj\n<< /Length 99 >>\nstream\nBT");
        let rebuilt = rebuild(&cut).unwrap();
        assert_eq!((rebuilt.objects, rebuilt.incomplete), (2, 1));
    }

    #[test]
    fn objects_in_an_object_stream_are_unpacked() {
        // An uncompressed object stream holding the catalog (1) and the
        // page tree (2); no table of any kind.
        let inner = b"<< /Type /Catalog /Pages 2 0 R >> << /Type /Pages /Kids [] /Count 0 >>";
        let header = b"1 0 2 34 ";
        let mut file =
            b"%PDF-1.5\n3 0 obj\n<< /Type /ObjStm /N 2 /First 9 /Length 80 >>\nstream\n".to_vec();
        file.extend_from_slice(header);
        file.extend_from_slice(inner);
        file.extend_from_slice(b"\nendstream\nendobj\n");
        let rebuilt = rebuild(&file).unwrap();
        assert_eq!((rebuilt.objects, rebuilt.unpacked), (3, 2));
        let doc = pdf_extract::Document::load_mem(&rebuilt.bytes).unwrap();
        assert_eq!(doc.get_pages().len(), 0);
    }

    #[test]
    fn without_a_catalog_there_is_nothing_to_rebuild() {
        assert!(rebuild(b"%PDF-1.4\n2 0 obj\n<< /Type /Pages >>\nendobj\n").is_none());
    }
}
