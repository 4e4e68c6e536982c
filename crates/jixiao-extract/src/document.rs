//! Splitting a document into forms, and what the forms of one document
//! share (the year printed once, the money unit every form prints the same).

use crate::budget;
use crate::declaration::{self, Part};
use crate::engine::{self, Templates, TitleIndex};
use crate::model::*;
use crate::modern;
use crate::narrative;
use crate::rows::{compact, read_rows, Row};
use regex::Regex;
use std::sync::OnceLock;

/// The year a `(2023 年度)` line prints.
pub(crate) fn year_line(row: &Row) -> Option<i32> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"(\d{4})\s*年\s*度?").expect("year pattern"));
    let c = row.compact();
    let inner = c.strip_prefix(['(', '（'])?.strip_suffix([')', '）'])?;
    let caps = re.captures(inner)?;
    if caps.get(0)?.as_str().len() != inner.len() {
        return None;
    }
    caps[1].parse().ok()
}

/// `## (2020 年)`: a year printed as a heading.
fn year_heading(key: &str) -> bool {
    let k = key.trim_start_matches('#');
    k.len() < key.len()
        && k.strip_prefix(['(', '（'])
            .and_then(|r| r.strip_suffix([')', '）']))
            .and_then(|r| r.strip_suffix('年').or_else(|| r.strip_suffix("年度")))
            .is_some_and(|y| y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Head {
    /// 财政项目支出绩效自评表
    ModernTitle,
    /// One part of 财政项目支出绩效目标申报表
    DeclarationTitle(Part),
    /// A one-table declaration (绩效目标申报表, 绩效目标表) of any family
    TargetTitle,
    /// A unit budget table
    TableTitle(BudgetTableKind),
    /// Any other form title or section heading: the end of a form.
    OtherTitle,
    /// `(2023 年度)`
    Year,
    /// `项目名称 …` (or `项目 主管 …` where two label lines merged)
    Name,
}

fn head_of(row: &Row, titles: &TitleIndex) -> Option<Head> {
    let c = row.compact();
    // A list item (a table of contents) names titles without being one.
    if c.starts_with('-') {
        return None;
    }
    // Every head line holds one of these; most lines hold none.
    let may_be_head = c.starts_with(['#', '(', '（'])
        || c.starts_with("项目")
        || c.contains('表')
        || c.contains("评价");
    if !may_be_head {
        return None;
    }
    if let Some(part) = declaration::part_of_title(c) {
        return Some(Head::DeclarationTitle(part));
    }
    match titles.kind_of(row) {
        Some("self_evaluation") => return Some(Head::ModernTitle),
        Some("declaration") => return Some(Head::TargetTitle),
        _ => {}
    }
    // A title is a short line: a paragraph that names a table is none.
    if row.cells.len() <= 2 && c.chars().count() <= 60 {
        if let Some(kind) = budget::table_kind(c) {
            return Some(Head::TableTitle(kind));
        }
    }
    if year_heading(c) {
        return Some(Head::Year);
    }
    if c.starts_with('#') || c.contains("申报表") || c.ends_with("预算表") {
        return Some(Head::OtherTitle);
    }
    if year_line(row).is_some() || year_heading(c) {
        return Some(Head::Year);
    }
    if c.starts_with("项目名称") || c.starts_with("项目主管") {
        return Some(Head::Name);
    }
    None
}

const OTHER_REASON: &str =
    "not a self-evaluation form (declaration forms and budget tables are read by a later version)";

#[derive(Debug)]
enum Segment {
    Table(BudgetTableKind, usize, usize),
    Declaration(Part, usize, usize),
    Target(usize, usize),
    Modern(usize, usize),
    Other(usize, usize, &'static str),
}

/// Row ranges of forms: a form starts at a run of title/year lines ending
/// in its 项目名称 line, or at a title alone.
fn segments(rows: &[Row], titles: &TitleIndex) -> Vec<Segment> {
    let heads: Vec<Option<Head>> = rows.iter().map(|r| head_of(r, titles)).collect();
    let mut starts: Vec<(usize, Option<Head>)> = Vec::new();
    let mut i = 0;
    let mut in_declaration = false;
    while i < rows.len() {
        match heads[i] {
            // Inside a declaration part, 项目名称 and year lines are its own rows.
            Some(Head::Name | Head::Year) if in_declaration => i += 1,
            Some(Head::DeclarationTitle(_) | Head::TargetTitle) => {
                in_declaration = true;
                starts.push((i, heads[i]));
                i += 1;
            }
            Some(Head::TableTitle(_)) => {
                in_declaration = false;
                starts.push((i, heads[i]));
                i += 1;
            }
            Some(Head::ModernTitle | Head::OtherTitle | Head::Year | Head::Name) => {
                in_declaration = false;
                let start = i;
                let mut title = None;
                let mut j = i;
                // Gather the run of head lines that opens one form.
                while j < rows.len() {
                    match heads[j] {
                        Some(t @ (Head::ModernTitle | Head::OtherTitle)) if title.is_none() => {
                            title = Some(t);
                            j += 1;
                        }
                        Some(Head::Year)
                            if j == start
                                || title.is_some()
                                || heads[start] == Some(Head::Year) =>
                        {
                            j += 1
                        }
                        Some(Head::Name) => {
                            j += 1;
                            break;
                        }
                        _ => break,
                    }
                }
                let opens_form = title.is_some() || heads[start..j].contains(&Some(Head::Name));
                if opens_form {
                    starts.push((start, title));
                    i = j;
                } else {
                    i += 1;
                }
            }
            None => i += 1,
        }
    }
    let mut out = Vec::new();
    if let Some(&(first, _)) = starts.first() {
        if first > 0 {
            out.push(Segment::Other(0, first, "text before the first form"));
        }
    } else if !rows.is_empty() {
        out.push(Segment::Other(
            0,
            rows.len(),
            "no self-evaluation form found in this text",
        ));
    }
    for (k, &(start, title)) in starts.iter().enumerate() {
        let end = starts.get(k + 1).map_or(rows.len(), |s| s.0);
        let body = &rows[start..end];
        let has = |p: &str| body.iter().any(|r| r.compact().contains(p));
        let seg = match title {
            Some(Head::DeclarationTitle(part)) => Segment::Declaration(part, start, end),
            Some(Head::TargetTitle) => Segment::Target(start, end),
            Some(Head::TableTitle(kind)) => Segment::Table(kind, start, end),
            Some(Head::ModernTitle) => Segment::Modern(start, end),
            Some(_) => Segment::Other(start, end, OTHER_REASON),
            None if has("资金总额") || has("总分") => Segment::Modern(start, end),
            None if has("自评分") => Segment::Modern(start, end),
            None => Segment::Other(start, end, "a 项目名称 line that opens no self-evaluation"),
        };
        out.push(seg);
    }
    out
}

/// Reads a whole text document into forms, with the shipped templates.
pub fn read_document(text: &str) -> Document {
    read_document_with(text, Templates::builtin())
}

/// Reads a whole text document into forms, with `templates`.
pub fn read_document_with(text: &str, templates: &Templates) -> Document {
    read_rows_document_with(read_rows(text), templates)
}

/// Reads a document from rows (of text lines, or rebuilt from a PDF).
pub fn read_rows_document(rows: Vec<Row>) -> Document {
    read_rows_document_with(rows, Templates::builtin())
}

/// A self-evaluation read with the template that fits it best (with no
/// self-evaluation template loaded, the shipped national one). A damaged
/// text layer turns on the template's `repairs_when_damaged`.
fn read_self_evaluation(rows: &[Row], templates: &Templates, damaged: bool) -> SelfEvaluation {
    let national = || {
        Templates::builtin()
            .get("national")
            .expect("the national template is shipped")
    };
    let t = engine::choose(templates, rows).unwrap_or_else(national);
    match t.reader.as_deref() {
        // That layout reader still reads damaged layers of its layout; a
        // clean one is read by the generic engine like any other.
        Some("shanghai_modern") if damaged => modern::read(rows, t),
        _ => engine::read_self_evaluation(rows, t, damaged),
    }
}

/// Reads a document from rows with `templates`.
pub fn read_rows_document_with(mut rows: Vec<Row>, templates: &Templates) -> Document {
    let readings = crate::ruby::strip_readings(&mut rows);
    // A damaged text layer (debris in two cells or more) turns on the
    // repairs its forms' templates name for one; each cell they drop says why.
    let damaged = engine::damage::damaged_layer(&rows);
    let mut forms: Vec<Result<Form, Unrecognized>> = Vec::new();
    let mut unrecognized: Vec<Unrecognized> = Vec::new();
    let mut last_was_other = false;
    let mut last_other: Option<(usize, usize)> = None;
    let mut group: Vec<(Part, usize, usize)> = Vec::new();
    let flush = |group: &mut Vec<(Part, usize, usize)>,
                 forms: &mut Vec<Result<Form, Unrecognized>>| {
        if group.is_empty() {
            return;
        }
        let parts: Vec<(Part, &[Row])> = group.iter().map(|&(p, s, e)| (p, &rows[s..e])).collect();
        let (s, e) = (group[0].1, group[group.len() - 1].2);
        forms.push(guarded(&rows[s..e], || {
            Form::Declaration(declaration::read(&parts))
        }));
        group.clear();
    };
    for seg in segments(&rows, templates.titles()) {
        if let Segment::Declaration(part, s, e) = seg {
            let name = declaration::project_name_of(&rows[s..e]);
            let continues = group.last().is_some_and(|&(last, gs, ge)| {
                let same_name = match (declaration::project_name_of(&rows[gs..ge]), &name) {
                    (Some(a), Some(b)) => compact(&a) == compact(b),
                    _ => true,
                };
                part as u8 > last as u8 && same_name
            });
            if !continues {
                flush(&mut group, &mut forms);
            }
            group.push((part, s, e));
            last_was_other = false;
            continue;
        }
        flush(&mut group, &mut forms);
        match seg {
            Segment::Declaration(..) => unreachable!("handled above"),
            Segment::Target(s, e) => match engine::choose_of(templates, "declaration", &rows[s..e])
            {
                Some(t) => {
                    let before = last_other.filter(|&(_, pe)| last_was_other && pe == s);
                    let mut attached = false;
                    forms.push(guarded(&rows[s..e], || {
                        let mut d = engine::read_declaration(&rows[s..e], t);
                        // An allocation table printed right before the form.
                        if let Some((ps, pe)) = before {
                            attached = engine::attach_allocation(&rows[ps..pe], t, &mut d);
                        }
                        Form::Declaration(d)
                    }));
                    if let (true, Some((ps, pe))) = (attached, before) {
                        give_back(&mut unrecognized, &rows[ps..pe]);
                    }
                    last_was_other = false;
                }
                None => unrecognized.push(Unrecognized {
                    lines: LineSpan {
                        start: rows[s].line,
                        end: rows[e - 1].line,
                    },
                    cells: rows[s..e].iter().map(|r| r.cells.len()).sum(),
                    reason: "a declaration, and no declaration template is loaded".into(),
                }),
            },
            // A table title with no row of cells under it (an entry of a
            // table of contents, a title printed twice) is no table.
            Segment::Table(_, s, e) if !rows[s..e].iter().any(|r| r.cells.len() >= 2) => {
                let span = LineSpan {
                    start: rows[s].line,
                    end: rows[e - 1].line,
                };
                unrecognized.push(Unrecognized {
                    lines: span,
                    cells: rows[s..e].iter().map(|r| r.cells.len()).sum(),
                    reason:
                        "a budget table title with no table under it (a table of contents entry?)"
                            .into(),
                });
                last_was_other = false;
            }
            Segment::Table(kind, s, e) => {
                last_was_other = false;
                // Prose printed under the table (its 情况说明) is prose.
                let k = prose_after_table(&rows[s..e]).map_or(e, |k| s + k);
                forms.push(guarded(&rows[s..k], || {
                    Form::BudgetTable(budget::read(kind, &rows[s..k]))
                }));
                if k < e {
                    forms.push(guarded(&rows[k..e], || {
                        Form::Narrative(narrative::read(&rows[k..e]))
                    }));
                }
            }
            Segment::Modern(s, e) => {
                last_was_other = false;
                forms.push(guarded(&rows[s..e], || {
                    Form::SelfEvaluation(read_self_evaluation(&rows[s..e], templates, damaged))
                }))
            }
            // A table of amounts keyed by subject codes is a budget table
            // whatever its title says.
            Segment::Other(s, e, _) if s < e && budget::is_coded_table(&rows[s..e]) => {
                last_was_other = false;
                forms.push(guarded(&rows[s..e], || {
                    Form::BudgetTable(budget::read(BudgetTableKind::Other, &rows[s..e]))
                }));
            }
            Segment::Other(s, e, _) if s < e && narrative::is_prose(&rows[s..e]) => {
                last_was_other = false;
                forms.push(guarded(&rows[s..e], || {
                    Form::Narrative(narrative::read(&rows[s..e]))
                }));
            }
            Segment::Other(s, e, reason) => {
                if s == e {
                    continue;
                }
                last_other = Some((s, e));
                let cells = rows[s..e].iter().map(|r| r.cells.len()).sum();
                let span = LineSpan {
                    start: rows[s].line,
                    end: rows[e - 1].line,
                };
                match unrecognized.last_mut() {
                    Some(last) if last.lines.end < span.start && last_was_other => {
                        last.lines.end = span.end;
                        last.cells += cells;
                        if last.reason != reason {
                            last.reason = OTHER_REASON.to_string();
                        }
                    }
                    _ => unrecognized.push(Unrecognized {
                        lines: span,
                        cells,
                        reason: reason.to_string(),
                    }),
                }
                last_was_other = true;
            }
        }
    }
    flush(&mut group, &mut forms);
    let mut read = Vec::with_capacity(forms.len());
    for f in forms {
        match f {
            Ok(form) => read.push(form),
            Err(failed) => unrecognized.push(failed),
        }
    }
    unrecognized.sort_by_key(|u| u.lines.start);
    share_document_facts(&mut read);
    Document {
        out_of_range: out_of_range(&rows),
        forms: read,
        unrecognized,
        geometry: Vec::new(),
        origins: Vec::new(),
        repairs: readings.into_iter().collect(),
        encoding: None,
    }
}

/// Reads one form. A reader that panics (a bug in jixiao, never the
/// input's fault) loses that form only: its lines are reported as not read,
/// with the reason, and the document keeps its other forms.
fn guarded(rows: &[Row], read: impl FnOnce() -> Form) -> Result<Form, Unrecognized> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).map_err(|_| Unrecognized {
        lines: LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.last().map_or(0, |r| r.line),
        },
        cells: rows.iter().map(|r| r.cells.len()).sum(),
        reason: "jixiao failed while reading this form (an internal error, not a fault of the form); please report the file".into(),
    })
}

