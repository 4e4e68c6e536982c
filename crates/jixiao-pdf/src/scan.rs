//! Cheap passes over a PDF's bytes before lopdf parses them: one finds an
//! object whose arrays and dictionaries nest deeper than the limit (so the
//! document is refused with that cause, not read as if the object were
//! missing), one mends a stream whose `/Length` runs past its
//! `endstream`, the way viewers read such a stream, by rewriting the
//! number in place so that no offset moves.

use regex::bytes::Regex;
use std::sync::OnceLock;

/// Where a literal string that starts at `at` (on its `(`) ends: after its
/// closing parenthesis, or at the end of the bytes.
pub(crate) fn skip_literal(bytes: &[u8], at: usize) -> usize {
    let mut depth = 0usize;
    let mut i = at;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 1,
            b'(' => depth += 1,
            b')' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
        if depth == 0 {
            break;
        }
    }
    i.min(bytes.len())
}

/// Where the first `needle` at or after `at` starts, if anywhere.
fn find_from(bytes: &[u8], at: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(at..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|k| at + k)
}

fn regular(b: u8) -> bool {
    !b.is_ascii_whitespace() && b != 0 && !b"()<>[]{}/%".contains(&b)
}

/// The number of the first object in which arrays and dictionaries nest
/// deeper than `limit` levels, if any (0 when no object header precedes
/// it). Strings, comments and stream data are skipped; the count starts
/// again at every `obj`, `endobj` and `stream`, so a stray bracket costs
/// no more than its object.
pub(crate) fn too_deep(bytes: &[u8], limit: usize) -> Option<u32> {
    let mut depth = 0usize;
    let mut object = 0u32;
    // The last two integers seen: an object header is `N G obj`.
    let mut integers: [Option<u32>; 2] = [None, None];
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match b {
            b'%' => {
                while i < bytes.len() && !matches!(bytes[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'(' => i = skip_literal(bytes, i),
            b'<' if next == Some(b'<') => {
                depth += 1;
                i += 2;
            }
            b'<' => i = find_from(bytes, i, b">").map_or(bytes.len(), |k| k + 1),
            b'>' if next == Some(b'>') => {
                depth = depth.saturating_sub(1);
                i += 2;
            }
            b'[' => {
                depth += 1;
                i += 1;
            }
            b']' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            b if !regular(b) => i += 1,
            _ => {
                let start = i;
                while i < bytes.len() && regular(bytes[i]) {
                    i += 1;
                }
                let token = &bytes[start..i];
                let integer = std::str::from_utf8(token)
                    .ok()
                    .filter(|t| t.bytes().all(|b| b.is_ascii_digit()))
                    .and_then(|t| t.parse::<u32>().ok());
                match token {
                    b"obj" => {
                        if let [Some(number), Some(_)] = integers {
                            object = number;
                        }
                        depth = 0;
                    }
                    b"endobj" => depth = 0,
                    b"stream" => {
                        depth = 0;
                        i = find_from(bytes, i, b"endstream").map_or(bytes.len(), |k| k + 9);
                    }
                    _ => {}
                }
                integers = match integer {
                    Some(n) => [integers[1], Some(n)],
                    None => [None, None],
                };
                continue;
            }
        }
        if depth > limit {
            return Some(object);
        }
    }
    None
}

/// PDF white space, as a regex class.
const WS: &str = r"[\x00\t\n\x0c\r ]";

fn stream_keyword() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r">>{WS}*stream[ \t]*(?:\r\n|\n|\r)")).expect("a valid pattern")
    })
}

fn object_header() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"(\d{{1,10}}){WS}+\d{{1,5}}{WS}+obj\b")).expect("a valid pattern")
    })
}

fn length_entry() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(&format!(r"/Length{WS}+(\d+)({WS}+\d+{WS}+R)?")).expect("a valid pattern")
    })
}

