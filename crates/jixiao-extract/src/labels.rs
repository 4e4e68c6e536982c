//! Label/value rows: `项目名称 | 名称 | … | 教研局`, `主管 | 部门 | 上海市 | …`,
//! and a whole header line flattened into one cell
//! (`项目名称 X 主管部门 Y 实施单位`).

use crate::ledger::Ledger;
use crate::rows::{compact, Cell, Row};
use regex::Regex;
use std::sync::OnceLock;

/// The header labels of a self-evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum HeaderLabel {
    ProjectName,
    Department,
    ImplementingUnit,
    BudgetUnit,
}

const LABELS: &[(&str, HeaderLabel)] = &[
    ("项目名称", HeaderLabel::ProjectName),
    ("主管部门", HeaderLabel::Department),
    ("实施单位", HeaderLabel::ImplementingUnit),
    ("预算单位", HeaderLabel::BudgetUnit),
];

fn inline_labels() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        let alts: Vec<String> = LABELS
            .iter()
            .map(|(l, _)| {
                l.chars()
                    .map(|c| c.to_string())
                    .collect::<Vec<_>>()
                    .join(r"\s*")
            })
            .collect();
        Regex::new(&format!(r"({})\s*[:：]?", alts.join("|"))).expect("label pattern")
    })
}

fn label_of(compact_text: &str) -> Option<HeaderLabel> {
    let t = compact_text.trim_end_matches([':', '：']);
    LABELS.iter().find(|(l, _)| *l == t).map(|(_, k)| *k)
}

/// The label that the cells starting at `i` spell out, and how many cells it takes.
fn label_at(cells: &[Cell], i: usize) -> Option<(HeaderLabel, usize)> {
    let mut joined = String::new();
    for (k, cell) in cells.iter().enumerate().skip(i).take(3) {
        joined.push_str(cell.key());
        if let Some(label) = label_of(&joined) {
            return Some((label, k - i + 1));
        }
        let is_prefix = LABELS.iter().any(|(l, _)| l.starts_with(joined.as_str()));
        if !is_prefix {
            return None;
        }
    }
    None
}

fn out_len_marker(out: &[LabelValue]) -> usize {
    out.len()
}

/// Values found for labels in one row, in order.
pub(crate) struct LabelValue {
    pub label: HeaderLabel,
    pub text: String,
}

/// Reads the label/value pairs of `row`, marking label and value cells as taken.
/// Fragments of a label that stand after it (`实施单位 | 位`) are rejected.
pub(crate) fn scan_labels(row: &Row, ledger: &mut Ledger) -> Vec<LabelValue> {
    let mut out: Vec<LabelValue> = Vec::new();
    let mut current: Option<(HeaderLabel, &'static str)> = None;
    let cells = &row.cells;
    let mut i = 0;
    let mut last_piece: Option<(usize, String, Cell)> = None;
    while i < cells.len() {
        if let Some((label, used)) = label_at(cells, i) {
            last_piece = None;
            for c in &cells[i..i + used] {
                ledger.take(row.line, c);
            }
            let name = LABELS
                .iter()
                .find(|(_, k)| *k == label)
                .map(|(l, _)| *l)
                .unwrap_or("");
            current = Some((label, name));
            out.push(LabelValue {
                label,
                text: String::new(),
            });
            i += used;
            continue;
        }
        let cell = &cells[i];
        i += 1;
        let text = cell.text.as_str();
        let c = compact(text);
        if let Some((_, name)) = current {
            let is_fragment = !c.is_empty()
                && c.chars().count() < name.chars().count()
                && name.ends_with(c.as_str())
                && out.last().is_some_and(|v| v.text.is_empty());
            if is_fragment {
                ledger.reject(row.line, cell, "fragment of the label before it");
                continue;
            }
        }
        // Labels inside the cell text.
        let mut pos = 0;
        let mut found_inline = false;
        for m in inline_labels().find_iter(text) {
            // The pattern matches only labels; a text it matches that
            // names none (whitespace the pattern lets through) is text.
            let Some(label) = label_of(&compact(m.as_str())) else {
                continue;
            };
            found_inline = true;
            let before = text[pos..m.start()].trim();
            if !before.is_empty() {
                if let Some(last) = out.last_mut() {
                    last.text.push_str(before);
                }
            }
            let name = LABELS
                .iter()
                .find(|(_, k)| *k == label)
                .map(|(l, _)| *l)
                .unwrap_or("");
            current = Some((label, name));
            out.push(LabelValue {
                label,
                text: String::new(),
            });
            pos = m.end();
        }
        let rest = text[pos..].trim();
        match out.last_mut() {
            Some(_) => {
                if !rest.is_empty() {
                    // A second text layer repeats the start of the next cell
                    // (`男童 | 男童合唱团经费`): keep the whole one only.
                    if let Some(prev) = last_piece.take().filter(|(l, p, _)| {
                        *l == out_len_marker(&out)
                            && !p.is_empty()
                            && compact(rest).starts_with(&compact(p))
                            && compact(rest) != compact(p)
                    }) {
                        let (_, p, prev_cell) = prev;
                        let last = out.last_mut().expect("label present");
                        last.text.truncate(last.text.len() - p.len());
                        ledger.reject(
                            row.line,
                            &prev_cell,
                            "repeats the start of the next cell (second text layer)",
                        );
                    }
                    let last = out.last_mut().expect("label present");
                    last.text.push_str(rest);
                    last_piece = Some((out_len_marker(&out), rest.to_string(), cell.clone()));
                }
                ledger.take(row.line, cell);
            }
            None if found_inline => ledger.take(row.line, cell),
            None => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rows::read_rows;

    fn scan(line: &str) -> Vec<(HeaderLabel, String)> {
        let rows = read_rows(line);
        let mut ledger = Ledger::default();
        scan_labels(&rows[0], &mut ledger)
            .into_iter()
            .map(|v| (v.label, v.text))
            .collect()
    }

    #[test]
    fn split_labels_and_values() {
        let got = scan(
            "主管\t部门\t上海市\t闵行区教育局(汇\t总)\t实施单位\t位\t上海\t市闵行区教育\t学院",
        );
        assert_eq!(
            got,
            vec![
                (HeaderLabel::Department, "上海市闵行区教育局(汇总)".into()),
                (HeaderLabel::ImplementingUnit, "上海市闵行区教育学院".into()),
            ]
        );
    }

    #[test]
    fn labels_inside_one_cell() {
        let got =
            scan("项目名称 信息化-系统(2024 主管部门 上海市闵行区教育局(汇总) 实施单位\t\t信息");
        assert_eq!(
            got[0],
            (HeaderLabel::ProjectName, "信息化-系统(2024".into())
        );
        assert_eq!(
            got[1],
            (HeaderLabel::Department, "上海市闵行区教育局(汇总)".into())
        );
        assert_eq!(got[2], (HeaderLabel::ImplementingUnit, "信息".into()));
    }

    #[test]
    fn full_width_colon() {
        let got = scan("项目名称：\t电子书包\t预算单位：\t上海市闵行区教育学院");
        assert_eq!(got[0], (HeaderLabel::ProjectName, "电子书包".into()));
        assert_eq!(
            got[1],
            (HeaderLabel::BudgetUnit, "上海市闵行区教育学院".into())
        );
    }
}
