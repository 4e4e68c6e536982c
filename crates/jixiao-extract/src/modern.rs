//! The Shanghai modern layout (财政项目支出绩效自评表) when its text layer is
//! damaged: header, funds block, goals, indicator table, 总分, 评分等级. A
//! clean layer of this layout is read by the generic engine; this reader is
//! what its template's `reader` names for a damaged one, and it makes the
//! damaged-layer repairs (`engine::damage`) the template turns on.
//!
//! Columns are found by the meaning of their headers. Rows whose cells
//! drifted (a merged cell lost, a header split over two lines) are read by
//! shape: the weight and score are the rightmost pair of plain numbers, the
//! target and actual stand right before them.

use crate::document::year_line;
use crate::engine::damage::{
    self, closing_fragment, garbled, is_cjk, numeric_pair, open, open_tail, score_like, Above,
    Candidate, Layer, GARBLED,
};
use crate::engine::Template;
use crate::html::html_to_text;
use crate::labels::{scan_labels, HeaderLabel};
use crate::ledger::Ledger;
use crate::levels::{Level, Levels};
use crate::model::*;
use crate::number::{num_at, read_measure, read_number, Num, NumberCell};
use crate::rows::{squeeze, Cell, Row};
use crate::vocab::{self, FundsColumn, IndicatorColumn};
use std::borrow::Cow;
use std::collections::BTreeMap;

/// The repairs of a damaged layer this reader makes, as the template turns
/// them on (`repairs`, or `repairs_when_damaged`: this reader only reads
/// damaged layers).
struct On {
    page_order: bool,
    debris: bool,
    second_layer: bool,
    level_fragments: bool,
}

impl On {
    fn of(t: &Template) -> On {
        let on = |name: &str| {
            t.repairs
                .iter()
                .chain(&t.repairs_when_damaged)
                .any(|r| r == name)
        };
        On {
            page_order: on("page_order"),
            debris: on("debris"),
            second_layer: on("second_layer"),
            level_fragments: on("level_fragments"),
        }
    }
}

/// The `debris` repair (on in `ledger.damaged_layer`): text that cannot be
/// from the form's own text layer.
fn dropped(text: &str, ledger: &Ledger) -> bool {
    ledger.damaged_layer && garbled(text, true)
}

/// The `page_order` repair, where it is on.
fn restore_page_order<'a>(rows: &'a [Row], on: &On, ledger: &mut Ledger) -> Cow<'a, [Row]> {
    if !on.page_order {
        return Cow::Borrowed(rows);
    }
    let (rows, notes) = damage::restore_page_order(rows, |r| is_grade_row(r) || is_total_row(r));
    ledger.repairs.extend(notes);
    rows
}

fn is_total_row(row: &Row) -> bool {
    row.compact().contains("总分")
}

fn is_grade_row(row: &Row) -> bool {
    let c = row.compact();
    c.contains("评分等") || c.contains("平分等级")
}

struct Landmarks {
    funds_header: Option<usize>,
    indicator_header: Option<usize>,
}

fn find_landmarks(rows: &[Row]) -> Landmarks {
    let funds_header = rows.iter().position(|r| {
        let k = r.compact();
        (k.contains("预算") || k.contains("执行")) && vocab::funds_columns(k).len() >= 3
    });
    let after = funds_header.map_or(0, |i| i + 1);
    let weighted = |r: &Row| {
        let c = r.compact();
        c.contains("分值") || c.contains("权重") || c.contains("得分")
    };
    let indicator_header = rows.iter().enumerate().skip(after).find_map(|(i, r)| {
        let c = r.compact();
        let named = c.contains("三级")
            || c.contains("指标名称")
            || (c.starts_with("一级") && c.contains("二级"));
        if !named {
            return None;
        }
        if weighted(r) {
            Some(i)
        } else {
            rows.get(i + 1)
                .filter(|n| weighted(n) && numeric_pair(&n.cells).is_none())
                .map(|_| i + 1)
        }
    });
    Landmarks {
        funds_header,
        indicator_header,
    }
}

/// Splits a cell like `(7) 100.00(次) 30.00 30.00` whose last two words are
/// plain numbers into cells of their own (same column), so that a row whose
/// tab stops were lost still shows its weight and score.
fn split_trailing_numbers(cells: &[Cell]) -> Option<(Vec<Cell>, usize)> {
    for (idx, cell) in cells.iter().enumerate().rev() {
        let words: Vec<&str> = cell.text.split_whitespace().collect();
        if words.len() >= 2
            && score_like(words[words.len() - 1])
            && score_like(words[words.len() - 2])
        {
            let mut out: Vec<Cell> = cells[..idx].to_vec();
            let head = words[..words.len() - 2].join(" ");
            if !head.is_empty() {
                out.push(Cell::new(cell.column, &head));
            }
            for w in &words[words.len() - 2..] {
                out.push(Cell::new(cell.column, w));
            }
            out.extend_from_slice(&cells[idx + 1..]);
            return Some((out, cell.column));
        }
    }
    None
}

