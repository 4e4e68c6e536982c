//! Interprets page content streams on lopdf: text showing with its fonts
//! (Type0 with ToUnicode and `/W` widths, predefined UCS-2/UTF-16 CMaps,
//! simple fonts), the graphics state (`cm`, `q`/`Q`), form XObjects with
//! their `/Matrix`, and painted rectangles (`re` then a paint operator).
//!
//! Fonts are decoded once per document, not once per page.

use crate::pdf::{Glyph, PageText, PdfError};
use jixiao_model::Rect;
use pdf_extract::{Dictionary, Document, Object, ObjectId};
use std::collections::HashMap;

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
}

fn hex_value(token: &str) -> Option<(u32, Vec<u8>)> {
    let t = token.trim_start_matches('<').trim_end_matches('>');
    let bytes: Vec<u8> = (0..t.len() / 2)
        .filter_map(|i| u8::from_str_radix(&t[2 * i..2 * i + 2], 16).ok())
        .collect();
    let value = bytes.iter().fold(0u32, |a, b| (a << 8) | u32::from(*b));
    Some((value, bytes))
}

fn utf16(bytes: &[u8]) -> String {
    let units: Vec<u16> = bytes
        .chunks(2)
        .map(|c| u16::from_be_bytes([c[0], *c.get(1).unwrap_or(&0)]))
        .collect();
    String::from_utf16_lossy(&units)
}

