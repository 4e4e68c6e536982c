//! The generic declaration reader: a target form (绩效目标申报表, 绩效目标表)
//! read block by block with the words of one template. Its header and its
//! indicator tree are read as a self-evaluation's are; its funds block is an
//! open list of labelled amounts, and its goals are named by kind (总体,
//! 年度, 中期, 长期). Nothing here names a province or a document.

use super::columns::{header_score, read_header, Columns, Meaning};
use super::selfeval::{amount_with_unit, append_goal, find_blocks, has_numbers, Reader};
use super::template::Template;
use super::words::{any, meaning, plain};
use crate::model::*;
use crate::number::{num_at, read_number, Num, NumberCell};
use crate::rows::{Cell, Row};
use regex::Regex;
use std::sync::OnceLock;

/// The goals a declaration states, by kind.
#[derive(Debug, Default)]
struct Goals {
    overall: Option<String>,
    annual: Option<String>,
    mid_term: Option<String>,
    long_term: Option<String>,
}

impl Goals {
    fn slot(&mut self, kind: &str) -> Option<&mut Option<String>> {
        match kind {
            "overall" => Some(&mut self.overall),
            "annual" => Some(&mut self.annual),
            "mid_term" => Some(&mut self.mid_term),
            "long_term" => Some(&mut self.long_term),
            _ => None,
        }
    }
}

/// Reads one declaration with template `t`.
pub(crate) fn read(rows: &[Row], t: &Template) -> Declaration {
    let mut r = Reader::new(rows, t);
    let b = find_blocks(rows, t);
    let spans = b.spans(rows);
    let periods = r.period_lines(rows);
    r.read_head(spans.head);
    let sources = spans.funds.map(|f| r.read_sources(f)).unwrap_or_default();
    let funds_last = spans.goals.is_none() && spans.indicators.is_none();
    if let Some(last) = sources
        .last()
        .filter(|s| funds_last && s.amounts.is_empty())
    {
        let why = format!(
            "the form ends in its funds block, at {} (line {}), which prints no amount: the text may be cut off",
            last.label, last.line
        );
        r.not_whole("funds", why);
    }
    let goals = spans
        .goals
        .map(|g| r.read_goal_kinds(g))
        .unwrap_or_default();
    if let Some(indicators) = spans.indicators {
        r.read_indicators(indicators);
    }
    r.find_unit(rows);
    r.finish(rows, b);
    let mut d = into_declaration(r.form, sources, goals);
    // Each target belongs to the table whose period line stands above it.
    for target in &mut d.targets {
        target.period = periods
            .iter()
            .rev()
            .find(|(line, _)| *line < target.line)
            .map(|(_, p)| p.clone());
    }
    d
}

/// An amount at the start of a cell that prints more after it
/// (`854万(高标准农田建设400万元,…)`): the number and the unit it names.
fn leading_amount(text: &str) -> Option<(&str, &str)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^\s*([0-9][0-9,]*(?:\.[0-9]+)?)\s*(万元|万|元)?").expect("amount pattern")
    });
    let c = re.captures(text)?;
    let rest = text[c.get(0)?.end()..].trim();
    (!rest.is_empty()).then(|| (c.get(1).map_or("", |m| m.as_str()), rest))
}

/// `财政拨款:6923.3552万元(…)`, `总额10606.7522万元`: a label and the amount
/// after it in one cell, where the label names a fund row.
fn inline_source(text: &str) -> Option<(String, String)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"^([^0-9:]{2,16}?)[:]?\s*([0-9][0-9,]*(?:\.[0-9]+)?\s*(?:万元|万|元)?.*)$")
            .expect("inline source pattern")
    });
    let p = plain(text);
    let c = re.captures(&p)?;
    Some((c[1].to_string(), c[2].to_string()))
}