/// Cells that print a number beyond what the checks compute with (more
/// than 14 digits before the point or 10 after it), alone or inside text:
/// the relations of the forms that hold them are not checked.
fn out_of_range(rows: &[Row]) -> Vec<Unmapped> {
    let limit = (crate::number::CHECKABLE_DIGITS.min(crate::number::CHECKABLE_SCALE) + 1) as usize;
    let mut out = Vec::new();
    for row in rows {
        for cell in &row.cells {
            // Most cells hold too few digits to need a look (a full-width
            // digit, U+FF10–FF19, is EF BC 90–99 in UTF-8).
            let b = cell.text.as_bytes();
            let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
            let wide = || {
                memchr::memchr_iter(0xEF, b).any(|i| {
                    b.get(i + 1) == Some(&0xBC)
                        && b.get(i + 2).is_some_and(|c| (0x90..=0x99).contains(c))
                })
            };
            if (digits >= limit || wide()) && has_out_of_range_figure(&cell.text) {
                out.push(Unmapped::new(
                    row.line,
                    cell.column,
                    &cell.text,
                    crate::number::OUT_OF_RANGE,
                ));
            }
        }
    }
    out
}

/// Whether a text prints a run of digits (with `,` and one `.`) longer than
/// the checks compute with.
fn has_out_of_range_figure(text: &str) -> bool {
    let (mut int, mut frac, mut after_point) = (0u32, 0u32, false);
    for c in text
        .chars()
        .map(|c| crate::number::normalize_digit(c).unwrap_or(' '))
    {
        match c {
            '0'..='9' if after_point => frac += 1,
            '0'..='9' => int += 1,
            ',' if !after_point => {}
            '.' if !after_point => after_point = true,
            _ => {
                int = 0;
                frac = 0;
                after_point = false;
            }
        }
        if int > crate::number::CHECKABLE_DIGITS || frac > crate::number::CHECKABLE_SCALE {
            return true;
        }
    }
    false
}

