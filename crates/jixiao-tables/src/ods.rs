//! What an OpenDocument spreadsheet's cells show, and its merged cells.
//!
//! calamine gives an .ods cell's value (4072.1) but neither the text the
//! file stores beside it (`4,072.10`, the cell's `<text:p>`) nor the
//! spans; both are read here from `content.xml`, cell positions counted
//! as calamine counts them (`number-rows-repeated`,
//! `number-columns-repeated`, covered cells taking their place).

use crate::{xml, zipped, Limits, TablesError};
use calamine::Dimensions;
use quick_xml::events::{BytesStart, Event};
use std::collections::HashMap;

const PART: &str = "content.xml";

/// One sheet's shown texts by (row, column), and its merged cells.
#[derive(Debug, Default)]
pub(crate) struct Shown {
    pub texts: HashMap<(u32, u32), String>,
    pub merged: Vec<Dimensions>,
}

/// Each sheet's shown texts and merges, by sheet name.
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<HashMap<String, Shown>, TablesError> {
    let mut archive = zipped::open(bytes)?;
    let Some(content) = zipped::part(&mut archive, PART, limits)? else {
        return Ok(HashMap::new());
    };
    read_content(&content, limits)
}

#[derive(Default)]
struct Walk {
    sheets: HashMap<String, Shown>,
    sheet: Option<(String, Shown)>,
    row: u32,
    column: u32,
    rows_repeated: u32,
    /// The cell being read: its repeat count and text.
    cell: Option<(u32, String)>,
    paragraphs: usize,
    skipping: usize,
    cells: u64,
    /// The first and last row and column of a cell with a value or text
    /// in the open sheet: what calamine lays out densely.
    extent: Option<((u32, u32), (u32, u32))>,
    /// The open cell has a value.
    valued: bool,
}

fn number(e: &BytesStart<'_>, name: &[u8], max: u32) -> u32 {
    xml::attr(e, name)
        .and_then(|v| v.parse::<u64>().ok())
        .map_or(1, |n| n.clamp(1, u64::from(max)) as u32)
}

