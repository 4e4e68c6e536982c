//! One test per check: a correct form yields no finding, and the same form
//! with one figure altered yields exactly the finding that figure breaks.

mod common;

use common::{findings, with_cell};
use jixiao_validate::{Explanation, Finding, Severity};

const MODERN: &str = "财政项目支出绩效自评表
(2023 年度)
项目名称\t测试项目
主管部门\t某局\t\t\t实施单位\t某院
项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分
\t年度资金总额:\t100.00\t80.00\t60.00\t10.00\t75.00\t7.50
\t其中: 当年财政拨款\t90.00\t70.00\t55.00\t-\t78.57\t-
\t上年结转资金\t10.00\t10.00\t5.00\t-\t50.00\t-
\t其他资金\t0.00\t0.00\t0.00\t-\t0.00\t-
年度总体目标\t预期目标\t\t\t实际完成情况
\t完成建设\t\t\t已完成
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t设备数量\t≥10(台)\t10(台)\t50.00\t50.00\t
效益指标\t社会效益指标\t覆盖率\t≥90%\t95%\t40.00\t38.00\t略低于预期
总分\t\t\t\t\t100.00\t95.50\t
评分等级\t优
";

const OLDER: &str = "项目绩效自我评价
项目名称：\t测试项目\t预算单位：\t某院
当年预算数（元）：\t1,000,000.00\t上年预算金额（元）：\t0.00
预算执行数（元）：\t900,000.00\t预算执行率（%）：\t90.00%
绩效等级：\t优秀
一级指标\t指标名称\t指标解释\t权重\t自评分\t备注
投入与管理 (30分)\t预算执行率\t反映执行进度\t20\t18\t
\t资金使用的合规性\t是否合规\t10\t10\t
产出目标 (70分)\t完成率\t是否完成\t70\t70\t
合计\t\t\t100\t98\t
说明：1、绩效等级说明：自评分合计90（含）-100分为优秀，75（含）-90分为良好，60（含）-75分为合格，0-60分为不合格。
";

fn only(found: &[Finding]) -> (&'static str, &str, Severity) {
    assert_eq!(
        found.len(),
        1,
        "expected exactly one finding, got {found:#?}"
    );
    (found[0].check, found[0].field.as_str(), found[0].severity)
}

#[test]
fn correct_forms_yield_no_finding() {
    assert_eq!(findings(MODERN), vec![]);
    assert_eq!(findings(OLDER), vec![]);
}

#[test]
fn funds_sum() {
    let f = findings(&with_cell(MODERN, 6, 2, "101.00"));
    assert_eq!(
        only(&f),
        ("funds.sum", "funds.total.initial_budget", Severity::Error)
    );
    assert_eq!(f[0].printed.as_deref(), Some("101.00"));
    assert_eq!(f[0].computed.as_deref(), Some("100.00"));
    assert_eq!(f[0].inputs.len(), 3);
}

#[test]
fn funds_rate_error() {
    let f = findings(&with_cell(MODERN, 7, 6, "79.57"));
    assert_eq!(
        only(&f),
        (
            "funds.rate",
            "funds.appropriation.execution_rate",
            Severity::Error
        )
    );
    assert_eq!(f[0].computed.as_deref(), Some("78.57"));
    assert_eq!((f[0].location.line, f[0].location.column), (7, Some(6)));
}

#[test]
fn funds_rate_within_rounding_is_a_warning_that_says_so() {
    // 55.00 ÷ 70.00 = 78.571 %; with both amounts rounded to 0.01 万元 the
    // true rate lies anywhere in 78.562–78.580 %, so 78.58 may be right.
    let f = findings(&with_cell(MODERN, 7, 6, "78.58"));
    assert_eq!(
        only(&f),
        (
            "funds.rate",
            "funds.appropriation.execution_rate",
            Severity::Warning
        )
    );
    assert_eq!(f[0].explained_by, Some(Explanation::Rounding));
    assert!(f[0].message.contains("rounding"));
}