/// Reads a modern-layout self-evaluation whose text layer is damaged from
/// the rows of one form, with the repairs template `t` turns on.
pub(crate) fn read(rows: &[Row], t: &Template) -> SelfEvaluation {
    let on = On::of(t);
    let mut ledger = Ledger::for_rows(rows);
    ledger.damaged_layer = on.debris;
    let rows = restore_page_order(rows, &on, &mut ledger);
    let marks = find_landmarks(&rows);

    let mut form = SelfEvaluation::empty(
        Layout::Modern,
        LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.iter().map(|r| r.line).max().unwrap_or(0),
        },
    );

    let first_end_row = rows.iter().position(|r| is_total_row(r) || is_grade_row(r));
    let header_end = marks
        .funds_header
        .or(marks.indicator_header)
        .or(first_end_row)
        .unwrap_or(rows.len());
    read_header(&rows[..header_end], &mut form, &mut ledger);

    let funds_end = match marks.funds_header {
        Some(h) => read_funds(&rows, h, &mut form, &mut ledger),
        None => {
            ledger.miss(
                "funds",
                "no funds-block header (年初预算数/全年预算数/全年执行数) found",
            );
            header_end
        }
    };

    let first_end_row = rows
        .iter()
        .enumerate()
        .skip(funds_end)
        .find(|(_, r)| is_total_row(r) || is_grade_row(r))
        .map(|(i, _)| i);
    let goals_end = marks
        .indicator_header
        .or(first_end_row)
        .unwrap_or(rows.len());
    if funds_end < goals_end {
        read_goals(&rows[funds_end..goals_end], &mut form, &mut ledger);
    }

    match marks.indicator_header {
        Some(h) => read_indicators(&rows, h, &mut form, &mut ledger, &on),
        None => {
            ledger.miss(
                "indicators",
                "no indicator-table header (三级指标 … 分值 得分) found",
            );
            let end_rows: Vec<Row> = rows[goals_end..]
                .iter()
                .filter(|r| is_total_row(r) || is_grade_row(r))
                .cloned()
                .collect();
            read_totals(&end_rows, &mut form, &mut ledger);
        }
    }

    if form.project_name.is_none() {
        ledger.miss("project_name", "项目名称 printed without a legible value");
    }
    if form.total_score.is_none() {
        if rows.iter().any(is_total_row) {
            ledger.miss("total_score", "总分 printed without a legible value");
        } else {
            ledger.miss("total_score", "the form prints no 总分 line");
        }
    }
    if form.grade.is_none() {
        if rows.iter().any(is_grade_row) {
            ledger.miss("grade", "评分等级 printed without a legible value");
        } else {
            ledger.miss("grade", "the form prints no 评分等级 line");
        }
    }
    let (unmapped, cells, missing, repairs) = ledger.finish(&rows);
    form.unmapped = unmapped;
    form.cells = cells;
    form.missing = missing;
    form.repairs = repairs;
    form
}

fn read_header(rows: &[Row], form: &mut SelfEvaluation, ledger: &mut Ledger) {
    for row in rows {
        let c = row.compact();
        if c.contains("自评表") || c.contains("绩效自评") {
            form.title = Some(
                row.cells
                    .iter()
                    .map(|c| c.text.as_str())
                    .collect::<Vec<_>>()
                    .join(""),
            );
            row.cells
                .iter()
                .for_each(|cell| ledger.take(row.line, cell));
            continue;
        }
        if let Some(year) = year_line(row) {
            form.year = Some(year);
            form.year_source = Some(Source::Form);
            row.cells
                .iter()
                .for_each(|cell| ledger.take(row.line, cell));
            continue;
        }
        for lv in scan_labels(row, ledger) {
            let text = html_to_text(&lv.text);
            let value = (!text.is_empty()).then_some(text);
            let slot = match lv.label {
                HeaderLabel::ProjectName => &mut form.project_name,
                HeaderLabel::Department => &mut form.department,
                HeaderLabel::ImplementingUnit => &mut form.implementing_unit,
                HeaderLabel::BudgetUnit => &mut form.budget_unit,
            };
            if slot.is_none() {
                *slot = value;
            }
        }
    }
}

fn unit_from(text: &str) -> Option<Option<MoneyUnit>> {
    let c = squeeze(text);
    if c.contains("万元") || c.contains("(万") || c.contains("（万") {
        Some(Some(MoneyUnit::WanYuan))
    } else if c.contains("(元)") || c.contains("（元）") || c.contains("(元") || c == "元" {
        Some(Some(MoneyUnit::Yuan))
    } else if c.contains("元)") || c.contains("元）") {
        Some(None)
    } else {
        None
    }
}

fn is_funds_label_debris(text: &str) -> bool {
    let c = squeeze(text);
    !c.is_empty() && c.chars().all(|ch| "项目资金(万元)（）".contains(ch))
}

const FUNDS_FIELD: [(&str, FundsColumn); 6] = [
    ("initial_budget", FundsColumn::Initial),
    ("adjusted_budget", FundsColumn::Adjusted),
    ("executed", FundsColumn::Executed),
    ("weight", FundsColumn::Weight),
    ("execution_rate", FundsColumn::Rate),
    ("score", FundsColumn::Score),
];

const FUNDS_HEADER_NAME: [(&str, FundsColumn); 6] = [
    ("年初预算数", FundsColumn::Initial),
    ("全年预算数", FundsColumn::Adjusted),
    ("全年执行数", FundsColumn::Executed),
    ("分值", FundsColumn::Weight),
    ("执行率", FundsColumn::Rate),
    ("得分", FundsColumn::Score),
];

