//! Focused tests of the relations inside disclosure prose printed without
//! markup: parts after `其中:`, shares of a whole, shares that add to more
//! than the whole.

mod common;
use common::{findings, with_cell};

/// Prose as a PDF or a web page prints it: numbered headings, one
/// paragraph per line, amounts in 元.
const TEXT: &str = "\
五、一般公共预算支出情况说明
(二)按支出结构分类划分,分为基本支出预算和项目支出预算。
1. 基本支出预算 1000 元,占一般公共预算支出的80%,同比减少 10 元。其中:
工资福利支出预算 600 元,占基本支出预算60%,同比增加 5 元。
商品和服务支出预算 400 元,占基本支出预算40%,同比减少 15 元。
2. 项目支出 250 元,占一般公共预算支出的 20%,同比增加 7 元。
";

#[test]
fn prose_that_agrees_gets_no_finding() {
    let doc = jixiao_extract::read_document(TEXT);
    assert!(
        doc.forms.iter().any(|f| f.as_narrative().is_some()),
        "read as prose: {doc:#?}"
    );
    assert_eq!(findings(TEXT), Vec::new());
}

#[test]
fn a_part_altered_breaks_the_sum() {
    let f = findings(&with_cell(
        TEXT,
        5,
        0,
        "商品和服务支出预算 500 元,占基本支出预算40%,同比减少 15 元。",
    ));
    let checks: Vec<(&str, Option<&str>, Option<&str>)> = f
        .iter()
        .map(|f| (f.check, f.printed.as_deref(), f.computed.as_deref()))
        .collect();
    // The sum, and the share of the altered part (500 ÷ 1000 is not 40%).
    assert_eq!(
        checks,
        vec![
            ("narrative.sum", Some("1000"), Some("1100")),
            ("narrative.share", Some("40"), Some("50")),
        ],
        "{f:#?}"
    );
}

#[test]
fn shares_of_one_whole_past_100_percent_are_a_warning() {
    let f = findings(&with_cell(
        TEXT,
        6,
        0,
        "2. 项目支出 250 元,占一般公共预算支出的 25%,同比增加 7 元。",
    ));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "narrative.share");
    assert_eq!(f[0].severity, jixiao_validate::Severity::Warning);
    assert_eq!(f[0].printed.as_deref(), Some("25"));
    assert_eq!(f[0].computed.as_deref(), Some("20"));
}

#[test]
fn a_share_rounded_up_is_a_warning_that_says_so() {
    let text = with_cell(
        TEXT,
        4,
        0,
        "工资福利支出预算 600.05 元,占基本支出预算60.01%,同比增加 5 元。",
    );
    let text = with_cell(
        &text,
        3,
        0,
        "1. 基本支出预算 1000.05 元,占一般公共预算支出的80%,同比减少 10 元。其中:",
    );
    let f = findings(&text);
    let share: Vec<_> = f.iter().filter(|f| f.check == "narrative.share").collect();
    assert_eq!(share.len(), 1, "{f:#?}");
    assert_eq!(share[0].severity, jixiao_validate::Severity::Warning);
    assert!(
        share[0].message.contains("rounded up"),
        "{}",
        share[0].message
    );
}
