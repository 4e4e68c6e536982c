//! Performance-target declarations (财政项目支出绩效目标申报表): the
//! overview (项目总体情况), the targets with the breakdown of the budget
//! (绩效目标, 项目构成分解) and the safeguards (制度保障), joined into one
//! record by 项目名称.
//!
//! Cells carry HTML fragments (`<p>`, `<b>`, a whole `<table>` in 项目资金);
//! they are read as text, and no markup reaches a field.

use crate::html::html_to_text;
use crate::ledger::Ledger;
use crate::model::*;
use crate::number::{num_at, read_measure, read_number, Num, NumberCell};
use crate::rows::{compact, squeeze, Cell, Row};
use regex::Regex;
use std::sync::OnceLock;

/// Which part of a declaration a stretch of rows is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// 项目总体情况
    Overview,
    /// 绩效目标
    Targets,
    /// 制度保障
    Safeguards,
}

/// The part a title names, if it is a declaration title.
pub(crate) fn part_of_title(key: &str) -> Option<Part> {
    if !key.contains("申报表") {
        return None;
    }
    if key.contains("总体情况") {
        Some(Part::Overview)
    } else if key.contains("绩效目标）") || key.contains("绩效目标)") {
        Some(Part::Targets)
    } else if key.contains("制度保障") {
        Some(Part::Safeguards)
    } else {
        None
    }
}

fn year_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"[（(]\s*(\d{4})\s*年\s*度?\s*[)）]").expect("year pattern"))
}

fn money_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(项目总预算|当年预算|财政拨款|上级财政拨款|本级财政安排|下级财政配套|其他资金)\s*[:：]\s*([0-9０-９][0-9０-９.,．，]*)?")
            .expect("money pattern")
    })
}

fn unit_tail_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\s*金?额单位\s*[:：].*$").expect("unit tail pattern"))
}

