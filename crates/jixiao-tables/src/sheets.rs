//! Spreadsheets (.xlsx, .xlsb, .xls, .ods) through calamine: every sheet
//! in order, a break between sheets, merged regions as spans, numbers as
//! their number format shows them, dates as ISO dates.
//!
//! calamine gives the values, the merged regions (.xlsx, .xls) and which
//! cells are dates; the number formats of an .xlsx are read here from
//! `xl/styles.xml` and the sheets' `s` attributes, since calamine keeps
//! them to itself. In .xls, .xlsb and .ods files a number is shown as the
//! `General` format shows it.

use crate::layout::Placed;
use crate::sink::Sink;
use crate::{biff, numfmt, ods, xml, zipped, Format, Grid, Limits, TablesError};
use calamine::{Data, Dimensions, Reader, SheetType};
use jixiao_model::SourcePart;
use quick_xml::events::Event;
use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, HashMap};
use std::io::Cursor;

/// A cell read from a sheet: what it shows, and the value stored where
/// that differs.
#[derive(Debug, Clone, PartialEq)]
struct SheetCell {
    text: String,
    value: Option<String>,
}

/// One sheet's cells by (row, column), 0-based, and its merged regions.
#[derive(Debug, Default)]
struct Sheet {
    cells: BTreeMap<(u32, u32), SheetCell>,
    merged: Vec<Dimensions>,
}

pub(crate) fn read(format: Format, bytes: &[u8], limits: &Limits) -> Result<Grid, TablesError> {
    let mut sink = Sink::default();
    match format {
        Format::Xlsx => read_xlsx(bytes, limits, &mut sink)?,
        Format::Xlsb => {
            zipped::check_sizes(&mut zipped::open(bytes)?, limits)?;
            let book = calamine::Xlsb::new(Cursor::new(bytes)).map_err(workbook_error)?;
            read_ranges(book, limits, &mut sink, |_, _| Extras::default())?;
        }
        Format::Ods => {
            zipped::check_sizes(&mut zipped::open(bytes)?, limits)?;
            let mut shown = ods::read(bytes, limits)?;
            let book = calamine::Ods::new(Cursor::new(bytes)).map_err(workbook_error)?;
            read_ranges(book, limits, &mut sink, |_, name| {
                let s = shown.remove(name).unwrap_or_default();
                Extras {
                    merged: s.merged,
                    texts: s.texts,
                    ..Extras::default()
                }
            })?;
        }
        Format::Xls => {
            // Read first: it refuses a sheet too large to lay out.
            let mut codes = biff::read(bytes, limits)?;
            let book = calamine::Xls::new(Cursor::new(bytes)).map_err(|e| match e {
                calamine::XlsError::Password => TablesError::Encrypted {
                    what: "an Excel 97–2003 workbook (.xls)".into(),
                },
                e => workbook_error(e),
            })?;
            read_ranges(book, limits, &mut sink, |book, name| Extras {
                merged: book.worksheet_merge_cells(name).unwrap_or_default(),
                codes: codes.remove(name).unwrap_or_default(),
                ..Extras::default()
            })?;
        }
        Format::Html | Format::Docx => {}
    }
    Ok(sink.finish())
}

fn workbook_error(e: impl std::fmt::Display) -> TablesError {
    TablesError::Part {
        part: "workbook".into(),
        why: e.to_string(),
    }
}

fn sheet_error(name: &str, e: impl std::fmt::Display) -> TablesError {
    TablesError::Part {
        part: format!("sheet {name}"),
        why: e.to_string(),
    }
}

/// The worksheets of `book` (chart and dialog sheets hold no cells), in
/// workbook order with their 1-based index.
fn worksheets<RS: std::io::Read + std::io::Seek, R: Reader<RS>>(book: &R) -> Vec<(usize, String)> {
    book.sheets_metadata()
        .iter()
        .enumerate()
        .filter(|(_, s)| s.typ == SheetType::WorkSheet)
        .map(|(i, s)| (i + 1, s.name.clone()))
        .collect()
}

