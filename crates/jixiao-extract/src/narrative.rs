//! The prose of a budget disclosure (单位预算编制说明, 其他相关情况说明):
//! its sections and paragraphs, and every figure it states in 万元 with
//! what it is a figure of, so that it can be held against the tables.

use crate::ledger::Ledger;
use crate::model::*;
use crate::number::{num_at, Num};
use crate::rows::Row;
use regex::Regex;
use std::sync::OnceLock;

fn amount_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"(\d+(?:\.\d+)?)\s*(万元|元)").expect("amount pattern"))
}

/// `占一般公共预算支出的84.06%`, `占基本支出预算 18.76%`: a share right after
/// an amount.
fn share_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^\s*[，,]\s*占([^，,。；;%\d]{2,24}?)的?\s*(\d+(?:\.\d+)?)\s*%")
            .expect("share pattern")
    })
}

/// A heading printed as such: a short line opening with its number
/// (`六、一般公共预算基本支出情况说明`, `（一）…`), no figure in it.
fn is_heading(text: &str) -> bool {
    let t = text.trim();
    let numbered = t.split_once('、').is_some_and(|(n, _)| {
        !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
    }) || t
        .strip_prefix(['（', '('])
        .and_then(|r| r.split_once(['）', ')']))
        .is_some_and(|(n, _)| {
            !n.is_empty() && n.chars().all(|c| "一二三四五六七八九十".contains(c))
        });
    numbered && t.chars().count() <= 40 && amount_re().find(t).is_none()
}

fn change_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^[，,。]?\s*比(\d{4})年(?:预算)?(?:(减少|增加)(\d+(?:\.\d+)?)\s*万元(?:[，,]\s*(下降|增长|上升)(\d+(?:\.\d+)?)%)?|(持平))")
            .expect("change pattern")
    })
}

fn count_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"项目共(\d+)个").expect("count pattern"))
}

/// What a figure is about: the words before it in its clause
/// (`基本支出预算`, `“教师进修”科目`, `公务接待费`).
fn subject_before(text: &str, at: usize) -> String {
    let head = &text[..at];
    let start = head
        .char_indices()
        .rev()
        .find(|(_, c)| matches!(c, '，' | ',' | '。' | '；' | ';' | '：' | ':' | '、' | '\n'))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let subject = head[start..].trim();
    // `（一）因公出国（境）费`: drop the enumeration (`1、` ends at the separator).
    let subject = match subject
        .strip_prefix(['（', '('])
        .and_then(|r| r.split_once(['）', ')']))
    {
        Some((num, rest))
            if !num.is_empty()
                && num
                    .chars()
                    .all(|c| "一二三四五六七八九十".contains(c) || c.is_ascii_digit()) =>
        {
            rest
        }
        _ => subject,
    };
    // `1. 基本支出预算`: drop a numbering with a full stop, too.
    let subject = subject
        .split_once(['.', '．'])
        .filter(|(n, _)| !n.is_empty() && n.chars().all(|c| c.is_ascii_digit()))
        .map_or(subject, |(_, rest)| rest.trim_start());
    subject.trim_end_matches(['为', ' ']).to_string()
}

/// A paragraph as printed: its first line and column, and its text.
struct Para {
    line: usize,
    column: usize,
    text: String,
}

/// Whether a line starts a numbered paragraph (`1.`, `2、`, `3．`).
fn numbered(text: &str) -> bool {
    text.trim()
        .split_once(['.', '．', '、'])
        .is_some_and(|(d, _)| !d.is_empty() && d.chars().all(|c| c.is_ascii_digit()))
}

/// The rows joined into the paragraphs they print. A PDF's text layer
/// breaks a paragraph into lines; a line continues the paragraph above when
/// that one stops inside a sentence (no `。；：` or other end mark) and the
/// line starts no heading, numbered paragraph or list item of its own. A paragraph
/// that is a row of a text file (one line each) stays as it is.
fn paragraphs(rows: &[Row]) -> Vec<Para> {
    let mut out: Vec<Para> = Vec::new();
    let mut open = false;
    for row in rows {
        let text = row.joined(" ");
        // A heading, a numbered paragraph or a list item (`- `, `• `).
        let starts_own = text.starts_with(['#', '-', '*', '•', '·', '●', '○', '■'])
            || is_heading(&text)
            || numbered(&text);
        match out.last_mut() {
            Some(last) if open && !starts_own => {
                let glue = last.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if glue {
                    last.text.push(' ');
                }
                last.text.push_str(&text);
            }
            _ => out.push(Para {
                line: row.line,
                column: row.cells[0].column,
                text,
            }),
        }
        let last = out.last().map_or("", |p| p.text.trim_end());
        let ended = last.ends_with(['。', '；', ';', '：', ':', '！', '!', '？', '?', '）', ')']);
        open = !(ended || last.starts_with('#') || is_heading(last));
    }
    out
}

