//! The generic self-evaluation reader: a form's rows, read block by block
//! (header, funds, goals, indicators, total, grade, footer) with the words of
//! one template. Nothing here names a province or a document; what varies
//! between families is in the template.

use super::columns::{
    area_columns, header_score, join_second_row, laid_out_under_spans, read_header, shifted_right,
    shifted_right_rows, shifted_rows, Columns, Meaning,
};
use super::damage;
use super::template::Template;
use super::words::{any, label_key, meaning, plain};
use crate::model::*;
use crate::number::{normalize_digits, num_at, read_measure, read_number, Num, NumberCell};
use crate::rows::{Cell, Row};
use regex::Regex;
use std::borrow::Cow;
use std::collections::BTreeMap;

/// Maps and sets keyed by cells: hashed fast, no input controls the keys
/// beyond their count.
type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
type HashSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;
use std::sync::OnceLock;

/// A block's header row, with a second header row under it joined when
/// that row prints no number and names at least `second_min` columns; and
/// the index of the block's first data row. `labels` are block labels
/// beside the header, which name no column.
fn block_header(
    rows: &[Row],
    vocab: &super::template::Vocabulary,
    labels: &[String],
    second_min: usize,
    spans: &BTreeMap<String, Vec<String>>,
) -> (Columns, usize) {
    // A block label opens the row, or names no column: `资金执行情况` after
    // `二、预算执行情况` is a column of the block it labels.
    let opening = rows[0].cells.first().map_or("", |c| c.text.as_str());
    let is_label = |s: &str| any(s, labels) && (s == opening || meaning(s, vocab).is_none());
    let mut cols = read_header(&rows[0], vocab, &is_label);
    match rows.get(1) {
        Some(second) if !has_numbers(second) && header_score(second, vocab) >= second_min => {
            if let Some(laid) = laid_out_under_spans(&cols, second, &rows[2..], vocab, spans) {
                return (laid, 2);
            }
            join_second_row(&mut cols, &rows[0], second, vocab);
            (cols, 2)
        }
        _ => (cols, 1),
    }
}

/// Why a cell of a 行次 / 列次 column or row is not a value.
const NUMBERING: &str = "row or column numbering (行次, 列次), not a value";

/// Where the blocks of a form start.
#[derive(Debug, Default)]
pub(super) struct Blocks {
    funds: Option<usize>,
    goals: Option<usize>,
    indicators: Option<usize>,
}

/// The rows of each block of a form.
pub(super) struct Spans<'r> {
    pub(super) head: &'r [Row],
    pub(super) funds: Option<&'r [Row]>,
    pub(super) goals: Option<&'r [Row]>,
    pub(super) indicators: Option<&'r [Row]>,
}

impl Blocks {
    /// Each block runs to the start of the next one; the indicators to the
    /// end of the form.
    pub(super) fn spans<'r>(&self, rows: &'r [Row]) -> Spans<'r> {
        let ends = [self.funds, self.goals, self.indicators];
        let end_of = |start: usize| {
            ends.iter()
                .flatten()
                .copied()
                .filter(|&e| e > start)
                .min()
                .unwrap_or(rows.len())
        };
        let first = ends.iter().flatten().copied().min().unwrap_or(rows.len());
        Spans {
            head: &rows[..first],
            funds: self.funds.map(|s| &rows[s..end_of(s)]),
            goals: self.goals.map(|s| &rows[s..end_of(s)]),
            indicators: self.indicators.map(|s| &rows[s..]),
        }
    }
}

/// The state of one read: the form so far and what each cell became.
pub(super) struct Reader<'a> {
    pub(super) t: &'a Template,
    pub(super) form: SelfEvaluation,
    /// Cells read into a field (labels included).
    taken: HashSet<(usize, usize)>,
    /// Why a cell was left out, where a block knows.
    why: HashMap<(usize, usize), String>,
    /// The document's text layer is damaged: the template's
    /// `repairs_when_damaged` are on as well as its `repairs`.
    pub(super) damaged: bool,
}

impl<'a> Reader<'a> {
    /// A read of `rows` with template `t`, nothing read yet.
    pub(super) fn new(rows: &[Row], t: &'a Template) -> Reader<'a> {
        let lines = LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.iter().map(|r| r.line).max().unwrap_or(0),
        };
        let layout = match t.layout.as_deref() {
            Some("older") => Layout::Older,
            _ => Layout::Modern,
        };
        let mut form = SelfEvaluation::empty(layout, lines);
        form.template = Some(t.id.clone());
        form.family = Some(t.family.clone());
        form.rules = Rules {
            indicator_rule: t.scoring.indicator_rule,
            parent_rows_sum: t.scoring.parent_rows_sum,
            weighted_score: t.scoring.weighted_score,
            funds_score_indicator: None,
        };
        Reader {
            t,
            form,
            taken: HashSet::default(),
            why: HashMap::default(),
            damaged: false,
        }
    }
}

/// Reads one self-evaluation with template `t`; `damaged` says the
/// document's text layer is damaged (see [`super::damage::damaged_layer`]).
pub(crate) fn read(rows: &[Row], t: &Template, damaged: bool) -> SelfEvaluation {
    let mut r = Reader::new(rows, t);
    r.damaged = damaged;
    let rows = r.page_order(rows);
    let rows: &[Row] = &rows;
    let b = find_blocks(rows, t);
    let spans = b.spans(rows);
    r.read_head(spans.head);
    if let Some(funds) = spans.funds {
        r.read_funds(funds);
    }
    if let Some(goals) = spans.goals {
        r.read_goals(goals);
    }
    if let Some(indicators) = spans.indicators {
        r.read_indicators(indicators);
    }
    r.find_unit(rows);
    r.finish(rows, b);
    r.form.rules.funds_score_indicator = funds_score_indicator(&r.form, t);
    r.form
}

/// The indicator that stands for the funds score where the funds block
/// prints none: the one row the template names (a rubric's 预算执行率).
fn funds_score_indicator(form: &SelfEvaluation, t: &Template) -> Option<usize> {
    let words = &t.scoring.funds_score_row;
    let total = form.funds_row(FundsLine::Total)?;
    if words.is_empty() || total.score.is_some() || total.execution_rate.is_none() {
        return None;
    }
    let mut named = form.indicators.iter().enumerate().filter(|(_, i)| {
        i.name.as_deref().is_some_and(|n| any(n, words)) && i.weight.is_some() && i.score.is_some()
    });
    match (named.next(), named.next()) {
        (Some((i, _)), None) => Some(i),
        _ => None,
    }
}

/// Finds the header rows of the funds block and the indicator table and the
/// first goals row.
pub(super) fn find_blocks(rows: &[Row], t: &Template) -> Blocks {
    let mut b = Blocks::default();
    // What the row's label-sized cells name in a vocabulary.
    let named = |row: &'_ Row, vocab| -> Vec<&str> {
        row.cells
            .iter()
            .filter(|c| c.text.chars().count() <= 24)
            .filter_map(|c| meaning(&c.text, vocab).map(|(m, _)| m))
            .collect()
    };
    for (i, row) in rows.iter().enumerate() {
        let ind = named(row, &t.indicators.columns);
        let has_level = ind
            .iter()
            .any(|m| matches!(*m, "level1" | "level2" | "name"));
        if ind.len() >= 3 && has_level {
            // A header printed over two rows, the level names in the lower.
            let above = i.checked_sub(1).map(|k| &rows[k]);
            let upper = above.is_some_and(|r| {
                !has_numbers(r)
                    && header_score(r, &t.indicators.columns) >= 2
                    && Some(i - 1) != b.funds
            });
            b.indicators = Some(if upper { i - 1 } else { i });
            if upper && b.goals == Some(i - 1) {
                b.goals = None;
            }
            break;
        }
        if b.funds.is_none() {
            let funds = named(row, &t.funds.columns);
            let amounts = funds
                .iter()
                .filter(|m| {
                    ["initial_budget", "adjusted_budget", "executed", "received"].contains(m)
                })
                .count();
            let numbers = has_numbers(row);
            let header = funds.len() >= 2 && amounts >= 1 && !numbers;
            if header || (numbers && pairs_rows(&rows[i..], &t.funds.columns) > 0) {
                b.funds = Some(i);
                continue;
            }
            if t.funds.headerless && opens_headerless_funds(row, t) {
                b.funds = Some(i);
                continue;
            }
        }
        if b.goals.is_none() && (b.funds.is_some() || i > 0) {
            let label = |c: &Cell, words: &[String]| {
                c.key().chars().count() <= 12 && !c.text.contains('表') && any(&c.text, words)
            };
            // The block's label, or its two sub-labels where the label of
            // a merged cell is printed further down.
            let goal = row.cells.iter().any(|c| label(c, &t.goals.anchors))
                || (row.cells.iter().any(|c| label(c, &t.goals.expected))
                    && row.cells.iter().any(|c| label(c, &t.goals.actual)));
            if goal {
                b.goals = Some(i);
            }
        }
    }
    b
}