/// Reads the funds block; returns the index of the first row after it.
fn read_funds(rows: &[Row], h: usize, form: &mut SelfEvaluation, ledger: &mut Ledger) -> usize {
    let header = &rows[h];
    let mut columns: Vec<(usize, FundsColumn)> = Vec::new();
    let mut unit_seen: Vec<Option<MoneyUnit>> = Vec::new();
    for cell in &header.cells {
        let kinds = vocab::funds_columns(&cell.text);
        if !kinds.is_empty() {
            columns.extend(kinds.into_iter().map(|k| (cell.column, k)));
            ledger.take(header.line, cell);
        } else if let Some(u) = unit_from(&cell.text) {
            unit_seen.push(u);
            ledger.take(header.line, cell);
        } else if cell.key().starts_with("项目资金") || is_funds_label_debris(&cell.text) {
            ledger.take(header.line, cell);
        } else {
            ledger.reject(
                header.line,
                cell,
                "funds-block header cell of no known meaning",
            );
        }
    }
    let mut end = h + 1;
    let mut seen_lines: Vec<FundsLine> = Vec::new();
    for row in rows.iter().skip(h + 1) {
        let label_idx = row
            .cells
            .iter()
            .position(|c| vocab::funds_line(&c.text).is_some());
        if label_idx.is_none()
            && seen_lines.len() < 4
            && row.cells.iter().all(|c| dropped(&c.text, ledger))
        {
            for c in &row.cells {
                ledger.reject(row.line, c, GARBLED);
            }
            end += 1;
            continue;
        }
        let Some(li) = label_idx else {
            // A row of unit-label debris only (`项目 (万 | 资金 元)` split off).
            if row.cells.iter().all(|c| is_funds_label_debris(&c.text)) && seen_lines.len() < 4 {
                for c in &row.cells {
                    if let Some(u) = unit_from(&c.text) {
                        unit_seen.push(u);
                    }
                    ledger.take(row.line, c);
                }
                end += 1;
                continue;
            }
            break;
        };
        let which = vocab::funds_line(&row.cells[li].text).expect("label checked");
        if seen_lines.contains(&which) {
            break;
        }
        seen_lines.push(which);
        end += 1;
        for c in &row.cells[..li] {
            if let Some(u) = unit_from(&c.text) {
                unit_seen.push(u);
                ledger.take(row.line, c);
            } else if is_funds_label_debris(&c.text) {
                ledger.take(row.line, c);
            } else {
                ledger.reject(row.line, c, "text before the funds-row label");
            }
        }
        let label = &row.cells[li];
        if label.text.chars().any(|c| c.is_ascii_digit()) {
            // The row's figures are glued to its label (columns lost in
            // extraction): they are not guessed apart.
            ledger.reject(
                row.line,
                label,
                "funds-row label cell also holds figures; its columns were not separated",
            );
            ledger.miss(
                format!("funds.{}", which.key()),
                format!(
                    "line {}: the figures are glued to the label in one cell ({})",
                    row.line,
                    label.text.trim()
                ),
            );
        } else {
            ledger.take(row.line, label);
        }
        let values: Vec<&Cell> = row.cells[li + 1..].iter().collect();
        let mut assigned: Vec<(FundsColumn, &Cell)> = Vec::new();
        let after_label: Vec<(usize, FundsColumn)> = columns
            .iter()
            .copied()
            .filter(|(col, _)| *col > row.cells[li].column)
            .collect();
        if values.len() == after_label.len() {
            for (cell, (_, kind)) in values.iter().zip(&after_label) {
                assigned.push((*kind, cell));
            }
        } else {
            for cell in &values {
                let kinds: Vec<FundsColumn> = after_label
                    .iter()
                    .filter(|(col, _)| *col == cell.column)
                    .map(|(_, k)| *k)
                    .collect();
                if kinds.len() == 1 {
                    assigned.push((kinds[0], cell));
                } else {
                    ledger.reject(
                        row.line,
                        cell,
                        "no single legible funds-column header above this cell",
                    );
                }
            }
        }
        let mut out = FundsRow::empty(which, row.line);
        for (kind, cell) in assigned {
            let field = FUNDS_FIELD
                .iter()
                .find(|(_, k)| *k == kind)
                .map(|(f, _)| *f)
                .unwrap_or("");
            match read_number(&cell.text) {
                NumberCell::Empty => ledger.take(row.line, cell),
                NumberCell::Number { .. } => {
                    ledger.take(row.line, cell);
                    let num = num_at(&cell.text, row.line, cell.column);
                    match kind {
                        FundsColumn::Initial => out.initial_budget = num,
                        FundsColumn::Adjusted => out.adjusted_budget = num,
                        FundsColumn::Executed => out.executed = num,
                        FundsColumn::Weight => out.weight = num,
                        FundsColumn::Rate => out.execution_rate = num,
                        FundsColumn::Score => out.score = num,
                    }
                }
                NumberCell::OutOfRange => {
                    ledger.reject(row.line, cell, crate::number::OUT_OF_RANGE.to_string());
                    form.not_read_whole.push(NotReadWhole {
                        block: "funds".into(),
                        reason: format!("line {}: {}", row.line, crate::number::OUT_OF_RANGE),
                    });
                }
                NumberCell::Text => {
                    ledger.reject(row.line, cell, format!("expected a number for {field}"));
                    ledger.miss(
                        format!("funds.{}.{field}", which.key()),
                        format!("cell reads '{}', not a number", cell.text),
                    );
                }
            }
        }
        for (name, kind) in FUNDS_HEADER_NAME {
            if !columns.iter().any(|(_, k)| *k == kind) {
                let field = FUNDS_FIELD
                    .iter()
                    .find(|(_, k)| *k == kind)
                    .map(|(f, _)| *f)
                    .unwrap_or("");
                ledger.miss(
                    format!("funds.{}.{field}", which.key()),
                    format!("column header {name} not legible, so the column cannot be told"),
                );
            }
        }
        form.funds.push(out);
        if seen_lines.len() == 4 {
            break;
        }
    }
    // The unit label may also stand in the rows above the funds header.
    for row in rows.iter().take(h) {
        for c in &row.cells {
            if c.key().starts_with("项目资金") {
                if let Some(u) = unit_from(&c.text) {
                    unit_seen.push(u);
                }
                ledger.take(row.line, c);
            }
        }
    }
    if let Some(u) = unit_seen.iter().find_map(|u| *u) {
        form.unit = Some(u);
        form.unit_source = Some(Source::Form);
    } else if unit_seen.is_empty() {
        ledger.miss("unit", "no money-unit label (项目资金 (万元)/(元)) printed");
    } else {
        ledger.miss(
            "unit",
            "money-unit label illegible: only '元)' survives, '(万' may be lost",
        );
    }
    end
}