impl Reader<'_> {
    /// Lines of one cell that open one of several indicator tables
    /// (长期绩效指标, 年度绩效指标): their line and period, the cells taken.
    fn period_lines(&mut self, rows: &[Row]) -> Vec<(usize, String)> {
        let periods = &self.t.indicators.periods;
        let mut out = Vec::new();
        for row in rows.iter().filter(|r| r.cells.len() == 1) {
            let cell = &row.cells[0];
            if cell.key().chars().count() > 12 {
                continue;
            }
            if let Some((p, _)) = meaning(&cell.text, periods) {
                out.push((row.line, p.to_string()));
                self.take(row, cell);
            }
        }
        out
    }

    /// The fund row a cell labels, if it is label-sized and names one.
    fn source_role(&self, cell: &Cell) -> Option<String> {
        let short = cell.text.chars().count() <= 24;
        let text = !matches!(read_number(&cell.text), NumberCell::Number { .. });
        if !(short && text) || inline_source(&cell.text).is_some() {
            return None;
        }
        let (role, len) = meaning(&cell.text, &self.t.funds.rows)?;
        // A header label that holds a fund word (财政资金预算分类) is the
        // header's where its own word is the longer match.
        let header = meaning(&cell.text, &self.t.header.fields).map_or(0, |(_, l)| l);
        (len > header).then(|| role.to_string())
    }

    /// A label-sized cell that names a header field better than a fund row.
    fn header_label(&self, cell: &Cell) -> bool {
        if cell.text.chars().count() > 16 {
            return false;
        }
        let Some((_, header)) = meaning(&cell.text, &self.t.header.fields) else {
            return false;
        };
        meaning(&cell.text, &self.t.funds.rows).is_none_or(|(_, funds)| header >= funds)
    }

    /// An amount cell's number, its text kept whole in `raw`.
    fn source_amount(&mut self, row: &Row, cell: &Cell) -> Option<Num> {
        if matches!(read_number(&cell.text), NumberCell::Number { .. })
            || amount_with_unit(&cell.text).is_some()
        {
            return self.number(row, cell, "an amount");
        }
        let (n, rest) = leading_amount(&cell.text)?;
        let n = num_at(n, row.line, cell.column)?;
        self.take(row, cell);
        Some(Num {
            raw: cell.text.clone(),
            note: Some(format!("read as {}; the cell also prints {rest}", n.raw)),
            ..n
        })
    }

    /// The funds block: a column header where one is printed (当年金额 |
    /// 占比), then rows of a label and its amounts.
    fn read_sources(&mut self, rows: &[Row]) -> Vec<FundSource> {
        let t = self.t;
        let mut out: Vec<FundSource> = Vec::new();
        let mut cols: Option<Columns> = None;
        let mut part: Option<String> = None;
        for row in rows {
            let labels = row.cells.iter().any(|c| self.source_role(c).is_some());
            if !labels && !has_numbers(row) && header_score(row, &t.funds.columns) >= 1 {
                let header = read_header(row, &t.funds.columns, &|_| false);
                for cell in &row.cells {
                    let known = matches!(header.at(cell.column), Some(Meaning::Field(_)));
                    if known || self.block_label(row, cell, "funds") {
                        self.take(row, cell);
                    }
                }
                cols = Some(header);
                continue;
            }
            self.read_source_row(row, cols.as_ref(), &mut part, &mut out);
            // Header pairs inside the block (项目概况, 财政资金科目代码).
            self.read_pairs(row);
        }
        self.name_side_by_side(&mut out);
        out
    }

    /// Blocks printed side by side (项目资金总额 | 1500 | 年度资金申请总额 |
    /// 1500): where two columns of labels each have a total whose label
    /// names a funds column (`total_budget`, `annual_budget`), the amounts
    /// under each are of that column.
    fn name_side_by_side(&self, out: &mut [FundSource]) {
        let columns = &self.t.funds.columns;
        let named: Vec<(usize, String)> = out
            .iter()
            .filter(|s| s.row == FundsLine::Total)
            .filter_map(|s| {
                let (m, _) = meaning(&s.label, columns)?;
                (m != "amount" && m != "share").then(|| (s.column, m.to_string()))
            })
            .collect();
        let mut label_columns: Vec<usize> = named.iter().map(|(c, _)| *c).collect();
        label_columns.dedup();
        if label_columns.len() < 2 {
            return;
        }
        for s in out.iter_mut() {
            let Some((_, m)) = named.iter().find(|(c, _)| *c == s.column) else {
                continue;
            };
            for a in s.amounts.iter_mut().filter(|a| a.column == "amount") {
                a.column = m.clone();
            }
        }
    }

    /// One row of the funds block: its part label, its source labels and
    /// the amounts after each.
    fn read_source_row(
        &mut self,
        row: &Row,
        cols: Option<&Columns>,
        part: &mut Option<String>,
        out: &mut Vec<FundSource>,
    ) {
        let t = self.t;
        let mut current: Option<usize> = None;
        let mut header_value = false;
        for (i, cell) in row.cells.iter().enumerate() {
            // A header label and the cell after it are a header pair, read
            // as such once the row's sources are read.
            if std::mem::take(&mut header_value) {
                continue;
            }
            if self.header_label(cell) {
                current = None;
                header_value = true;
                continue;
            }
            let short = cell.text.chars().count() <= 16;
            let role = self.source_role(cell);
            if role.is_none() && short && current.is_none() && self.block_label(row, cell, "funds")
            {
                continue;
            }
            if let Some((p, _)) = meaning(&cell.text, &t.funds.parts).filter(|_| short) {
                *part = Some(p.to_string());
                self.take(row, cell);
                continue;
            }
            if let Some(role) = role {
                self.take(row, cell);
                out.push(source(row, cell.column, cell.text.trim(), &role, part));
                current = Some(out.len() - 1);
                continue;
            }
            if let Some((label, value)) = inline_source(&cell.text) {
                if let Some((role, _)) = meaning(&label, &t.funds.rows) {
                    let mut s = source(row, cell.column, &label, role, part);
                    let in_cell = Cell::new(cell.column, &value);
                    if let Some(n) = self.source_amount(row, &in_cell) {
                        s.amounts.push(ColumnAmount {
                            column: "amount".into(),
                            value: n,
                        });
                    }
                    self.take(row, cell);
                    out.push(s);
                    current = Some(out.len() - 1);
                    continue;
                }
            }
            // A label no template names, followed by an amount.
            let next_is_amount = row.cells.get(i + 1).is_some_and(|n| {
                matches!(read_number(&n.text), NumberCell::Number { .. })
                    || amount_with_unit(&n.text).is_some()
            });
            let text = !matches!(read_number(&cell.text), NumberCell::Number { .. })
                && leading_amount(&cell.text).is_none();
            let header_word = meaning(&cell.text, &t.header.fields).is_some();
            if short && text && next_is_amount && !header_word && current.is_none() {
                self.take(row, cell);
                out.push(source(row, cell.column, cell.text.trim(), "source", part));
                current = Some(out.len() - 1);
                continue;
            }
            let Some(k) = current else {
                continue;
            };
            self.source_value(row, cell, cols, &mut out[k]);
        }
    }

    /// An amount of the source at `out`: under a column header where one is
    /// printed, else the block's one amount column.
    fn source_value(&mut self, row: &Row, cell: &Cell, cols: Option<&Columns>, s: &mut FundSource) {
        let column = match cols.and_then(|c| c.at(cell.column)) {
            Some(Meaning::Field(f)) => f.clone(),
            _ if s.amounts.is_empty() => "amount".to_string(),
            _ => {
                self.leave(
                    row,
                    cell,
                    "a further value in a funds row, under no column header",
                );
                return;
            }
        };
        if let NumberCell::Empty = read_number(&cell.text) {
            self.take(row, cell);
            return;
        }
        match self.source_amount(row, cell) {
            Some(value) => s.amounts.push(ColumnAmount { column, value }),
            None => self.leave(
                row,
                cell,
                "not an amount, where a fund source's amount is expected",
            ),
        }
    }

    /// The goals: labels name a goal's kind; the text beside a label, or
    /// under it where a row prints only labels, is that goal.
    fn read_goal_kinds(&mut self, rows: &[Row]) -> Goals {
        let t = self.t;
        let mut goals = Goals::default();
        let mut heads: Vec<(usize, String)> = Vec::new();
        for row in rows {
            let mut labels: Vec<(usize, String)> = Vec::new();
            // Texts after a label on its row are its goal; a row whose
            // labels have no text after them heads the columns below.
            let mut texts_after = 0;
            let mut current: Option<String> = None;
            for cell in &row.cells {
                if self.is_taken(row, cell) {
                    continue;
                }
                let short = cell.key().chars().count() <= 14;
                if let Some((k, _)) = meaning(&cell.text, &t.goals.kinds).filter(|_| short) {
                    self.take(row, cell);
                    labels.push((cell.column, k.to_string()));
                    current = Some(k.to_string());
                    continue;
                }
                if short && any(&cell.text, &t.goals.anchors) {
                    self.take(row, cell);
                    continue;
                }
                if current.is_some() {
                    texts_after += 1;
                }
                let under = heads.iter().rev().find(|(c, _)| *c <= cell.column);
                let kind = current.clone().or_else(|| under.map(|(_, k)| k.clone()));
                let Some(slot) = kind.as_deref().and_then(|k| goals.slot(k)) else {
                    self.leave(row, cell, "a text in the goals block under no goal label");
                    continue;
                };
                append_goal(slot, &cell.text);
                self.take(row, cell);
            }
            if texts_after == 0 && !labels.is_empty() {
                heads = labels;
            }
        }
        goals
    }
}