/// What calamine does not give of a sheet, read from the file by this
/// crate: merged regions, the text a cell shows (.ods), the format codes
/// of number cells (.xls).
#[derive(Debug, Default)]
struct Extras {
    merged: Vec<Dimensions>,
    texts: HashMap<(u32, u32), String>,
    codes: HashMap<(u32, u32), String>,
}

/// Reads every worksheet of a workbook calamine loads whole.
fn read_ranges<RS, R>(
    mut book: R,
    limits: &Limits,
    sink: &mut Sink,
    mut extras: impl FnMut(&R, &str) -> Extras,
) -> Result<(), TablesError>
where
    RS: std::io::Read + std::io::Seek,
    R: Reader<RS>,
    R::Error: std::fmt::Display,
{
    for (index, name) in worksheets(&book) {
        let range = book
            .worksheet_range(&name)
            .map_err(|e| sheet_error(&name, e))?;
        let (height, width) = range.get_size();
        let cells = height as u64 * width as u64;
        if cells > limits.max_cells {
            return Err(TablesError::TooManyCells {
                part: format!("sheet {name}"),
                cells,
                limit: limits.max_cells,
            });
        }
        let extra = extras(&book, &name);
        let mut sheet = Sheet {
            merged: extra.merged,
            ..Sheet::default()
        };
        for (row, column, data) in range.used_cells() {
            let Some((r0, c0)) = range.start() else { break };
            let at = (r0 + row as u32, c0 + column as u32);
            let code = extra.codes.get(&at).map(String::as_str);
            let Some(mut cell) = shown(data, code) else {
                continue;
            };
            // The text the file says the cell shows, where it stores one.
            if let (Some(text), false) = (extra.texts.get(&at), matches!(data, Data::String(_))) {
                if *text != cell.text {
                    let value = cell.value.take().unwrap_or(std::mem::take(&mut cell.text));
                    cell.value = (value != *text).then_some(value);
                    cell.text = text.clone();
                }
            }
            sheet.cells.insert(at, cell);
        }
        emit(&sheet, &SourcePart::Sheet { name, index }, sink);
    }
    Ok(())
}

/// Reads an .xlsx: values cell by cell through calamine's streaming
/// reader (never a dense range, whatever dimensions the sheet claims),
/// number formats from the styles.
fn read_xlsx(bytes: &[u8], limits: &Limits, sink: &mut Sink) -> Result<(), TablesError> {
    let mut archive = zipped::open(bytes)?;
    zipped::check_sizes(&mut archive, limits)?;
    let formats = cell_formats(&mut archive, limits)?;
    let paths = sheet_paths(&mut archive, limits)?;
    let mut book = calamine::Xlsx::new(Cursor::new(bytes)).map_err(|e| match e {
        calamine::XlsxError::Password => TablesError::Encrypted {
            what: "an .xlsx workbook".into(),
        },
        e => workbook_error(e),
    })?;
    book.load_merged_regions().map_err(workbook_error)?;
    for (index, name) in worksheets(&book) {
        let styles = match paths.get(&name) {
            Some(path) => cell_styles(&mut archive, path, &name, limits)?,
            None => HashMap::new(),
        };
        let mut sheet = Sheet {
            merged: book
                .merged_regions_by_sheet(&name)
                .into_iter()
                .map(|(_, _, d)| *d)
                .collect(),
            ..Sheet::default()
        };
        {
            let mut reader = book
                .worksheet_cells_reader(&name)
                .map_err(|e| sheet_error(&name, e))?;
            let mut count: u64 = 0;
            while let Some(cell) = reader.next_cell().map_err(|e| sheet_error(&name, e))? {
                count += 1;
                if count > limits.max_cells {
                    return Err(TablesError::TooManyCells {
                        part: format!("sheet {name}"),
                        cells: count,
                        limit: limits.max_cells,
                    });
                }
                let at = cell.get_position();
                let code = styles
                    .get(&at)
                    .and_then(|&xf| formats.get(xf as usize))
                    .and_then(|c| c.as_deref());
                let data = Data::from(cell.get_value().clone());
                if let Some(shown) = shown(&data, code) {
                    sheet.cells.insert(at, shown);
                }
            }
        }
        emit(&sheet, &SourcePart::Sheet { name, index }, sink);
    }
    Ok(())
}