/// The project name printed in a part: `项目名称 | X` or `项目名称：X`.
pub(crate) fn project_name_of(rows: &[Row]) -> Option<String> {
    for row in rows {
        let first = row.cells.first()?;
        let key = first.key();
        if let Some(rest) = key.strip_prefix("项目名称") {
            let rest = rest.trim_start_matches([':', '：']);
            if !rest.is_empty() {
                let text = first
                    .text
                    .split_once(['：', ':'])
                    .map_or(rest, |x| x.1)
                    .trim();
                // `项目名称：X 金额单位：元` on one line: the unit is not part of the name.
                let text = unit_tail_re().replace(text, "");
                return Some(text.trim().to_string());
            }
            return row.cells.get(1).map(|c| html_to_text(&c.text));
        }
    }
    None
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Field {
    Name,
    Category,
    Leader,
    Contact,
    Phone,
    Start,
    End,
    Overview,
    Approval,
    Funds,
    Resources,
    OverallGoal,
    AnnualGoal,
    OtherIssues,
    Signature,
}

const LABELS: &[&str] = &[
    "项目名称",
    "项目类别",
    "项目负责人",
    "联系人",
    "联系电话",
    "起始日期",
    "结束日期",
    "项目概况",
    "项目立项情况",
    "项目资金",
    "项目相关资源投入和制度建设情况",
    "项目总目标",
    "年度绩效目标",
    "需要说明的其他问题",
];

fn field_of(key: &str) -> Option<Field> {
    let k = key.trim_end_matches([':', '：']);
    let k = k.strip_prefix("<p>").unwrap_or(k);
    let k = k.strip_suffix("</p>").unwrap_or(k);
    // A label that lost its last character (`联系电`).
    let k = match LABELS
        .iter()
        .find(|l| l.starts_with(k) && l.chars().count() == k.chars().count() + 1)
    {
        Some(l) if k.chars().count() >= 3 => l,
        _ => k,
    };
    Some(match k {
        "项目名称" => Field::Name,
        "项目类别" => Field::Category,
        "项目负责人" => Field::Leader,
        "联系人" => Field::Contact,
        "联系电话" => Field::Phone,
        "起始日期" => Field::Start,
        "结束日期" => Field::End,
        "项目概况" => Field::Overview,
        "项目立项情况" => Field::Approval,
        "项目资金" => Field::Funds,
        "项目相关资源投入和制度建设情况" => Field::Resources,
        "项目总目标" => Field::OverallGoal,
        "年度绩效目标" => Field::AnnualGoal,
        "需要说明的其他问题" => Field::OtherIssues,
        "填报单位负责人"
        | "填报人"
        | "填表人"
        | "填报日期"
        | "填报单位（盖章）"
        | "填报单位(盖章)" => Field::Signature,
        _ => return None,
    })
}

/// A label with its value in the same cell: `联系电话：13671620822`.
fn inline_field(text: &str) -> Option<(Field, String)> {
    let (label, value) = text.split_once(['：', ':'])?;
    if label.len() > 48 {
        return None;
    }
    let field = field_of(&squeeze(label))?;
    Some((field, value.trim().to_string()))
}

/// 项目类别 from `<input type="checkbox"/> 一次性项目 <input checked="" …/> 经常性项目 …`.
/// Boxes stand before their labels when the text starts with one, after them otherwise.
fn category(text: &str) -> Option<ProjectCategory> {
    let boxes_first = text.trim_start().starts_with("<input");
    let mut pieces: Vec<(bool, String)> = Vec::new(); // (is box, checked or label)
    let mut rest = text;
    while !rest.is_empty() {
        match rest.find("<input") {
            Some(0) => {
                let end = rest.find('>').map_or(rest.len(), |e| e + 1);
                pieces.push((true, rest[..end].contains("checked").to_string()));
                rest = &rest[end..];
            }
            Some(i) => {
                pieces.push((false, compact(&rest[..i])));
                rest = &rest[i..];
            }
            None => {
                pieces.push((false, compact(rest)));
                rest = "";
            }
        }
    }
    pieces.retain(|(b, t)| *b || !t.is_empty());
    let mut pairs: Vec<(String, bool)> = Vec::new();
    let mut held: Option<(bool, String)> = None;
    for (is_box, t) in pieces {
        match (&held, is_box == boxes_first) {
            // The opener of a pair (a box when boxes come first, else a label).
            (_, true) => held = Some((is_box, t)),
            (Some((_, first)), false) => {
                let (label, checked) = if boxes_first {
                    (t, first == "true")
                } else {
                    (first.clone(), t == "true")
                };
                pairs.push((label, checked));
                held = None;
            }
            (None, false) => {}
        }
    }
    let chosen: Vec<&String> = pairs.iter().filter(|(_, c)| *c).map(|(l, _)| l).collect();
    let [one] = chosen.as_slice() else {
        return None;
    };
    match one.as_str() {
        "一次性项目" => Some(ProjectCategory::OneOff),
        "经常性项目" => Some(ProjectCategory::Recurring),
        "中期预算试点项目" => Some(ProjectCategory::MidTermPilot),
        _ => None,
    }
}

/// Splits 项目立项情况 at its markers 依据 / 必要性 / 可行性.
fn approval(text: &str) -> Approval {
    let markers = [("依据", 0usize), ("必要性", 1), ("可行性", 2)];
    let mut hits: Vec<(usize, usize, usize)> = Vec::new(); // (pos, end, which)
    for (m, which) in markers {
        for sep in ['：', ':'] {
            let pat = format!("{m}{sep}");
            let mut from = 0;
            while let Some(p) = text[from..].find(&pat) {
                let pos = from + p;
                hits.push((pos, pos + pat.len(), which));
                from = pos + pat.len();
            }
        }
    }
    hits.sort();
    // Repeated markers (`依据:依据:`) open one part only.
    let mut parts: [String; 3] = Default::default();
    let mut before = String::new();
    let mut current: Option<usize> = None;
    let mut pos = 0;
    for (start, end, which) in hits {
        if start < pos {
            continue;
        }
        let piece = text[pos..start].trim();
        match current {
            Some(c) => parts[c].push_str(piece),
            None => before.push_str(piece),
        }
        if current != Some(which) || !piece.is_empty() {
            current = Some(which);
        }
        pos = end;
    }
    let tail = text[pos..].trim();
    match current {
        Some(c) => parts[c].push_str(tail),
        None => before.push_str(tail),
    }
    let some = |s: &str| {
        let t = s.trim().trim_start_matches(['：', ':']).trim();
        (!t.is_empty()).then(|| t.to_string())
    };
    Approval {
        basis: some(&parts[0]),
        necessity: some(&parts[1]),
        feasibility: some(&parts[2]),
        text: some(&before),
    }
}

fn is_number(text: &str) -> bool {
    matches!(read_number(text), NumberCell::Number { .. })
}

fn is_placeholder(text: &str) -> bool {
    // Dashes only, whitespace aside, and at least one.
    let mut dashes = text.chars().filter(|ch| !ch.is_whitespace()).peekable();
    dashes.peek().is_some() && dashes.all(|ch| ch == '-' || ch == '—')
}

/// Rows common to every part: titles, year, 金额单位, 项目名称.
fn read_common(row: &Row, d: &mut Declaration, ledger: &mut Ledger) -> bool {
    let key = row.compact();
    if key.starts_with('#') || key.contains("申报表") {
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        if let Some(c) = year_re().captures(
            &row.cells
                .iter()
                .map(|c| c.text.as_str())
                .collect::<String>(),
        ) {
            d.year = d.year.or_else(|| c[1].parse().ok());
        }
        return true;
    }
    if let Some(c) = year_re().captures(key) {
        if key.len() == c.get(0).map_or(0, |m| m.len())
            || key.trim_start_matches('#').len() == c.get(0).map_or(0, |m| m.len())
        {
            d.year = d.year.or_else(|| c[1].parse().ok());
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            return true;
        }
    }
    let unit_label = key
        .strip_prefix("金额单位")
        .or_else(|| key.strip_prefix("额单位"));
    if let Some(unit) = unit_label.map(|u| u.trim_start_matches([':', '：'])) {
        let u = match unit {
            "元" => Some(MoneyUnit::Yuan),
            "万元" => Some(MoneyUnit::WanYuan),
            _ => None,
        };
        if u.is_some() {
            d.unit = d.unit.or(u);
        }
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        return true;
    }
    if key.starts_with("项目名称")
        && row
            .cells
            .first()
            .is_some_and(|c| c.key().len() > "项目名称".len())
    {
        // `项目名称：X` with the name in the same cell (targets, safeguards).
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        return true;
    }
    false
}

/// Rows every part after the overview may hold: titles, year, unit, the
/// project name, lines of placeholders. Returns whether the row was one.
fn read_part_row(
    row: &Row,
    d: &mut Declaration,
    ledger: &mut Ledger,
    name_next: &mut bool,
) -> bool {
    if take_name_line(row, d, ledger, name_next) || read_common(row, d, ledger) {
        return true;
    }
    if row.cells.iter().all(|c| is_placeholder(&c.text)) {
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        return true;
    }
    false
}

/// `项目名称：` alone on its line, the name on the next.
fn take_name_line(
    row: &Row,
    d: &mut Declaration,
    ledger: &mut Ledger,
    name_next: &mut bool,
) -> bool {
    let key = row.compact();
    if *name_next {
        *name_next = false;
        if !key.is_empty() && !key.contains("单位") {
            if d.project_name.is_none() {
                d.project_name = Some(row.joined(""));
            }
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            return true;
        }
    }
    if key == "项目名称：" || key == "项目名称:" {
        *name_next = true;
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
        return true;
    }
    false
}

fn put(slot: &mut Option<String>, text: &str) {
    let t = html_to_text(text);
    if t.is_empty() {
        return;
    }
    match slot {
        Some(s) => s.push_str(&t),
        None => *slot = Some(t),
    }
}

fn money_slot<'a>(f: &'a mut DeclarationFunds, label: &str) -> &'a mut Option<Num> {
    match label {
        "项目总预算" => &mut f.total_budget,
        "当年预算" => &mut f.annual_budget,
        "财政拨款" => &mut f.appropriation,
        "上级财政拨款" => &mut f.from_higher,
        "本级财政安排" => &mut f.from_same_level,
        "下级财政配套" => &mut f.from_lower,
        _ => &mut f.other,
    }
}

