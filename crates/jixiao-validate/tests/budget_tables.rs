//! Budget tables by their structure: rows keyed by 类/款/项 codes under a
//! header are a budget table whatever the title says, the national
//! template's titles name their kind, and the hierarchy is checked.

mod common;
use common::{findings, with_cell};
use jixiao_extract::{BudgetTableKind, Form};

/// A 一般公共预算支出表 as the national template prints it, codes and names
/// in one column each.
fn table(title: &str) -> String {
    format!(
        "{title}\n单位:万元\n科目编码\t科目名称\t合计\t基本支出\t项目支出\n\
         205\t教育支出\t300.00\t200.00\t100.00\n\
         20502\t普通教育\t300.00\t200.00\t100.00\n\
         2050201\t学前教育\t120.00\t80.00\t40.00\n\
         2050202\t小学教育\t180.00\t120.00\t60.00\n"
    )
}

fn kind_of(text: &str) -> Option<BudgetTableKind> {
    jixiao_extract::read_document(text)
        .forms
        .iter()
        .find_map(|f| match f {
            Form::BudgetTable(t) => Some(t.table),
            _ => None,
        })
}

#[test]
fn a_coded_table_is_a_budget_table_whatever_its_title() {
    assert_eq!(
        kind_of(&table("2024年一般公共预算支出表")),
        Some(BudgetTableKind::GeneralPublicFunctional)
    );
    assert_eq!(
        kind_of(&table("附表3 本单位支出明细")),
        Some(BudgetTableKind::Other)
    );
    assert_eq!(findings(&table("附表3 本单位支出明细")), Vec::new());
}

#[test]
fn a_code_row_altered_breaks_its_parent_and_its_row_sum() {
    let f = findings(&with_cell(
        &table("2024年一般公共预算支出表"),
        7,
        3,
        "90.00",
    ));
    let checks: Vec<(&str, Option<&str>)> =
        f.iter().map(|f| (f.check, f.computed.as_deref())).collect();
    // 小学教育's 基本支出 90 instead of 120: its own 合计 (90 + 60 ≠ 180)
    // and the 款 above it (80 + 90 ≠ 200).
    assert!(
        checks.contains(&("budget.row_sum", Some("150.00"))),
        "{f:#?}"
    );
    assert!(
        checks.contains(&("budget.hierarchy", Some("170.00"))),
        "{f:#?}"
    );
}