/// The first row of a funds block that prints no column header: its block
/// label (`资金情况(万元)`), or a total row's label (`年度资金总额:`).
fn opens_headerless_funds(row: &Row, t: &Template) -> bool {
    row.cells.iter().any(|c| {
        let short = c.text.chars().count() <= 24;
        short
            && (any(&c.text, &t.funds.anchors)
                || meaning(&c.text, &t.funds.rows).is_some_and(|(m, _)| m == "total"))
    })
}

/// The grade bands a note prints (`自评分合计90（含）-100分为优秀，
/// 75（含）-90分为良好，…`), each grade one of `grades`; the top band
/// includes its upper bound.
pub(super) fn grade_bands(text: &str, grades: &[String]) -> Vec<GradeBand> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(\d+(?:\.\d+)?)\s*(?:（含）|\(含\))?\s*[-—～~至]\s*(\d+(?:\.\d+)?)\s*分?\s*为\s*([^，,。；;、\s]+)")
            .expect("band pattern")
    });
    let mut bands: Vec<GradeBand> = re
        .captures_iter(text)
        .filter_map(|c| {
            let grade = c[3].to_string();
            any(&grade, grades).then_some(())?;
            Some(GradeBand {
                grade,
                min: c[1].parse().ok()?,
                max: c[2].parse().ok()?,
                max_included: false,
            })
        })
        .collect();
    if let Some(top) = bands.iter().map(|b| b.max).max() {
        for b in bands.iter_mut().filter(|b| b.max == top) {
            b.max_included = true;
        }
    }
    bands
}

/// A label and the number after it (`实际到位资金(万元) 398.88`).
fn label_value_pairs(row: &Row) -> impl Iterator<Item = (&Cell, &Cell)> {
    let is_number = |c: &Cell| matches!(read_number(&c.text), NumberCell::Number { .. });
    row.cells.windows(2).filter_map(move |pair| {
        let labelled =
            !is_number(&pair[0]) && is_number(&pair[1]) && pair[0].text.chars().count() <= 16;
        labelled.then_some((&pair[0], &pair[1]))
    })
}

/// How many label/value pairs of a row name a funds column.
fn known_pairs(row: &Row, vocab: &super::template::Vocabulary) -> usize {
    label_value_pairs(row)
        .filter(|(l, _)| meaning(&l.text, vocab).is_some())
        .count()
}

/// How many rows from `rows[0]` print the funds block as label/value pairs
/// (`实际到位资金(万元) 398.88 实际使用情况(万元) 395.86`, or `当年预算数 …`
/// over `预算执行数 … 预算执行率 …`): consecutive rows each with a pair that
/// names a column, two such pairs at least between them; 0 when none.
fn pairs_rows(rows: &[Row], vocab: &super::template::Vocabulary) -> usize {
    let mut known = 0;
    let n = rows
        .iter()
        .take_while(|r| {
            let k = known_pairs(r, vocab);
            known += k;
            k > 0
        })
        .count();
    if known >= 2 {
        n
    } else {
        0
    }
}

/// The value columns of a row of label/value pairs, placed at the values:
/// where source rows follow such a row, their values stand under these.
fn pairs_columns(row: &Row, vocab: &super::template::Vocabulary) -> Columns {
    let cols = label_value_pairs(row)
        .map(|(label, value)| {
            let m = match meaning(&label.text, vocab) {
                Some((m, _)) => Meaning::Field(m.to_string()),
                None => Meaning::Unknown(label.text.clone()),
            };
            (value.column, m)
        })
        .collect();
    Columns {
        cols,
        lines: vec![row.line],
        ..Columns::default()
    }
}

/// Whether a text ends a sentence (`。`, `；`, `!` …) rather than stops
/// in the middle of one.
/// A goal cell's text added to the goal: a saved page's HTML paragraphs
/// become lines, and a text cut mid-sentence (by a page break or the
/// cell's lines) goes on where it stopped.
pub(super) fn append_goal(slot: &mut Option<String>, cell: &str) {
    let text = crate::html::html_to_text(cell);
    match slot {
        Some(s) => {
            if ends_sentence(s) {
                s.push('\n');
            }
            s.push_str(&text);
        }
        None => *slot = Some(text),
    }
}

fn ends_sentence(text: &str) -> bool {
    text.trim_end().ends_with([
        '。', '；', ';', '！', '!', '？', '?', '.', '」', '”', ')', '）',
    ])
}

/// A label with the row's figures run into it
/// (`年度资金总额1,000,000.001,200,000.00…`): two decimals or more in a
/// label-sized text. One amount with its unit (`一般公共预算:1873.66万元`) is
/// a label and its value, and a year (`2023年度资金`) no figure.
fn glued_figures(label: &str) -> bool {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| Regex::new(r"\d[\d,]*\.\d+").expect("glued pattern"));
    label.chars().count() <= 80 && re.find_iter(label).nth(1).is_some()
}

pub(super) fn has_numbers(row: &Row) -> bool {
    row.cells
        .iter()
        .any(|c| matches!(read_number(&c.text), NumberCell::Number { .. }))
}

/// `150万`, `4753.66万元`, `20元`: an amount with its unit in the cell.
pub(super) fn amount_with_unit(text: &str) -> Option<&str> {
    let t = text.trim();
    let n = t
        .strip_suffix("万元")
        .or_else(|| t.strip_suffix('万'))
        .or_else(|| t.strip_suffix('元'))?;
    matches!(read_number(n), NumberCell::Number { .. }).then_some(n.trim())
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"((?:19|20)\d{2})\s*年").expect("year pattern"))
}

fn weight_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(.*?)\s*\(\s*(\d+(?:\.\d+)?)(?:\s*[-~—至]\s*(\d+(?:\.\d+)?))?\s*分?\s*\)\s*分?$|^(.*?\D)(\d+(?:\.\d+)?)分\)?$")
            .expect("weight pattern")
    })
}

/// The part of `text` that its `plain` form holds from byte `start` for
/// `len` characters: `plain` maps characters one to one but drops
/// whitespace, so the same count of non-space characters is taken.
fn as_printed(text: &str, start: usize, len: usize) -> String {
    let p = plain(text);
    let before = p.get(..start).map_or(0, |b| b.chars().count());
    let chars: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    let end = (before + len).min(chars.len());
    let out: String = chars[before.min(end)..end].iter().collect();
    if out.is_empty() {
        text.trim().to_string()
    } else {
        out
    }
}

/// A label with a weight in it: `产出指标(50分)` → (`产出指标`, `50`, None);
/// `产出指标(40-50)分` → (`产出指标`, None, `40-50`).
pub(crate) fn split_weight(text: &str) -> (String, Option<String>, Option<String>) {
    let p = plain(text);
    let Some(c) = weight_re().captures(&p) else {
        return (p, None, None);
    };
    if let Some(name) = c.get(4) {
        return (name.as_str().to_string(), Some(c[5].to_string()), None);
    }
    let name = c[1].to_string();
    match c.get(3) {
        Some(hi) => (name, None, Some(format!("{}-{}", &c[2], hi.as_str()))),
        None => (name, Some(c[2].to_string()), None),
    }
}

/// The points a label states in brackets: `预算执行情况(20分)`,
/// `绩效指标(90分)`, `得分(20分*执行率)` → the number before `分`.
fn points_in(text: &str) -> Option<String> {
    plain(text).split('(').skip(1).find_map(|part| {
        let end = part
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(part.len());
        let (w, rest) = part.split_at(end);
        (!w.is_empty() && rest.starts_with('分')).then(|| w.to_string())
    })
}