/// What a cell shows: numbers under their format code (or as `General`
/// shows them), dates as ISO dates, text as it is. `None` for an empty
/// cell.
fn shown(data: &Data, code: Option<&str>) -> Option<SheetCell> {
    let plain = |text: String| SheetCell { text, value: None };
    let number = |v: f64| {
        let raw = numfmt::general(v);
        match code.and_then(|c| numfmt::format(v, c)) {
            Some(text) if text != raw => SheetCell {
                text,
                value: Some(raw),
            },
            _ => plain(raw),
        }
    };
    Some(match data {
        Data::Empty => return None,
        Data::String(s) => plain(s.clone()),
        Data::Float(v) => number(*v),
        Data::Int(i) => number(*i as f64),
        Data::Bool(b) => plain(if *b { "TRUE" } else { "FALSE" }.into()),
        Data::Error(e) => plain(e.to_string()),
        Data::DateTime(d) => {
            let (y, mo, day, h, mi, s, _) = d.to_ymd_hms_milli();
            let text = if d.is_duration() {
                let total = (d.as_f64() * 86_400.0).round() as i64;
                format!(
                    "{}:{:02}:{:02}",
                    total / 3600,
                    total % 3600 / 60,
                    total % 60
                )
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{day:02}")
            } else {
                format!("{y:04}-{mo:02}-{day:02} {h:02}:{mi:02}:{s:02}")
            };
            SheetCell {
                text,
                value: Some(numfmt::general(d.as_f64())),
            }
        }
        Data::DateTimeIso(s) => {
            // An OpenDocument date: the time left out at midnight.
            let text = s.strip_suffix("T00:00:00").unwrap_or(s).to_string();
            SheetCell {
                value: (text != *s).then(|| s.clone()),
                text,
            }
        }
        Data::DurationIso(s) => plain(s.clone()),
    })
}

/// Lays a sheet's cells out in rows: each row from the first used one to
/// the last (an empty one is a break), at its column in the sheet, a
/// merged region's value at its top-left cell with its span, the cells
/// it covers empty; a break after the sheet.
fn emit(sheet: &Sheet, part: &SourcePart, sink: &mut Sink) {
    let spans: HashMap<(u32, u32), (u32, u32)> = sheet
        .merged
        .iter()
        .map(|d| {
            let rows = d.end.0.saturating_sub(d.start.0) + 1;
            let columns = d.end.1.saturating_sub(d.start.1) + 1;
            (d.start, (rows, columns))
        })
        .collect();
    let mut sweep = Sweep::new(&sheet.merged);
    let mut previous: Option<u32> = None;
    let mut row: Vec<Placed> = Vec::new();
    let flush = |r: u32, row: &mut Vec<Placed>, sink: &mut Sink| {
        sink.row(part, r as usize + 1, row);
        row.clear();
    };
    for (&(r, c), cell) in &sheet.cells {
        if previous != Some(r) {
            if let Some(p) = previous {
                flush(p, &mut row, sink);
                // Rows with nothing in them between used ones: a break.
                if r > p + 1 {
                    sink.brk();
                }
            }
            previous = Some(r);
        }
        if sweep.covers((r, c)) {
            continue;
        }
        let (rows, columns) = spans.get(&(r, c)).copied().unwrap_or((1, 1));
        row.push(Placed {
            column: c as usize,
            text: cell.text.clone(),
            rows,
            columns,
            value: cell.value.clone(),
        });
    }
    if let Some(p) = previous {
        flush(p, &mut row, sink);
    }
    sink.brk();
}