/// Whether a figure's subject names a change from the year before
/// (`同比减少`, `比上年增加`, `增长`), not an amount of its own.
fn is_change(subject: &str) -> bool {
    let s = crate::rows::squeeze(subject);
    let s = s.trim_end_matches('了');
    ["增加", "减少", "增长", "下降"]
        .iter()
        .any(|w| s.ends_with(w))
}

/// Reads the figures of one paragraph.
fn figures(text: &str, line: usize, column: usize, out: &mut Vec<NarrativeFigure>) {
    // Amounts inside a change clause (`比2019年预算减少38.45万元`) belong to
    // the figure before them.
    let mut skip_until = 0;
    for m in amount_re().captures_iter(text) {
        let whole = m.get(0).expect("match");
        if whole.start() < skip_until {
            continue;
        }
        let raw = &m[1];
        let Some(amount) = num_at(raw, line, column) else {
            continue;
        };
        let unit = if &m[2] == "元" {
            MoneyUnit::Yuan
        } else {
            MoneyUnit::WanYuan
        };
        let mut fig = NarrativeFigure {
            line,
            subject: subject_before(text, whole.start()),
            amount,
            unit,
            compared_year: None,
            change: None,
            change_percent: None,
            text: String::new(),
            share: None,
            share_of: None,
            parts: Vec::new(),
        };
        let after = &text[whole.end()..];
        if let Some(c) = share_re().captures(after) {
            fig.share = num_at(&c[2], line, column);
            fig.share_of = Some(c[1].trim().to_string());
        }
        if let Some(c) = change_re().captures(after) {
            skip_until = whole.end() + c.get(0).map_or(0, |m| m.end());
            fig.compared_year = c[1].parse().ok();
            if c.get(6).is_some() {
                fig.change = num_at("0", line, column);
            } else if let Some(delta) = c.get(3) {
                let signed = if &c[2] == "减少" {
                    format!("-{}", delta.as_str())
                } else {
                    delta.as_str().to_string()
                };
                fig.change = num_at(&signed, line, column).map(|n| Num {
                    raw: c[0]
                        .trim_start_matches(['，', ',', '。'])
                        .trim()
                        .to_string(),
                    ..n
                });
                if let (Some(dir), Some(p)) = (c.get(4), c.get(5)) {
                    let signed = if dir.as_str() == "下降" {
                        format!("-{}", p.as_str())
                    } else {
                        p.as_str().to_string()
                    };
                    fig.change_percent = num_at(&signed, line, column);
                }
            }
        }
        let sentence_end = after
            .find(['。', '；'])
            .map_or(text.len(), |e| whole.end() + e);
        fig.text = text[..sentence_end]
            .rsplit(['。', '；', '\n'])
            .next()
            .unwrap_or("")
            .trim()
            .to_string();
        out.push(fig);
    }
    // `无机关运行经费`: a figure of nothing.
    if let Some(p) = text.find("无机关运行经费") {
        // `无` is none at all: exact, unlike a printed `0`.
        if let Some(zero) = num_at("0.00", line, column) {
            out.push(NarrativeFigure {
                line,
                subject: "机关运行经费".into(),
                amount: Num {
                    raw: "无".into(),
                    ..zero
                },
                unit: MoneyUnit::WanYuan,
                compared_year: None,
                change: None,
                change_percent: None,
                text: text[..p + "无机关运行经费".len()].trim().to_string(),
                share: None,
                share_of: None,
                parts: Vec::new(),
            });
        }
    }
}

/// Reads the prose of a disclosure from its rows.
pub(crate) fn read(rows: &[Row]) -> Narrative {
    let mut ledger = Ledger::for_rows(rows);
    let mut n = Narrative {
        lines: LineSpan {
            start: rows.first().map_or(0, |r| r.line),
            end: rows.last().map_or(0, |r| r.line),
        },
        sections: Vec::new(),
        figures: Vec::new(),
        project_count: None,
        unmapped: Vec::new(),
        cells: CellCount::default(),
    };
    // A figure whose sentence ends in `其中:`: the first figure of each
    // paragraph below it, up to the next heading or numbered paragraph.
    let mut whole: Option<usize> = None;
    for row in rows {
        row.cells.iter().for_each(|c| ledger.take(row.line, c));
    }
    for para in paragraphs(rows) {
        let Para { line, column, text } = para;
        let heading = text
            .strip_prefix('#')
            .map(|h| h.trim_start_matches('#').trim().to_string())
            .or_else(|| is_heading(&text).then(|| text.trim().to_string()));
        if let Some(heading) = heading {
            whole = None;
            n.sections.push(NarrativeSection {
                line,
                heading: Some(heading),
                paragraphs: Vec::new(),
            });
            continue;
        }
        if n.sections.is_empty() {
            n.sections.push(NarrativeSection {
                line,
                heading: None,
                paragraphs: Vec::new(),
            });
        }
        let first = n.figures.len();
        figures(&text, line, column, &mut n.figures);
        if numbered(&text) {
            whole = None;
        }
        // A change (`同比减少13900元`) is no level: neither a whole nor one
        // of its parts.
        let level = (first..n.figures.len()).find(|&i| !is_change(&n.figures[i].subject));
        if let (Some(w), Some(part)) = (whole, level) {
            n.figures[w].parts.push(part);
        }
        let opens = text.trim_end().ends_with("其中:") || text.trim_end().ends_with("其中：");
        if opens {
            whole = level;
        }
        if let Some(c) = count_re().captures(&text) {
            n.project_count = num_at(&c[1], line, column);
        }
        n.sections
            .last_mut()
            .expect("a section")
            .paragraphs
            .push(Paragraph { line, text });
    }
    let (unmapped, cells, _, _) = ledger.finish(rows);
    n.unmapped = unmapped;
    n.cells = cells;
    n
}

