//! Properties of the template engine that must hold for every form: the
//! record does not depend on the order of the columns, on which synonym a
//! header uses, on a header printed over two cells, or on a column the
//! template does not know (provenance aside).

use jixiao_extract::{read_document, Form, SelfEvaluation};
use proptest::prelude::*;

const FUNDS: [(&str, &[&str]); 6] = [
    ("initial_budget", &["年初预算数", "年初预算"]),
    ("adjusted_budget", &["全年预算数", "调整后预算数"]),
    ("executed", &["全年执行数", "预算执行数"]),
    ("weight", &["分值", "权重"]),
    ("execution_rate", &["执行率", "预算执行率"]),
    ("score", &["得分", "执行率得分"]),
];

const INDICATORS: [(&str, &[&str]); 8] = [
    ("level1", &["一级指标"]),
    ("level2", &["二级指标"]),
    ("name", &["三级指标", "指标名称"]),
    ("target", &["年度指标值", "目标值"]),
    ("actual", &["实际完成值", "全年实际值"]),
    ("weight", &["分值", "指标分值"]),
    ("score", &["得分", "自评得分"]),
    (
        "deviation_reason",
        &["偏差原因分析及改进措施", "未完成原因分析"],
    ),
];

const NAMES: [&str; 6] = [
    "设备数量",
    "培训人次",
    "验收合格率",
    "完成及时率",
    "群众受益率",
    "服务对象满意度",
];
const LEVELS: [(&str, &str); 3] = [
    ("产出指标", "数量指标"),
    ("效益指标", "社会效益指标"),
    ("满意度指标", "服务对象满意度指标"),
];

/// One indicator row's cells by column meaning.
fn indicator_cells(i: usize, weight: u32, score: u32) -> Vec<(&'static str, String)> {
    let (l1, l2) = LEVELS[i % 3];
    let first = i < 3 || i % 2 == 0;
    vec![
        ("level1", if first { l1.to_string() } else { String::new() }),
        ("level2", if first { l2.to_string() } else { String::new() }),
        ("name", NAMES[i].to_string()),
        ("target", format!("≥{}%", 80 + i)),
        ("actual", format!("{}%", 85 + i)),
        ("weight", weight.to_string()),
        ("score", score.min(weight).to_string()),
        (
            "deviation_reason",
            if score < weight {
                "未完全达标".into()
            } else {
                String::new()
            },
        ),
    ]
}

/// How the form is printed: the order of its columns, the synonym of each
/// header, a header split over two cells, an extra column.
#[derive(Debug, Clone)]
struct Printing {
    funds_order: Vec<usize>,
    indicator_order: Vec<usize>,
    synonym: Vec<usize>,
    split: Option<usize>,
    unknown: Option<usize>,
}

fn header_word(words: &[&str], pick: usize) -> String {
    words[pick % words.len()].to_string()
}