impl Reader<'_> {
    pub(super) fn is_taken(&self, row: &Row, cell: &Cell) -> bool {
        self.taken.contains(&(row.line, cell.column))
    }

    pub(super) fn take(&mut self, row: &Row, cell: &Cell) {
        self.taken.insert((row.line, cell.column));
    }

    pub(super) fn leave(&mut self, row: &Row, cell: &Cell, why: &str) {
        self.why
            .entry((row.line, cell.column))
            .or_insert_with(|| why.to_string());
    }

    /// A number in a cell, with the cell's text as its raw text.
    pub(super) fn number(&mut self, row: &Row, cell: &Cell, field: &str) -> Option<Num> {
        match read_number(&cell.text) {
            NumberCell::Empty => {
                self.take(row, cell);
                None
            }
            NumberCell::Number { .. } => {
                self.take(row, cell);
                num_at(&cell.text, row.line, cell.column)
            }
            NumberCell::OutOfRange => {
                self.leave(row, cell, crate::number::OUT_OF_RANGE);
                None
            }
            NumberCell::Text => match amount_with_unit(&cell.text) {
                Some(n) => {
                    self.take(row, cell);
                    num_at(n, row.line, cell.column).map(|n| Num {
                        raw: cell.text.clone(),
                        note: Some(format!(
                            "read as {} without the unit printed in the cell",
                            n.raw
                        )),
                        ..n
                    })
                }
                None => {
                    self.leave(
                        row,
                        cell,
                        &format!("not a number, where {field} is expected"),
                    );
                    None
                }
            },
        }
    }

    /// Title, year and the key/value header cells.
    pub(super) fn read_head(&mut self, rows: &[Row]) {
        for row in rows {
            let one = row.cells.len() == 1;
            let first = &row.cells[0].text;
            let titled = first.contains('表') || first.contains("评价");
            if self.form.title.is_none() && row.cells.len() <= 2 && titled {
                self.form.title = Some(first.clone());
                self.take(row, &row.cells[0]);
                self.year_from(first);
                if !one {
                    self.read_pairs(row);
                }
                continue;
            }
            if one && self.year_line(row) {
                continue;
            }
            self.read_head_row(row);
        }
    }

    /// A header row: key/value cells, or the grade, or the total of a form
    /// cut to its header and total (no indicator table).
    fn read_head_row(&mut self, row: &Row) {
        match self.kind_of(row, &Columns::default()) {
            RowKind::Total => self.read_total(row, &Columns::default()),
            RowKind::Grade => self.read_grade(row),
            _ => self.read_pairs(row),
        }
    }

    /// `(2023年度)` or `2022年度` alone on a line.
    fn year_line(&mut self, row: &Row) -> bool {
        let k = plain(&row.cells[0].text);
        let k = k.trim_matches(['(', ')']);
        let digits = k.trim_end_matches("年度").trim_end_matches('年');
        if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) && digits.len() < k.len()
        {
            self.year_from(k);
            self.take(row, &row.cells[0]);
            return true;
        }
        false
    }

    fn year_from(&mut self, text: &str) {
        if self.form.year.is_some() {
            return;
        }
        if let Some(c) = year_re().captures(&normalize_digits(text)) {
            self.form.year = c[1].parse().ok();
            self.form.year_source = Some(Source::Form);
        }
    }

    /// Label cells and the value cell after each.
    pub(super) fn read_pairs(&mut self, row: &Row) {
        let fields = &self.t.header.fields;
        let mut i = 0;
        while i < row.cells.len() {
            let cell = &row.cells[i];
            let inline = plain(&cell.text);
            let (label, rest) = match inline.split_once(':') {
                Some((l, v)) if !v.trim().is_empty() && meaning(l, fields).is_some() => {
                    (l.to_string(), Some(v.trim().to_string()))
                }
                _ => (cell.text.clone(), None),
            };
            let Some((field, _)) = meaning(&label, fields) else {
                i += 1;
                continue;
            };
            let field = field.to_string();
            if label_key(&label).chars().count() > 12 {
                i += 1;
                continue;
            }
            self.take(row, cell);
            let value = match rest {
                Some(v) => Some((v, row.line)),
                None => {
                    let next = row
                        .cells
                        .get(i + 1)
                        .filter(|n| meaning(&n.text, fields).is_none());
                    next.map(|n| {
                        self.take(row, n);
                        i += 1;
                        (n.text.clone(), row.line)
                    })
                }
            };
            if let Some((v, line)) = value {
                self.set_header(&field, &label, v, line);
            }
            i += 1;
        }
    }

    fn set_header(&mut self, field: &str, label: &str, value: String, line: usize) {
        let f = &mut self.form;
        let slot = match field {
            "project_name" => &mut f.project_name,
            "department" => &mut f.department,
            "implementing_unit" => &mut f.implementing_unit,
            "budget_unit" => &mut f.budget_unit,
            // Goals a header prints as fields of its own (项目年度总目标).
            "goal_expected" => return append_goal(&mut f.goals.expected, &value),
            "goal_actual" => return append_goal(&mut f.goals.actual, &value),
            _ => {
                if field == "year" {
                    self.year_from(&format!("{value}年"));
                }
                // Labels a template keeps as printed are named by their text.
                let name = if field.is_empty() || field == "as_printed" || field == "texts" {
                    label
                } else {
                    field
                };
                self.form.header_fields.push(HeaderField {
                    name: name.to_string(),
                    value,
                    line,
                });
                return;
            }
        };
        if slot.is_none() {
            *slot = Some(value);
        }
    }
}

/// The unit a text names: `万元` wherever it stands, `元` only in brackets
/// or after `单位`.
pub(super) fn unit_in(text: &str) -> Option<MoneyUnit> {
    let p = plain(text);
    if p.contains("万元") || p.contains("万兀") {
        return Some(MoneyUnit::WanYuan);
    }
    let yuan = p.contains("(元)") || p.contains("单位:元") || p.contains("单位元") || p == "元";
    yuan.then_some(MoneyUnit::Yuan)
}