/// Reads the bfchar and bfrange sections of a ToUnicode CMap.
fn parse_to_unicode(data: &[u8]) -> HashMap<u32, String> {
    let text = String::from_utf8_lossy(data);
    let mut map = HashMap::new();
    let tokens: Vec<String> = text
        .replace('[', " [ ")
        .replace(']', " ] ")
        .replace('<', " <")
        .replace('>', "> ")
        .split_whitespace()
        .map(str::to_string)
        .collect();
    let mut i = 0;
    while i < tokens.len() {
        match tokens[i].as_str() {
            "beginbfchar" => {
                i += 1;
                while i + 1 < tokens.len() && tokens[i] != "endbfchar" {
                    if let (Some((src, _)), Some((_, dst))) =
                        (hex_value(&tokens[i]), hex_value(&tokens[i + 1]))
                    {
                        map.insert(src, utf16(&dst));
                    }
                    i += 2;
                }
            }
            "beginbfrange" => {
                i += 1;
                while i + 2 < tokens.len() && tokens[i] != "endbfrange" {
                    let (Some((lo, _)), Some((hi, _))) =
                        (hex_value(&tokens[i]), hex_value(&tokens[i + 1]))
                    else {
                        i += 1;
                        continue;
                    };
                    if tokens[i + 2] == "[" {
                        let mut j = i + 3;
                        let mut code = lo;
                        while j < tokens.len() && tokens[j] != "]" {
                            if let Some((_, dst)) = hex_value(&tokens[j]) {
                                map.insert(code, utf16(&dst));
                            }
                            code += 1;
                            j += 1;
                        }
                        i = j + 1;
                    } else {
                        if let Some((_, mut dst)) = hex_value(&tokens[i + 2]) {
                            for code in lo..=hi.min(lo + 0xFFFF) {
                                map.insert(code, utf16(&dst));
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

/// `/W` of a CIDFont: `c [w1 w2 …]` and `c_first c_last w` forms.
fn parse_w(doc: &Document, w: &[Object], widths: &mut HashMap<u32, f64>) {
    let deref = |o: &Object| {
        doc.dereference(o)
            .map(|(_, o)| o.clone())
            .unwrap_or(Object::Null)
    };
    let mut i = 0;
    while i < w.len() {
        let Some(first) = num(&deref(&w[i])) else {
            break;
        };
        match deref(w.get(i + 1).unwrap_or(&Object::Null)) {
            Object::Array(list) => {
                for (k, v) in list.iter().enumerate() {
                    if let Some(v) = num(&deref(v)) {
                        widths.insert(first as u32 + k as u32, v);
                    }
                }
                i += 2;
            }
            other => {
                let (Some(last), Some(v)) =
                    (num(&other), w.get(i + 2).and_then(|o| num(&deref(o))))
                else {
                    break;
                };
                for c in first as u32..=(last as u32).min(first as u32 + 0xFFFF) {
                    widths.insert(c, v);
                }
                i += 3;
            }
        }
    }
}

fn stream_bytes(doc: &Document, o: &Object) -> Option<Vec<u8>> {
    let (_, o) = doc.dereference(o).ok()?;
    let s = o.as_stream().ok()?;
    s.decompressed_content()
        .ok()
        .or_else(|| Some(s.content.clone()))
}

fn load_font(doc: &Document, dict: &Dictionary) -> Font {
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
    if let Ok(tu) = dict.get(b"ToUnicode") {
        if let Some(data) = stream_bytes(doc, tu) {
            font.to_unicode = parse_to_unicode(&data);
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
                parse_w(doc, w, &mut font.widths);
            }
        }
    } else {
        let first = dict
            .get_deref(b"FirstChar", doc)
            .ok()
            .and_then(num)
            .unwrap_or(0.0) as u32;
        if let Ok(w) = dict.get_deref(b"Widths", doc).and_then(|o| o.as_array()) {
            for (k, v) in w.iter().enumerate() {
                if let Some(v) = doc.dereference(v).ok().and_then(|(_, o)| num(o)) {
                    font.widths.insert(first + k as u32, v);
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

struct Interpreter<'a> {
    doc: &'a Document,
    fonts: &'a mut HashMap<ObjectId, Font>,
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

impl Interpreter<'_> {
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
            self.fonts.insert(id, load_font(self.doc, dict));
        }
        Some(id)
    }

    fn run(
        &mut self,
        content: &[u8],
        resources: Option<&Dictionary>,
        base: Matrix,
    ) -> Result<(), PdfError> {
        let ops = pdf_extract::content::Content::decode(content).map_err(|e| {
            PdfError::TextLayer(format!(
                "page {}: content cannot be parsed: {e}",
                self.page.number
            ))
        })?;
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
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for op in &ops.operations {
            let a: Vec<f64> = op.operands.iter().filter_map(num).collect();
            match op.operator.as_str() {
                "q" => stack.push(gs.clone()),
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
        let font = &self.fonts[&font_id];
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
        if self.depth > 8 {
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
        let m = if matrix.len() == 6 {
            [
                matrix[0], matrix[1], matrix[2], matrix[3], matrix[4], matrix[5],
            ]
        } else {
            IDENTITY
        };
        let content = stream
            .decompressed_content()
            .unwrap_or_else(|_| stream.content.clone());
        let own = stream
            .dict
            .get_deref(b"Resources", self.doc)
            .ok()
            .and_then(|r| r.as_dict().ok());
        self.depth += 1;
        let result = self.run(&content, own.or(resources), mul(&m, ctm));
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

/// The glyphs and painted rectangles of every page, interpreted here.
pub(crate) fn pages(doc: &Document) -> Result<Vec<PageText>, PdfError> {
    let mut fonts: HashMap<ObjectId, Font> = HashMap::new();
    let mut out = Vec::new();
    for (number, id) in doc.get_pages() {
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
        let (origin, media) = if media.len() == 4 {
            (
                (media[0].min(media[2]), media[1].min(media[3])),
                ((media[2] - media[0]).abs(), (media[3] - media[1]).abs()),
            )
        } else {
            ((0.0, 0.0), (595.0, 842.0))
        };
        let (turn, size) = page_turn(rotate, media);
        let base = mul(&[1.0, 0.0, 0.0, 1.0, -origin.0, -origin.1], &turn);
        let content = doc.get_page_content(id).unwrap_or_default();
        let (own, inherited) = doc.get_page_resources(id).unwrap_or((None, Vec::new()));
        let resources = own.or_else(|| {
            inherited
                .iter()
                .find_map(|rid| doc.get_object(*rid).ok().and_then(|o| o.as_dict().ok()))
        });
        let mut it = Interpreter {
            doc,
            fonts: &mut fonts,
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
        it.run(&content, resources, base)?;
        out.push(it.page);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn to_unicode_chars_and_ranges() {
        let cmap = b"beginbfchar <0003> <0020> <0010> <9879> endbfchar beginbfrange <0020> <0022> <0041> <0030> <0031> [<4E00> <4E01>] endbfrange";
        let m = parse_to_unicode(cmap);
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
