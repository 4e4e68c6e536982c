//! The older self-evaluation layout (项目绩效自我评价): label/value header
//! lines, an indicator table in weighted groups (`投入与管理 (36分)`) with
//! 权重/自评分, a 合计 line, and notes that print the grade bands.

use crate::html::html_to_text;
use crate::ledger::Ledger;
use crate::model::*;
use crate::number::{num_at, read_number, NumberCell};
use crate::rows::{compact, Cell, Row};
use crate::vocab;
use regex::Regex;
use rust_decimal::Decimal;
use std::sync::OnceLock;

fn group_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^(.+?)\s*[（(]\s*(\d+(?:\.\d+)?)\s*分\s*[)）]$").expect("group pattern")
    })
}

fn band_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(\d+(?:\.\d+)?)\s*(（含）|\(含\))?\s*[-—～~至]\s*(\d+(?:\.\d+)?)\s*分?\s*为\s*([^，,。；;、\s]+)")
            .expect("band pattern")
    })
}

fn score_like(text: &str) -> bool {
    matches!(
        read_number(text),
        NumberCell::Number {
            percent: false,
            note: None,
            ..
        }
    )
}

fn numeric_pair(cells: &[Cell]) -> Option<(usize, usize)> {
    (1..cells.len())
        .rev()
        .find(|&j| score_like(&cells[j - 1].text) && score_like(&cells[j].text))
        .map(|j| (j - 1, j))
}