impl Reader<'_> {
    /// The funds block: its header row (and a second header row under it),
    /// then one row per fund source.
    fn read_funds(&mut self, rows: &[Row]) {
        let t = self.t;
        let pairs = pairs_rows(rows, &t.funds.columns);
        if pairs > 0 {
            return self.read_funds_pairs(rows, pairs);
        }
        let none = BTreeMap::new();
        let (mut cols, start) = block_header(rows, &t.funds.columns, &t.funds.anchors, 1, &none);
        let body = self.without_debris(&rows[start..]);
        self.label_columns(&mut cols, &body);
        self.take_headers(rows, &cols, "funds");
        let first_value = cols
            .cols
            .iter()
            .find(|(_, m)| matches!(m, Meaning::Field(_)))
            .map_or(usize::MAX, |(c, _)| *c);
        let before = self.form.funds.len();
        for row in body.iter() {
            if self.is_header_row(row) {
                self.read_head_row(row);
            } else {
                self.read_funds_row(row, &cols, first_value);
            }
        }
        self.label_on_header_line(&rows[0], first_value, before);
    }

    /// A funds block whose first `n` rows print label/value pairs: they are
    /// the total (their labels name the columns; a label the header knows,
    /// such as 上年预算金额, is a header field), the rows under them the
    /// sources, their values aligned with the first row's values.
    fn read_funds_pairs(&mut self, rows: &[Row], n: usize) {
        let t = self.t;
        let mut total = FundsRow::empty(FundsLine::Total, rows[0].line);
        for row in &rows[..n] {
            for (label, value) in label_value_pairs(row) {
                if let Some((field, _)) = meaning(&label.text, &t.funds.columns) {
                    self.take(row, label);
                    self.funds_value(row, value, field, &mut total);
                } else if let Some((field, _)) = meaning(&label.text, &t.header.fields) {
                    self.take(row, label);
                    self.take(row, value);
                    let field = field.to_string();
                    self.set_header(&field, &label.text, value.text.clone(), row.line);
                } else {
                    let why = "a label/value pair in the funds block that names no funds column";
                    self.leave(row, label, why);
                    self.leave(row, value, why);
                }
            }
            for cell in &row.cells {
                self.leave(
                    row,
                    cell,
                    "in the funds block, beside its label/value pairs",
                );
            }
        }
        self.form.funds.push(total);
        let cols = pairs_columns(&rows[0], &t.funds.columns);
        let first_value = cols.cols.first().map_or(usize::MAX, |(c, _)| *c);
        for row in self.without_debris(&rows[n..]).iter() {
            if self.is_header_row(row) {
                self.read_head_row(row);
            } else {
                self.read_funds_row(row, &cols, first_value);
            }
        }
    }

    /// A row without figures inside the funds block that prints a label of
    /// the header or the grade (`项目年度总目标:`, `绩效等级:`): the form
    /// goes on with its header there.
    fn is_header_row(&self, row: &Row) -> bool {
        let t = self.t;
        let label = |c: &Cell| {
            label_key(&c.text).chars().count() <= 12
                && (meaning(&c.text, &t.header.fields).is_some() || any(&c.text, &t.grade.labels))
        };
        !has_numbers(row) && row.cells.first().is_some_and(label)
    }

    /// A row label printed on the header line, left of the value columns
    /// (`项目资金 | 年度资金总额 | 年初预算数 …`, the label cell of a first row
    /// that a flattened page lifted onto the line above): it labels the
    /// block's first row when that row prints no label of its own.
    fn label_on_header_line(&mut self, header: &Row, first_value: usize, first: usize) {
        let t = self.t;
        let Some(cell) = header.cells.iter().find(|c| {
            c.column < first_value
                && !self.taken.contains(&(header.line, c.column))
                && meaning(&c.text, &t.funds.rows).is_some()
        }) else {
            return;
        };
        let Some(row) = self.form.funds.get_mut(first).filter(|r| r.label.is_none()) else {
            return;
        };
        let role = meaning(&cell.text, &t.funds.rows).and_then(|(m, _)| FundsLine::from_key(m));
        row.label = Some(cell.text.trim().to_string());
        if let Some(role) = role {
            row.row = role;
        }
        self.why.remove(&(header.line, cell.column));
        self.take(header, cell);
    }

    /// A header column under which the rows print their labels (总额,
    /// 财政资金 …) and no number heads the labels, not values
    /// (`年度预算数(万元)` over the row labels): it is dropped from the values.
    fn label_columns(&mut self, cols: &mut Columns, rows: &[Row]) {
        let t = self.t;
        let under = |c: usize| rows.iter().filter_map(move |r| r.at(c));
        let next_header = |c: usize| cols.cols.iter().map(|(k, _)| *k).find(|&k| k > c);
        // Numbers between this header and the next belong to it: then the
        // labels under it are pairs (`预算数 6.84`), not a label column.
        let numbers_beside = |c: usize| {
            let end = next_header(c).unwrap_or(usize::MAX);
            rows.iter().flat_map(|r| r.cells.iter()).any(|cell| {
                cell.column > c
                    && cell.column < end
                    && matches!(read_number(&cell.text), NumberCell::Number { .. })
            })
        };
        let labels: Vec<usize> = cols
            .cols
            .iter()
            .map(|(c, _)| *c)
            .filter(|&c| !numbers_beside(c))
            .filter(|&c| {
                under(c).any(|cell| {
                    cell.text.chars().count() <= 16 && meaning(&cell.text, &t.funds.rows).is_some()
                }) && !under(c)
                    .any(|cell| matches!(read_number(&cell.text), NumberCell::Number { .. }))
            })
            .collect();
        for c in labels {
            if let Some(slot) = cols.cols.iter_mut().find(|(k, _)| *k == c) {
                slot.1 = Meaning::Unknown("row labels".into());
            }
        }
    }

    /// Every header row's cells, taken or left with why.
    fn take_headers(&mut self, rows: &[Row], cols: &Columns, block: &str) {
        if cols.laid_out {
            self.form.repairs.push(Repair {
                line: cols.lines[0],
                action: format!(
                    "header_spans: the second {block} header row prints only the cells under the first row's spanning cells; they are laid out under those cells"
                ),
                affects_numbers: true,
            });
        }
        for (column, printed, word) in &cols.damaged {
            self.form.repairs.push(Repair {
                line: cols.lines[0],
                action: format!(
                    "damaged_header: the {block} header {printed} (column {column}) is read as {word}, its characters in another order"
                ),
                affects_numbers: false,
            });
        }
        for line in &cols.lines {
            if let Some(row) = rows.iter().find(|r| r.line == *line) {
                self.take_header(row, cols, block);
            }
        }
    }

    /// Header cells: the known ones are taken, a block label is read for
    /// its unit and weight, unknown ones are left with why.
    fn take_header(&mut self, row: &Row, cols: &Columns, block: &str) {
        for cell in &row.cells {
            let known = cols.cols.iter().any(|(c, m)| {
                *c == cell.column && matches!(m, Meaning::Field(_) | Meaning::Area(_))
            });
            if known {
                self.take(row, cell);
                if block == "funds" {
                    self.funds_weight_in(row, cell);
                }
            } else if self.block_label(row, cell, block) {
            } else if cols
                .cols
                .iter()
                .any(|(c, m)| *c == cell.column && *m == Meaning::Unknown("row labels".into()))
            {
                self.take(row, cell);
                self.funds_weight_in(row, cell);
            } else {
                self.leave(
                    row,
                    cell,
                    &format!("a {block} header the template does not know"),
                );
            }
        }
    }

    /// `得分(20分*执行率)` in a funds header: the block's weight.
    fn funds_weight_in(&mut self, row: &Row, cell: &Cell) {
        if self.form.funds_weight.is_none() {
            let w = points_in(&cell.text);
            self.form.funds_weight = w.and_then(|w| num_at(&w, row.line, cell.column));
        }
    }

    /// A block label (`项目资金(万元)`, `预算执行情况(20分)`, `绩效指标(90分)`):
    /// taken, its weight kept.
    pub(super) fn block_label(&mut self, row: &Row, cell: &Cell, block: &str) -> bool {
        let t = self.t;
        let words = if block == "funds" {
            &t.funds.anchors
        } else {
            &t.indicators.block_labels
        };
        if !any(&cell.text, words) {
            return false;
        }
        self.take(row, cell);
        if let Some(w) = points_in(&cell.text) {
            let n = num_at(&w, row.line, cell.column).map(|n| Num {
                raw: cell.text.clone(),
                ..n
            });
            match block {
                "funds" => self.form.funds_weight = self.form.funds_weight.take().or(n),
                _ => self.form.indicators_weight = self.form.indicators_weight.take().or(n),
            }
        }
        true
    }

    /// The cells of a funds row: its label cells and its value cells with
    /// their column. A label or column name printed inside the values (the
    /// pairs of `预算数 6.84 到位数 6.84`) is taken as such.
    fn funds_cells<'r>(
        &mut self,
        row: &'r Row,
        cols: &Columns,
        first_value: usize,
    ) -> (Vec<&'r Cell>, Vec<(&'r Cell, String)>) {
        let t = self.t;
        let mut label: Vec<&Cell> = Vec::new();
        let mut values: Vec<(&Cell, String)> = Vec::new();
        for cell in &row.cells {
            let short = cell.text.chars().count() <= 16;
            let text = !matches!(read_number(&cell.text), NumberCell::Number { .. });
            if cell.column < first_value && !text {
                // A number left of every value column heads no column.
                self.leave(
                    row,
                    cell,
                    "a number left of the funds block's value columns",
                );
            } else if cell.column < first_value {
                if !self.block_label(row, cell, "funds") {
                    label.push(cell);
                }
            } else if short && text && label_key(&cell.text).is_empty() {
                // `其中:` alone, before a source label of its own.
                self.take(row, cell);
            } else if text && label.iter().any(|l| l.key() == cell.key()) {
                // The row's label again, over a second group of columns.
                self.take(row, cell);
            } else if short && text && meaning(&cell.text, &t.funds.rows).is_some() {
                if label.iter().all(|l| l.key() != cell.key()) {
                    label.push(cell);
                } else {
                    self.take(row, cell);
                }
            } else if short && text && meaning(&cell.text, &t.funds.columns).is_some() {
                self.take(row, cell);
            } else {
                match cols.at(cell.column) {
                    Some(Meaning::Field(f)) => values.push((cell, f.clone())),
                    Some(Meaning::Unknown(h)) if any(h, &t.funds.numbering) => {
                        self.leave(row, cell, NUMBERING)
                    }
                    _ => self.leave(row, cell, "in the funds block, under no known column"),
                }
            }
        }
        (label, values)
    }

    fn read_funds_row(&mut self, row: &Row, cols: &Columns, first_value: usize) {
        let t = self.t;
        let numbering = row
            .cells
            .iter()
            .take_while(|c| c.column < first_value)
            .any(|c| any(&c.text, &t.funds.numbering));
        if numbering {
            row.cells.iter().for_each(|c| self.leave(row, c, NUMBERING));
            return;
        }
        let (label, values) = self.funds_cells(row, cols, first_value);
        let text: String = label.iter().map(|c| c.text.as_str()).collect();
        let role = meaning(&text, &t.funds.rows).and_then(|(m, _)| FundsLine::from_key(m));
        if glued_figures(&text) {
            // The extraction lost the row's column gaps: its figures cannot
            // be told apart, so the row is not read and the block not whole.
            let which = role.unwrap_or(if self.form.funds.is_empty() {
                FundsLine::Total
            } else {
                FundsLine::Source
            });
            // The row is there, its figures unread.
            self.form.funds.push(FundsRow::empty(which, row.line));
            let row_name = which.key();
            let why = format!(
                "line {}: the figures are glued to the label in one cell ({text})",
                row.line
            );
            for c in label.iter().chain(values.iter().map(|(c, _)| c)) {
                self.leave(
                    row,
                    c,
                    "figures glued to the funds row's label: the extraction lost its column gaps",
                );
            }
            self.form.missing.push(Missing {
                field: format!("funds.{row_name}"),
                reason: why.clone(),
            });
            self.not_whole("funds", why);
            return;
        }
        let amounts = values.iter().any(|(c, _)| {
            matches!(read_number(&c.text), NumberCell::Number { .. })
                || amount_with_unit(&c.text).is_some()
        });
        if !amounts && role.is_none() {
            for c in label.iter().chain(values.iter().map(|(c, _)| c)) {
                self.leave(row, c, "a row in the funds block that prints no amount");
            }
            return;
        }
        let which = match role {
            Some(r) => r,
            None if !label.is_empty() => FundsLine::Source,
            None if self.form.funds.is_empty() => FundsLine::Total,
            None => {
                for (c, _) in &values {
                    self.leave(row, c, "a funds row without a label, after the first");
                }
                return;
            }
        };
        label.iter().for_each(|c| self.take(row, c));
        let mut out = FundsRow::empty(which, row.line);
        if !label.is_empty() {
            let texts: Vec<&str> = label.iter().map(|c| c.text.trim()).collect();
            out.label = Some(texts.join(""));
        }
        for (cell, field) in values {
            self.funds_value(row, cell, &field, &mut out);
        }
        self.form.funds.push(out);
    }

    fn funds_value(&mut self, row: &Row, cell: &Cell, field: &str, out: &mut FundsRow) {
        if field == "reason" {
            self.take(row, cell);
            out.reason = Some(cell.text.clone());
            return;
        }
        let n = self.number(row, cell, field);
        let slot = match field {
            "initial_budget" => &mut out.initial_budget,
            "adjusted_budget" => &mut out.adjusted_budget,
            "executed" => &mut out.executed,
            "received" => &mut out.received,
            "weight" => &mut out.weight,
            "execution_rate" => &mut out.execution_rate,
            "score" => &mut out.score,
            _ => return,
        };
        if slot.is_none() {
            *slot = n;
        } else if n.is_some() {
            self.why.remove(&(row.line, cell.column));
            self.taken.remove(&(row.line, cell.column));
            self.leave(
                row,
                cell,
                &format!("a second value for {field} in one funds row"),
            );
        }
    }

    /// The goals: sub-labels give columns; text under each is its goal.
    fn read_goals(&mut self, rows: &[Row]) {
        let t = self.t;
        let mut subs: Vec<(usize, bool)> = Vec::new();
        for row in rows {
            let mut texts: Vec<&Cell> = Vec::new();
            for cell in &row.cells {
                if any(&cell.text, &t.goals.anchors) && cell.text.chars().count() <= 12 {
                    self.take(row, cell);
                } else if any(&cell.text, &t.goals.expected) && cell.text.chars().count() <= 12 {
                    self.take(row, cell);
                    subs.push((cell.column, true));
                } else if any(&cell.text, &t.goals.actual) && cell.text.chars().count() <= 12 {
                    self.take(row, cell);
                    subs.push((cell.column, false));
                } else {
                    texts.push(cell);
                }
            }
            subs.sort();
            for (k, cell) in texts.iter().enumerate() {
                let expected = match subs.iter().rev().find(|(c, _)| *c <= cell.column) {
                    Some(&(_, e)) => e,
                    None if !subs.is_empty() => true,
                    None => k == 0,
                };
                let slot = if expected {
                    &mut self.form.goals.expected
                } else {
                    &mut self.form.goals.actual
                };
                append_goal(slot, &cell.text);
                self.taken.insert((row.line, cell.column));
            }
        }
    }
}