pub(crate) fn read_content(
    content: &[u8],
    limits: &Limits,
) -> Result<HashMap<String, Shown>, TablesError> {
    let mut w = Walk::default();
    let mut reader = quick_xml::Reader::from_reader(content);
    let mut buf = Vec::new();
    loop {
        let event = crate::xml::next_event(&mut reader, &mut buf, PART)?;
        let (e, empty) = match &event {
            Event::Start(e) => (Some(e), false),
            Event::Empty(e) => (Some(e), true),
            _ => (None, false),
        };
        if let Some(e) = e {
            if w.skipping > 0 {
                w.skipping += usize::from(!empty);
            } else {
                match e.local_name().as_ref() {
                    b"annotation" if !empty => w.skipping = 1,
                    b"table" => {
                        let name = xml::attr(e, b"name").unwrap_or_default();
                        w.sheet = Some((name, Shown::default()));
                        w.row = 0;
                        w.extent = None;
                    }
                    b"table-row" => {
                        w.column = 0;
                        w.rows_repeated = number(e, b"number-rows-repeated", 1 << 20);
                        if empty {
                            w.row = w.row.saturating_add(w.rows_repeated);
                        }
                    }
                    name @ (b"table-cell" | b"covered-table-cell") => {
                        let repeated = number(e, b"number-columns-repeated", 1 << 14);
                        if name == b"table-cell" {
                            let rows = number(e, b"number-rows-spanned", 1 << 20);
                            let columns = number(e, b"number-columns-spanned", 1 << 14);
                            if (rows > 1 || columns > 1) && repeated == 1 {
                                if let Some((_, s)) = w.sheet.as_mut() {
                                    s.merged.push(Dimensions::new(
                                        (w.row, w.column),
                                        (w.row + rows - 1, w.column + columns - 1),
                                    ));
                                }
                            }
                        }
                        w.valued = xml::attr(e, b"value-type").is_some();
                        w.cell = Some((repeated, String::new()));
                        w.paragraphs = 0;
                        if empty {
                            w.end_cell(limits)?;
                        }
                    }
                    b"p" | b"h" if w.cell.is_some() => {
                        if w.paragraphs > 0 {
                            w.push("\n");
                        }
                        w.paragraphs += 1;
                    }
                    b"s" => {
                        let n = number(e, b"c", 100) as usize;
                        w.push(&" ".repeat(n));
                    }
                    b"tab" => w.push(" "),
                    b"line-break" => w.push("\n"),
                    _ => {}
                }
            }
            buf.clear();
            continue;
        }
        match event {
            Event::End(e) => {
                if w.skipping > 0 {
                    w.skipping -= 1;
                } else {
                    match e.local_name().as_ref() {
                        b"table-cell" | b"covered-table-cell" => w.end_cell(limits)?,
                        b"table-row" => w.row = w.row.saturating_add(w.rows_repeated),
                        b"table" => {
                            if let Some((name, shown)) = w.sheet.take() {
                                let cells = w.extent.map_or(0, |((r0, c0), (r1, c1))| {
                                    (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1)
                                });
                                if cells > limits.max_cells {
                                    return Err(TablesError::TooManyCells {
                                        part: format!("sheet {name}"),
                                        cells,
                                        limit: limits.max_cells,
                                    });
                                }
                                w.sheets.insert(name, shown);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Event::Text(t) if w.skipping == 0 => {
                if let Ok(text) = t.xml_content() {
                    w.push(&text);
                }
            }
            Event::GeneralRef(r) if w.skipping == 0 => w.push(&xml::entity(&r)),
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(w.sheets)
}

impl Walk {
    fn push(&mut self, s: &str) {
        if let Some((_, text)) = self.cell.as_mut() {
            text.push_str(s);
        }
    }

    fn end_cell(&mut self, limits: &Limits) -> Result<(), TablesError> {
        let Some((repeated, text)) = self.cell.take() else {
            return Ok(());
        };
        let text = text.trim().to_string();
        if self.valued || !text.is_empty() {
            let last = (
                self.row.saturating_add(self.rows_repeated - 1),
                self.column.saturating_add(repeated - 1),
            );
            let first = (self.row, self.column);
            self.extent = Some(match self.extent {
                None => (first, last),
                Some((a, b)) => (
                    (a.0.min(first.0), a.1.min(first.1)),
                    (b.0.max(last.0), b.1.max(last.1)),
                ),
            });
        }
        if !text.is_empty() {
            if let Some((name, s)) = self.sheet.as_mut() {
                for r in 0..self.rows_repeated {
                    for c in 0..repeated {
                        self.cells += 1;
                        if self.cells > limits.max_cells {
                            return Err(TablesError::TooManyCells {
                                part: format!("sheet {name}"),
                                cells: self.cells,
                                limit: limits.max_cells,
                            });
                        }
                        s.texts
                            .insert((self.row + r, self.column + c), text.clone());
                    }
                }
            }
        }
        self.column = self.column.saturating_add(repeated);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sheet_reaching_too_far_is_refused_before_it_is_laid_out() {
        let xml = r#"<office:document-content><office:body><office:spreadsheet><table:table table:name="大">
            <table:table-row><table:table-cell office:value-type="float" office:value="1"/></table:table-row>
            <table:table-row table:number-rows-repeated="1000000"><table:table-cell/></table:table-row>
            <table:table-row><table:table-cell table:number-columns-repeated="9000"/><table:table-cell office:value-type="float" office:value="2"/></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        match read_content(xml.as_bytes(), &Limits::default()) {
            Err(TablesError::TooManyCells { part, .. }) => assert_eq!(part, "sheet 大"),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn shown_text_repeats_and_spans() {
        let xml = r#"<office:document-content xmlns:office="o" xmlns:table="t" xmlns:text="x"><office:body><office:spreadsheet>
            <table:table table:name="表1">
              <table:table-row><table:table-cell table:number-columns-spanned="2" office:value-type="string"><text:p>项目资金</text:p></table:table-cell><table:covered-table-cell/><table:table-cell office:value-type="float" office:value="4072.1"><text:p>4,072.10</text:p></table:table-cell></table:table-row>
              <table:table-row table:number-rows-repeated="2"><table:table-cell table:number-columns-repeated="3"/></table:table-row>
              <table:table-row><table:table-cell/><table:table-cell><text:p>a<text:s text:c="2"/>b</text:p><text:p>c</text:p><office:annotation><text:p>note</text:p></office:annotation></table:table-cell></table:table-row>
            </table:table></office:spreadsheet></office:body></office:document-content>"#;
        let sheets = read_content(xml.as_bytes(), &Limits::default()).unwrap();
        let s = &sheets["表1"];
        assert_eq!(s.texts[&(0, 2)], "4,072.10");
        assert_eq!(s.texts[&(3, 1)], "a  b\nc");
        assert_eq!(s.merged, vec![Dimensions::new((0, 0), (0, 1))]);
    }
}