fn is_goal_label(text: &str) -> bool {
    let c = squeeze(text);
    !c.is_empty() && c.chars().all(|ch| "年度总体目标".contains(ch))
}

fn read_goals(rows: &[Row], form: &mut SelfEvaluation, ledger: &mut Ledger) {
    let mut expected_col = None;
    let mut actual_col = None;
    for row in rows {
        for cell in &row.cells {
            let c = cell.key();
            if c.ends_with("期目标") || c == "预算目标" || c == "年度预期目标" {
                expected_col.get_or_insert(cell.column);
                ledger.take(row.line, cell);
            } else if c.contains("际完成情") || c == "实际完成情况" {
                actual_col.get_or_insert(cell.column);
                ledger.take(row.line, cell);
            }
        }
    }
    let split = match (expected_col, actual_col) {
        (Some(e), Some(a)) if a > e => Some(a),
        (None, Some(a)) if a > 0 => Some(a),
        _ => None,
    };
    let (mut expected, mut actual, mut unsplit) = (String::new(), String::new(), String::new());
    for row in rows {
        for cell in &row.cells {
            if ledger.is_taken(row.line, cell.column) {
                continue;
            }
            if is_goal_label(&cell.text) {
                ledger.take(row.line, cell);
                continue;
            }
            let text = html_to_text(&cell.text);
            ledger.take(row.line, cell);
            let target = match split {
                Some(a) if cell.column < a => &mut expected,
                Some(_) => &mut actual,
                None => &mut unsplit,
            };
            if !target.is_empty() && split.is_none() {
                target.push('\n');
            }
            target.push_str(&text);
        }
    }
    let some = |s: String| (!s.is_empty()).then_some(s);
    form.goals = Goals {
        expected: some(expected),
        actual: some(actual),
        unsplit: some(unsplit),
    };
    if split.is_none() && form.goals.unsplit.is_some() {
        ledger.miss(
            "goals.expected",
            "goal text printed without columns; expected and actual kept together in goals.unsplit",
        );
    }
}

/// Column positions of the indicator header, by meaning.
#[derive(Default, Debug)]
struct IndicatorHeader {
    columns: BTreeMap<usize, IndicatorColumn>,
}

impl IndicatorHeader {
    fn col(&self, kind: IndicatorColumn) -> Option<usize> {
        self.columns
            .iter()
            .find(|(_, k)| **k == kind)
            .map(|(c, _)| *c)
    }
    fn kind_at(&self, col: usize) -> Option<IndicatorColumn> {
        self.columns.get(&col).copied()
    }
}

fn is_header_continuation(row: &Row) -> bool {
    let c = row.compact();
    (c.starts_with("指标指标") && numeric_pair(&row.cells).is_none())
        || (c.starts_with("指标") && numeric_pair(&row.cells).is_none() && c.contains("指标值"))
}

/// One indicator row being built, with which of its fields are still open.
struct Building {
    ind: Indicator,
    target: String,
    actual: String,
    name: String,
    deviation: String,
}

impl Building {
    fn finish(self) -> Indicator {
        let mut ind = self.ind;
        let some = |s: String| (!s.trim().is_empty()).then(|| s.trim().to_string());
        ind.name = some(self.name);
        ind.target = some(self.target).map(|t| read_measure(&t));
        ind.actual = some(self.actual).map(|t| read_measure(&t));
        ind.deviation_reason = some(html_to_text(&self.deviation));
        ind
    }
    fn is_open(&self) -> bool {
        open(&self.target) || open(&self.actual)
    }
}

fn append(dst: &mut String, text: &str) {
    dst.push_str(text);
}