fn form_text(p: &Printing, weights: &[u32], scores: &[u32], amounts: &[u32]) -> String {
    let mut out = String::from("项目支出绩效自评表\n(2022年度)\n项目名称\t示例项目\n");
    // Funds: the label column first, the value columns in any order.
    let funds: Vec<usize> = p.funds_order.clone();
    let mut head = vec!["项目资金(万元)".to_string(), String::new()];
    head.extend(funds.iter().map(|&k| header_word(FUNDS[k].1, p.synonym[k])));
    out.push_str(&head.join("\t"));
    out.push('\n');
    let budget = amounts[0] as f64 + 100.0;
    let executed = budget * 0.9;
    let values = |k: usize| match FUNDS[k].0 {
        "initial_budget" | "adjusted_budget" => format!("{budget:.2}"),
        "executed" => format!("{executed:.2}"),
        "weight" => "10".into(),
        "execution_rate" => "90.00%".into(),
        _ => "9".into(),
    };
    for label in ["年度资金总额", "其中:当年财政拨款"] {
        let mut row = vec![String::new(), label.to_string()];
        row.extend(funds.iter().map(|&k| values(k)));
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    // Indicators: every column in any order, perhaps one header split and
    // one unknown column added.
    let mut order: Vec<String> = p
        .indicator_order
        .iter()
        .map(|&k| INDICATORS[k].0.to_string())
        .collect();
    if let Some(at) = p.unknown {
        order.insert(at % (order.len() + 1), "extra".into());
    }
    let mut head: Vec<String> = Vec::new();
    for m in &order {
        let word = match INDICATORS.iter().position(|(f, _)| f == m) {
            Some(k) => header_word(INDICATORS[k].1, p.synonym[k]),
            None => "备用栏目".to_string(),
        };
        head.push(word);
    }
    let mut split_at = None;
    if let Some(s) = p.split {
        let k = s % head.len();
        let word = head[k].clone();
        if word.chars().count() >= 4 && word != "备用栏目" {
            let cut: String = word.chars().take(2).collect();
            let rest: String = word.chars().skip(2).collect();
            head[k] = cut;
            head.insert(k + 1, rest);
            split_at = Some(k);
        }
    }
    out.push_str(&head.join("\t"));
    out.push('\n');
    for i in 0..weights.len() {
        let cells = indicator_cells(i, weights[i], scores[i]);
        let mut row: Vec<String> = Vec::new();
        for (k, m) in order.iter().enumerate() {
            let v = cells
                .iter()
                .find(|(f, _)| f == m)
                .map_or(String::new(), |(_, v)| v.clone());
            row.push(if m == "extra" {
                format!("备用{i}")
            } else {
                v
            });
            if split_at == Some(k) {
                row.push(String::new());
            }
        }
        out.push_str(&row.join("\t"));
        out.push('\n');
    }
    let total: u32 = weights.iter().sum::<u32>() + 10;
    out.push_str(&format!("总分\t{total}\n"));
    out
}

/// The record without provenance: what a property compares.
fn projection(f: &SelfEvaluation) -> String {
    let funds: Vec<String> = f
        .funds
        .iter()
        .map(|r| {
            let v = |n: &Option<jixiao_extract::Num>| n.as_ref().map(|n| n.value.to_string());
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                r.row,
                v(&r.initial_budget),
                v(&r.adjusted_budget),
                v(&r.executed),
                v(&r.weight),
                v(&r.execution_rate),
                v(&r.score)
            )
        })
        .collect();
    let inds: Vec<String> = f
        .indicators
        .iter()
        .map(|i| {
            format!(
                "{:?} {:?} {:?} {:?} {:?} {:?} {:?} {:?}",
                i.level1,
                i.level2,
                i.name,
                i.target.as_ref().map(|m| &m.text),
                i.actual.as_ref().map(|m| &m.text),
                i.weight.as_ref().map(|n| n.value),
                i.score.as_ref().map(|n| n.value),
                i.deviation_reason
            )
        })
        .collect();
    format!(
        "{:?} {:?} {funds:?} {inds:?} {:?}",
        f.year,
        f.unit,
        f.total_score
            .as_ref()
            .or(f.total_weight.as_ref())
            .map(|n| n.value)
    )
}

fn read(text: &str) -> SelfEvaluation {
    let doc = read_document(text);
    match doc.forms.into_iter().next() {
        Some(Form::SelfEvaluation(f)) => f,
        other => panic!("not a self-evaluation: {other:?}\n{text}"),
    }
}

fn plain() -> Printing {
    Printing {
        funds_order: (0..6).collect(),
        indicator_order: (0..8).collect(),
        synonym: vec![0; 8],
        split: None,
        unknown: None,
    }
}

fn printing() -> impl Strategy<Value = Printing> {
    (
        Just((0..6).collect::<Vec<usize>>()).prop_shuffle(),
        Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        proptest::collection::vec(0usize..2, 8),
        proptest::option::of(0usize..10),
        proptest::option::of(0usize..10),
    )
        .prop_map(
            |(funds_order, indicator_order, synonym, split, unknown)| Printing {
                funds_order,
                indicator_order,
                synonym,
                split,
                unknown,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn how_a_form_is_printed_does_not_change_its_record(
        p in printing(),
        weights in proptest::collection::vec(5u32..30, 3..6),
        scores in proptest::collection::vec(0u32..30, 6),
        amounts in proptest::collection::vec(0u32..5000, 1),
    ) {
        let base = read(&form_text(&plain(), &weights, &scores, &amounts));
        prop_assert_eq!(base.indicators.len(), weights.len(), "{:?}", base.unmapped);
        let varied_text = form_text(&p, &weights, &scores, &amounts);
        let varied = read(&varied_text);
        prop_assert_eq!(projection(&varied), projection(&base), "{}", varied_text);
        // Nothing the variant prints is lost: the unknown column's cells are
        // listed, and nothing else is.
        let extra = varied.unmapped.iter().filter(|u| u.text.starts_with("备用")).count();
        let expected = if p.unknown.is_some() { weights.len() + 1 } else { 0 };
        prop_assert_eq!(extra, expected, "{:?}", varied.unmapped);
        prop_assert_eq!(varied.unmapped.len(), extra, "{:?}", varied.unmapped);
    }
}
