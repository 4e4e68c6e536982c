//! Word .docx files: the body's paragraphs and tables in document order.
//!
//! `word/document.xml` is read as a stream of XML events. A table's cells
//! stand at the grid columns Word gives them (`w:gridBefore` skips
//! columns, `w:gridSpan` spans them); a `w:vMerge` cell that continues the
//! one above is covered by it, which spans the rows. The paragraphs of a
//! cell are the lines of its text. A table nested in a cell is a table of
//! its own, given after the one holding it, as for HTML. An empty body
//! paragraph is a break. Deleted text, field codes, text boxes and the
//! fallback copies of drawings are not body text and are left out.

use crate::layout::Placed;
use crate::sink::Sink;
use crate::{xml, zipped, Grid, Limits, TablesError};
use jixiao_model::SourcePart;
use quick_xml::events::{BytesStart, Event};

const PART: &str = "word/document.xml";

pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Grid, TablesError> {
    let mut archive = zipped::open(bytes)?;
    zipped::check_sizes(&mut archive, limits)?;
    let Some(xml) = zipped::part(&mut archive, PART, limits)? else {
        return Err(TablesError::Part {
            part: PART.into(),
            why: "missing: not a Word document".into(),
        });
    };
    read_xml(&xml, limits)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum VMerge {
    None,
    Restart,
    Continue,
}

#[derive(Debug)]
struct DocCell {
    column: usize,
    columns: u32,
    vmerge: VMerge,
    lines: Vec<String>,
}

#[derive(Debug, Default)]
struct DocTable {
    number: usize,
    rows: Vec<Vec<DocCell>>,
    cell: Option<DocCell>,
    /// The grid column the next cell of the row starts at.
    next_column: usize,
}

#[derive(Debug, Default)]
struct Walk {
    limits: Limits,
    sink: Sink,
    tables: Vec<DocTable>,
    done: Vec<DocTable>,
    count: usize,
    /// The paragraph being read, if any.
    paragraph: Option<String>,
    in_text: bool,
    skipping: usize,
    /// Cells read so far, against the limit.
    cells: u64,
}

/// Reads the XML of a document part.
pub(crate) fn read_xml(xml_bytes: &[u8], limits: &Limits) -> Result<Grid, TablesError> {
    let mut walk = Walk {
        limits: *limits,
        ..Walk::default()
    };
    let mut reader = quick_xml::Reader::from_reader(xml_bytes);
    let mut buf = Vec::new();
    loop {
        let event = crate::xml::next_event(&mut reader, &mut buf, PART)?;
        match event {
            Event::Start(e) => walk.start(&e, false)?,
            Event::Empty(e) => walk.start(&e, true)?,
            Event::End(e) => walk.end(e.local_name().as_ref())?,
            Event::Text(t) if walk.in_text && walk.skipping == 0 => {
                let text = t.xml_content().map_err(|e| TablesError::Part {
                    part: PART.into(),
                    why: e.to_string(),
                })?;
                walk.push(&text);
            }
            Event::GeneralRef(r) if walk.in_text && walk.skipping == 0 => {
                walk.push(&xml::entity(&r));
            }
            Event::Eof => break,
            _ => {}
        }
        buf.clear();
    }
    Ok(walk.sink.finish())
}

impl Walk {
    fn start(&mut self, e: &BytesStart<'_>, empty: bool) -> Result<(), TablesError> {
        let name = e.local_name();
        let name = name.as_ref();
        if self.skipping > 0 {
            self.skipping += usize::from(!empty);
            return Ok(());
        }
        match name {
            b"txbxContent" | b"Fallback" | b"del" | b"instrText" if !empty => self.skipping = 1,
            b"p" if !empty => self.paragraph = Some(String::new()),
            b"p" => self.end_paragraph(String::new()),
            b"t" if !empty => self.in_text = true,
            b"tab" => self.push(" "),
            b"br" | b"cr" => self.push("\n"),
            b"tbl" if !empty => {
                if self.tables.is_empty() {
                    self.sink.brk();
                }
                self.count += 1;
                self.tables.push(DocTable {
                    number: self.count,
                    ..DocTable::default()
                });
            }
            b"tr" if !empty => {
                if let Some(t) = self.tables.last_mut() {
                    t.rows.push(Vec::new());
                    t.next_column = 0;
                }
            }
            b"gridBefore" => {
                if let Some(t) = self.tables.last_mut() {
                    t.next_column += count(e, 0, 1000) as usize;
                }
            }
            b"tc" => {
                self.cells += 1;
                if self.cells > self.limits.max_cells {
                    return Err(TablesError::TooManyCells {
                        part: PART.into(),
                        cells: self.cells,
                        limit: self.limits.max_cells,
                    });
                }
                if let Some(t) = self.tables.last_mut() {
                    if t.rows.is_empty() {
                        t.rows.push(Vec::new());
                    }
                    t.cell = Some(DocCell {
                        column: t.next_column,
                        columns: 1,
                        vmerge: VMerge::None,
                        lines: Vec::new(),
                    });
                    if empty {
                        self.end_cell();
                    }
                }
            }
            b"gridSpan" => {
                if let Some(cell) = self.open_cell() {
                    cell.columns = count(e, 1, 1000).max(1);
                }
            }
            b"vMerge" => {
                let restart = xml::attr(e, b"val").is_some_and(|v| v == "restart");
                if let Some(cell) = self.open_cell() {
                    cell.vmerge = if restart {
                        VMerge::Restart
                    } else {
                        VMerge::Continue
                    };
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn end(&mut self, name: &[u8]) -> Result<(), TablesError> {
        if self.skipping > 0 {
            self.skipping -= 1;
            return Ok(());
        }
        match name {
            b"t" => self.in_text = false,
            b"p" => {
                let text = self.paragraph.take().unwrap_or_default();
                self.end_paragraph(text);
            }
            b"tc" => self.end_cell(),
            b"tbl" => {
                if let Some(t) = self.tables.pop() {
                    self.done.push(t);
                    if self.tables.is_empty() {
                        self.emit_tables()?;
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// The cell being read in the innermost table.
    fn open_cell(&mut self) -> Option<&mut DocCell> {
        self.tables.last_mut().and_then(|t| t.cell.as_mut())
    }

    fn push(&mut self, s: &str) {
        if let Some(p) = self.paragraph.as_mut() {
            p.push_str(s);
        }
    }

    /// A paragraph ends: a line of the open cell, or rows of body text (an
    /// empty one a break).
    fn end_paragraph(&mut self, text: String) {
        if let Some(cell) = self.open_cell() {
            cell.lines.extend(
                text.lines()
                    .map(str::trim)
                    .filter(|l| !l.is_empty())
                    .map(str::to_string),
            );
            return;
        }
        if !self.tables.is_empty() {
            return;
        }
        if text.trim().is_empty() {
            self.sink.brk();
        } else {
            self.sink.text(&text);
        }
    }

    fn end_cell(&mut self) {
        if let Some(t) = self.tables.last_mut() {
            if let Some(cell) = t.cell.take() {
                t.next_column = cell.column + cell.columns as usize;
                if let Some(row) = t.rows.last_mut() {
                    row.push(cell);
                }
            }
        }
    }

    /// The outermost table closed: it and the tables nested in it, in the
    /// order they opened, each followed by a break.
    fn emit_tables(&mut self) -> Result<(), TablesError> {
        let mut done = std::mem::take(&mut self.done);
        done.sort_by_key(|t| t.number);
        for t in done {
            let laid = lay_out(&t, self.limits.max_cells)?;
            let part = SourcePart::Table { number: t.number };
            for (i, row) in laid.iter().enumerate() {
                self.sink.row(&part, i + 1, row);
            }
            self.sink.brk();
        }
        Ok(())
    }
}

/// A `w:val` count, at most `max`.
fn count(e: &BytesStart<'_>, default: u32, max: u32) -> u32 {
    xml::attr(e, b"val")
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map_or(default, |n| n.min(u64::from(max)) as u32)
}

/// A Word table on its grid: a cell that restarts a vertical merge spans
/// the rows below whose cell at its column continues it; those are empty.
fn lay_out(t: &DocTable, max_cells: u64) -> Result<Vec<Vec<Placed>>, TablesError> {
    let mut positions: u64 = 0;
    let mut out = Vec::with_capacity(t.rows.len());
    for (i, row) in t.rows.iter().enumerate() {
        let mut placed = Vec::with_capacity(row.len());
        for cell in row {
            let rows = match cell.vmerge {
                VMerge::Continue => continue,
                VMerge::None => 1,
                VMerge::Restart => {
                    // A row's cells stand in column order.
                    let continues = |below: &&Vec<DocCell>| {
                        below
                            .binary_search_by_key(&cell.column, |c| c.column)
                            .ok()
                            .and_then(|k| below.get(k))
                            .is_some_and(|c| c.vmerge == VMerge::Continue)
                    };
                    1 + t.rows[i + 1..].iter().take_while(continues).count() as u32
                }
            };
            positions += u64::from(rows) * u64::from(cell.columns);
            if positions > max_cells {
                return Err(TablesError::TooManyCells {
                    part: format!("table {}", t.number),
                    cells: positions,
                    limit: max_cells,
                });
            }
            placed.push(Placed {
                column: cell.column,
                text: cell.lines.join("\n"),
                rows,
                columns: cell.columns,
                value: None,
            });
        }
        out.push(placed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::cells;

    fn body(inner: &str) -> Grid {
        let xml = format!(
            "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body>{inner}</w:body></w:document>"
        );
        read_xml(xml.as_bytes(), &Limits::default()).unwrap()
    }

    fn p(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    fn tc(props: &str, paragraphs: &[&str]) -> String {
        let ps: String = paragraphs.iter().map(|t| p(t)).collect();
        format!("<w:tc><w:tcPr>{props}</w:tcPr>{ps}</w:tc>")
    }

    #[test]
    fn paragraphs_and_tables_in_order_with_spans() {
        let table = format!(
            "<w:tbl><w:tr>{}{}</w:tr><w:tr>{}{}{}</w:tr><w:tr>{}{}{}</w:tr></w:tbl>",
            tc("<w:gridSpan w:val=\"2\"/>", &["项目资金"]),
            tc("", &["年初预算数"]),
            tc("<w:vMerge w:val=\"restart\"/>", &["其中"]),
            tc("", &["当年财政拨款"]),
            tc("", &["4,072.13"]),
            tc("<w:vMerge/>", &[]),
            tc("", &["其他", "资金"]),
            tc("", &["0.00"]),
        );
        let g = body(&format!(
            "{}<w:p/>{}{table}{}",
            p("财政项目支出绩效自评表"),
            p("单位：万元"),
            p("备注")
        ));
        assert_eq!(
            cells(&g),
            vec![
                (1, vec![(0, "财政项目支出绩效自评表")]),
                (3, vec![(0, "单位：万元")]),
                (5, vec![(0, "项目资金"), (2, "年初预算数")]),
                (6, vec![(0, "其中"), (1, "当年财政拨款"), (2, "4,072.13")]),
                (7, vec![(1, "其他\n资金"), (2, "0.00")]),
                (9, vec![(0, "备注")]),
            ]
        );
        let span = |r: usize, c: usize| g.rows[r].cells[c].span.map(|s| (s.rows, s.columns));
        assert_eq!(span(2, 0), Some((1, 2)));
        assert_eq!(span(3, 0), Some((2, 1)));
        assert_eq!(span(3, 1), None);
        assert_eq!(g.origins[4].part, SourcePart::Table { number: 1 });
        assert_eq!(g.origins[4].row, 3);
    }

    #[test]
    fn entities_breaks_deleted_text_and_grid_before() {
        let g = body(
            "<w:p><w:r><w:t>A&amp;B</w:t><w:br/><w:t>第二行</w:t></w:r>\
             <w:del><w:r><w:delText>删去</w:delText></w:r></w:del>\
             <w:r><w:instrText>PAGE</w:instrText></w:r></w:p>\
             <w:tbl><w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr><w:tc><w:p><w:r><w:t>右</w:t></w:r></w:p></w:tc></w:tr></w:tbl>",
        );
        assert_eq!(
            cells(&g),
            vec![
                (1, vec![(0, "A&B")]),
                (2, vec![(0, "第二行")]),
                (4, vec![(1, "右")])
            ]
        );
    }

    #[test]
    fn a_nested_table_follows_the_one_holding_it() {
        let inner = format!("<w:tbl><w:tr>{}</w:tr></w:tbl>", tc("", &["内"]));
        let g = body(&format!(
            "<w:tbl><w:tr><w:tc>{}{inner}{}</w:tc></w:tr></w:tbl>",
            p("前"),
            p("后")
        ));
        assert_eq!(
            cells(&g),
            vec![(1, vec![(0, "前\n后")]), (3, vec![(0, "内")])]
        );
        assert_eq!(g.origins[1].part, SourcePart::Table { number: 2 });
    }

    #[test]
    fn bad_xml_names_the_part() {
        let r = read_xml(b"<w:document><w:body><w:p></w:body>", &Limits::default());
        match r {
            Err(TablesError::Part { part, .. }) => assert_eq!(part, PART),
            other => panic!("{other:?}"),
        }
    }
}