/// What one indicator-table row is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RowKind {
    Footer,
    Grade,
    Total,
    Body,
}

/// The levels that cover the rows below them (merged cells).
#[derive(Default)]
struct Levels {
    level1: Option<String>,
    level2: Option<String>,
}

const VALUE_FIELDS: [&str; 4] = ["weight", "score", "weight_share", "weighted_score"];

/// The indicator fields that hold text as printed.
const TEXT_FIELDS: [&str; 7] = [
    "name",
    "deviation_reason",
    "nature",
    "measure_unit",
    "direction",
    "explanation",
    "criteria",
];

/// The slot of a text field of an indicator.
fn text_slot<'i>(ind: &'i mut Indicator, field: &str) -> Option<&'i mut Option<String>> {
    Some(match field {
        "name" => &mut ind.name,
        "deviation_reason" => &mut ind.deviation_reason,
        "nature" => &mut ind.nature,
        "measure_unit" => &mut ind.measure_unit,
        "direction" => &mut ind.direction,
        "explanation" => &mut ind.explanation,
        "criteria" => &mut ind.criteria,
        _ => return None,
    })
}

impl Reader<'_> {
    fn kind_of(&self, row: &Row, cols: &Columns) -> RowKind {
        let t = self.t;
        let first = &row.cells[0];
        let level_cols = cols
            .first_of(&["name", "target", "actual"])
            .unwrap_or(usize::MAX);
        let footer = any(&first.text, &t.footer.labels) || any(&first.text, &t.footer.notes);
        if footer && first.column <= level_cols {
            return RowKind::Footer;
        }
        let lead: Vec<&Cell> = row.cells.iter().take(3).collect();
        if lead
            .iter()
            .any(|c| any(&c.text, &t.indicators.total) && c.column < level_cols.max(1))
        {
            return RowKind::Total;
        }
        if row
            .cells
            .iter()
            .any(|c| c.text.chars().count() <= 10 && any(&c.text, &t.grade.labels))
        {
            return RowKind::Grade;
        }
        RowKind::Body
    }

    /// The indicator table, from its header row to the footer.
    pub(super) fn read_indicators(&mut self, rows: &[Row]) {
        let t = self.t;
        let labels = &t.indicators.block_labels;
        let spans = &t.indicators.spans;
        let (mut cols, mut start) = block_header(rows, &t.indicators.columns, labels, 2, spans);
        if let Some(areas) = rows
            .get(1)
            .filter(|_| start == 1)
            .and_then(|below| area_columns(&cols, below, &t.indicators.columns))
        {
            cols = areas;
            start = 2;
        }
        level_weights(&mut cols);
        self.take_headers(rows, &cols, "indicators");
        if let Some(shifted) = shifted_right(&cols, &rows[start..]) {
            self.header_offset(&rows[0], &cols, &shifted);
            cols = shifted;
        }
        let body = self.without_debris(&rows[start..]);
        let shifts = self.row_shifts(&cols, &body);
        let mut levels = Levels::default();
        let mut footer = false;
        let mut closed = false;
        let mut repeated_header = false;
        for row in body.iter() {
            // The header printed again at the top of a new page: the page
            // break is where the rows under it continue.
            // (Or printed again over the next of several tables.)
            let page_top = row.after_break || repeated_header || row.cells.len() >= 3;
            if page_top && !has_numbers(row) && header_score(row, &t.indicators.columns) >= 3 {
                row.cells.iter().for_each(|c| self.take(row, c));
                repeated_header = true;
                continue;
            }
            let continued;
            let row = if std::mem::take(&mut repeated_header) {
                continued = Row::new(row.line, row.cells.clone(), true);
                &continued
            } else {
                row
            };
            let cols = shifts
                .iter()
                .find(|(_, lines)| lines.contains(&row.line))
                .map_or(&cols, |(c, _)| c);
            let kind = self.kind_of(row, cols);
            // A note row (其他需要说明事项) may stand before the total row.
            if footer && (closed || kind != RowKind::Total) {
                self.read_footer(row);
                continue;
            }
            match kind {
                RowKind::Footer => {
                    footer = true;
                    self.read_footer(row);
                }
                RowKind::Grade => self.read_grade(row),
                RowKind::Total => {
                    closed = true;
                    self.read_total(row, cols)
                }
                RowKind::Body => self.read_body(row, cols, &mut levels),
            }
        }
        if !(closed || footer) {
            self.not_whole(
                "indicators",
                "the table ends without a total row or a footer line, so its last group may be cut off".into(),
            );
        }
    }

    /// Rows that stand one column left or right of the header, with the
    /// header moved to read them; each shift noted as a repair.
    fn row_shifts(&mut self, cols: &Columns, rows: &[Row]) -> Vec<(Columns, Vec<usize>)> {
        let found = [
            (shifted_rows(cols, rows), "left of the indicator header (the merged column at the side is not printed on them); they are read under the header moved one column left"),
            (shifted_right_rows(cols, rows), "right of the indicator header (their first column is empty and each figure stands one column right of the other rows' figures); they are read under the header moved one column right"),
        ];
        let mut out = Vec::new();
        for (shift, how) in found {
            let Some((moved, lines)) = shift else {
                continue;
            };
            let list: Vec<String> = lines.iter().map(|l| l.to_string()).collect();
            self.form.repairs.push(Repair {
                line: lines[0],
                action: format!(
                    "row_shift: lines {} stand one column {how}",
                    list.join(", ")
                ),
                affects_numbers: false,
            });
            out.push((moved, lines));
        }
        out
    }

    /// Notes the header_offset repair; the header's first cell, now naming
    /// the 一级 column, is taken.
    fn header_offset(&mut self, header: &Row, before: &Columns, after: &Columns) {
        let first = before.cols[0].0;
        let level1 = after.of("level1") == Some(first + 1) && before.of("level1").is_none();
        if level1 {
            if let Some(cell) = header.at(first) {
                self.why.remove(&(header.line, first));
                self.take(header, cell);
            }
        }
        self.form.repairs.push(Repair {
            line: header.line,
            action: format!(
                "header_offset: every row ends one column beyond the indicator header, so the header is read one column to the right{}",
                if level1 { ", its first cell naming the 一级 column" } else { "" }
            ),
            affects_numbers: true,
        });
    }

    /// A level cell: its name (weight stripped) and its group.
    fn level(&mut self, row: &Row, cell: &Cell, level: u8, parent: Option<&str>) -> String {
        self.take(row, cell);
        let (name, weight, range) = split_weight(&cell.text);
        let name =
            name.trim_start_matches(|c: char| "一二三四五六七八九十、.0123456789".contains(c));
        let name = as_printed(
            &cell.text,
            plain(&cell.text).find(name).unwrap_or(0),
            name.chars().count(),
        );
        let weight = weight
            .and_then(|w| num_at(&w, row.line, cell.column))
            .map(|n| Num {
                raw: cell.text.clone(),
                ..n
            });
        let known = self
            .form
            .groups
            .iter()
            .any(|g| g.name == name && g.level == level && g.parent.as_deref() == parent);
        if !known && (weight.is_some() || range.is_some() || level == 1) {
            self.form.groups.push(IndicatorGroup {
                name: name.clone(),
                weight,
                level,
                parent: parent.map(str::to_string),
                weight_range: range,
                score: None,
                row_weight: None,
            });
        }
        name
    }

    fn read_body(&mut self, row: &Row, cols: &Columns, levels: &mut Levels) {
        if self.joins_above(row, cols) {
            return;
        }
        let labels = &self.t.indicators.block_labels;
        let mut ind = Indicator {
            line: row.line,
            lines: vec![row.line],
            ..Indicator::default()
        };
        let mut own_level = false;
        let mut filled = false;
        // Levels first, 一级 before 二级, whatever order the columns are in.
        let rank = |c: &Cell| match cols.at(c.column) {
            Some(Meaning::Field(f)) if f == "level1" => 0,
            Some(Meaning::Field(f)) if f == "level2" => 1,
            Some(Meaning::Field(f)) if f.ends_with("_weight") => 2,
            _ => 3,
        };
        let mut cells: Vec<&Cell> = row.cells.iter().collect();
        cells.sort_by_key(|c| rank(c));
        for cell in cells {
            if any(&cell.text, labels)
                && cols
                    .at(cell.column)
                    .is_none_or(|m| !matches!(m, Meaning::Field(f) if f == "name"))
            {
                self.block_label(row, cell, "indicators");
                continue;
            }
            if let Some(Meaning::Area(area)) = cols.at(cell.column) {
                self.take(row, cell);
                ind.by_area.push(AreaTarget {
                    area: area.clone(),
                    value: read_measure(cell.text.trim()),
                });
                filled = true;
                continue;
            }
            let Some(Meaning::Field(field)) = cols.at(cell.column).cloned() else {
                self.leave(
                    row,
                    cell,
                    "in the indicator table, under a column the template does not know",
                );
                continue;
            };
            match field.as_str() {
                "level1" if self.name_in_level1(row, cell, cols, levels) => {
                    filled |= self.indicator_cell(row, cell, "name", &mut ind);
                }
                "level1" => {
                    let name = self.level(row, cell, 1, None);
                    let name = self.split_level(row, 1, levels.level1.take(), name);
                    levels.level1 = Some(name);
                    levels.level2 = None;
                    own_level = true;
                }
                "level2" => {
                    let parent = levels.level1.clone();
                    let name = self.level(row, cell, 2, parent.as_deref());
                    // A new 一级 on this row opens a new 二级 as well.
                    let previous = if own_level {
                        None
                    } else {
                        levels.level2.take()
                    };
                    levels.level2 = Some(self.split_level(row, 2, previous, name));
                    own_level = true;
                }
                "level1_weight" | "level2_weight" => self.level_weight(row, cell, &field, levels),
                f => filled |= self.indicator_cell(row, cell, f, &mut ind),
            }
        }
        ind.level1 = levels.level1.clone();
        ind.level2 = levels.level2.clone();
        self.dates(&mut ind);
        self.place(row, ind, filled, own_level);
    }

    /// A body row read: an indicator, a placeholder of the template, a
    /// target with no name, or a parent row of its group.
    fn place(&mut self, row: &Row, ind: Indicator, filled: bool, own_level: bool) {
        if ind.name.is_some() {
            if is_placeholder(&ind) {
                self.placeholder(row, &ind);
            } else {
                self.form.indicators.push(ind);
            }
        } else if filled && self.t.indicators.unnamed_targets && ind.target.is_some() {
            self.form.indicators.push(ind);
        } else if filled {
            self.parent_row(row, ind, own_level);
        }
    }

    /// A body row that a repair the template turns on reads into the
    /// indicator above: a row split at a page break, or a second layer's
    /// copy.
    fn joins_above(&mut self, row: &Row, cols: &Columns) -> bool {
        (self.repair_on("rows_split_at_break") && self.continues_above(row, cols))
            || (self.repair_on("second_layer") && self.second_layer_copy(row, cols))
    }

    /// Whether the template turns repair `name` on for this form: always,
    /// or because the document's text layer is damaged.
    pub(super) fn repair_on(&self, name: &str) -> bool {
        let t = self.t;
        t.repairs.iter().any(|r| r == name)
            || (self.damaged && t.repairs_when_damaged.iter().any(|r| r == name))
    }

    /// The `page_order` repair, where it is on: pages extracted bottom-up
    /// put back in order, each noted.
    fn page_order<'r>(&mut self, rows: &'r [Row]) -> Cow<'r, [Row]> {
        if !self.repair_on("page_order") {
            return Cow::Borrowed(rows);
        }
        let none = Columns::default();
        let closes = |r: &Row| matches!(self.kind_of(r, &none), RowKind::Total | RowKind::Grade);
        let (rows, notes) = damage::restore_page_order(rows, closes);
        self.form.repairs.extend(notes);
        rows
    }

    /// The `debris` repair, where it is on: a block's rows without their
    /// garbled cells (rows garbled in half their cells or more left out
    /// whole), each cell left out with why.
    fn without_debris<'r>(&mut self, rows: &'r [Row]) -> Cow<'r, [Row]> {
        if !self.repair_on("debris") {
            return Cow::Borrowed(rows);
        }
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let (kept, dropped) = damage::without_debris(row, self.damaged);
            for (cell, why) in dropped {
                self.leave(row, cell, why);
            }
            out.extend(kept.map(Cow::into_owned));
        }
        Cow::Owned(out)
    }

    /// The `name_in_level1` repair: in a table whose 一级 cells print their
    /// group's weight, a 一级 cell with no weight, in a row with figures and
    /// an empty name cell, under an open group that printed one, is the
    /// indicator's name printed one column left.
    fn name_in_level1(&mut self, row: &Row, cell: &Cell, cols: &Columns, levels: &Levels) -> bool {
        if !self.repair_on("name_in_level1") {
            return false;
        }
        let (_, weight, range) = split_weight(&cell.text);
        let open_weighted = levels.level1.as_deref().is_some_and(|g| {
            self.form
                .groups
                .iter()
                .any(|x| x.level == 1 && x.name == g && x.weight.is_some())
        });
        let no_name = cols.of("name").is_some_and(|c| row.at(c).is_none());
        let named = weight.is_none() && range.is_none() && open_weighted && no_name;
        if named && has_numbers(row) {
            self.form.repairs.push(Repair {
                line: row.line,
                action: "name_in_level1: the indicator name is printed in the 一级 column, beside an empty name cell; read as the name".into(),
                affects_numbers: false,
            });
            return true;
        }
        false
    }

    /// The `rows_split_at_break` repair: a row right after a page break
    /// that prints text but no figure and no level continues the indicator
    /// above it; each text is appended to that indicator's field of the
    /// same column.
    fn continues_above(&mut self, row: &Row, cols: &Columns) -> bool {
        let fields: Vec<&str> = row
            .cells
            .iter()
            .map(|c| match cols.at(c.column) {
                Some(Meaning::Field(f)) => f.as_str(),
                _ => "",
            })
            .collect();
        let texts_only = fields.iter().all(|f| TEXT_FIELDS.contains(f));
        let Some(above) = self.form.indicators.last() else {
            return false;
        };
        if !row.after_break || has_numbers(row) || !texts_only || above.lines.contains(&row.line) {
            return false;
        }
        let mut above = self.form.indicators.pop().expect("checked above");
        for (cell, field) in row.cells.iter().zip(fields) {
            if let Some(slot) = text_slot(&mut above, field) {
                slot.get_or_insert_with(String::new)
                    .push_str(cell.text.trim());
                self.take(row, cell);
            }
        }
        above.lines.push(row.line);
        self.form.repairs.push(Repair {
            line: row.line,
            action: format!(
                "rows_split_at_break: joined to the indicator of line {} (split across a page)",
                above.line
            ),
            affects_numbers: false,
        });
        self.form.indicators.push(above);
        true
    }

    /// An indicator whose level or name says its values are dates: a
    /// target or actual printed as an Excel date serial gets its date.
    fn dates(&self, ind: &mut Indicator) {
        let words = &self.t.indicators.date_words;
        let dated = [&ind.level2, &ind.name]
            .iter()
            .any(|t| t.as_deref().is_some_and(|t| any(t, words)));
        if !dated {
            return;
        }
        for m in [&mut ind.target, &mut ind.actual].into_iter().flatten() {
            let bare = m.text.trim_start_matches(['=', '≥', '≤', '<', '>', '＝']);
            m.date = crate::number::excel_serial_date(bare);
        }
    }

    /// A level cell whose text the extraction split over two rows (`生态`
    /// on one, `效益指标` on the next, in the same column: a merged cell's
    /// lines, or a page break through it): where the first piece does not
    /// end as level names do (the template's `level_ends`, `指标`) and the
    /// two together do, and the first piece covers only the row above (or a
    /// page break stands between), they are one name, given to the rows
    /// already read under the first piece; noted in repairs. Returns the
    /// level's name.
    fn split_level(
        &mut self,
        row: &Row,
        level: u8,
        previous: Option<String>,
        name: String,
    ) -> String {
        let ends = &self.t.indicators.level_ends;
        let whole = |s: &str| ends.iter().any(|e| s.ends_with(e.as_str()));
        let under = |p: &str| {
            self.form
                .indicators
                .iter()
                .rev()
                .take_while(|i| {
                    let l = if level == 1 { &i.level1 } else { &i.level2 };
                    l.as_deref() == Some(p)
                })
                .count()
        };
        let split = |p: &String| !whole(p) && (row.after_break || under(p) <= 1);
        let Some(prev) = previous.filter(split) else {
            return name;
        };
        let joined = format!("{prev}{name}");
        if !whole(&joined) {
            return name;
        }
        for ind in self.form.indicators.iter_mut().rev() {
            let slot = if level == 1 {
                &mut ind.level1
            } else {
                &mut ind.level2
            };
            if slot.as_deref() != Some(prev.as_str()) {
                break;
            }
            *slot = Some(joined.clone());
        }
        // The piece after the break opened no group of its own.
        if self
            .form
            .groups
            .last()
            .is_some_and(|g| g.level == level && g.name == name)
        {
            self.form.groups.pop();
        }
        for g in &mut self.form.groups {
            if g.level == level && g.name == prev {
                g.name = joined.clone();
            }
            if level == 1 && g.parent.as_deref() == Some(prev.as_str()) {
                g.parent = Some(joined.clone());
            }
        }
        let which = if level == 1 { "一级" } else { "二级" };
        self.form.repairs.push(Repair {
            line: row.line,
            action: format!(
                "split_level_cell: the {which} cell printed {prev} on one row and {name} on the next is one cell, {joined}"
            ),
            affects_numbers: false,
        });
        joined
    }

    /// A weight printed in its own column beside a 一级 or 二级 cell: the
    /// weight of the group that cell opens.
    fn level_weight(&mut self, row: &Row, cell: &Cell, field: &str, levels: &Levels) {
        let level = if field == "level1_weight" { 1 } else { 2 };
        let name = if level == 1 {
            &levels.level1
        } else {
            &levels.level2
        };
        let parent = if level == 2 {
            levels.level1.clone()
        } else {
            None
        };
        let Some(n) = self.number(row, cell, field) else {
            return;
        };
        let group = name.as_ref().and_then(|name| {
            self.form
                .groups
                .iter_mut()
                .rev()
                .find(|g| &g.name == name && g.level == level && g.parent == parent)
        });
        match group {
            Some(g) if g.weight.is_none() => g.weight = Some(n),
            Some(_) => self.leave(row, cell, "a second weight for one group"),
            None => match name {
                Some(name) => self.form.groups.push(IndicatorGroup {
                    name: name.clone(),
                    weight: Some(n),
                    level,
                    parent,
                    weight_range: None,
                    score: None,
                    row_weight: None,
                }),
                None => {
                    self.taken.remove(&(row.line, cell.column));
                    self.leave(row, cell, "a group weight with no group name beside it");
                }
            },
        }
    }

    /// One cell of an indicator row; whether it held a value.
    fn indicator_cell(&mut self, row: &Row, cell: &Cell, field: &str, ind: &mut Indicator) -> bool {
        let second = "a second cell under one column in this row";
        if VALUE_FIELDS.contains(&field) {
            let slot = match field {
                "weight" => &mut ind.weight,
                "score" => &mut ind.score,
                "weight_share" => &mut ind.weight_share,
                _ => &mut ind.weighted_score,
            };
            if slot.is_some() {
                self.leave(row, cell, second);
                return false;
            }
            let n = self.number(row, cell, field);
            let held = n.is_some();
            match field {
                "weight" => ind.weight = n,
                "score" => ind.score = n,
                "weight_share" => ind.weight_share = n,
                _ => ind.weighted_score = n,
            }
            return held;
        }
        let text = Some(cell.text.clone());
        if let Some(slot) = text_slot(ind, field) {
            if slot.is_some() {
                self.leave(row, cell, second);
                return false;
            }
            *slot = text;
            self.take(row, cell);
            return true;
        }
        match field {
            "target" | "actual" => {
                let m = if field == "target" {
                    &mut ind.target
                } else {
                    &mut ind.actual
                };
                if m.is_some() {
                    self.leave(row, cell, second);
                    return false;
                }
                *m = Some(read_measure(&cell.text));
                self.take(row, cell);
                true
            }
            _ => {
                let why = format!("under {field}, which an indicator row does not hold");
                self.leave(row, cell, &why);
                false
            }
        }
    }

    /// A row with values but no 三级 name: a parent row of its group (the
    /// sum of its children), or values whose indicator the reader cannot
    /// tell.
    fn parent_row(&mut self, row: &Row, ind: Indicator, own_level: bool) {
        let level = if ind.level2.is_some() && !own_level {
            0
        } else if ind.level2.is_some() {
            2
        } else {
            1
        };
        let name = if level == 2 {
            ind.level2.clone()
        } else {
            ind.level1.clone()
        };
        let group = name.and_then(|n| {
            self.form
                .groups
                .iter_mut()
                .rev()
                .find(|g| g.name == n && g.level == level)
        });
        match group {
            Some(g) if own_level && g.score.is_none() => {
                g.score = ind.score;
                g.row_weight = ind.weight;
            }
            _ => {
                for cell in &row.cells {
                    if self.taken.remove(&(row.line, cell.column)) {
                        self.leave(row, cell, "values in an indicator row with no 三级 name");
                    }
                }
                self.form.not_read_whole.push(NotReadWhole {
                    block: "indicators".into(),
                    reason: format!("line {}: values in a row with no indicator name", row.line),
                });
            }
        }
    }

    fn placeholder(&mut self, row: &Row, ind: &Indicator) {
        for cell in &row.cells {
            if ind.name.as_deref() == Some(cell.text.as_str()) {
                self.taken.remove(&(row.line, cell.column));
                self.leave(
                    row,
                    cell,
                    "a placeholder row of the template, with no values",
                );
            }
        }
    }
}