fn level_of(text: &str) -> Option<(u8, &'static str)> {
    let c = squeeze(text);
    if let Some(l) = vocab::LEVEL1.iter().find(|l| **l == c) {
        return Some((1, l));
    }
    vocab::LEVEL2.iter().find(|l| **l == c).map(|l| (2, *l))
}

fn read_indicators(
    rows: &[Row],
    h: usize,
    form: &mut SelfEvaluation,
    ledger: &mut Ledger,
    on: &On,
) {
    let mut header = IndicatorHeader::default();
    let mut header_rows = vec![h];
    if let Some(next) = rows.get(h + 1) {
        if is_header_continuation(next) {
            header_rows.push(h + 1);
        }
    }
    if h > 0 {
        let prev = &rows[h - 1];
        let c = prev.compact();
        if c.starts_with("一级") && c.contains("二级") && numeric_pair(&prev.cells).is_none() {
            header_rows.insert(0, h - 1);
        }
    }
    for &i in &header_rows {
        let row = &rows[i];
        for (k, cell) in row.cells.iter().enumerate() {
            let kinds = vocab::indicator_columns(&cell.text);
            match kinds.first() {
                Some(&kind) => {
                    header.columns.entry(cell.column).or_insert(kind);
                    // Meanings merged into this cell belong to the empty
                    // columns after it.
                    let next = row.cells.get(k + 1).map_or(usize::MAX, |c| c.column);
                    for (extra, col) in kinds.iter().skip(1).zip(cell.column + 1..next) {
                        header.columns.entry(col).or_insert(*extra);
                    }
                    ledger.take(row.line, cell);
                }
                None if cell.key() == "指标" || cell.key().starts_with("绩效") => {
                    ledger.take(row.line, cell)
                }
                None => ledger.reject(
                    row.line,
                    cell,
                    "indicator-table header cell of no known meaning",
                ),
            }
        }
    }
    let first_body = header_rows.iter().max().copied().unwrap_or(h) + 1;
    let mut done: Vec<Indicator> = Vec::new();
    let mut current: Option<Building> = None;
    let mut pending: Vec<(usize, Cell)> = Vec::new();
    let mut levels = Levels::default();
    let mut end_rows: Vec<usize> = Vec::new();
    let name_col = header.col(IndicatorColumn::Name);
    let level1_col = header.col(IndicatorColumn::Level1);

    let header_texts: Vec<&str> = header_rows.iter().map(|&i| rows[i].compact()).collect();
    for (ri, row) in rows.iter().enumerate().skip(first_body) {
        if is_total_row(row) || is_grade_row(row) {
            end_rows.push(ri);
            continue;
        }
        // A table continued on the next page may print its header again:
        // it is a header, not a fragment of the next indicator.
        if header_texts.contains(&row.compact()) {
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            continue;
        }
        if unlabelled_totals(rows, ri) {
            end_rows.push(ri);
            continue;
        }
        let garbled_cells = row
            .cells
            .iter()
            .filter(|c| dropped(&c.text, ledger))
            .count();
        if garbled_cells * 2 >= row.cells.len() {
            for c in &row.cells {
                ledger.reject(row.line, c, GARBLED);
            }
            continue;
        }
        let (cells, split_col): (Cow<[Cell]>, _) = match numeric_pair(&row.cells) {
            Some(_) => (Cow::Borrowed(&row.cells), None),
            None => match split_trailing_numbers(&row.cells) {
                Some((cells, col)) => (Cow::Owned(cells), Some(col)),
                None => (Cow::Borrowed(&row.cells), None),
            },
        };
        let Some((wi, si)) = numeric_pair(&cells) else {
            // No weight and score: either the rest of an indicator split over
            // lines, or the start of the next one.
            for cell in cells.iter().cloned() {
                let kind = header.kind_at(cell.column);
                let current_ind = current.as_mut().map(|b| &mut b.ind);
                if on.level_fragments
                    && level_fragment(
                        &mut levels,
                        &header,
                        &cell,
                        row.line,
                        &mut done,
                        current_ind,
                        ledger.damaged_layer,
                    )
                {
                    ledger.take(row.line, &cell);
                    continue;
                }
                let to_current = match (&current, kind) {
                    (Some(b), Some(IndicatorColumn::Deviation)) => !b.deviation.is_empty(),
                    (Some(b), _) => {
                        b.is_open() && (closing_fragment(&cell.text) || open_fragment_target(kind))
                    }
                    _ => false,
                };
                if dropped(&cell.text, ledger) {
                    ledger.reject(row.line, &cell, GARBLED);
                } else if score_like(&cell.text)
                    && matches!(kind, Some(IndicatorColumn::Weight | IndicatorColumn::Score))
                {
                    ledger.reject(
                        row.line,
                        &cell,
                        "a weight or score without its partner, in a line that is no indicator",
                    );
                } else if to_current {
                    let b = current.as_mut().expect("checked");
                    place_continuation(b, &cell, kind, &header);
                    if !b.ind.lines.contains(&row.line) {
                        b.ind.lines.push(row.line);
                    }
                    ledger.take(row.line, &cell);
                } else {
                    pending.push((row.line, cell));
                }
            }
            continue;
        };
        let weight_cell = &cells[wi];
        let score_cell = &cells[si];
        let left: Vec<&Cell> = cells[..wi].iter().collect();
        let right: Vec<&Cell> = cells[si + 1..].iter().collect();
        // A row whose weight and score stand under their headers is read
        // column by column; a row that drifted is read by its shape.
        let aligned = split_col.is_none()
            && header.col(IndicatorColumn::Weight) == Some(weight_cell.column)
            && header.col(IndicatorColumn::Score) == Some(score_cell.column)
            && left.iter().all(|c| header.kind_at(c.column).is_some());
        let mut extras: Vec<(IndicatorColumn, &Cell)> = Vec::new();
        let (target_cell, actual_cell, rest_owned): (Option<&Cell>, Option<&Cell>, Vec<&Cell>) =
            if aligned {
                let mut t = None;
                let mut a = None;
                let mut r = Vec::new();
                for c in &left {
                    match header.kind_at(c.column) {
                        Some(IndicatorColumn::Target) => t = Some(*c),
                        Some(IndicatorColumn::Actual) => a = Some(*c),
                        Some(
                            k @ (IndicatorColumn::Nature
                            | IndicatorColumn::MeasureUnit
                            | IndicatorColumn::Explanation),
                        ) => extras.push((k, *c)),
                        _ => r.push(*c),
                    }
                }
                (t, a, r)
            } else {
                match left.len() {
                    0 => (None, None, Vec::new()),
                    1 => (None, Some(left[0]), Vec::new()),
                    n => (Some(left[n - 2]), Some(left[n - 1]), left[..n - 2].to_vec()),
                }
            };
        let rest: &[&Cell] = &rest_owned;

        // A second text layer repeats a neighbouring indicator: drop it, and
        // keep only what closes the previous row's brackets.
        let layer = if on.second_layer {
            second_layer(
                &current,
                rest,
                target_cell,
                actual_cell,
                weight_cell,
                score_cell,
                ledger.damaged_layer,
            )
        } else {
            Layer::Own
        };
        let mut carried = (String::new(), String::new());
        if let (Layer::OwnWithTail, Some(b)) = (&layer, current.as_mut()) {
            let t = open_tail(&b.target).expect("checked");
            let a = open_tail(&b.actual).expect("checked");
            carried = (
                b.target.split_off(t).trim().to_string(),
                b.actual.split_off(a).trim().to_string(),
            );
            ledger.repair(
                row.line,
                "second_layer: the line above held the end of one indicator's values and the start of this one's; split there",
            );
        }
        if let Layer::Copy(reason) = layer {
            let mut kept_fragments = false;
            if let Some(b) = current.as_mut() {
                if b.is_open() {
                    if let Some(t) = target_cell.filter(|c| closing_fragment(&c.text)) {
                        append(&mut b.target, &t.text);
                        ledger.take(row.line, t);
                        kept_fragments = true;
                    }
                    if let Some(a) = actual_cell.filter(|c| closing_fragment(&c.text)) {
                        append(&mut b.actual, &a.text);
                        ledger.take(row.line, a);
                        kept_fragments = true;
                    }
                    if kept_fragments && !b.ind.lines.contains(&row.line) {
                        b.ind.lines.push(row.line);
                    }
                }
            }
            for c in rest {
                let current_ind = current.as_mut().map(|b| &mut b.ind);
                let damaged = ledger.damaged_layer;
                if on.level_fragments
                    && level_fragment(
                        &mut levels,
                        &header,
                        c,
                        row.line,
                        &mut done,
                        current_ind,
                        damaged,
                    )
                {
                    ledger.take(row.line, c);
                }
            }
            for c in cells.iter() {
                if split_col == Some(c.column) {
                    continue;
                }
                ledger.reject(row.line, c, reason.clone());
            }
            if let Some(col) = split_col {
                if let Some(orig) = row.at(col) {
                    ledger.reject(row.line, orig, reason.clone());
                }
            }
            ledger.repair_numbers(
                row.line,
                format!(
                    "second_layer: dropped a repeated indicator row ({reason}); its weight/score are not counted"
                ),
            );
            continue;
        }

        if let Some(b) = current.take() {
            done.push(b.finish());
        }
        let mut b = Building {
            ind: Indicator {
                line: row.line,
                lines: vec![row.line],
                ..Indicator::default()
            },
            target: String::new(),
            actual: String::new(),
            name: String::new(),
            deviation: String::new(),
        };
        // Pending lines before this one complete its texts.
        for (line, cell) in pending.drain(..) {
            let kind = header.kind_at(cell.column);
            place_continuation(&mut b, &cell, kind, &header);
            if !b.ind.lines.contains(&line) {
                b.ind.lines.push(line);
            }
            ledger.take(line, &cell);
        }
        b.ind.lines.sort_unstable();
        b.ind.line = b.ind.lines[0];
        b.target.insert_str(0, &carried.0);
        b.actual.insert_str(0, &carried.1);

        // Left part: level 1, level 2, name.
        levels.apply(&mut b.ind);
        let index = done.len();
        let mut stage = 0u8;
        for cell in rest {
            if dropped(&cell.text, ledger) {
                ledger.reject(row.line, cell, GARBLED);
                continue;
            }
            ledger.take(row.line, cell);
            let piece = cell.key();
            let in_l2 = header.col(IndicatorColumn::Level2) == Some(cell.column);
            let positional = match (level1_col, name_col) {
                (_, Some(n)) if cell.column >= n => 2,
                (Some(l1), _) if cell.column <= l1 => 0,
                (None, _) if cell.column == 0 => 0,
                _ => 1,
            };
            let claimed = if stage < 2 {
                levels.claims(piece, in_l2)
            } else {
                None
            };
            let is_last = std::ptr::eq(*cell, *rest.last().expect("non-empty"));
            let slot = match claimed {
                Some(Level::One) if stage == 0 => 0,
                Some(Level::Two) if stage <= 1 => 1,
                _ => {
                    let mut slot = stage.max(positional);
                    if slot < 2 && is_last && b.name.is_empty() && claimed.is_none() {
                        slot = 2;
                    }
                    slot
                }
            };
            stage = slot;
            match slot {
                0 | 1 => {
                    let level = if slot == 0 { Level::One } else { Level::Two };
                    levels.feed(level, piece, index, row.line, &mut done, Some(&mut b.ind));
                }
                _ => {
                    if !b.name.is_empty() {
                        b.name.push(' ');
                    }
                    b.name.push_str(cell.text.trim());
                }
            }
        }

        for (kind, c) in &extras {
            ledger.take(row.line, c);
            let slot = match kind {
                IndicatorColumn::Nature => &mut b.ind.nature,
                IndicatorColumn::MeasureUnit => &mut b.ind.measure_unit,
                _ => &mut b.ind.explanation,
            };
            *slot = Some(c.text.trim().to_string());
        }
        if let Some(t) = target_cell {
            ledger.take(row.line, t);
            append(&mut b.target, &t.text);
        }
        if let Some(a) = actual_cell {
            ledger.take(row.line, a);
            append(&mut b.actual, &a.text);
        }
        b.ind.weight = num_at(&weight_cell.text, row.line, weight_cell.column);
        b.ind.score = num_at(&score_cell.text, row.line, score_cell.column);
        ledger.take(row.line, weight_cell);
        ledger.take(row.line, score_cell);
        if let Some(col) = split_col {
            if let Some(orig) = row.at(col) {
                ledger.take(row.line, orig);
                ledger.repair_numbers(
                    row.line,
                    format!(
                        "cell in column {col} held several values ('{}'); split at spaces",
                        orig.text
                    ),
                );
            }
        }
        for c in &right {
            if dropped(&c.text, ledger) {
                ledger.reject(row.line, c, GARBLED);
                continue;
            }
            ledger.take(row.line, c);
            append(&mut b.deviation, &c.text);
        }
        current = Some(b);
    }
    if let Some(mut b) = current.take() {
        for (line, cell) in pending.drain(..) {
            let kind = header.kind_at(cell.column);
            place_continuation(&mut b, &cell, kind, &header);
            ledger.take(line, &cell);
        }
        done.push(b.finish());
    }
    for (line, cell) in pending {
        ledger.reject(
            line,
            &cell,
            "text after the last indicator that belongs to none",
        );
    }
    for (line, text, word) in &levels.abbreviated {
        ledger.repair(
            *line,
            format!("level-name fragments '{text}' read as {word} (characters lost in extraction)"),
        );
    }
    for (line, text) in &levels.unplaced {
        ledger.repair(
            *line,
            format!("level-name fragment '{text}' spells no known 一级/二级指标; left out"),
        );
    }
    for text in levels.leftover() {
        ledger.repair(
            rows.last().map_or(0, |r| r.line),
            format!("level-name fragment '{text}' of a merged cell was never completed; left out"),
        );
    }
    form.indicators = done;
    let end_rows: Vec<Row> = end_rows.iter().map(|&i| rows[i].clone()).collect();
    read_totals(&end_rows, form, ledger);
}

