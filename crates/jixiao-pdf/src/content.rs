//! Interprets page content streams on lopdf: text showing with its fonts
//! (Type0 with ToUnicode and `/W` widths, predefined UCS-2/UTF-16 CMaps,
//! simple fonts), the graphics state (`cm`, `q`/`Q`), form XObjects with
//! their `/Matrix`, and painted rectangles (`re` then a paint operator).
//!
//! Fonts are decoded once per document, not once per page.
//!
//! Every budget of `PdfLimits` that concerns content is kept here: each
//! stream is inflated within its bytes, each stream's operators are
//! counted before it is parsed and charged to its page and the document
//! each time it runs (a form XObject drawn a thousand times costs a
//! thousand times its operators), and a page's glyphs are counted as they
//! are shown. A page over a budget fails alone; the others are read.

use crate::pdf::{Glyph, PageText, PdfError, PdfLimits};
use jixiao_model::Rect;
use pdf_extract::content::Operation;
use pdf_extract::{Dictionary, Document, Object, ObjectId, Stream};
use std::collections::{HashMap, HashSet};
use std::io::Read;
use std::rc::Rc;

type Matrix = [f64; 6];

const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`: a point mapped by `a`, then by `b`.
fn mul(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

fn num(o: &Object) -> Option<f64> {
    match o {
        Object::Integer(i) => Some(*i as f64),
        Object::Real(r) => Some(f64::from(*r)),
        _ => None,
    }
}

/// How a font's codes become text and widths.
#[derive(Debug, Default)]
struct Font {
    /// Bytes per code (2 for Type0 with 2-byte CMaps).
    two_bytes: bool,
    /// Codes are UCS-2/UTF-16 themselves (predefined Uni…-UCS2/UTF16 CMaps).
    unicode_codes: bool,
    /// Codes are GBK bytes, one below 0x80, two above (GBK-EUC-H, GB-EUC-H …).
    gbk: bool,
    /// ToUnicode mapping.
    to_unicode: HashMap<u32, String>,
    /// Widths by code (or CID, which Identity-H makes the same), in 1/1000 em.
    widths: HashMap<u32, f64>,
    /// Width of codes not in `widths`.
    default_width: f64,
    /// Name of a CMap it cannot decode.
    unsupported: Option<String>,
    /// Why its ToUnicode map could not be had.
    fault: Option<PdfError>,
}

/// The value and bytes of a hex token such as `<4E00>`; `None` for
/// anything else, or for a token with a character that is not a hex digit.
/// An odd last digit is followed by 0, as the PDF syntax says; the value is
/// that of the last four bytes.
fn hex_value(token: &[u8]) -> Option<(u32, Vec<u8>)> {
    let digits = token.strip_prefix(b"<")?.strip_suffix(b">")?;
    let nibbles: Vec<u8> = digits
        .iter()
        .filter(|b| !b.is_ascii_whitespace())
        .map(|&b| {
            char::from(b)
                .to_digit(16)
                .and_then(|d| u8::try_from(d).ok())
        })
        .collect::<Option<_>>()?;
    let bytes: Vec<u8> = nibbles
        .chunks(2)
        .map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0))
        .collect();
    let value = bytes.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
    Some((value, bytes))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], c.get(1).copied().unwrap_or(0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// The tokens of a CMap, on its bytes: hex strings `<…>` whole, `[` and
/// `]` alone, anything else split at white space and delimiters.
fn cmap_tokens(data: &[u8]) -> Vec<&[u8]> {
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if b == b'<' && data.get(i + 1) != Some(&b'<') {
            let end = data[i..]
                .iter()
                .position(|&c| c == b'>')
                .map_or(data.len(), |k| i + k + 1);
            tokens.push(&data[i..end]);
            i = end;
        } else if matches!(b, b'[' | b']') {
            tokens.push(&data[i..i + 1]);
            i += 1;
        } else {
            let end = data[i..]
                .iter()
                .position(|&c| c.is_ascii_whitespace() || matches!(c, b'[' | b']' | b'<'))
                .map_or(data.len(), |k| i + k);
            // A stray `<<` or the like is one token of its own.
            let end = end.max(i + 1);
            tokens.push(&data[i..end]);
            i = end;
        }
    }
    tokens
}

/// Reads the bfchar and bfrange sections of a ToUnicode CMap, giving at
/// most `budget` entries (a range counts the codes it covers). A malformed
/// token is skipped.
fn parse_to_unicode(data: &[u8], budget: usize) -> HashMap<u32, String> {
    let tokens = cmap_tokens(data);
    let mut map = HashMap::new();
    let mut left = budget;
    let mut i = 0;
    while i < tokens.len() && left > 0 {
        match tokens[i] {
            b"beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != b"endbfchar" && left > 0 {
                    if let (Some((src, _)), Some((_, dst))) =
                        (hex_value(tokens[i]), hex_value(tokens[i + 1]))
                    {
                        map.insert(src, utf16(&dst));
                        left -= 1;
                    }
                    i += 2;
                }
            }
            b"beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != b"endbfrange" && left > 0 {
                    let (Some((lo, _)), Some((hi, _))) =
                        (hex_value(tokens[i]), hex_value(tokens[i + 1]))
                    else {
                        i += 1;
                        continue;
                    };
                    if tokens[i + 2] == b"[" {
                        let mut j = i + 3;
                        let mut code = lo;
                        while j < tokens.len() && tokens[j] != b"]" && left > 0 {
                            if let Some((_, dst)) = hex_value(tokens[j]) {
                                map.insert(code, utf16(&dst));
                                left -= 1;
                            }
                            code = code.wrapping_add(1);
                            j += 1;
                        }
                        i = j + 1;
                    } else {
                        if let Some((_, mut dst)) = hex_value(tokens[i + 2]) {
                            let last = hi.min(lo.saturating_add(0xFFFF));
                            for code in lo..=last {
                                if left == 0 {
                                    break;
                                }
                                map.insert(code, utf16(&dst));
                                left -= 1;
                                if let Some(last) = dst.last_mut() {
                                    *last = last.wrapping_add(1);
                                }
                            }
                        }
                        i += 3;
                    }
                }
            }
            _ => i += 1,
        }
    }
    map
}

/// `/W` of a CIDFont: `c [w1 w2 …]` and `c_first c_last w` forms, giving
/// at most `budget` widths.
fn parse_w(doc: &Document, w: &[Object], widths: &mut HashMap<u32, f64>, budget: usize) {
    let deref = |o: &Object| {
        doc.dereference(o)
            .map(|(_, o)| o.clone())
            .unwrap_or(Object::Null)
    };
    let mut left = budget;
    let mut i = 0;
    while i < w.len() && left > 0 {
        let Some(first) = num(&deref(&w[i])) else {
            break;
        };
        let first = first as u32;
        match deref(w.get(i + 1).unwrap_or(&Object::Null)) {
            Object::Array(list) => {
                for (k, v) in list.iter().take(left).enumerate() {
                    if let Some(v) = num(&deref(v)) {
                        let k = u32::try_from(k).unwrap_or(u32::MAX);
                        widths.insert(first.saturating_add(k), v);
                    }
                }
                left = left.saturating_sub(list.len());
                i += 2;
            }
            other => {
                let (Some(last), Some(v)) =
                    (num(&other), w.get(i + 2).and_then(|o| num(&deref(o))))
                else {
                    break;
                };
                for c in first..=(last as u32).min(first.saturating_add(0xFFFF)) {
                    if left == 0 {
                        break;
                    }
                    widths.insert(c, v);
                    left -= 1;
                }
                i += 3;
            }
        }
    }
}

/// Why a stream's data could not be had.
enum Fault {
    /// It inflates beyond the bytes allowed.
    TooBig,
    /// Its filter failed: the filter, and what it said.
    Undecodable(String, String),
}

/// Inflates zlib data to at most `max` bytes. Data whose end is damaged
/// gives what was inflated before the damage, as viewers show it; data
/// without a zlib header is tried as bare deflate.
fn inflate(data: &[u8], max: u64) -> Result<Vec<u8>, Fault> {
    let mut out = Vec::new();
    let result = flate2::read::ZlibDecoder::new(data)
        .take(max.saturating_add(1))
        .read_to_end(&mut out);
    if out.len() as u64 > max {
        return Err(Fault::TooBig);
    }
    let error = match result {
        Ok(_) => return Ok(out),
        Err(_) if !out.is_empty() => return Ok(out),
        Err(e) => e.to_string(),
    };
    let mut bare = Vec::new();
    let result = flate2::read::DeflateDecoder::new(data.get(2..).unwrap_or_default())
        .take(max.saturating_add(1))
        .read_to_end(&mut bare);
    if bare.len() as u64 > max {
        return Err(Fault::TooBig);
    }
    match result {
        Ok(_) if !bare.is_empty() => Ok(bare),
        _ => Err(Fault::Undecodable("FlateDecode".into(), error)),
    }
}

/// A stream's data through its filters, at most `max` bytes of it.
fn decode_stream(stream: &Stream, max: u64) -> Result<Vec<u8>, Fault> {
    if stream.dict.get(b"Filter").is_err() {
        return Ok(stream.content.clone());
    }
    let filters = stream.filters().map_err(|_| {
        Fault::Undecodable(
            "/Filter".into(),
            "neither a name nor an array of names".into(),
        )
    })?;
    let predictor = stream
        .dict
        .get(b"DecodeParms")
        .and_then(Object::as_dict)
        .and_then(|p| p.get(b"Predictor"))
        .and_then(Object::as_i64)
        .is_ok_and(|p| p > 1);
    match filters.as_slice() {
        [] => Ok(stream.content.clone()),
        [only] if *only == b"FlateDecode" && !predictor => inflate(&stream.content, max),
        [first, ..] => {
            if *first == b"FlateDecode" {
                // Inflated here only to bound it before lopdf inflates it
                // with the filters after it.
                inflate(&stream.content, max)?;
            }
            let out = stream.decompressed_content().map_err(|e| {
                let names: Vec<String> = filters
                    .iter()
                    .map(|f| String::from_utf8_lossy(f).into_owned())
                    .collect();
                Fault::Undecodable(names.join(" "), e.to_string())
            })?;
            if out.len() as u64 > max {
                return Err(Fault::TooBig);
            }
            Ok(out)
        }
    }
}

/// What the document has spent of its budgets so far, and the bounds.
pub(crate) struct Budget<'a> {
    limits: &'a PdfLimits,
    /// Content operators run.
    operators: u64,
    /// Bytes inflated.
    bytes: u64,
}

impl<'a> Budget<'a> {
    pub(crate) fn new(limits: &'a PdfLimits) -> Self {
        Budget {
            limits,
            operators: 0,
            bytes: 0,
        }
    }

    /// Decodes a stream other than a page's content, within the bytes left
    /// to one stream and to the document.
    fn stream(&mut self, id: ObjectId, stream: &Stream, page: u32) -> Result<Vec<u8>, PdfError> {
        let per_stream = self.limits.max_content_bytes;
        self.decode(id, stream, page, per_stream, |object| {
            PdfError::StreamBomb {
                page,
                object,
                limit: per_stream,
            }
        })
    }

    /// Decodes a stream within `max` bytes and the bytes left to the
    /// document; `too_big` is the error for going beyond `max`.
    fn decode(
        &mut self,
        id: ObjectId,
        stream: &Stream,
        page: u32,
        max: u64,
        too_big: impl FnOnce(u32) -> PdfError,
    ) -> Result<Vec<u8>, PdfError> {
        let left = self.limits.max_document_bytes.saturating_sub(self.bytes);
        match decode_stream(stream, max.min(left)) {
            Ok(data) => {
                self.bytes += data.len() as u64;
                Ok(data)
            }
            Err(Fault::TooBig) if left < max => Err(PdfError::DocumentBomb {
                page,
                limit: self.limits.max_document_bytes,
            }),
            Err(Fault::TooBig) => Err(too_big(id.0)),
            Err(Fault::Undecodable(filter, why)) => Err(PdfError::Undecodable {
                page,
                object: id.0,
                filter,
                why,
            }),
        }
    }
}

/// How many operators a content stream holds, counted no further than
/// `stop`: the tokens that are neither operands nor delimiters, the data
/// of inline images skipped.
fn count_operators(content: &[u8], stop: u64) -> u64 {
    let regular = |b: u8| !b.is_ascii_whitespace() && !b"()<>[]{}/%".contains(&b);
    let mut count = 0;
    let mut i = 0;
    while i < content.len() && count < stop {
        match content[i] {
            b'%' => {
                while i < content.len() && !matches!(content[i], b'\r' | b'\n') {
                    i += 1;
                }
            }
            b'(' => i = crate::scan::skip_literal(content, i),
            b'<' if content.get(i + 1) != Some(&b'<') => {
                i += content[i..]
                    .iter()
                    .position(|&b| b == b'>')
                    .map_or(content.len() - i, |k| k + 1);
            }
            b'/' => {
                i += 1;
                while i < content.len() && regular(content[i]) {
                    i += 1;
                }
            }
            b if !regular(b) => i += 1,
            _ => {
                let start = i;
                while i < content.len() && regular(content[i]) {
                    i += 1;
                }
                let token = &content[start..i];
                let operand = matches!(token, b"true" | b"false" | b"null")
                    || token
                        .first()
                        .is_some_and(|b| b.is_ascii_digit() || b"+-.".contains(b));
                if !operand {
                    count += 1;
                }
                if token == b"ID" {
                    // Inline image data runs to `EI` between white space.
                    let data = &content[i..];
                    let end = data.windows(4).position(|w| {
                        w[0].is_ascii_whitespace()
                            && &w[1..3] == b"EI"
                            && (w[3].is_ascii_whitespace())
                    });
                    i += end.map_or(data.len(), |k| k + 3);
                }
            }
        }
    }
    count
}

fn load_font(doc: &Document, dict: &Dictionary, budget: &mut Budget, page: u32) -> Font {
    let entries = budget.limits.max_font_entries;
    let mut font = Font {
        default_width: 1000.0,
        ..Font::default()
    };
    let name = |d: &Dictionary, k: &[u8]| {
        d.get_deref(k, doc)
            .ok()
            .and_then(|o| o.as_name().ok())
            .map(|n| String::from_utf8_lossy(n).to_string())
    };
    let to_unicode = dict
        .get(b"ToUnicode")
        .and_then(Object::as_reference)
        .and_then(|id| Ok((id, doc.get_object(id)?.as_stream()?)));
    if let Ok((id, stream)) = to_unicode {
        match budget.stream(id, stream, page) {
            Ok(data) => font.to_unicode = parse_to_unicode(&data, entries),
            Err(e) => font.fault = Some(e),
        }
    }
    if name(dict, b"Subtype").as_deref() == Some("Type0") {
        font.two_bytes = true;
        match name(dict, b"Encoding") {
            Some(e) if e.starts_with("Identity") => {}
            Some(e) if e.contains("UCS2") || e.contains("UTF16") => font.unicode_codes = true,
            Some(e)
                if e.starts_with("GBK") || e.starts_with("GB-EUC") || e.starts_with("GBpc-EUC") =>
            {
                font.gbk = true;
                font.two_bytes = false;
            }
            Some(e) => font.unsupported = Some(e),
            None => font.unsupported = Some("an embedded CMap".into()),
        }
        let descendant = dict
            .get_deref(b"DescendantFonts", doc)
            .ok()
            .and_then(|o| o.as_array().ok())
            .and_then(|a| a.first())
            .and_then(|o| doc.dereference(o).ok())
            .and_then(|(_, o)| o.as_dict().ok());
        if let Some(d) = descendant {
            if let Some(dw) = d.get_deref(b"DW", doc).ok().and_then(num) {
                font.default_width = dw;
            }
            if let Ok(w) = d.get_deref(b"W", doc).and_then(|o| o.as_array()) {
                parse_w(doc, w, &mut font.widths, entries);
            }
        }
    } else {
        let first = dict
            .get_deref(b"FirstChar", doc)
            .ok()
            .and_then(num)
            .unwrap_or(0.0) as u32;
        if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(|o| o.as_array()) {
            for (k, v) in w.iter().take(entries).enumerate() {
                if let Some(v) = doc.dereference(v).ok().and_then(|(_, o)| num(o)) {
                    let k = u32::try_from(k).unwrap_or(u32::MAX);
                    font.widths.insert(first.saturating_add(k), v);
                }
            }
        }
        font.default_width = 500.0;
    }
    font
}

impl Font {
    /// The CID that `/W` widths are keyed by. Identity-H and simple fonts
    /// key by the code itself; a predefined Unicode CMap's table is not
    /// in the file, but every Adobe character collection (GB1, CNS1,
    /// Japan1, Korea1) gives printable ASCII the proportional CIDs 1–95,
    /// and any other character here takes the default width.
    fn cid_of(&self, code: u32) -> u32 {
        if !self.unicode_codes {
            code
        } else if (0x20..=0x7e).contains(&code) {
            code - 0x1f
        } else {
            u32::MAX
        }
    }

    /// The codes of a shown string, each with its text and width (1/1000 em).
    fn decode(&self, bytes: &[u8]) -> Vec<(u32, String, f64)> {
        if self.gbk {
            let mut out = Vec::new();
            let mut i = 0;
            while i < bytes.len() {
                let n = if bytes[i] < 0x80 || i + 1 == bytes.len() {
                    1
                } else {
                    2
                };
                let piece = &bytes[i..i + n];
                let (text, _, _) = encoding_rs::GBK.decode(piece);
                let code = piece.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
                let width = if n == 1 {
                    self.default_width / 2.0
                } else {
                    self.default_width
                };
                out.push((code, text.into_owned(), width));
                i += n;
            }
            return out;
        }
        let codes: Vec<u32> = if self.two_bytes {
            bytes
                .chunks(2)
                .map(|c| (u32::from(c[0]) << 8) | u32::from(*c.get(1).unwrap_or(&0)))
                .collect()
        } else {
            bytes.iter().map(|b| u32::from(*b)).collect()
        };
        codes
            .into_iter()
            .map(|code| {
                let text = if let Some(t) = self.to_unicode.get(&code) {
                    t.clone()
                } else if self.unicode_codes || (!self.two_bytes && code < 0x80) {
                    // UCS-2 codes, or ASCII in a simple font without ToUnicode.
                    char::from_u32(code).map(String::from).unwrap_or_default()
                } else {
                    String::new()
                };
                let width = self
                    .widths
                    .get(&self.cid_of(code))
                    .copied()
                    .unwrap_or(self.default_width);
                (code, text, width)
            })
            .collect()
    }
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<ObjectId>,
    font_key: Vec<u8>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Interpreter<'a, 'b> {
    doc: &'a Document,
    fonts: &'a mut HashMap<ObjectId, Font>,
    budget: &'a mut Budget<'b>,
    /// Operators this page has run.
    operators: u64,
    /// The operations of the form XObjects this page draws, parsed once.
    forms: HashMap<ObjectId, Rc<Vec<Operation>>>,
    page: PageText,
    path_rects: Vec<Rect>,
    /// Straight segments of the path being built, in page space.
    path_lines: Vec<Rect>,
    /// The path's current point and its subpath's start, in page space.
    point: Option<(f64, f64)>,
    start: Option<(f64, f64)>,
    /// Corners of the current path's straight subpaths, the last one open.
    outlines: Vec<Vec<(f64, f64)>>,
    depth: usize,
}

/// A rectangle thinner than this (points) is a rule, not a cell.
const THIN: f64 = 2.0;

/// A horizontal or vertical segment as a degenerate box; others (slashes
/// in header cells, curves' chords) rule no table and give `None`.
fn axis_segment((x0, y0): (f64, f64), (x1, y1): (f64, f64)) -> Option<Rect> {
    let r = Rect {
        x0: x0.min(x1),
        y0: y0.min(y1),
        x1: x0.max(x1),
        y1: y0.max(y1),
    };
    let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
    if h < 0.5 && w > 0.5 {
        let y = (r.y0 + r.y1) / 2.0;
        Some(Rect { y0: y, y1: y, ..r })
    } else if w < 0.5 && h > 0.5 {
        let x = (r.x0 + r.x1) / 2.0;
        Some(Rect { x0: x, x1: x, ..r })
    } else {
        None
    }
}

/// The rectangle that a closed straight subpath outlines, if it is one:
/// four corners (a fifth back at the first is allowed), each side along
/// an axis.
fn outline_rect(points: &[(f64, f64)]) -> Option<Rect> {
    let same = |a: (f64, f64), b: (f64, f64)| (a.0 - b.0).abs() < 0.01 && (a.1 - b.1).abs() < 0.01;
    let corners = match points {
        [first @ .., last] if points.len() == 5 && same(points[0], *last) => first,
        _ => points,
    };
    if corners.len() != 4 {
        return None;
    }
    let along_axis = (0..4).all(|k| {
        let (a, b) = (corners[k], corners[(k + 1) % 4]);
        ((a.0 - b.0).abs() < 0.01) != ((a.1 - b.1).abs() < 0.01)
    });
    along_axis.then(|| Rect {
        x0: corners.iter().map(|p| p.0).fold(f64::MAX, f64::min),
        y0: corners.iter().map(|p| p.1).fold(f64::MAX, f64::min),
        x1: corners.iter().map(|p| p.0).fold(f64::MIN, f64::max),
        y1: corners.iter().map(|p| p.1).fold(f64::MIN, f64::max),
    })
}

/// A thin rectangle (a rule drawn as a filled bar) as its middle line.
fn thin_rule(r: &Rect) -> Option<Rect> {
    let (w, h) = (r.x1 - r.x0, r.y1 - r.y0);
    if h < THIN && w >= h {
        let y = (r.y0 + r.y1) / 2.0;
        Some(Rect { y0: y, y1: y, ..*r })
    } else if w < THIN && h > w {
        let x = (r.x0 + r.x1) / 2.0;
        Some(Rect { x0: x, x1: x, ..*r })
    } else {
        None
    }
}

impl Interpreter<'_, '_> {
    /// `h`, and the closing half of `s`, `b`, `b*`: a line back to where
    /// the subpath started.
    fn close_subpath(&mut self) {
        if let (Some(from), Some(to)) = (self.point, self.start) {
            self.path_lines.extend(axis_segment(from, to));
        }
        self.point = self.start;
    }

    fn font_of(&mut self, resources: Option<&Dictionary>, key: &[u8]) -> Option<ObjectId> {
        let fonts = resources?
            .get_deref(b"Font", self.doc)
            .ok()?
            .as_dict()
            .ok()?;
        let id = fonts.get(key).ok()?.as_reference().ok()?;
        if !self.fonts.contains_key(&id) {
            let dict = self.doc.get_object(id).ok()?.as_dict().ok()?;
            let font = load_font(self.doc, dict, self.budget, self.page.number);
            self.fonts.insert(id, font);
        }
        Some(id)
    }

    /// Charges `n` operators to the page and the document.
    fn charge(&mut self, n: u64) -> Result<(), PdfError> {
        let limits = self.budget.limits;
        self.operators = self.operators.saturating_add(n);
        self.budget.operators = self.budget.operators.saturating_add(n);
        if self.operators > limits.max_page_operators {
            return Err(PdfError::PageOperators {
                page: self.page.number,
                limit: limits.max_page_operators,
            });
        }
        if self.budget.operators > limits.max_document_operators {
            return Err(PdfError::DocumentOperators {
                page: self.page.number,
                limit: limits.max_document_operators,
            });
        }
        Ok(())
    }

    /// Parses a content stream once its operators are counted within the
    /// budget left, charging none of them yet.
    fn parse(&mut self, content: &[u8]) -> Result<Vec<Operation>, PdfError> {
        let limits = self.budget.limits;
        let left = (limits.max_page_operators.saturating_sub(self.operators)).min(
            limits
                .max_document_operators
                .saturating_sub(self.budget.operators),
        );
        let counted = count_operators(content, left.saturating_add(1));
        if counted > left {
            self.charge(counted)?;
        }
        pdf_extract::content::Content::decode(content)
            .map(|c| c.operations)
            .map_err(|e| {
                PdfError::TextLayer(format!(
                    "page {}: content cannot be parsed: {e}",
                    self.page.number
                ))
            })
    }

    fn run(
        &mut self,
        ops: &[Operation],
        resources: Option<&Dictionary>,
        base: Matrix,
    ) -> Result<(), PdfError> {
        self.charge(ops.len() as u64)?;
        let mut gs = State {
            ctm: base,
            font: None,
            font_key: Vec::new(),
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut stack: Vec<State> = Vec::new();
        // Saves beyond the nesting limit, not kept; their restores
        // restore nothing.
        let mut unsaved = 0usize;
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in ops {
            let a: Vec<f64> = op.operands.iter().filter_map(num).collect();
            match op.operator.as_str() {
                "q" if stack.len() < self.budget.limits.max_nesting => stack.push(gs.clone()),
                "q" => unsaved += 1,
                "Q" if unsaved > 0 => unsaved -= 1,
                "Q" => {
                    if let Some(s) = stack.pop() {
                        gs = s;
                    }
                }
                "cm" if a.len() == 6 => {
                    gs.ctm = mul(&[a[0], a[1], a[2], a[3], a[4], a[5]], &gs.ctm)
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(key)), Some(size)) =
                        (op.operands.first(), op.operands.get(1).and_then(num))
                    {
                        gs.font = self.font_of(resources, key);
                        gs.font_key = key.clone();
                        gs.size = size;
                    }
                }
                "Tc" if !a.is_empty() => gs.char_spacing = a[0],
                "Tw" if !a.is_empty() => gs.word_spacing = a[0],
                "Tz" if !a.is_empty() => gs.scale = a[0] / 100.0,
                "TL" if !a.is_empty() => gs.leading = a[0],
                "Ts" if !a.is_empty() => gs.rise = a[0],
                "Td" | "TD" if a.len() == 2 => {
                    if op.operator == "TD" {
                        gs.leading = -a[1];
                    }
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, a[0], a[1]], &tlm);
                    tm = tlm;
                }
                "Tm" if a.len() == 6 => {
                    tlm = [a[0], a[1], a[2], a[3], a[4], a[5]];
                    tm = tlm;
                }
                "T*" => {
                    tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if op.operator != "Tj" && op.operator != "TJ" {
                        tlm = mul(&[1.0, 0.0, 0.0, 1.0, 0.0, -gs.leading], &tlm);
                        tm = tlm;
                    }
                    let items: Vec<&Object> = match op.operator.as_str() {
                        "TJ" => op
                            .operands
                            .first()
                            .and_then(|o| o.as_array().ok())
                            .map(|v| v.iter().collect())
                            .unwrap_or_default(),
                        _ => op.operands.last().into_iter().collect(),
                    };
                    self.show(&gs, &mut tm, &items)?;
                }
                "re" if a.len() == 4 => {
                    let (x0, y0) = apply(&gs.ctm, a[0], a[1]);
                    let (x1, y1) = apply(&gs.ctm, a[0] + a[2], a[1] + a[3]);
                    self.path_rects.push(Rect {
                        x0: x0.min(x1),
                        y0: y0.min(y1),
                        x1: x0.max(x1),
                        y1: y0.max(y1),
                    });
                }
                "m" if a.len() == 2 => {
                    let p = apply(&gs.ctm, a[0], a[1]);
                    self.point = Some(p);
                    self.start = Some(p);
                    self.outlines.push(vec![p]);
                }
                "l" if a.len() == 2 => {
                    let p = apply(&gs.ctm, a[0], a[1]);
                    if let Some(line) = self.point.and_then(|from| axis_segment(from, p)) {
                        self.path_lines.push(line);
                    }
                    if let Some(outline) = self.outlines.last_mut() {
                        outline.push(p);
                    }
                    self.point = Some(p);
                }
                // A curve rules nothing; its end is the new point.
                "c" | "v" | "y" if a.len() >= 2 => {
                    // A curved subpath outlines no rectangle.
                    if let Some(outline) = self.outlines.last_mut() {
                        outline.clear();
                    }
                    self.point = Some(apply(&gs.ctm, a[a.len() - 2], a[a.len() - 1]));
                }
                "h" => self.close_subpath(),
                "S" | "s" | "f" | "F" | "f*" | "B" | "B*" | "b" | "b*" => {
                    if matches!(op.operator.as_str(), "s" | "b" | "b*") {
                        self.close_subpath();
                    }
                    if !matches!(op.operator.as_str(), "S" | "s") {
                        // A filled outline with four straight sides is a
                        // rectangle drawn segment by segment.
                        let outlines = std::mem::take(&mut self.outlines);
                        self.path_rects
                            .extend(outlines.iter().filter_map(|o| outline_rect(o)));
                    }
                    self.outlines.clear();
                    for rect in self.path_rects.drain(..) {
                        match thin_rule(&rect) {
                            Some(rule) => self.page.rules.push(rule),
                            None => self.page.rects.push(rect),
                        }
                    }
                    // Only stroked lines are rules; a filled outline is a
                    // shape.
                    if !matches!(op.operator.as_str(), "f" | "F" | "f*") {
                        self.page.rules.append(&mut self.path_lines);
                    }
                    self.path_lines.clear();
                    self.point = None;
                    self.start = None;
                }
                "n" => {
                    self.outlines.clear();
                    self.path_rects.clear();
                    self.path_lines.clear();
                    self.point = None;
                    self.start = None;
                }
                "Do" => {
                    if let Some(Object::Name(key)) = op.operands.first() {
                        self.form(resources, key, &gs.ctm)?;
                    }
                }
                _ => {}
            }
        }
        Ok(())
    }

    fn show(&mut self, gs: &State, tm: &mut Matrix, items: &[&Object]) -> Result<(), PdfError> {
        let Some(font_id) = gs.font else {
            return Ok(());
        };
        let Some(font) = self.fonts.get(&font_id) else {
            return Ok(());
        };
        if let Some(fault) = &font.fault {
            return Err(fault.clone());
        }
        if let Some(cmap) = &font.unsupported {
            return Err(PdfError::TextLayer(format!(
                "page {}: font {} uses the CMap {cmap}, which is not decoded yet",
                self.page.number,
                String::from_utf8_lossy(&gs.font_key)
            )));
        }
        if font.two_bytes && !font.unicode_codes && font.to_unicode.is_empty() {
            return Err(PdfError::TextLayer(format!(
                "page {}: font {} has no ToUnicode map, so its text cannot be decoded",
                self.page.number,
                String::from_utf8_lossy(&gs.font_key)
            )));
        }
        for item in items {
            match item {
                Object::String(bytes, _) => {
                    for (code, text, w) in font.decode(bytes) {
                        if self.page.glyphs.len() >= self.budget.limits.max_page_glyphs {
                            return Err(PdfError::PageGlyphs {
                                page: self.page.number,
                                limit: self.budget.limits.max_page_glyphs,
                            });
                        }
                        let trm = mul(
                            &[gs.size * gs.scale, 0.0, 0.0, gs.size, 0.0, gs.rise],
                            &mul(tm, &gs.ctm),
                        );
                        let size = (trm[2] * trm[2] + trm[3] * trm[3]).sqrt();
                        let advance = (w / 1000.0 * gs.size
                            + gs.char_spacing
                            + if code == 32 && !font.two_bytes {
                                gs.word_spacing
                            } else {
                                0.0
                            })
                            * gs.scale;
                        let (x, y) = (trm[4], trm[5]);
                        // The advance measured along the text direction in
                        // page space, whatever turns the page or the text.
                        let m = mul(tm, &gs.ctm);
                        let width = advance * m[0].hypot(m[1]).max(1e-9);
                        self.page.glyphs.push(Glyph {
                            text,
                            x,
                            y,
                            size,
                            width,
                        });
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                    }
                }
                other => {
                    if let Some(n) = num(other) {
                        let advance = -n / 1000.0 * gs.size * gs.scale;
                        *tm = mul(&[1.0, 0.0, 0.0, 1.0, advance, 0.0], tm);
                    }
                }
            }
        }
        Ok(())
    }

    fn form(
        &mut self,
        resources: Option<&Dictionary>,
        key: &[u8],
        ctm: &Matrix,
    ) -> Result<(), PdfError> {
        if self.depth > self.budget.limits.max_form_depth {
            return Ok(());
        }
        let Some(id) = resources
            .and_then(|r| r.get_deref(b"XObject", self.doc).ok())
            .and_then(|x| x.as_dict().ok())
            .and_then(|x| x.get(key).ok())
            .and_then(|o| o.as_reference().ok())
        else {
            return Ok(());
        };
        let Ok(stream) = self.doc.get_object(id).and_then(|o| o.as_stream()) else {
            return Ok(());
        };
        let is_form = stream
            .dict
            .get(b"Subtype")
            .ok()
            .and_then(|s| s.as_name().ok())
            == Some(b"Form".as_slice());
        if !is_form {
            return Ok(());
        }
        let matrix: Vec<f64> = stream
            .dict
            .get(b"Matrix")
            .ok()
            .and_then(|m| m.as_array().ok())
            .map(|m| m.iter().filter_map(num).collect())
            .unwrap_or_default();
        let m = match matrix[..] {
            [a, b, c, d, e, f] => [a, b, c, d, e, f],
            _ => IDENTITY,
        };
        let ops = match self.forms.get(&id) {
            Some(ops) => Rc::clone(ops),
            None => {
                let content = self.budget.stream(id, stream, self.page.number)?;
                let ops = Rc::new(self.parse(&content)?);
                self.forms.insert(id, Rc::clone(&ops));
                ops
            }
        };
        let own = stream
            .dict
            .get_deref(b"Resources", self.doc)
            .ok()
            .and_then(|r| r.as_dict().ok());
        self.depth += 1;
        let result = self.run(&ops, own.or(resources), mul(&m, ctm));
        self.depth -= 1;
        result
    }
}

/// The matrix that turns a page's space (origin at the MediaBox's corner)
/// the way a viewer shows it, clockwise by `/Rotate` degrees (a multiple of
/// 90; anything else is read as the nearest), and the size it is shown at.
fn page_turn(rotate: f64, (w, h): (f64, f64)) -> (Matrix, (f64, f64)) {
    let quarter = ((rotate / 90.0).round() as i64).rem_euclid(4);
    match quarter {
        1 => ([0.0, -1.0, 1.0, 0.0, 0.0, w], (h, w)),
        2 => ([-1.0, 0.0, 0.0, -1.0, w, h], (w, h)),
        3 => ([0.0, 1.0, -1.0, 0.0, h, 0.0], (h, w)),
        _ => (IDENTITY, (w, h)),
    }
}

/// A page's resources, its own or the nearest ancestor's in the page
/// tree, and the node its `/Parent` chain loops back to, if it does.
fn page_resources(doc: &Document, page: ObjectId) -> (Option<&Dictionary>, Option<u32>) {
    let mut seen = HashSet::from([page]);
    let mut node = doc.get_dictionary(page).ok();
    let mut resources = None;
    while let Some(dict) = node {
        if resources.is_none() {
            resources = dict
                .get_deref(b"Resources", doc)
                .ok()
                .and_then(|r| r.as_dict().ok());
        }
        let Ok(parent) = dict.get(b"Parent").and_then(Object::as_reference) else {
            break;
        };
        if !seen.insert(parent) {
            return (resources, Some(parent.0));
        }
        node = doc.get_dictionary(parent).ok();
    }
    (resources, None)
}

/// What reading the pages gave.
pub(crate) struct Reading {
    /// Every page, those that could not be read without glyphs or shapes.
    pub pages: Vec<PageText>,
    /// Why each page that could not be read was not, in page order.
    pub unread: Vec<PdfError>,
    /// Defects of the file read past, in words.
    pub notes: Vec<String>,
}

/// The glyphs and painted rectangles of every page, interpreted here. An
/// error of one page (a budget spent, a stream that cannot be decoded)
/// leaves that page out; any other fails the document.
pub(crate) fn pages(
    doc: &Document,
    page_ids: &[ObjectId],
    limits: &PdfLimits,
) -> Result<Reading, PdfError> {
    let mut fonts: HashMap<ObjectId, Font> = HashMap::new();
    let mut budget = Budget::new(limits);
    let mut reading = Reading {
        pages: Vec::new(),
        unread: Vec::new(),
        notes: Vec::new(),
    };
    for (k, &id) in page_ids.iter().enumerate() {
        let number = u32::try_from(k + 1).unwrap_or(u32::MAX);
        let page_dict = doc
            .get_object(id)
            .and_then(|o| o.as_dict())
            .map_err(|e| PdfError::Damaged(e.to_string()))?;
        let media: Vec<f64> = page_dict
            .get_deref(b"MediaBox", doc)
            .ok()
            .and_then(|m| m.as_array().ok())
            .map(|m| m.iter().filter_map(num).collect())
            .unwrap_or_default();
        let rotate = page_dict
            .get_deref(b"Rotate", doc)
            .ok()
            .and_then(num)
            .unwrap_or(0.0);
        let (origin, media) = match media[..] {
            [x0, y0, x1, y1] => ((x0.min(x1), y0.min(y1)), ((x1 - x0).abs(), (y1 - y0).abs())),
            _ => ((0.0, 0.0), (595.0, 842.0)),
        };
        let (turn, size) = page_turn(rotate, media);
        let base = mul(&[1.0, 0.0, 0.0, 1.0, -origin.0, -origin.1], &turn);
        let (resources, parent_loop) = page_resources(doc, id);
        if let Some(object) = parent_loop {
            reading.notes.push(format!(
                "page {number}: its /Parent chain loops back to object {object}; the loop was not followed"
            ));
        }
        let mut it = Interpreter {
            doc,
            fonts: &mut fonts,
            budget: &mut budget,
            operators: 0,
            forms: HashMap::new(),
            page: PageText {
                number,
                size,
                glyphs: Vec::new(),
                rects: Vec::new(),
                rules: Vec::new(),
            },
            path_rects: Vec::new(),
            path_lines: Vec::new(),
            point: None,
            start: None,
            outlines: Vec::new(),
            depth: 0,
        };
        match it.page_content(id).and_then(|content| {
            let ops = it.parse(&content)?;
            drop(content);
            it.run(&ops, resources, base)?;
            let limit = it.budget.limits.max_page_crossings;
            if crate::ruling::too_many_crossings(&it.page.rules, limit) {
                return Err(PdfError::PageCrossings {
                    page: number,
                    limit,
                });
            }
            Ok(())
        }) {
            Ok(()) => reading.pages.push(it.page),
            Err(e) if e.page_only() => {
                reading.unread.push(e);
                reading.pages.push(PageText {
                    number,
                    size,
                    glyphs: Vec::new(),
                    rects: Vec::new(),
                    rules: Vec::new(),
                });
            }
            Err(e) => return Err(e),
        }
    }
    Ok(reading)
}

impl Interpreter<'_, '_> {
    /// The page's content streams decoded and joined, within the bytes one
    /// page's content may inflate to.
    fn page_content(&mut self, page: ObjectId) -> Result<Vec<u8>, PdfError> {
        let limit = self.budget.limits.max_content_bytes;
        let number = self.page.number;
        let mut content = Vec::new();
        for id in self.doc.get_page_contents(page) {
            let Ok(stream) = self.doc.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let left = limit.saturating_sub(content.len() as u64);
            let data = self
                .budget
                .decode(id, stream, number, left, |_| PdfError::Bomb {
                    page: number,
                    limit,
                })?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        Ok(content)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_chars_and_ranges() {
        let cmap = b"beginbfchar <0003> <0020> <0010> <9879> endbfchar beginbfrange <0020> <0022> <0041> <0030> <0031> [<4E00> <4E01>] endbfrange";
        let m = parse_to_unicode(cmap, 1000);
        assert_eq!(m[&3], " ");
        assert_eq!(m[&0x10], "项");
        assert_eq!(m[&0x21], "B");
        assert_eq!(m[&0x31], "丁");
    }

    #[test]
    fn a_turned_page_is_shown_upright() {
        // A4 portrait turned by 90: the top left corner of the page space
        // is shown at the top right, and the shown page is landscape.
        let (m, size) = page_turn(90.0, (595.0, 842.0));
        assert_eq!(size, (842.0, 595.0));
        assert_eq!(apply(&m, 0.0, 842.0), (842.0, 595.0));
        assert_eq!(apply(&m, 0.0, 0.0), (0.0, 595.0));
        let (m, size) = page_turn(180.0, (595.0, 842.0));
        assert_eq!(size, (595.0, 842.0));
        assert_eq!(apply(&m, 0.0, 0.0), (595.0, 842.0));
        let (m, size) = page_turn(-90.0, (595.0, 842.0));
        assert_eq!(size, (842.0, 595.0));
        assert_eq!(apply(&m, 0.0, 0.0), (842.0, 0.0));
        assert_eq!(page_turn(360.0, (1.0, 2.0)), (IDENTITY, (1.0, 2.0)));
    }

    #[test]
    fn a_closed_straight_outline_with_four_sides_is_a_rectangle() {
        let square = [(1.0, 2.0), (5.0, 2.0), (5.0, 2.5), (1.0, 2.5)];
        let r = outline_rect(&square).unwrap();
        assert_eq!((r.x0, r.y0, r.x1, r.y1), (1.0, 2.0, 5.0, 2.5));
        let closed = [(1.0, 2.0), (1.0, 9.0), (4.0, 9.0), (4.0, 2.0), (1.0, 2.0)];
        assert!(outline_rect(&closed).is_some());
        // A slanted side, a triangle, a bare line: no rectangle.
        assert!(outline_rect(&[(0.0, 0.0), (5.0, 1.0), (5.0, 3.0), (0.0, 3.0)]).is_none());
        assert!(outline_rect(&[(0.0, 0.0), (5.0, 0.0), (5.0, 3.0)]).is_none());
        assert!(outline_rect(&[(0.0, 0.0), (5.0, 0.0)]).is_none());
    }

    #[test]
    fn matrices_compose_in_order() {
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        let shift = [1.0, 0.0, 0.0, 1.0, 10.0, 0.0];
        assert_eq!(apply(&mul(&scale, &shift), 1.0, 1.0), (12.0, 2.0));
    }
}