/// Where the table prints several 分值 columns, one right after a 一级 or
/// 二级 column holds that level's group weights, not the indicators'
/// (`一级指标 · 分值 · 二级指标 · 分值 · 三级指标 · 分值 · 得分`). A single 分值
/// column is the indicators', wherever it stands.
fn level_weights(cols: &mut Columns) {
    // The two halves of a header split over two cells are one column.
    let is_weight = |m: &Meaning| matches!(m, Meaning::Field(f) if f == "weight");
    let weights = cols
        .cols
        .iter()
        .enumerate()
        .filter(|(i, (_, m))| is_weight(m) && (*i == 0 || !is_weight(&cols.cols[i - 1].1)))
        .count();
    if weights < 2 {
        return;
    }
    let mut last: Option<String> = None;
    for (_, m) in cols.cols.iter_mut() {
        let Meaning::Field(f) = m else { continue };
        match f.as_str() {
            "level1" | "level2" => last = Some(f.clone()),
            "weight" => {
                if let Some(l) = &last {
                    *f = format!("{l}_weight");
                }
            }
            _ => last = None,
        }
    }
}

/// `指标1:` or `……` with nothing printed beside it.
fn is_placeholder(ind: &Indicator) -> bool {
    let name = ind.name.as_deref().map(plain).unwrap_or_default();
    let bare = name.trim_end_matches(':');
    let numbered = bare
        .strip_prefix("指标")
        .is_some_and(|d| d.bytes().all(|b| b.is_ascii_digit()));
    let dots = !bare.is_empty() && bare.chars().all(|c| matches!(c, '…' | '.' | '。' | '·'));
    let empty =
        ind.target.is_none() && ind.actual.is_none() && ind.weight.is_none() && ind.score.is_none();
    (numbered || dots) && empty
}