/// A cell in a level column read between indicators (on a continuation
/// line or a dropped copy): a fragment of a merged level cell. Returns
/// whether it was taken as one.
fn level_fragment(
    levels: &mut Levels,
    header: &IndicatorHeader,
    cell: &Cell,
    line: usize,
    done: &mut [Indicator],
    current: Option<&mut Indicator>,
    damaged: bool,
) -> bool {
    let kind = header.kind_at(cell.column);
    let piece = cell.key();
    let in_l2 = kind == Some(IndicatorColumn::Level2);
    let level = match kind {
        Some(IndicatorColumn::Level1) => levels.claims(piece, in_l2).unwrap_or(Level::One),
        Some(IndicatorColumn::Level2) => levels.claims(piece, in_l2).unwrap_or(Level::Two),
        _ => return false,
    };
    if damaged && garbled(&cell.text, true) {
        return false;
    }
    let from = levels.start_between(level, done.len());
    levels.feed(level, piece, from, line, done, current);
    true
}

/// A line of numbers only (and debris without Chinese) right before the
/// 总分/评分等级 line, or right after a 总分 label that prints no numbers:
/// the totals whose label the extraction lost or moved.
fn unlabelled_totals(rows: &[Row], i: usize) -> bool {
    let row = &rows[i];
    let numbers = row.cells.iter().filter(|c| score_like(&c.text)).count();
    let no_text = row.cells.iter().all(|c| !c.text.chars().any(is_cjk));
    if numbers < 2 || !no_text {
        return false;
    }
    let next_is_end = rows
        .get(i + 1)
        .is_some_and(|n| is_total_row(n) || is_grade_row(n));
    let prev_is_bare_total = i > 0
        && is_total_row(&rows[i - 1])
        && !rows[i - 1].cells.iter().any(|c| score_like(&c.text));
    next_is_end || prev_is_bare_total
}