#[test]
fn funds_rate_truncated_is_a_warning_that_says_so() {
    // In 元, amounts are exact to the fen: 2,000,000 ÷ 3,000,000 = 66.666… %
    // rounds to 66.67; a printed 66.66 is the rate cut off.
    let text = MODERN
        .replace("项目资金 (万元)", "项目资金 (元)")
        .replace(
            "\t年度资金总额:\t100.00\t80.00\t60.00\t10.00\t75.00\t7.50",
            "\t年度资金总额:\t3000000.00\t3000000.00\t2000000.00\t10.00\t66.66\t6.67",
        )
        .replace(
            "\t其中: 当年财政拨款\t90.00\t70.00\t55.00\t-\t78.57\t-",
            "\t其中: 当年财政拨款\t3000000.00\t3000000.00\t2000000.00\t-\t\t-",
        )
        .replace(
            "\t上年结转资金\t10.00\t10.00\t5.00\t-\t50.00\t-",
            "\t上年结转资金\t0\t0\t0\t-\t\t-",
        )
        .replace("100.00\t95.50", "100.00\t94.67");
    let f = findings(&text);
    assert_eq!(
        only(&f),
        (
            "funds.rate",
            "funds.total.execution_rate",
            Severity::Warning
        )
    );
    assert_eq!(f[0].explained_by, Some(Explanation::Truncation));
    assert_eq!(f[0].computed.as_deref(), Some("66.67"));
}

#[test]
fn funds_rate_over_a_zero_budget() {
    let f = findings(&with_cell(MODERN, 9, 6, "5.00"));
    assert_eq!(
        only(&f),
        ("funds.rate", "funds.other.execution_rate", Severity::Error)
    );
    assert_eq!(f[0].computed, None);
}

#[test]
fn funds_score() {
    let text = with_cell(&with_cell(MODERN, 6, 7, "8.50"), 15, 6, "96.50");
    assert_eq!(
        only(&findings(&text)),
        ("funds.score", "funds.total.score", Severity::Error)
    );
}

#[test]
fn score_above_weight() {
    let text = with_cell(&with_cell(MODERN, 14, 6, "41.00"), 15, 6, "98.50");
    let f = findings(&text);
    assert_eq!(
        only(&f),
        (
            "score.exceeds_weight",
            "indicators[1].score",
            Severity::Error
        )
    );
    assert_eq!(f[0].computed.as_deref(), Some("40.00"));
}

#[test]
fn total_weight() {
    let f = findings(&with_cell(MODERN, 15, 5, "90.00"));
    assert_eq!(only(&f), ("total.weight", "total_weight", Severity::Error));
    assert_eq!(f[0].computed.as_deref(), Some("100.00"));
    assert_eq!(
        f[0].inputs.len(),
        3,
        "the funds weight and two indicator weights"
    );
}

#[test]
fn total_score() {
    let f = findings(&with_cell(MODERN, 15, 6, "94.50"));
    assert_eq!(only(&f), ("total.score", "total_score", Severity::Error));
    assert_eq!(f[0].computed.as_deref(), Some("95.50"));
}

#[test]
fn grade_band_default() {
    let f = findings(&with_cell(MODERN, 16, 1, "良"));
    assert_eq!(only(&f), ("grade.band", "grade", Severity::Error));
    assert_eq!(f[0].computed.as_deref(), Some("优"));
    assert_eq!((f[0].location.line, f[0].location.column), (16, Some(1)));
}

#[test]
fn grade_band_of_the_form_itself() {
    // 98 is 优秀 by the form's own bands; 良好 is wrong.
    let f = findings(&OLDER.replace("绩效等级：\t优秀", "绩效等级：\t良好"));
    assert_eq!(only(&f), ("grade.band", "grade", Severity::Error));
    assert_eq!(f[0].computed.as_deref(), Some("优秀"));
}

#[test]
fn group_weight() {
    let f = findings(&OLDER.replace("投入与管理 (30分)", "投入与管理 (35分)"));
    assert_eq!(
        only(&f),
        ("group.weight", "groups[0].weight", Severity::Error)
    );
    assert_eq!(f[0].computed.as_deref(), Some("30"));
}

#[test]
fn older_rate() {
    let f = findings(&OLDER.replace("90.00%", "91.00%"));
    assert_eq!(
        only(&f),
        ("funds.rate", "funds.total.execution_rate", Severity::Error)
    );
}