/// Reads the money lines of 项目资金 from one row: a label and its amount in
/// the same cell (`一、项目总预算：1539400`), or the amount in a later cell,
/// or a whole HTML table in one cell. An amount printed twice (the table and
/// its flattened copy) must agree.
fn read_money(row: &Row, d: &mut Declaration, ledger: &mut Ledger) -> bool {
    let mut pending: Option<String> = None;
    let mut any = false;
    for cell in &row.cells {
        let text = html_to_text(&cell.text).replace('\n', " ");
        let mut found = false;
        for caps in money_re().captures_iter(&text) {
            found = true;
            let label = caps[1].to_string();
            match caps.get(2) {
                Some(v) => {
                    let raw = v.as_str().trim();
                    set_money(d, ledger, &label, raw, row.line, cell);
                    pending = None;
                }
                None => pending = Some(label),
            }
        }
        if found {
            ledger.take(row.line, cell);
            any = true;
            continue;
        }
        if let Some(label) = pending.take() {
            if is_number(&cell.text) {
                set_money(d, ledger, &label, &cell.text, row.line, cell);
                ledger.take(row.line, cell);
                continue;
            }
            pending = Some(label);
        }
    }
    any
}

fn set_money(
    d: &mut Declaration,
    ledger: &mut Ledger,
    label: &str,
    raw: &str,
    line: usize,
    cell: &Cell,
) {
    let Some(num) = num_at(raw, line, cell.column) else {
        ledger.miss(
            format!("funds.{label}"),
            format!("'{raw}' is not an amount"),
        );
        return;
    };
    let slot = money_slot(&mut d.funds, label);
    match slot {
        None => *slot = Some(num),
        // The same amount printed again (the 项目资金 table and its
        // flattened copy): kept, so that a copy that differs is reported.
        Some(_) => d.copies.push(AmountCopy {
            field: label.to_string(),
            amount: num,
        }),
    }
}