/// The merged regions met row by row, as the cells are (in row, then
/// column order), to tell whether a cell is covered by one in logarithmic
/// time however many regions and cells a sheet has.
struct Sweep<'a> {
    /// Regions not reached yet, by first row (the last one first).
    pending: Vec<&'a Dimensions>,
    /// Regions over the current row, by first column.
    active: BTreeMap<(u32, usize), &'a Dimensions>,
    /// When each active region ends: (last row, its key in `active`).
    ends: BinaryHeap<Reverse<(u32, (u32, usize))>>,
    added: usize,
}

impl<'a> Sweep<'a> {
    fn new(merged: &'a [Dimensions]) -> Self {
        let mut pending: Vec<&Dimensions> = merged.iter().collect();
        pending.sort_by_key(|d| Reverse(d.start));
        Sweep {
            pending,
            active: BTreeMap::new(),
            ends: BinaryHeap::new(),
            added: 0,
        }
    }

    /// Whether `at` lies in a region that does not start there. Calls come
    /// in row, then column order.
    fn covers(&mut self, at: (u32, u32)) -> bool {
        while let Some(d) = self.pending.last().copied() {
            if d.start.0 > at.0 {
                break;
            }
            self.pending.pop();
            let key = (d.start.1, self.added);
            self.added += 1;
            self.active.insert(key, d);
            self.ends.push(Reverse((d.end.0, key)));
        }
        while let Some(Reverse((last, key))) = self.ends.peek().copied() {
            if last >= at.0 {
                break;
            }
            self.ends.pop();
            self.active.remove(&key);
        }
        // Regions over one row do not overlap: only the one starting
        // nearest to the left can hold the cell.
        self.active
            .range(..=(at.1, usize::MAX))
            .next_back()
            .is_some_and(|(_, d)| d.contains(at.0, at.1) && d.start != at)
    }
}

/// For each cell format (`xf`) of `xl/styles.xml`, the number format code
/// it shows numbers with, where that is a number format.
fn cell_formats(
    archive: &mut zipped::Archive<'_>,
    limits: &Limits,
) -> Result<Vec<Option<String>>, TablesError> {
    let Some(bytes) = zipped::part(archive, "xl/styles.xml", limits)? else {
        return Ok(Vec::new());
    };
    let part = "xl/styles.xml";
    let mut custom: HashMap<u32, String> = HashMap::new();
    let mut out = Vec::new();
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    let mut buf = Vec::new();
    let mut in_cell_xfs = false;
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                b"numFmt" => {
                    let id = xml::attr(&e, b"numFmtId").and_then(|v| v.parse().ok());
                    if let (Some(id), Some(code)) = (id, xml::attr(&e, b"formatCode")) {
                        custom.insert(id, code);
                    }
                }
                b"cellXfs" => in_cell_xfs = true,
                b"xf" if in_cell_xfs => {
                    let id: u32 = xml::attr(&e, b"numFmtId")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    let code = custom
                        .get(&id)
                        .cloned()
                        .or_else(|| numfmt::builtin(id).map(str::to_string));
                    out.push(code);
                }
                _ => {}
            },
            Ok(Event::End(e)) if e.local_name().as_ref() == b"cellXfs" => in_cell_xfs = false,
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(part, &reader, e)),
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

fn xml_error(
    part: &str,
    reader: &quick_xml::Reader<&[u8]>,
    e: impl std::fmt::Display,
) -> TablesError {
    TablesError::Part {
        part: part.to_string(),
        why: format!(
            "not well-formed XML at byte {}: {e}",
            reader.buffer_position()
        ),
    }
}