impl Reader<'_> {
    /// The total row: weight and score under their columns, or, where the
    /// row is merged, its one number as the score (two as weight, score).
    fn read_total(&mut self, row: &Row, cols: &Columns) {
        let t = self.t;
        let mut loose: Vec<&Cell> = Vec::new();
        for cell in &row.cells {
            if any(&cell.text, &t.indicators.total) || any(&cell.text, &t.indicators.block_labels) {
                self.take(row, cell);
                continue;
            }
            if any(&cell.text, &t.grade.labels) {
                continue;
            }
            if any(&cell.text, &t.grade.values) && cell.text.chars().count() <= 4 {
                self.take(row, cell);
                self.form.grade = Some(cell.text.clone());
                self.form.grade_at = Some(Location::cell(row.line, cell.column));
                continue;
            }
            match cols.at(cell.column) {
                Some(Meaning::Field(f)) if f == "weight" || f == "score" => {
                    let f = f.clone();
                    let n = self.number(row, cell, &f);
                    let slot = if f == "weight" {
                        &mut self.form.total_weight
                    } else {
                        &mut self.form.total_score
                    };
                    *slot = slot.take().or(n);
                }
                _ if matches!(read_number(&cell.text), NumberCell::Number { .. }) => {
                    loose.push(cell)
                }
                _ => self.leave(row, cell, "text in the total row"),
            }
        }
        if self.form.total_weight.is_none() && self.form.total_score.is_none() {
            let n: Vec<Num> = loose
                .iter()
                .filter_map(|c| self.number(row, c, "total"))
                .collect();
            match n.as_slice() {
                [s] => self.form.total_score = Some(s.clone()),
                [w, s] => {
                    self.form.total_weight = Some(w.clone());
                    self.form.total_score = Some(s.clone());
                }
                _ => {}
            }
        } else {
            for c in loose {
                self.leave(
                    row,
                    c,
                    "a number in the total row under no 分值/得分 column",
                );
            }
        }
        if row.cells.iter().any(|c| any(&c.text, &t.grade.labels)) {
            self.read_grade(row);
        }
    }

    /// The grade: the cell after its label, or after a colon in it.
    fn read_grade(&mut self, row: &Row) {
        let t = self.t;
        let Some(i) = row.cells.iter().position(|c| any(&c.text, &t.grade.labels)) else {
            return;
        };
        let label = &row.cells[i];
        self.take(row, label);
        let inline = plain(&label.text)
            .split_once(':')
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty());
        let value = match inline {
            Some(v) => Some((v, label.column)),
            None => row.cells.get(i + 1).map(|c| {
                self.take(row, c);
                (c.text.clone(), c.column)
            }),
        };
        if let Some((v, column)) = value {
            self.form.grade = Some(v);
            self.form.grade_at = Some(Location::cell(row.line, column));
        }
        for cell in &row.cells[..i] {
            if !self.taken.contains(&(row.line, cell.column))
                && !any(&cell.text, &t.indicators.total)
            {
                self.leave(row, cell, "text beside the grade");
            }
        }
    }

    /// Lines under the form: key/value cells where the header knows the
    /// label (填报日期, 联系电话), the rest left as footer text.
    fn read_footer(&mut self, row: &Row) {
        self.read_pairs(row);
        let text: Vec<&str> = row.cells.iter().map(|c| c.text.as_str()).collect();
        let text = text.join(" ");
        let bands = grade_bands(&text, &self.t.grade.values);
        let numbered = row.cells[0].text.trim_start().starts_with(|c: char| {
            c.is_ascii_digit() || c.is_ascii_punctuation() || "（(一二三四五六七八九十".contains(c)
        });
        let follows = self.form.notes.last().is_some() && numbered;
        let note = any(&row.cells[0].text, &self.t.footer.notes) || follows;
        if note {
            self.form.notes.push(Note {
                line: row.line,
                text,
            });
        }
        if note || !bands.is_empty() {
            row.cells.iter().for_each(|c| self.take(row, c));
        }
        self.form.grade_bands.extend(bands);
        for cell in &row.cells {
            self.leave(row, cell, "a signature or note line under the form");
        }
    }

    /// The money unit: the funds block's label or header, else any cell
    /// above the indicator table that names one.
    pub(super) fn find_unit(&mut self, rows: &[Row]) {
        let limit = self.form.indicators.first().map_or(usize::MAX, |i| i.line);
        for row in rows.iter().take_while(|r| r.line < limit) {
            for cell in &row.cells {
                if cell.text.chars().count() > 40 {
                    continue;
                }
                if let Some(u) = unit_in(&cell.text) {
                    self.form.unit = Some(u);
                    self.form.unit_source = Some(Source::Form);
                    if row.cells.len() == 1 {
                        self.take(row, cell);
                    }
                    return;
                }
            }
        }
        self.form.missing.push(Missing {
            field: "unit".into(),
            reason: "the form prints no money unit (万元 or 元) above its indicators".into(),
        });
    }

    /// Every cell not taken goes to `unmapped`, with why; blocks with
    /// numbers left out are marked as not read whole.
    pub(super) fn finish(&mut self, rows: &[Row], b: Blocks) {
        let ind_line = b.indicators.map_or(usize::MAX, |i| rows[i].line);
        let funds_line = b.funds.map_or(usize::MAX, |i| rows[i].line);
        let end_funds = [b.goals, b.indicators]
            .iter()
            .flatten()
            .map(|&i| rows[i].line)
            .min()
            .unwrap_or(usize::MAX);
        let mut total = 0;
        for row in rows {
            for cell in &row.cells {
                total += 1;
                let at = (row.line, cell.column);
                if self.taken.contains(&at) {
                    continue;
                }
                let reason = self
                    .why
                    .remove(&at)
                    .unwrap_or_else(|| "outside every block the template describes".into());
                let number = matches!(
                    read_number(&cell.text),
                    NumberCell::Number { .. } | NumberCell::OutOfRange
                );
                let block = if row.line > ind_line {
                    "indicators"
                } else if row.line > funds_line && row.line < end_funds {
                    "funds"
                } else {
                    ""
                };
                if number
                    && !block.is_empty()
                    && !reason.starts_with("a signature")
                    && reason != NUMBERING
                    && reason != damage::COPIED
                {
                    self.not_whole(
                        block,
                        format!("line {}: {} ({reason})", row.line, cell.text),
                    );
                }
                self.form
                    .unmapped
                    .push(Unmapped::new(row.line, cell.column, &cell.text, reason));
            }
        }
        self.form.cells = CellCount {
            total,
            mapped: total - self.form.unmapped.len(),
            unmapped: self.form.unmapped.len(),
        };
        self.missing_blocks(&b);
    }

    /// The blocks and fields the form does not print, each with why.
    fn missing_blocks(&mut self, b: &Blocks) {
        if b.funds.is_none() {
            let reason = if self.t.funds.headerless {
                "no funds block (资金情况, 年度资金总额 …) in this form"
            } else {
                "no funds block header (年初预算数, 全年预算数, 全年执行数 …) in this form"
            };
            self.form.missing.push(Missing {
                field: "funds".into(),
                reason: reason.into(),
            });
        }
        if b.indicators.is_none() {
            self.form.missing.push(Missing {
                field: "indicators".into(),
                reason: "no indicator table header (一级指标, 三级指标 …) in this form".into(),
            });
        }
        if self.form.grade.is_none() && self.t.kind == "self_evaluation" {
            self.form.missing.push(Missing {
                field: "grade".into(),
                reason: "the form prints no 评分等级 line".into(),
            });
        }
        if self.form.year.is_none() {
            self.year_from_header();
        }
    }

    pub(super) fn not_whole(&mut self, block: &str, reason: String) {
        if !self.form.not_read_whole.iter().any(|n| n.block == block) {
            self.form.not_read_whole.push(NotReadWhole {
                block: block.into(),
                reason,
            });
        }
    }

    /// A year printed in the header as a field of its own (`年度` → `2021`).
    fn year_from_header(&mut self) {
        let text: Option<String> = self
            .form
            .header_fields
            .iter()
            .find(|h| h.name == "year")
            .map(|h| h.value.clone());
        if let Some(v) = text {
            self.year_from(&format!("{v}年"));
        }
    }
}