fn read_overview(rows: &[Row], d: &mut Declaration, ledger: &mut Ledger) {
    let mut current: Option<Field> = None;
    for row in rows {
        if read_common(row, d, ledger) {
            continue;
        }
        let may_hold_money = |k: &str| {
            ["预算", "拨款", "财政", "资金"]
                .iter()
                .any(|w| k.contains(w))
        };
        let money_row = may_hold_money(row.compact())
            && row
                .cells
                .iter()
                .any(|c| may_hold_money(c.key()) && money_re().is_match(&html_to_text(&c.text)));
        if money_row {
            if let Some(first) = row.cells.first() {
                if field_of(first.key()) == Some(Field::Funds) {
                    ledger.take(row.line, first);
                }
            }
            read_money(row, d, ledger);
            current = Some(Field::Funds);
            for c in &row.cells {
                if !ledger.is_taken(row.line, c.column) && is_placeholder(&c.text) {
                    ledger.take(row.line, c);
                }
            }
            continue;
        }
        let mut row_field: Option<Field> = None;
        for cell in &row.cells {
            if let Some(f) = field_of(cell.key()) {
                row_field = Some(f);
                current = Some(f);
                ledger.take(row.line, cell);
                continue;
            }
            if let Some((f, value)) = inline_field(&cell.text) {
                row_field = Some(f);
                current = Some(f);
                ledger.take(row.line, cell);
                if !value.is_empty() {
                    store(d, f, &value);
                }
                continue;
            }
            if is_placeholder(&cell.text) {
                ledger.take(row.line, cell);
                continue;
            }
            // 项目立项情况 whose label cell was lost: its text opens with 依据.
            let opens_approval = || {
                let t = html_to_text(&cell.text);
                ["依据", "必要性", "可行性"]
                    .iter()
                    .any(|m| t.starts_with(&format!("{m}:")) || t.starts_with(&format!("{m}：")))
            };
            if row_field.is_none()
                && current != Some(Field::Approval)
                && cell.column > 0
                && opens_approval()
            {
                current = Some(Field::Approval);
                ledger.repair(row.line, "项目立项情况 printed without its label; the text opening with 依据/必要性/可行性 read as it");
            }
            match current {
                Some(Field::Signature) | None => {}
                Some(f) => {
                    store(d, f, &cell.text);
                    ledger.take(row.line, cell);
                }
            }
        }
    }
    if let Some(raw) = d.approval.text.take() {
        d.approval = approval(&raw);
    }
}