/// Each sheet's part in the archive, by sheet name (from
/// `xl/workbook.xml` and its relationships).
fn sheet_paths(
    archive: &mut zipped::Archive<'_>,
    limits: &Limits,
) -> Result<HashMap<String, String>, TablesError> {
    let mut ids: Vec<(String, String)> = Vec::new();
    let mut targets: HashMap<String, String> = HashMap::new();
    for (part, element) in [
        ("xl/workbook.xml", &b"sheet"[..]),
        ("xl/_rels/workbook.xml.rels", &b"Relationship"[..]),
    ] {
        let Some(bytes) = zipped::part(archive, part, limits)? else {
            continue;
        };
        let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
        let mut buf = Vec::new();
        loop {
            match reader.read_event_into(&mut buf) {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == element => {
                    if element == b"sheet" {
                        if let (Some(name), Some(id)) =
                            (xml::attr(&e, b"name"), xml::attr(&e, b"id"))
                        {
                            ids.push((name, id));
                        }
                    } else if let (Some(id), Some(target)) =
                        (xml::attr(&e, b"Id"), xml::attr(&e, b"Target"))
                    {
                        let path = match target.strip_prefix('/') {
                            Some(absolute) => absolute.to_string(),
                            None => format!("xl/{target}"),
                        };
                        targets.insert(id, path);
                    }
                }
                Ok(Event::Eof) => break,
                Err(e) => return Err(xml_error(part, &reader, e)),
                _ => {}
            }
            buf.clear();
        }
    }
    Ok(ids
        .into_iter()
        .filter_map(|(name, id)| targets.get(&id).map(|p| (name, p.clone())))
        .collect())
}

/// The cell format (`s`) of every styled cell of a sheet's part.
fn cell_styles(
    archive: &mut zipped::Archive<'_>,
    path: &str,
    name: &str,
    limits: &Limits,
) -> Result<HashMap<(u32, u32), u32>, TablesError> {
    let Some(bytes) = zipped::part(archive, path, limits)? else {
        return Ok(HashMap::new());
    };
    let mut out = HashMap::new();
    let mut reader = quick_xml::Reader::from_reader(bytes.as_slice());
    let mut buf = Vec::new();
    loop {
        match reader.read_event_into(&mut buf) {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) if e.local_name().as_ref() == b"c" => {
                let at = xml::attr(&e, b"r").and_then(|r| cell_reference(&r));
                let style = xml::attr(&e, b"s").and_then(|s| s.parse().ok());
                if let (Some(at), Some(style)) = (at, style) {
                    if out.len() as u64 >= limits.max_cells {
                        return Err(TablesError::TooManyCells {
                            part: format!("sheet {name}"),
                            cells: out.len() as u64 + 1,
                            limit: limits.max_cells,
                        });
                    }
                    out.insert(at, style);
                }
            }
            Ok(Event::Eof) => break,
            Err(e) => return Err(xml_error(&format!("sheet {name} ({path})"), &reader, e)),
            _ => {}
        }
        buf.clear();
    }
    Ok(out)
}

