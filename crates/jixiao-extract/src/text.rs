//! Text input: which encoding a file's bytes are in, and comma-separated
//! text as rows of the same grid tab-separated text gives.
//!
//! Disclosures come as UTF-8 (with or without a byte-order mark), as GBK or
//! GB18030 from older Chinese tools, and as UTF-16 from Excel's "Unicode
//! text" export (little-endian, with a byte-order mark or without one). A
//! byte-order mark decides; without one, NUL bytes that stand only at odd
//! (or only at even) offsets are UTF-16 (text never holds NUL otherwise);
//! valid UTF-8 is UTF-8; anything else is what `chardetng` guesses, kept
//! only when that is an East Asian encoding, since a form is Chinese text.

use crate::rows::{Cell, Row};
use crate::ReadError;
use encoding_rs::{DecoderResult, Encoding, UTF_16BE, UTF_16LE, UTF_8};
use std::borrow::Cow;

/// Text decoded from a file, with the name of the encoding it was in.
#[derive(Debug)]
pub(crate) struct Decoded<'a> {
    /// The text, without a byte-order mark.
    pub text: Cow<'a, str>,
    /// `UTF-8`, `UTF-8 with BOM`, `GBK`, `UTF-16LE`, `UTF-16LE with BOM` …
    pub encoding: String,
}

/// The encodings a Chinese form may be printed in when it is not Unicode;
/// a guess of any other (a Western single-byte one) means the bytes are not
/// such a form's text.
const EAST_ASIAN: [&str; 7] = [
    "GBK",
    "gb18030",
    "Big5",
    "Shift_JIS",
    "EUC-JP",
    "EUC-KR",
    "ISO-2022-JP",
];

/// Decodes `bytes` (of the file `path`): in `forced` if given, else in the
/// encoding they are found to be in.
pub(crate) fn decode<'a>(
    path: &str,
    bytes: &'a [u8],
    forced: Option<&'static Encoding>,
) -> Result<Decoded<'a>, ReadError> {
    if let Some(encoding) = forced {
        let (body, bom) = match Encoding::for_bom(bytes) {
            Some((e, n)) if e == encoding => (&bytes[n..], true),
            _ => (bytes, false),
        };
        return strict(path, body, encoding, bom, true);
    }
    if let Some((encoding, n)) = Encoding::for_bom(bytes) {
        return strict(path, &bytes[n..], encoding, true, false);
    }
    if let Some(encoding) = utf16_without_bom(bytes) {
        let decoded = strict(path, bytes, encoding, false, false)?;
        // A NUL character is no text's: binary data whose NUL bytes lean
        // to one side.
        if let Some(at) = decoded.text.find('\0') {
            let byte = decoded.text[..at].encode_utf16().count() * 2;
            return Err(ReadError::Binary {
                path: path.to_string(),
                line: line_in(encoding, bytes, byte),
                byte,
            });
        }
        return Ok(decoded);
    }
    if let Some(byte) = memchr::memchr(0, bytes) {
        return Err(ReadError::Binary {
            path: path.to_string(),
            line: line_of(bytes, byte),
            byte,
        });
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(Decoded {
            text: Cow::Borrowed(text),
            encoding: "UTF-8".to_string(),
        });
    }
    let mut detector = chardetng::EncodingDetector::new();
    detector.feed(bytes, true);
    let guess = detector.guess(None, false);
    if !EAST_ASIAN.contains(&guess.name()) {
        let byte = std::str::from_utf8(bytes)
            .err()
            .map_or(0, |e| e.valid_up_to());
        return Err(ReadError::NotText {
            path: path.to_string(),
            line: line_of(bytes, byte),
            byte,
            guess: guess.name().to_string(),
        });
    }
    strict(path, bytes, guess, false, false)
}

/// The UTF-16 byte order of text without a byte-order mark, told by its NUL
/// bytes: the high bytes of tabs, line breaks, digits and Latin letters.
/// Little-endian puts them at odd offsets, big-endian at even ones (the few
/// of the other parity are the low bytes of characters such as 一, U+4E00);
/// text in any other encoding has none.
fn utf16_without_bom(bytes: &[u8]) -> Option<&'static Encoding> {
    if bytes.len() < 2 || bytes.len() % 2 != 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for i in memchr::memchr_iter(0, bytes) {
        if i % 2 == 0 {
            even += 1;
        } else {
            odd += 1;
        }
    }
    if odd >= 4 && odd >= 8 * even {
        Some(UTF_16LE)
    } else if even >= 4 && even >= 8 * odd {
        Some(UTF_16BE)
    } else {
        None
    }
}