fn store(d: &mut Declaration, f: Field, text: &str) {
    match f {
        Field::Name => put(&mut d.project_name, text),
        Field::Category => {
            d.category = d.category.or_else(|| category(text));
        }
        Field::Leader => put(&mut d.leader, text),
        Field::Contact => put(&mut d.contact, text),
        Field::Phone => put(&mut d.phone, text),
        Field::Start => put(&mut d.start_date, text),
        Field::End => put(&mut d.end_date, text),
        Field::Overview => put(&mut d.overview, text),
        Field::Approval => {
            // Gathered whole here; split into its parts when the part ends.
            let raw = d.approval.text.get_or_insert_with(String::new);
            if !raw.is_empty() {
                raw.push('\n');
            }
            raw.push_str(&html_to_text(text));
        }
        Field::Funds => {}
        Field::Resources => put(&mut d.resources, text),
        Field::OverallGoal => put(&mut d.overall_goal, text),
        Field::AnnualGoal => put(&mut d.annual_goal, text),
        Field::OtherIssues => put(&mut d.other_issues, text),
        Field::Signature => {}
    }
}

/// Level-1 and level-2 target names of declarations.
const TARGET_LEVEL1: &[&str] = &[
    "产出目标",
    "效果目标",
    "影响力目标",
    "产出指标",
    "效益指标",
    "满意度指标",
];
const TARGET_LEVEL2: &[&str] = &[
    "数量",
    "质量",
    "时效",
    "成本",
    "社会效益",
    "经济效益",
    "生态效益",
    "可持续影响",
    "长效管理",
    "满意度",
    "信息共享",
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "社会效益指标",
    "经济效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
];

fn is_part_label(key: &str) -> bool {
    !key.is_empty() && key.chars().all(|c| "项目构成分解绩效目标".contains(c))
}