/// `B3` → (2, 1): 0-based row and column.
fn cell_reference(r: &str) -> Option<(u32, u32)> {
    let split = r.find(|c: char| c.is_ascii_digit())?;
    let (letters, digits) = r.split_at(split);
    if letters.is_empty() || letters.len() > 3 {
        return None;
    }
    let mut column: u32 = 0;
    for c in letters.chars() {
        if !c.is_ascii_alphabetic() {
            return None;
        }
        column = column * 26 + (c.to_ascii_uppercase() as u32 - 'A' as u32 + 1);
    }
    let row: u32 = digits.parse().ok()?;
    Some((row.checked_sub(1)?, column - 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cell_references() {
        assert_eq!(cell_reference("A1"), Some((0, 0)));
        assert_eq!(cell_reference("B3"), Some((2, 1)));
        assert_eq!(cell_reference("AA10"), Some((9, 26)));
        assert_eq!(cell_reference("A0"), None);
        assert_eq!(cell_reference("12"), None);
    }

    #[test]
    fn numbers_show_their_format_and_keep_their_value() {
        let c = shown(&Data::Float(4072.1), Some("0.00")).unwrap();
        assert_eq!(c.text, "4072.10");
        assert_eq!(c.value.as_deref(), Some("4072.1"));
        let c = shown(&Data::Float(4072.13), Some("#,##0.00")).unwrap();
        assert_eq!(
            (c.text.as_str(), c.value.as_deref()),
            ("4,072.13", Some("4072.13"))
        );
        // No format, or one that shows the value as it is: no value kept.
        let c = shown(&Data::Float(10.0), None).unwrap();
        assert_eq!((c.text.as_str(), c.value), ("10", None));
        let c = shown(&Data::Int(7), Some("0")).unwrap();
        assert_eq!((c.text.as_str(), c.value), ("7", None));
        assert_eq!(shown(&Data::Empty, None), None);
    }

    #[test]
    fn dates_are_iso_dates() {
        use calamine::{ExcelDateTime, ExcelDateTimeType};
        let d = ExcelDateTime::new(44986.0, ExcelDateTimeType::DateTime, false);
        let c = shown(&Data::DateTime(d), None).unwrap();
        assert_eq!(c.text, "2023-03-01");
        assert_eq!(c.value.as_deref(), Some("44986"));
        let d = ExcelDateTime::new(44986.5, ExcelDateTimeType::DateTime, false);
        assert_eq!(
            shown(&Data::DateTime(d), None).unwrap().text,
            "2023-03-01 12:00:00"
        );
        let c = shown(&Data::DateTimeIso("2023-03-01T00:00:00".into()), None).unwrap();
        assert_eq!(c.text, "2023-03-01");
    }

    #[test]
    fn merged_regions_are_spans_and_cover_their_cells() {
        let mut sheet = Sheet::default();
        for (at, text) in [
            ((0, 0), "项目资金"),
            ((0, 2), "年初预算数"),
            ((1, 1), "年度资金总额"),
            ((1, 2), "4,072.13"),
            ((1, 0), "hidden"),
        ] {
            sheet.cells.insert(
                at,
                SheetCell {
                    text: text.into(),
                    value: None,
                },
            );
        }
        sheet.merged.push(Dimensions::new((0, 0), (1, 0)));
        let mut sink = Sink::default();
        let part = SourcePart::Sheet {
            name: "表1".into(),
            index: 1,
        };
        emit(&sheet, &part, &mut sink);
        let grid = sink.finish();
        let texts: Vec<Vec<(usize, &str)>> = grid
            .rows
            .iter()
            .map(|r| {
                r.cells
                    .iter()
                    .map(|c| (c.column, c.text.as_str()))
                    .collect()
            })
            .collect();
        assert_eq!(
            texts,
            vec![
                vec![(0, "项目资金"), (2, "年初预算数")],
                vec![(1, "年度资金总额"), (2, "4,072.13")]
            ]
        );
        assert_eq!(
            grid.rows[0].cells[0].span.map(|s| (s.rows, s.columns)),
            Some((2, 1))
        );
        assert_eq!(grid.origins[1].row, 2);
        assert_eq!(grid.origins[1].part, part);
    }

    #[test]
    fn the_sweep_finds_covered_cells_among_many_regions() {
        let merged = vec![
            Dimensions::new((0, 0), (2, 0)),
            Dimensions::new((0, 2), (0, 4)),
            Dimensions::new((1, 3), (3, 5)),
        ];
        let mut sweep = Sweep::new(&merged);
        let covered: Vec<(u32, u32)> = (0..5)
            .flat_map(|r| (0..7).map(move |c| (r, c)))
            .filter(|&at| sweep.covers(at))
            .collect();
        let expected: Vec<(u32, u32)> = (0..5)
            .flat_map(|r| (0..7).map(move |c| (r, c)))
            .filter(|&(r, c)| merged.iter().any(|d| d.contains(r, c) && d.start != (r, c)))
            .collect();
        assert_eq!(covered, expected);
        assert!(covered.contains(&(2, 0)) && !covered.contains(&(3, 0)));
    }
}