/// Decodes `bytes` in `encoding`, refusing malformed input with the line
/// and offset of its first bad byte.
fn strict<'a>(
    path: &str,
    bytes: &'a [u8],
    encoding: &'static Encoding,
    bom: bool,
    forced: bool,
) -> Result<Decoded<'a>, ReadError> {
    let name = match (encoding.name(), bom) {
        // encoding_rs calls GB18030 by its WHATWG label.
        ("gb18030", _) => "GB18030".to_string(),
        (n, true) => format!("{n} with BOM"),
        (n, false) => n.to_string(),
    };
    let text = if encoding == UTF_8 {
        std::str::from_utf8(bytes).map(Cow::Borrowed).ok()
    } else {
        encoding.decode_without_bom_handling_and_without_replacement(bytes)
    };
    let Some(text) = text else {
        let byte = first_malformed(encoding, bytes);
        return Err(ReadError::Malformed {
            path: path.to_string(),
            line: line_in(encoding, bytes, byte),
            byte: byte + usize::from(bom) * bom_len(encoding),
            encoding: name,
            forced,
        });
    };
    Ok(Decoded {
        text,
        encoding: name,
    })
}

fn bom_len(encoding: &'static Encoding) -> usize {
    if encoding == UTF_8 {
        3
    } else {
        2
    }
}

/// The offset of the first byte `encoding` cannot decode in `bytes`.
fn first_malformed(encoding: &'static Encoding, bytes: &[u8]) -> usize {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut out = vec![0u8; 64 * 1024];
    let mut read = 0;
    loop {
        let (result, n, _) =
            decoder.decode_to_utf8_without_replacement(&bytes[read..], &mut out, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return bytes.len(),
            DecoderResult::OutputFull => continue,
            DecoderResult::Malformed(bad, after) => {
                return read.saturating_sub(usize::from(bad) + usize::from(after));
            }
        }
    }
}

/// The 1-based line of the byte at `byte`, in text of `encoding`.
fn line_in(encoding: &'static Encoding, bytes: &[u8], byte: usize) -> usize {
    let head = &bytes[..byte.min(bytes.len())];
    if encoding == UTF_16LE {
        head.chunks_exact(2).filter(|u| u == b"\n\0").count() + 1
    } else if encoding == UTF_16BE {
        head.chunks_exact(2).filter(|u| u == b"\0\n").count() + 1
    } else {
        line_of(bytes, byte)
    }
}

/// The 1-based line of the byte at `byte` of ASCII-compatible text.
pub(crate) fn line_of(bytes: &[u8], byte: usize) -> usize {
    memchr::memchr_iter(b'\n', &bytes[..byte.min(bytes.len())]).count() + 1
}

/// Whether text of the file `path` is comma-separated: its name ends in
/// `.csv`, or it has no tab at all and nine in ten of its first 200 records
/// (three at least) have the same number of fields, three or more. A
/// spreadsheet's export pads every row to the same width; prose with commas
/// (`4,072.13`, `同比增加 70 元,增长 16%`) does not keep a count of them.
pub(crate) fn is_csv(path: &str, text: &str) -> bool {
    if path.to_ascii_lowercase().ends_with(".csv") {
        return true;
    }
    if memchr::memchr(b'\t', text.as_bytes()).is_some() {
        return false;
    }
    let mut reader = csv_reader(text);
    let widths: Vec<usize> = reader
        .records()
        .take(200)
        .map_while(Result::ok)
        .map(|r| r.len())
        .collect();
    let mut counts = std::collections::BTreeMap::<usize, usize>::new();
    for &w in &widths {
        *counts.entry(w).or_default() += 1;
    }
    widths.len() >= 3
        && counts
            .iter()
            .any(|(&w, &n)| w >= 3 && n * 10 >= widths.len() * 9)
}