fn read_targets(rows: &[Row], d: &mut Declaration, ledger: &mut Ledger) {
    let mut level1: Option<String> = None;
    let mut level2: Option<String> = None;
    let mut in_items = false;
    let mut name_next = false;
    for row in rows {
        if read_part_row(row, d, ledger, &mut name_next) {
            continue;
        }
        let key = row.compact();
        // 项目构成 | 主体活动…描述 | text
        if key.starts_with("项目构成主体活动") || (key.contains("主体活动") && key.contains("描述"))
        {
            for (i, c) in row.cells.iter().enumerate() {
                ledger.take(row.line, c);
                if i >= 2 {
                    put(&mut d.activities, &c.text);
                }
            }
            continue;
        }
        if key.contains("一级目标") && key.contains("三级目标") {
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            continue;
        }
        if key.contains("明细金额") {
            in_items = true;
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            continue;
        }
        if key.starts_with("金额合计") || row.cells.iter().any(|c| c.key() == "金额合计") {
            for c in &row.cells {
                if c.key() == "金额合计" || is_placeholder(&c.text) {
                    ledger.take(row.line, c);
                } else if let (None, Some(n)) =
                    (&d.items_total, num_at(&c.text, row.line, c.column))
                {
                    d.items_total = Some(n);
                    ledger.take(row.line, c);
                } else {
                    ledger.reject(row.line, c, "text in the 金额合计 row");
                }
            }
            in_items = false;
            continue;
        }
        let cells: Vec<&Cell> = row
            .cells
            .iter()
            .filter(|c| {
                if is_part_label(c.key()) && c.column == 0 {
                    ledger.take(row.line, c);
                    false
                } else {
                    true
                }
            })
            .collect();
        if cells.is_empty() {
            continue;
        }
        if in_items {
            read_item(row.line, &cells, d, ledger);
        } else {
            read_target(row.line, &cells, d, ledger, &mut level1, &mut level2);
        }
    }
}

fn read_target(
    line: usize,
    cells: &[&Cell],
    d: &mut Declaration,
    ledger: &mut Ledger,
    level1: &mut Option<String>,
    level2: &mut Option<String>,
) {
    let mut texts: Vec<&Cell> = Vec::new();
    for c in cells {
        let k = c.key();
        if TARGET_LEVEL1.contains(&k) {
            *level1 = Some(k.to_string());
            ledger.take(line, c);
        } else if TARGET_LEVEL2.contains(&k) {
            *level2 = Some(k.to_string());
            ledger.take(line, c);
        } else {
            texts.push(c);
        }
    }
    // name | value | remark, right-aligned; a row with two texts has no remark.
    let (name, value, remark) = match texts.len() {
        0 => return,
        1 => {
            // The rest of the name above, carried over a line.
            if let Some(t) = d.targets.last_mut() {
                if let Some(n) = t.name.as_mut() {
                    n.push_str(&texts[0].text);
                }
                t.lines.push(line);
                ledger.take(line, texts[0]);
                ledger.repair(line, format!("joined to the target of line {}", t.line));
            } else {
                ledger.reject(line, texts[0], "text before the first target");
            }
            return;
        }
        2 => (texts[0], texts[1], None),
        n => {
            for extra in &texts[..n - 3] {
                ledger.reject(line, extra, "a fourth text cell in a target row");
            }
            (texts[n - 3], texts[n - 2], Some(texts[n - 1]))
        }
    };
    for c in [Some(name), Some(value), remark].into_iter().flatten() {
        ledger.take(line, c);
    }
    d.targets.push(Target {
        line,
        lines: vec![line],
        level1: level1.clone(),
        level2: level2.clone(),
        name: Some(name.text.trim().to_string()),
        value: Some(read_measure(value.text.trim())),
        remark: remark.map(|r| r.text.trim().to_string()),
        ..Target::default()
    });
}