/// Where prose starts under a table: the first line of one cell after the
/// table's first row of amounts from which on the rows read as prose.
fn prose_after_table(rows: &[Row]) -> Option<usize> {
    let amount = |r: &Row| {
        r.cells.len() >= 2
            && r.cells.iter().any(|c| {
                matches!(
                    crate::number::read_number(&c.text),
                    crate::number::NumberCell::Number { .. }
                )
            })
    };
    let first_data = rows.iter().position(amount)?;
    (first_data + 1..rows.len())
        .filter(|&k| rows[k].cells.len() == 1 && !rows[k..].iter().any(amount))
        .find(|&k| narrative::is_prose(&rows[k..]))
}

/// Takes the rows a form has read back out of the last unrecognized span.
fn give_back(unrecognized: &mut Vec<Unrecognized>, rows: &[Row]) {
    let (Some(first), Some(last)) = (rows.first(), rows.last()) else {
        return;
    };
    let Some(span) = unrecognized.last_mut() else {
        return;
    };
    if span.lines.end != last.line {
        return;
    }
    if span.lines.start >= first.line {
        unrecognized.pop();
    } else {
        span.lines.end = first.line.saturating_sub(1);
        span.cells -= rows
            .iter()
            .map(|r| r.cells.len())
            .sum::<usize>()
            .min(span.cells);
    }
}