/// Whether the stream data starting at `data` and `length` bytes long is
/// followed by an end of line (or none) and `endstream`, as lopdf needs.
fn ends_right(bytes: &[u8], data: usize, length: usize) -> bool {
    let Some(rest) = data.checked_add(length).and_then(|end| bytes.get(end..)) else {
        return false;
    };
    let rest = rest
        .strip_prefix(b"\r\n")
        .or_else(|| rest.strip_prefix(b"\n"))
        .or_else(|| rest.strip_prefix(b"\r"))
        .unwrap_or(rest);
    rest.starts_with(b"endstream")
}

/// The bytes with every stream whose direct `/Length` runs past its
/// `endstream` given the length up to that `endstream` (written over the
/// old number, padded with spaces, so that no offset moves), and a note
/// for each; `None` when no stream needs it.
pub(crate) fn mend_lengths(bytes: &[u8]) -> Option<(Vec<u8>, Vec<String>)> {
    let mut mended: Option<Vec<u8>> = None;
    let mut notes = Vec::new();
    let mut from = 0;
    while let Some(keyword) = stream_keyword().find_at(bytes, from) {
        let data = keyword.end();
        // The dictionary is between the last object header and `stream`.
        let window_at = from;
        let window = &bytes[window_at..keyword.start()];
        let header = object_header().captures_iter(window).last();
        let dict_at = header
            .as_ref()
            .and_then(|h| h.get(0))
            .map_or(0, |m| m.end());
        let object = header
            .as_ref()
            .and_then(|h| h.get(1))
            .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
            .unwrap_or("?")
            .to_string();
        let entry = length_entry()
            .captures_iter(&window[dict_at..])
            .last()
            .filter(|c| c.get(2).is_none())
            .and_then(|c| c.get(1));
        let claimed = entry
            .and_then(|m| std::str::from_utf8(m.as_bytes()).ok())
            .and_then(|t| t.parse::<usize>().ok());
        if let Some(claimed) = claimed.filter(|&n| ends_right(bytes, data, n)) {
            from = data + claimed;
            continue;
        }
        let Some(end) = find_from(bytes, data, b"endstream") else {
            break;
        };
        from = end + b"endstream".len();
        let (Some(entry), Some(claimed)) = (entry, claimed) else {
            continue;
        };
        if data.saturating_add(claimed) < end {
            // Short of `endstream`: left to lopdf.
            continue;
        }
        let mut actual = end - data;
        for eol in [&b"\r\n"[..], b"\n", b"\r"] {
            if bytes[data..end].ends_with(eol) {
                actual -= eol.len();
                break;
            }
        }
        let digits = actual.to_string();
        let at = window_at + dict_at + entry.start();
        let width = entry.len();
        if digits.len() > width {
            continue;
        }
        let out = mended.get_or_insert_with(|| bytes.to_vec());
        let mut written = digits.into_bytes();
        written.resize(width, b' ');
        out[at..at + width].copy_from_slice(&written);
        notes.push(format!(
            "object {object}: its stream's /Length {claimed} runs past its endstream; read the {actual} bytes before it"
        ));
    }
    mended.map(|bytes| (bytes, notes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nesting_is_counted_per_object_outside_strings_and_streams() {
        let deep = b"1 0 obj\n[[[[(((( [[[[ \\) ))))]]]]\nendobj\n7 0 obj << /A [[[[[ >>";
        assert_eq!(too_deep(deep, 3), Some(1));
        assert_eq!(too_deep(deep, 5), Some(7));
        assert_eq!(too_deep(deep, 6), None);
        let stream = b"3 0 obj << /Length 9 >> stream\n[[[[[[[[[\nendstream endobj";
        assert_eq!(too_deep(stream, 2), None);
    }

    #[test]
    fn a_length_past_endstream_is_mended_in_place() {
        let file = b"4 0 obj\n<< /Length 999999 >>\nstream\nBT ET\nendstream\nendobj\n";
        let (mended, notes) = mend_lengths(file).unwrap();
        assert_eq!(mended.len(), file.len());
        assert!(String::from_utf8_lossy(&mended).contains("/Length 5      >>"));
        assert!(notes[0].starts_with("object 4:"), "{notes:?}");
        let right = b"4 0 obj\n<< /Length 5 >>\nstream\nBT ET\nendstream\nendobj\n";
        assert!(mend_lengths(right).is_none());
    }
}