/// Reads the grade bands printed in a note
/// (`自评分合计90（含）-100分为优秀，75（含）-90分为良好，…`).
pub(crate) fn grade_bands(text: &str) -> Vec<GradeBand> {
    let mut bands: Vec<GradeBand> = band_re()
        .captures_iter(text)
        .filter_map(|c| {
            let min: Decimal = c[1].parse().ok()?;
            let max: Decimal = c[3].parse().ok()?;
            let grade = c[4].trim_end_matches(['。', '，', ',']).to_string();
            vocab::grade_word(&grade)?;
            Some(GradeBand {
                grade,
                min,
                max,
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

#[derive(Clone, Copy)]
enum Field {
    ProjectName,
    BudgetUnit,
    Office,
    Recurring,
    Budget,
    PriorBudget,
    Executed,
    Rate,
    AnnualGoal,
    EvaluatedOn,
    Grade,
    MainResults,
    MainProblems,
    Improvements,
}

fn field_of(label: &str) -> Option<Field> {
    let c = compact(label);
    let c = c.trim_end_matches([':', '：']);
    Some(match c {
        _ if c.starts_with("项目名称") => Field::ProjectName,
        _ if c.starts_with("预算单位") => Field::BudgetUnit,
        _ if c.starts_with("具体实施") => Field::Office,
        _ if c.starts_with("是否为经常性项目") => Field::Recurring,
        _ if c.starts_with("当年预算数") => Field::Budget,
        _ if c.starts_with("上年预算") => Field::PriorBudget,
        _ if c.starts_with("预算执行数") => Field::Executed,
        _ if c.starts_with("预算执行率") => Field::Rate,
        _ if c.starts_with("项目年度总目标") => Field::AnnualGoal,
        _ if c.starts_with("自评时间") => Field::EvaluatedOn,
        _ if c.starts_with("绩效等级") => Field::Grade,
        _ if c.starts_with("主要绩效") => Field::MainResults,
        _ if c.starts_with("主要问题") => Field::MainProblems,
        _ if c.starts_with("改进措施") => Field::Improvements,
        _ => return None,
    })
}

fn is_label(text: &str) -> bool {
    let t = text.trim();
    (t.ends_with('：') || t.ends_with(':')) && field_of(t).is_some()
}

/// Reads an older-layout self-evaluation from the rows of one form.
pub(crate) fn read(rows: &[Row]) -> SelfEvaluation {
    let mut ledger = Ledger::for_rows(rows);
    let mut older = OlderFields::default();
    let mut form = SelfEvaluation::empty(
        Layout::Older,
        LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.last().map_or(0, |r| r.line),
        },
    );
    let mut funds = FundsRow::empty(FundsLine::Total, 0);
    let header = rows.iter().position(|r| {
        let c = r.compact();
        c.contains("指标名称") && (c.contains("权重") || c.contains("自评分"))
    });
    let head_end = header.unwrap_or(rows.len());
    for row in &rows[..head_end] {
        let c = row.compact();
        if c.contains("项目绩效自我评价") {
            form.title = Some(c.to_string());
            row.cells
                .iter()
                .for_each(|cell| ledger.take(row.line, cell));
            continue;
        }
        let mut current: Option<(Field, &Cell)> = None;
        let mut values: Vec<(Field, &Cell, String, Vec<&Cell>)> = Vec::new();
        for cell in &row.cells {
            if is_label(&cell.text) {
                let f = field_of(&cell.text).expect("label checked");
                current = Some((f, cell));
                values.push((f, cell, String::new(), Vec::new()));
                ledger.take(row.line, cell);
                continue;
            }
            match (current, values.last_mut()) {
                (Some(_), Some(v)) => {
                    v.2.push_str(&cell.text);
                    v.3.push(cell);
                }
                _ => ledger.reject(row.line, cell, "value without a label"),
            }
        }
        for (field, label, text, cells) in values {
            let money_unit = if compact(&label.text).contains("元") {
                Some(MoneyUnit::Yuan)
            } else {
                None
            };
            let value_cell = cells.first().copied();
            let text = html_to_text(&text);
            let some = (!text.is_empty()).then(|| text.clone());
            let mut take_all = || cells.iter().for_each(|c| ledger.take(row.line, c));
            match field {
                Field::ProjectName => {
                    form.project_name = some;
                    take_all();
                }
                Field::BudgetUnit => {
                    form.budget_unit = some;
                    take_all();
                }
                Field::Office => {
                    older.office = some;
                    take_all();
                }
                Field::Recurring => {
                    older.recurring = match compact(&text).as_str() {
                        "是" => Some(true),
                        "否" => Some(false),
                        _ => None,
                    };
                    take_all();
                }
                Field::AnnualGoal => {
                    older.annual_goal = some.clone();
                    form.goals.expected = some;
                    take_all();
                }
                Field::EvaluatedOn => {
                    older.evaluated_on = some;
                    take_all();
                }
                Field::Grade => {
                    form.grade = some;
                    form.grade_at = value_cell.map(|c| Location::cell(row.line, c.column));
                    take_all();
                }
                Field::MainResults => {
                    older.main_results = some.clone();
                    form.goals.actual = some;
                    take_all();
                }
                Field::MainProblems => {
                    older.main_problems = some;
                    take_all();
                }
                Field::Improvements => {
                    older.improvements = some;
                    take_all();
                }
                Field::Budget | Field::PriorBudget | Field::Executed | Field::Rate => {
                    if money_unit.is_some() {
                        form.unit = money_unit;
                        form.unit_source = Some(Source::Form);
                    }
                    let num = value_cell.and_then(|c| num_at(&c.text, row.line, c.column));
                    match (value_cell, &num) {
                        (Some(_), Some(_)) => take_all(),
                        (Some(c), None) => ledger.reject(row.line, c, "expected a number"),
                        _ => {}
                    }
                    if funds.line == 0 {
                        funds.line = row.line;
                    }
                    match field {
                        Field::Budget => funds.adjusted_budget = num,
                        Field::PriorBudget => older.prior_year_budget = num,
                        Field::Executed => funds.executed = num,
                        _ => funds.execution_rate = num,
                    }
                }
            }
        }
    }
    if funds.adjusted_budget.is_some() || funds.executed.is_some() || funds.execution_rate.is_some()
    {
        form.funds.push(funds);
    }

    if let Some(h) = header {
        read_table(&rows[h..], &mut form, &mut older, &mut ledger);
    } else {
        ledger.miss(
            "indicators",
            "no indicator-table header (指标名称 … 权重 自评分) found",
        );
    }
    if form.project_name.is_none() {
        ledger.miss("project_name", "项目名称 printed without a legible value");
    }
    if form.unit.is_none() {
        ledger.miss("unit", "no money unit printed with the budget figures");
    }
    form.older = Some(older);
    let (unmapped, cells, missing, repairs) = ledger.finish(rows);
    form.unmapped = unmapped;
    form.cells = cells;
    form.missing = missing;
    form.repairs = repairs;
    form
}

fn read_table(
    rows: &[Row],
    form: &mut SelfEvaluation,
    older: &mut OlderFields,
    ledger: &mut Ledger,
) {
    let header = &rows[0];
    for cell in &header.cells {
        if vocab::indicator_column(&cell.text).is_some() || cell.key() == "一级指标" {
            ledger.take(header.line, cell);
        } else {
            ledger.reject(
                header.line,
                cell,
                "indicator-table header cell of no known meaning",
            );
        }
    }
    let mut group: Option<String> = None;
    let mut in_notes = false;
    for row in &rows[1..] {
        let c = row.compact();
        if in_notes || c.starts_with("说明") {
            in_notes = true;
            let text: String = row
                .cells
                .iter()
                .map(|c| c.text.as_str())
                .collect::<Vec<_>>()
                .join(" ");
            form.grade_bands.extend(grade_bands(&text));
            older.notes.push(text);
            row.cells
                .iter()
                .for_each(|cell| ledger.take(row.line, cell));
            continue;
        }
        if c.starts_with("合计") {
            let nums: Vec<(&Cell, _)> = row
                .cells
                .iter()
                .filter_map(|cell| num_at(&cell.text, row.line, cell.column).map(|n| (cell, n)))
                .collect();
            row.cells
                .iter()
                .for_each(|cell| ledger.take(row.line, cell));
            let mut it = nums.into_iter();
            form.total_weight = it.next().map(|(_, n)| n);
            form.total_score = it.next().map(|(_, n)| n);
            for (cell, _) in it {
                ledger.reject(
                    row.line,
                    cell,
                    "number in the 合计 row beyond weight and score",
                );
            }
            continue;
        }
        let pair = numeric_pair(&row.cells);
        let (left, right): (Vec<&Cell>, Vec<&Cell>) = match pair {
            Some((w, s)) => (
                row.cells[..w].iter().collect(),
                row.cells[s + 1..].iter().collect(),
            ),
            None => (row.cells.iter().collect(), Vec::new()),
        };
        let mut texts: Vec<&Cell> = Vec::new();
        for cell in left {
            if let Some(caps) = group_re().captures(cell.text.trim()) {
                let name = caps[1].trim().to_string();
                if let Some(weight) = num_at(&caps[2], row.line, cell.column) {
                    form.groups.push(IndicatorGroup {
                        name: name.clone(),
                        weight: Some(crate::number::Num {
                            raw: cell.text.clone(),
                            ..weight
                        }),
                        level: 1,
                        parent: None,
                        weight_range: None,
                        score: None,
                        row_weight: None,
                    });
                }
                group = Some(name);
                ledger.take(row.line, cell);
            } else {
                texts.push(cell);
            }
        }
        match pair {
            Some((w, s)) => {
                let mut ind = Indicator {
                    line: row.line,
                    lines: vec![row.line],
                    level1: group.clone(),
                    ..Indicator::default()
                };
                ind.name = texts.first().map(|c| c.text.trim().to_string());
                let expl: Vec<&str> = texts.iter().skip(1).map(|c| c.text.trim()).collect();
                ind.explanation = (!expl.is_empty()).then(|| expl.join(""));
                ind.weight = num_at(&row.cells[w].text, row.line, row.cells[w].column);
                ind.score = num_at(&row.cells[s].text, row.line, row.cells[s].column);
                let remark: Vec<&str> = right.iter().map(|c| c.text.trim()).collect();
                ind.deviation_reason = (!remark.is_empty()).then(|| remark.join(""));
                for c in texts.iter().chain(right.iter()) {
                    ledger.take(row.line, c);
                }
                ledger.take(row.line, &row.cells[w]);
                ledger.take(row.line, &row.cells[s]);
                form.indicators.push(ind);
            }
            None => {
                // The rest of the indicator above, carried over a page break.
                let Some(prev) = form.indicators.last_mut() else {
                    for c in texts {
                        ledger.reject(row.line, c, "text before the first indicator");
                    }
                    continue;
                };
                let mut it = texts.into_iter();
                if let Some(c) = it.next() {
                    prev.name
                        .get_or_insert_with(String::new)
                        .push_str(c.text.trim());
                    ledger.take(row.line, c);
                }
                for c in it {
                    prev.explanation
                        .get_or_insert_with(String::new)
                        .push_str(c.text.trim());
                    ledger.take(row.line, c);
                }
                prev.lines.push(row.line);
                ledger.repair(
                    row.line,
                    format!(
                        "joined to the indicator of line {} (split across a page)",
                        prev.line
                    ),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_grade_bands() {
        let b = grade_bands("2、绩效等级说明：自评分合计90（含）-100分为优秀，75（含）-90分为良好，60（含）-75分为合格，0-60分为不合格。");
        let got: Vec<(String, String, String, bool)> = b
            .iter()
            .map(|b| {
                (
                    b.grade.clone(),
                    b.min.to_string(),
                    b.max.to_string(),
                    b.max_included,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("优秀".into(), "90".into(), "100".into(), true),
                ("良好".into(), "75".into(), "90".into(), false),
                ("合格".into(), "60".into(), "75".into(), false),
                ("不合格".into(), "0".into(), "60".into(), false),
            ]
        );
    }
}