fn read_item(line: usize, cells: &[&Cell], d: &mut Declaration, ledger: &mut Ledger) {
    let numbers: Vec<usize> = cells
        .iter()
        .enumerate()
        .filter(|(_, c)| is_number(&c.text))
        .map(|(i, _)| i)
        .collect();
    let Some(&first) = numbers.first() else {
        for c in cells {
            ledger.reject(line, c, "a 项目构成分解 row without an amount");
        }
        return;
    };
    let mut item = LineItem {
        line,
        ..LineItem::default()
    };
    let texts: Vec<&&Cell> = cells[..first].iter().collect();
    let mut slots = [&mut item.project, &mut item.content, &mut item.detail];
    // Texts before the amount, right-aligned: …, 项目名称, 项目内容, 项目明细.
    let skip = 3usize.saturating_sub(texts.len());
    for (slot, c) in slots
        .iter_mut()
        .skip(skip)
        .zip(texts.iter().rev().take(3).rev())
    {
        **slot = Some(c.text.trim().to_string());
        ledger.take(line, c);
    }
    for c in texts.iter().take(texts.len().saturating_sub(3)) {
        ledger.reject(line, c, "a fourth text cell before the amount");
    }
    let num = |i: usize| num_at(&cells[i].text, line, cells[i].column);
    item.amount = num(first);
    ledger.take(line, cells[first]);
    let mut after: Vec<&Cell> = Vec::new();
    let mut numeric_after: Vec<usize> = Vec::new();
    for (i, c) in cells.iter().enumerate().skip(first + 1) {
        if is_number(&c.text) && numeric_after.len() < 2 {
            numeric_after.push(i);
        } else {
            after.push(c);
        }
    }
    if let Some(&i) = numeric_after.first() {
        item.unit_price = num(i);
        ledger.take(line, cells[i]);
    }
    if let Some(&i) = numeric_after.get(1) {
        item.quantity = num(i);
        ledger.take(line, cells[i]);
    }
    // Texts after the numbers: 依据 of the price, 依据 of the quantity, 备注.
    let price_at = numeric_after.first().copied();
    let qty_at = numeric_after.get(1).copied();
    let mut remark_cells: Vec<&Cell> = Vec::new();
    for c in &after {
        let idx = cells.iter().position(|x| std::ptr::eq(*x, *c)).unwrap_or(0);
        let between_price_and_qty =
            matches!((price_at, qty_at), (Some(p), Some(q)) if idx > p && idx < q);
        if between_price_and_qty {
            item.price_basis = Some(c.text.trim().to_string());
            ledger.take(line, c);
        } else {
            remark_cells.push(c);
        }
    }
    if let Some((last, before)) = remark_cells.split_last() {
        item.remark = Some(last.text.trim().to_string());
        ledger.take(line, last);
        for c in before {
            item.quantity_basis = Some(c.text.trim().to_string());
            ledger.take(line, c);
        }
    }
    d.line_items.push(item);
}

fn stage_mark(text: &str) -> Option<bool> {
    if text.contains('✓') || text.contains('√') || text.contains('✔') {
        Some(true)
    } else if text.contains('×') || text.contains('✗') || text.contains('✕') {
        Some(false)
    } else {
        None
    }
}

fn read_safeguards(rows: &[Row], d: &mut Declaration, ledger: &mut Ledger) {
    let mut category: Option<String> = None;
    let mut name_next = false;
    for row in rows {
        if read_part_row(row, d, ledger, &mut name_next) {
            continue;
        }
        let key = row.compact();
        if key.starts_with("制度保障") && key.contains("文件名称") {
            row.cells.iter().for_each(|c| ledger.take(row.line, c));
            continue;
        }
        let mut s = Safeguard {
            line: row.line,
            ..Safeguard::default()
        };
        let mut texts: Vec<&Cell> = Vec::new();
        for c in &row.cells {
            let k = compact(&html_to_text(&c.text));
            if k.contains("阶段") {
                let mark = stage_mark(&c.text);
                if k.contains("立项") {
                    s.stages.planning = mark;
                } else if k.contains("实施") {
                    s.stages.implementation = mark;
                } else if k.contains("收尾") || k.contains("完成") {
                    s.stages.completion = mark;
                }
                ledger.take(row.line, c);
            } else if c.column == 0 && k.ends_with("制度") {
                category = Some(k);
                ledger.take(row.line, c);
            } else {
                texts.push(c);
            }
        }
        let mut it = texts.into_iter();
        if let Some(c) = it.next() {
            s.document = Some(html_to_text(&c.text));
            ledger.take(row.line, c);
        }
        if let Some(c) = it.next() {
            s.measures = Some(html_to_text(&c.text));
            ledger.take(row.line, c);
        }
        for c in it {
            ledger.reject(row.line, c, "a third text cell in a 制度保障 row");
        }
        s.category = category.clone();
        if s.document.is_some() || s.measures.is_some() {
            d.safeguards.push(s);
        }
    }
}