fn csv_reader(text: &str) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// Comma-separated text as rows: each field a cell at its position, a
/// record's line the line it starts on, and a blank line (which the CSV
/// reader skips) a break before the next row, as in tab-separated text.
/// A record the reader cannot parse ends the rows with an error naming
/// its line.
pub(crate) fn csv_rows(path: &str, text: &str) -> Result<Vec<Row>, ReadError> {
    let mut reader = csv_reader(text);
    let mut record = csv::StringRecord::new();
    let mut rows = Vec::new();
    let mut pending_break = false;
    // Lines are counted from byte offsets: the reader skips blank lines.
    let (mut counted_to, mut line) = (0usize, 1usize);
    let mut end_of_last = 0usize;
    loop {
        let more = reader
            .read_record(&mut record)
            .map_err(|e| ReadError::Csv {
                path: path.to_string(),
                line: e.position().map_or(line, |p| p.line() as usize),
                why: e.to_string(),
            })?;
        if !more {
            break;
        }
        let bytes = text.as_bytes();
        let mut start = record
            .position()
            .map_or(end_of_last, |p| p.byte() as usize)
            .min(text.len());
        // A record's position is where the reader started looking for it,
        // before the blank lines it skipped: each of those is a break.
        while let Some(b'\n' | b'\r') = bytes.get(start) {
            pending_break |= bytes[start] == b'\n';
            start += 1;
        }
        pending_break |= bytes[end_of_last.min(start)..start].contains(&b'\n');
        line += memchr::memchr_iter(b'\n', &text.as_bytes()[counted_to..start]).count();
        counted_to = start;
        end_of_last = (reader.position().byte() as usize).min(text.len());
        let cells: Vec<Cell> = record
            .iter()
            .enumerate()
            .filter(|(_, f)| !f.trim().is_empty())
            .map(|(column, f)| Cell::new(column, f))
            .collect();
        if cells.is_empty() {
            pending_break = true;
            continue;
        }
        rows.push(Row::new(line, cells, std::mem::take(&mut pending_break)));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utf16(text: &str, big: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|u| {
                if big {
                    u.to_be_bytes()
                } else {
                    u.to_le_bytes()
                }
            })
            .collect()
    }

    // 一 (U+4E00) puts a NUL at the other offset of UTF-16.
    const FORM: &str = "项目名称\t一期示例项目\n全年预算数\t4,072.13\n";

    #[test]
    fn each_encoding_is_found_and_named() {
        let (gbk, _, _) = encoding_rs::GBK.encode(FORM);
        let mut le_bom = vec![0xFF, 0xFE];
        le_bom.extend(utf16(FORM, false));
        let mut utf8_bom = vec![0xEF, 0xBB, 0xBF];
        utf8_bom.extend(FORM.as_bytes());
        let cases: [(&[u8], &str); 6] = [
            (FORM.as_bytes(), "UTF-8"),
            (&utf8_bom, "UTF-8 with BOM"),
            (&gbk, "GBK"),
            (&utf16(FORM, false), "UTF-16LE"),
            (&le_bom, "UTF-16LE with BOM"),
            (&utf16(FORM, true), "UTF-16BE"),
        ];
        for (bytes, name) in cases {
            let d = decode("f.txt", bytes, None).unwrap();
            assert_eq!(d.text, FORM, "{name}");
            assert_eq!(d.encoding, name);
        }
    }

    #[test]
    fn a_forced_encoding_is_used_and_its_errors_named() {
        let (gbk, _, _) = encoding_rs::GBK.encode(FORM);
        let d = decode("f.txt", &gbk, Some(encoding_rs::GB18030)).unwrap();
        assert_eq!((d.text.as_ref(), d.encoding.as_str()), (FORM, "GB18030"));
        // GBK bytes are not UTF-8: the second line's first bad byte is named.
        let mut bytes = b"ok\n".to_vec();
        bytes.extend(gbk.iter());
        let e = decode("f.txt", &bytes, Some(UTF_8))
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2") && e.contains("byte 3"), "{e}");
        assert!(e.contains("UTF-8") && e.contains("--encoding"), "{e}");
    }

    #[test]
    fn bytes_of_no_east_asian_text_are_refused_with_the_guess() {
        let e = decode("f.txt", b"caf\xe9 cr\xe8me\n", None)
            .unwrap_err()
            .to_string();
        assert!(e.contains("windows-1252"), "{e}");
        assert!(e.contains("line 1"), "{e}");
        // A NUL byte that is no UTF-16 is binary data.
        let e = decode("f.bin", b"ab\0\0cd", None).unwrap_err().to_string();
        assert!(e.contains("binary"), "{e}");
    }

    #[test]
    fn comma_separated_text_gives_the_rows_tab_separated_text_gives() {
        let csv = "项目名称,示例项目\n\n\"全年预算数\",\"4,072.13\",,\"两行\n文字\"\n末行,1\n";
        let rows = csv_rows("f.csv", csv).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!((rows[0].line, rows[0].after_break), (1, false));
        assert_eq!((rows[1].line, rows[1].after_break), (3, true));
        assert_eq!(rows[1].cells[1].text, "4,072.13");
        assert_eq!(rows[1].cells[2].column, 3);
        assert_eq!(rows[1].cells[2].text, "两行\n文字");
        assert_eq!((rows[2].line, rows[2].after_break), (5, false));
    }

    #[test]
    fn csv_is_told_from_tab_separated_text_and_prose() {
        assert!(is_csv("a.CSV", "x"));
        assert!(is_csv("-", "a,b,c\nd,e,f\ng,h,i\n"));
        assert!(!is_csv("a.txt", "a\tb,c,d\ne,f,g\nh,i,j\n"));
        // Prose with a comma or two per line is no table.
        assert!(!is_csv(
            "a.txt",
            "共计4,072.13万元，增长3%。\n其中，基本支出1,000万元。\n"
        ));
    }
}