/// A fund row labelled in `column`, with no amount read yet.
fn source(row: &Row, column: usize, label: &str, role: &str, part: &Option<String>) -> FundSource {
    FundSource {
        line: row.line,
        row: FundsLine::from_key(role).unwrap_or(FundsLine::Source),
        label: label.to_string(),
        column,
        block: part.clone(),
        amounts: Vec::new(),
    }
}

/// The record: the self-evaluation reader's header, indicators and
/// bookkeeping, with the declaration's own funds and goals.
fn into_declaration(form: SelfEvaluation, sources: Vec<FundSource>, goals: Goals) -> Declaration {
    let mut d = Declaration::empty(form.lines, vec![form.lines]);
    d.template = form.template;
    d.family = form.family;
    d.title = form.title;
    d.project_name = form.project_name;
    d.year = form.year;
    d.unit = form.unit;
    d.department = form.department;
    d.implementing_unit = form.implementing_unit;
    for h in form.header_fields {
        match h.name.as_str() {
            "project_leader" if d.leader.is_none() => d.leader = Some(h.value),
            "contact" if d.contact.is_none() => d.contact = Some(h.value),
            _ => d.header_fields.push(h),
        }
    }
    if let Some(unit) = form.budget_unit {
        d.header_fields.push(HeaderField {
            name: "budget_unit".into(),
            value: unit,
            line: form.lines.start,
        });
    }
    d.sources = sources;
    d.overall_goal = goals.overall;
    d.annual_goal = goals.annual;
    d.mid_term_goal = goals.mid_term;
    d.long_term_goal = goals.long_term;
    d.targets = form.indicators.into_iter().map(target_of).collect();
    d.groups = form.groups;
    d.indicators_weight = form.indicators_weight;
    d.missing = form.missing;
    d.repairs = form.repairs;
    d.unmapped = form.unmapped;
    d.cells = form.cells;
    d.not_read_whole = form.not_read_whole;
    d
}

/// An indicator row as a declaration's target.
fn target_of(i: Indicator) -> Target {
    Target {
        line: i.line,
        lines: i.lines,
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        value: i.target,
        remark: i.deviation_reason,
        weight: i.weight,
        nature: i.nature,
        measure_unit: i.measure_unit,
        direction: i.direction,
        explanation: i.explanation,
        by_area: i.by_area,
        period: i.period,
    }
}
