//! Focused tests of the relations of declarations the generic engine reads:
//! a form whose figures agree gets no finding, and one figure altered gets
//! exactly the finding that names it.

mod common;
use common::{findings, with_cell};

/// A one-table declaration whose sources, shares and allocation all agree.
const FORM: &str = "\
2024年资金分配表
单位:万元
序号\t单位\t金额
1\t甲县\t60
2\t乙县\t40
合计\t\t100
项目支出绩效目标表
(2024年度)
项目名称\t示范项目
主管部门\t某局\t实施单位\t某中心
资金情况(万元)\t年度资金总额:\t100
\t其中:财政拨款\t90
\t其他资金\t10
年度目标\t完成示范
绩效指标\t一级指标\t二级指标\t三级指标\t指标值
\t产出指标\t数量指标\t示范点数量\t≥2个
";

fn checks_of(text: &str) -> Vec<(String, String)> {
    findings(text)
        .into_iter()
        .map(|f| (f.check.to_string(), format!("{:?}", f.severity)))
        .collect()
}

#[test]
fn a_declaration_whose_figures_agree_gets_no_finding() {
    assert_eq!(checks_of(FORM), Vec::<(String, String)>::new());
}

#[test]
fn a_source_altered_breaks_the_funds_sum() {
    // Integers in 万元 may each be rounded by half a unit: one unit more is
    // a rounding warning, ten more an error.
    let f = findings(&with_cell(FORM, 13, 2, "11"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].severity, jixiao_validate::Severity::Warning);
    let f = findings(&with_cell(FORM, 13, 2, "20"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "funds.sum");
    assert_eq!(f[0].printed.as_deref(), Some("100"));
    assert_eq!(f[0].computed.as_deref(), Some("110"));
    assert_eq!(f[0].severity, jixiao_validate::Severity::Error);
}

#[test]
fn an_allocation_row_altered_breaks_its_total() {
    let altered = with_cell(FORM, 5, 2, "41");
    let f = findings(&altered);
    let checks: Vec<(&str, Option<&str>, Option<&str>)> = f
        .iter()
        .map(|f| (f.check, f.printed.as_deref(), f.computed.as_deref()))
        .collect();
    assert_eq!(
        checks,
        vec![("allocation.sum", Some("100"), Some("101"))],
        "{f:#?}"
    );
}

#[test]
fn a_share_altered_is_found_and_a_rounded_one_is_not() {
    let form = "\
部门整体支出绩效目标申报表
部门名称\t某局
单位:万元
部门总体资金情况\t总体资金情况\t\t当年金额\t占比
\t支出构成\t基本支出\t75\t75%
\t\t项目支出\t25.004\t25.0%
\t\t合计\t100.004\t100%
";
    assert_eq!(checks_of(form), Vec::<(String, String)>::new());
    let altered = with_cell(form, 5, 4, "74%");
    let f = findings(&altered);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "funds.share");
    assert_eq!(f[0].printed.as_deref(), Some("74"));
}

#[test]
fn a_form_cut_off_in_its_funds_block_is_not_checked() {
    let form = "\
项目绩效目标表
项目名称\t示范项目
资金情况(万元)\t年度金额:\t694
\t其中:中央补助\t260
\t省级资金\t302
\t市
";
    let f = findings(form);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "not_checked");
    assert!(f[0].message.contains("funds.sum"), "{}", f[0].message);
}

#[test]
fn an_allocation_that_totals_more_than_the_form_is_a_warning() {
    let altered = with_cell(&with_cell(FORM, 5, 2, "50"), 6, 2, "110");
    let f = findings(&altered);
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "allocation.sum");
    assert_eq!(f[0].severity, jixiao_validate::Severity::Warning);
    assert_eq!(f[0].printed.as_deref(), Some("100"));
    assert_eq!(f[0].computed.as_deref(), Some("110"));
}

/// A declaration with weight ranges in its 一级 cells.
const RANGES: &str = "\
项目支出绩效目标审批表
项目名称\t示范项目
资金情况(万元)\t年度资金总额:\t100
\t其中:财政资金\t100
年度绩效目标(90分)\t一级指标\t二级指标\t三级指标\t指标值\t分值
\t产出指标(40-50)分\t数量指标\t示范点数量\t≥2个\t20
\t\t质量指标\t验收合格率\t100%\t25
\t效益指标(30-40)分\t社会效益指标\t受益人数\t≥100人\t35
注:分值按区间填报。
";

#[test]
fn weights_within_their_printed_ranges_get_no_finding() {
    assert_eq!(checks_of(RANGES), Vec::<(String, String)>::new());
}

#[test]
fn weights_outside_their_printed_range_are_an_error() {
    let f = findings(&with_cell(RANGES, 7, 5, "35"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "group.weight");
    assert_eq!(f[0].printed.as_deref(), Some("40-50"));
    assert_eq!(f[0].computed.as_deref(), Some("55"));
}

/// Two totals printed side by side, each with its own sources.
const TWO_TOTALS: &str = "\
绩效目标申报表
项目名称\t示范项目
主管部门\t某局\t实施单位\t某中心
资金情况 (万元)\t项目资金总额:\t1500\t年度资金申请总额\t600
\t其中:财政资金\t1500\t其中:当年财政拨款\t500
\t\t\t上年结转资金\t100
\t其他资金\t\t其他资金
项目绩效目标\t项目总目标\t年度总体目标
\t建成示范点\t完成示范
";

#[test]
fn side_by_side_totals_are_summed_each_over_its_own_sources() {
    assert_eq!(checks_of(TWO_TOTALS), Vec::<(String, String)>::new());
    let doc = jixiao_extract::read_document(TWO_TOTALS);
    let d = doc
        .forms
        .iter()
        .find_map(|f| match f {
            jixiao_extract::Form::Declaration(d) => Some(d),
            _ => None,
        })
        .unwrap();
    assert_eq!(d.template.as_deref(), Some("decl_two_totals"));
    let columns: Vec<&str> = d
        .sources
        .iter()
        .flat_map(|s| s.amounts.iter().map(|a| a.column.as_str()))
        .collect();
    assert_eq!(
        columns,
        [
            "total_budget",
            "annual_budget",
            "total_budget",
            "annual_budget",
            "annual_budget"
        ]
    );
    let f = findings(&with_cell(TWO_TOTALS, 6, 4, "90"));
    assert_eq!(f.len(), 1, "{f:#?}");
    assert_eq!(f[0].check, "funds.sum");
    assert_eq!(f[0].printed.as_deref(), Some("600"));
    assert_eq!(f[0].computed.as_deref(), Some("590"));
}