fn open_fragment_target(kind: Option<IndicatorColumn>) -> bool {
    matches!(
        kind,
        Some(IndicatorColumn::Target | IndicatorColumn::Actual)
    )
}

/// Where a continuation cell goes: by its column's meaning, text columns
/// left of the target into the name.
fn place_continuation(
    b: &mut Building,
    cell: &Cell,
    kind: Option<IndicatorColumn>,
    header: &IndicatorHeader,
) {
    let kind = kind.or_else(|| {
        // A column without header: the nearest header to its left.
        header
            .columns
            .range(..=cell.column)
            .next_back()
            .map(|(_, k)| *k)
    });
    match kind {
        Some(IndicatorColumn::Target) => append(&mut b.target, &cell.text),
        Some(IndicatorColumn::Actual) => append(&mut b.actual, &cell.text),
        Some(IndicatorColumn::Deviation) => append(&mut b.deviation, &cell.text),
        _ if closing_fragment(&cell.text) && open(&b.target) => append(&mut b.target, &cell.text),
        _ => {
            if level_of(&cell.text).is_none() {
                append(&mut b.name, cell.text.trim());
            }
        }
    }
}

/// The `second_layer` test of an indicator row against the one being built.
fn second_layer(
    current: &Option<Building>,
    rest: &[&Cell],
    target: Option<&Cell>,
    actual: Option<&Cell>,
    weight: &Cell,
    score: &Cell,
    damaged: bool,
) -> Layer {
    let Some(b) = current.as_ref() else {
        return Layer::Own;
    };
    let above = Above {
        name: &b.name,
        target: &b.target,
        actual: &b.actual,
        weight: b.ind.weight.as_ref().map(|n| n.raw.as_str()),
        score: b.ind.score.as_ref().map(|n| n.raw.as_str()),
    };
    let row = Candidate {
        keys: rest.iter().chain(target.iter()).map(|c| c.key()).collect(),
        name: rest
            .iter()
            .filter(|c| level_of(&c.text).is_none())
            .map(|c| c.key())
            .collect(),
        target: target.map(|c| c.text.as_str()),
        actual: actual.map(|c| c.text.as_str()),
        weight: &weight.text,
        score: &score.text,
    };
    damage::second_layer(&above, &row, damaged)
}