/// Whether a stretch of rows is disclosure prose: text under a heading, or
/// lines of one cell (three in four at least) with a paragraph among them
/// and an amount stated.
pub(crate) fn is_prose(rows: &[Row]) -> bool {
    if rows.iter().any(|r| r.compact().starts_with('#')) {
        return true;
    }
    let single = rows.iter().filter(|r| r.cells.len() == 1).count();
    let with_amounts = rows
        .iter()
        .filter(|r| r.cells.len() == 1 && amount_re().is_match(&r.cells[0].text))
        .count();
    let paragraphs = rows
        .iter()
        .filter(|r| r.cells.len() == 1 && r.cells[0].text.chars().count() >= 40)
        .count();
    single * 4 >= rows.len() * 3 && with_amounts >= 1 && paragraphs >= 1
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Prose as a PDF's text layer gives it: paragraphs wrapped into lines,
    /// a change word cut at a wrap (`同比增` / `加40 元`).
    const WRAPPED: &str = "2. 项目支出 500 元,占一般公共预算支出的 20%,
同比增加 70 元 ,增长 16.3%。其中:
工资福利支出 100 元,占项目支出预算 20%,同比
增加 100 元。
资本性支出 400 元,占项目支出预算 80%,同比增
加40 元,增长 11%。
- 一、列表项
- 二、另一项";

    #[test]
    fn wrapped_lines_are_joined_into_the_paragraphs_they_print() {
        let n = read(&crate::rows::read_rows(WRAPPED));
        let texts: Vec<&str> = n.sections[0]
            .paragraphs
            .iter()
            .map(|p| p.text.as_str())
            .collect();
        assert_eq!(
            texts,
            [
                "2. 项目支出 500 元,占一般公共预算支出的 20%,同比增加 70 元 ,增长 16.3%。其中:",
                "工资福利支出 100 元,占项目支出预算 20%,同比增加 100 元。",
                "资本性支出 400 元,占项目支出预算 80%,同比增加40 元,增长 11%。",
                "- 一、列表项",
                "- 二、另一项",
            ]
        );
        assert_eq!(n.sections[0].paragraphs[1].line, 3);
    }

    #[test]
    fn changes_are_neither_wholes_nor_parts() {
        let n = read(&crate::rows::read_rows(WRAPPED));
        let amount = |i: usize| n.figures[i].amount.value.to_string();
        let whole = n.figures.iter().position(|f| !f.parts.is_empty()).unwrap();
        assert_eq!(amount(whole), "500");
        let parts: Vec<String> = n.figures[whole].parts.iter().map(|&p| amount(p)).collect();
        assert_eq!(parts, ["100", "400"]);
        assert!(is_change("同比增加") && is_change("比上年减少") && is_change("下降"));
        assert!(!is_change("商品和服务支出") && !is_change("增加值"));
    }

    #[test]
    fn figures_with_subjects_and_changes() {
        let mut out = Vec::new();
        figures(
            "财政拨款支出预算中，基本支出预算5423.36万元，比2019年预算减少38.45万元，下降0.7%，主要原因是人员减少；项目支出预算5049.99万元。",
            1,
            0,
            &mut out,
        );
        assert_eq!(out[0].subject, "基本支出预算");
        assert_eq!(out[0].amount.value.to_string(), "5423.36");
        assert_eq!(out[0].compared_year, Some(2019));
        assert_eq!(out[0].change.as_ref().unwrap().value.to_string(), "-38.45");
        assert_eq!(
            out[0].change_percent.as_ref().unwrap().value.to_string(),
            "-0.7"
        );
        // The change is a figure of its own, but of the same subject.
        assert_eq!(out.last().unwrap().subject, "项目支出预算");
    }

    #[test]
    fn enumerated_subjects() {
        let mut out = Vec::new();
        figures(
            "（一）因公出国（境）费0万元，比2019年预算减少80万元，主要原因是因公出国经费减少。",
            1,
            0,
            &mut out,
        );
        assert_eq!(out[0].subject, "因公出国（境）费");
        let mut out = Vec::new();
        figures(
            "1、“教师进修”科目3845.19万元，主要用于保障正常运行",
            1,
            0,
            &mut out,
        );
        assert_eq!(out[0].subject, "“教师进修”科目");
    }
}