/// Reads one declaration from its parts, in printed order.
pub(crate) fn read(parts: &[(Part, &[Row])]) -> Declaration {
    let slices: Vec<&[Row]> = parts.iter().map(|(_, rows)| *rows).collect();
    let span = |rows: &[Row]| LineSpan {
        start: rows.first().map_or(0, |r| r.line),
        end: rows.last().map_or(0, |r| r.line),
    };
    let whole = LineSpan {
        start: slices.iter().find_map(|r| r.first()).map_or(0, |r| r.line),
        end: slices
            .iter()
            .rev()
            .find_map(|r| r.last())
            .map_or(0, |r| r.line),
    };
    let mut d = Declaration::empty(whole, slices.iter().map(|r| span(r)).collect());
    let mut ledger = Ledger::for_parts(&slices);
    for (part, rows) in parts {
        match part {
            Part::Overview => read_overview(rows, &mut d, &mut ledger),
            Part::Targets => read_targets(rows, &mut d, &mut ledger),
            Part::Safeguards => read_safeguards(rows, &mut d, &mut ledger),
        }
    }
    if d.project_name.is_none() {
        d.project_name = parts.iter().find_map(|(_, rows)| project_name_of(rows));
    }
    for (field, missing) in [
        ("project_name", d.project_name.is_none()),
        ("funds.annual_budget", d.funds.annual_budget.is_none()),
        (
            "items_total",
            d.items_total.is_none() && !d.line_items.is_empty(),
        ),
    ] {
        if missing {
            ledger.miss(field, "not printed legibly in this declaration");
        }
    }
    let present: Vec<Part> = parts.iter().map(|(p, _)| *p).collect();
    for (p, name) in [
        (Part::Overview, "项目总体情况"),
        (Part::Targets, "绩效目标"),
        (Part::Safeguards, "制度保障"),
    ] {
        if !present.contains(&p) {
            ledger.miss(
                format!("parts.{name}"),
                format!("the {name} part of this project is not in the document"),
            );
        }
    }
    let (unmapped, cells, missing, repairs) = ledger.finish_parts(&slices);
    d.unmapped = unmapped;
    d.cells = cells;
    d.missing = missing;
    d.repairs = repairs;
    d
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checkbox_before_its_label() {
        let t = r#"<input type="checkbox"/> 一次性项目 <input checked="" type="checkbox"/> 经常性项目 <input type="checkbox"/> 中期预算试点项目"#;
        assert_eq!(category(t), Some(ProjectCategory::Recurring));
    }

    #[test]
    fn checkbox_after_its_label() {
        let t = r#"一次性项目 <input type="checkbox"/> 经常性项目 <input checked="" type="checkbox"/> 中期预算试点项目 <input type="checkbox"/>"#;
        assert_eq!(category(t), Some(ProjectCategory::Recurring));
        let t =
            r#"<input checked="" type="checkbox"/> 一次性项目 <input type="checkbox"/> 经常性项目"#;
        assert_eq!(category(t), Some(ProjectCategory::OneOff));
    }

    #[test]
    fn approval_markers() {
        let a = approval("依据:依据:某文件 必要性:很必要 可行性:可行");
        assert_eq!(a.basis.as_deref(), Some("某文件"));
        assert_eq!(a.necessity.as_deref(), Some("很必要"));
        assert_eq!(a.feasibility.as_deref(), Some("可行"));
        assert_eq!(a.text, None);
    }

    #[test]
    fn stage_marks() {
        assert_eq!(stage_mark("立项和计划阶段 √"), Some(true));
        assert_eq!(stage_mark("实施阶段 ×"), Some(false));
        assert_eq!(stage_mark("收尾和完成阶段 ✓"), Some(true));
        assert_eq!(stage_mark("实施阶段"), None);
    }
}