fn read_totals(rows: &[Row], form: &mut SelfEvaluation, ledger: &mut Ledger) {
    for row in rows {
        if is_grade_row(row) {
            for cell in &row.cells {
                let c = cell.key();
                let grade = vocab::grade_word(&cell.text).or_else(|| {
                    cell.text
                        .split_whitespace()
                        .last()
                        .and_then(vocab::grade_word)
                        .filter(|_| c.contains("等级"))
                });
                if let Some(g) = grade {
                    if form.grade.is_none() {
                        form.grade = Some(g.to_string());
                        form.grade_at = Some(Location::cell(row.line, cell.column));
                    }
                    ledger.take(row.line, cell);
                } else if c.chars().all(|ch| "评分等级平学".contains(ch)) {
                    ledger.take(row.line, cell);
                } else {
                    ledger.reject(
                        row.line,
                        cell,
                        "text in the 评分等级 row that is not a grade",
                    );
                }
            }
            continue;
        }
        let labelled = is_total_row(row);
        if !labelled {
            ledger.repair_numbers(
                row.line,
                "总分 label illegible; totals read from the unlabelled row of two numbers after the indicators",
            );
        }
        let mut nums: Vec<(Num, Cell)> = Vec::new();
        for cell in &row.cells {
            if let Some(n) = num_at(&cell.text, row.line, cell.column) {
                nums.push((n, cell.clone()));
                continue;
            }
            let c = cell.key();
            if c.contains("总分") {
                ledger.take(row.line, cell);
                for w in cell.text.split_whitespace() {
                    if let Some(n) = num_at(w, row.line, cell.column) {
                        nums.push((n, cell.clone()));
                    }
                }
            } else {
                ledger.reject(row.line, cell, "text in the 总分 row");
            }
        }
        if form.total_score.is_some() {
            for (_, cell) in &nums {
                ledger.reject(row.line, cell, "a second 总分 row");
            }
            continue;
        }
        let mut used = nums.into_iter();
        match (used.next(), used.next()) {
            (Some((w, wc)), Some((s, sc))) => {
                ledger.take(row.line, &wc);
                ledger.take(row.line, &sc);
                form.total_weight = Some(w);
                form.total_score = Some(s);
            }
            (Some((s, sc)), None) => {
                ledger.take(row.line, &sc);
                ledger.miss("total_weight", "the 总分 row prints one number only");
                form.total_score = Some(s);
            }
            _ => {}
        }
        for (_, cell) in used {
            ledger.reject(
                row.line,
                &cell,
                "number in the 总分 row beyond weight and score",
            );
        }
    }
}