/// A year or money unit that a form does not print legibly is taken from
/// the document when every form that prints one agrees; the field then says
/// `"document"` as its source.
fn share_document_facts(forms: &mut [Form]) {
    let evals = || {
        forms.iter().filter_map(|f| match f {
            Form::SelfEvaluation(s) => Some(s),
            _ => None,
        })
    };
    let years: Vec<i32> = evals()
        .filter(|s| s.year_source == Some(Source::Form))
        .filter_map(|s| s.year)
        .collect();
    let units: Vec<MoneyUnit> = evals()
        .filter(|s| s.unit_source == Some(Source::Form))
        .filter_map(|s| s.unit)
        .collect();
    let one_year = years
        .first()
        .copied()
        .filter(|y| years.iter().all(|x| x == y));
    let one_unit = units
        .first()
        .copied()
        .filter(|u| units.iter().all(|x| x == u));
    for s in forms.iter_mut().filter_map(|f| match f {
        Form::SelfEvaluation(s) => Some(s),
        _ => None,
    }) {
        if s.year.is_none() {
            match one_year {
                Some(y) => {
                    s.year = Some(y);
                    s.year_source = Some(Source::Document);
                }
                None => s.missing.push(Missing {
                    field: "year".into(),
                    reason:
                        "no year printed in this form, and the document's forms do not agree on one"
                            .into(),
                }),
            }
        }
        if s.unit.is_none() {
            if let Some(u) = one_unit {
                s.unit = Some(u);
                s.unit_source = Some(Source::Document);
                if let Some(pos) = s.missing.iter().position(|m| m.field == "unit") {
                    let m = s.missing.remove(pos);
                    s.repairs.push(Repair {
                        line: s.lines.start,
                        action: format!("{}; unit taken from the document's other forms", m.reason),
                        affects_numbers: false,
                    });
                }
            }
        }
    }
}
