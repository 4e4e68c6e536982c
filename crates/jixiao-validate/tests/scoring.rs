//! The scoring checks of the generic engine's families, one test each: a
//! correct form yields no finding, and one figure altered yields exactly the
//! finding it breaks, at the severity and with the explanation it deserves.

mod common;

use common::{findings, with_cell};
use jixiao_validate::{Explanation, Finding, Severity};

/// A national-family form (the generic engine's `national` template).
const NATIONAL: &str = "项目支出绩效自评表
(2022年度)
项目名称\t道路养护
主管部门\t某县交通运输局\t实施单位\t某县公路站
项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额\t100\t80\t60\t10\t75%\t7.5
\t其中:当年财政拨款\t100\t80\t60\t—\t75%\t—
\t上年结转资金\t0\t0\t0\t—\t—\t—
\t其他资金\t0\t0\t0\t—\t—\t—
年度总体目标\t预期目标\t实际完成情况
\t完成养护\t已完成
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标(50分)\t数量指标\t养护里程\t≥100公里\t80公里\t30\t24\t资金未全部到位
\t时效指标\t完工时间\t2022年12月完成\t2022年12月完成\t20\t20
效益指标(30分)\t社会效益指标\t通行条件改善\t明显改善\t明显改善\t30\t30
满意度指标(10分)\t服务对象满意度指标\t群众满意度\t≥90%\t95%\t10\t10
总分\t\t\t100\t91.5
";

/// A rubric form whose funds score is the rubric row 预算执行率.
const RUBRIC: &str = "项目支出绩效自评表(2021年)
项目名称\t学校公用经费
主管部门\t某区教育局\t实施单位\t某中学
项目资金(万元)\t年度资金总额\t年初预算数\t调整预算数(A)\t全年执行数(B)\t执行率(B/A)
\t\t50\t50\t40\t80%
一级指标\t二级指标\t三级指标\t参考分值\t指标值(A)\t全年实际值(B)\t得分\t未完成原因分析
项目决策(10分)\t项目目标\t完整性\t10\t—\t目标明确\t10
项目管理(20分)\t投入管理\t预算执行率\t20\t100%\t80%\t16\t执行进度偏慢
项目产出(40分)\t数量指标\t保障人数\t40\t100人\t100人\t40
项目效益(30分)\t社会效益指标\t办学条件改善\t30\t明显\t明显\t30
总分\t100\t\t\t96
";

fn of<'f>(found: &'f [Finding], check: &str) -> Vec<&'f Finding> {
    found.iter().filter(|f| f.check == check).collect()
}

#[test]
fn correct_forms_yield_no_finding() {
    assert_eq!(findings(NATIONAL), vec![]);
    assert_eq!(findings(RUBRIC), vec![]);
}

#[test]
fn a_met_target_scored_below_its_weight_is_a_warning() {
    // 群众满意度 met (95% against ≥90%) yet 9 of 10; the total follows.
    let text = with_cell(&with_cell(NATIONAL, 16, 6, "9"), 17, 4, "90.5");
    let found = findings(&text);
    let rule = of(&found, "indicator.rule");
    assert_eq!(rule.len(), 1, "{found:#?}");
    assert_eq!(rule[0].field, "indicators[3].score");
    assert_eq!(rule[0].severity, Severity::Warning);
    assert_eq!(rule[0].printed.as_deref(), Some("9"));
    assert_eq!(rule[0].computed.as_deref(), Some("10"));
    assert_eq!(rule[0].explained_by, None);
    // No error: the national rule is one provinces apply differently.
    assert!(
        found.iter().all(|f| f.severity != Severity::Error),
        "{found:#?}"
    );
}

#[test]
fn the_same_dated_text_for_target_and_actual_is_met() {
    let text = with_cell(&with_cell(NATIONAL, 14, 6, "18"), 17, 4, "89.5");
    let found = findings(&text);
    let rule = of(&found, "indicator.rule");
    assert_eq!(rule.len(), 1, "{found:#?}");
    assert_eq!(rule[0].field, "indicators[1].score");
    assert_eq!(rule[0].computed.as_deref(), Some("20"));
    // Below its weight with no 偏差原因: an info says so.
    assert_eq!(of(&found, "indicator.no_reason").len(), 1, "{found:#?}");
}

#[test]
fn a_rule_score_rounded_to_nearest_is_an_info_that_says_so() {
    // 81 of 100 km gives 30 × 0.81 = 24.3, printed 24.
    let found = findings(&with_cell(NATIONAL, 13, 4, "81公里"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].check, "indicator.rule");
    assert_eq!(found[0].severity, Severity::Info);
    assert_eq!(found[0].computed.as_deref(), Some("24.3"));
    assert_eq!(found[0].explained_by, Some(Explanation::Rounding));
}

#[test]
fn a_rule_score_cut_off_is_a_warning_that_says_so() {
    // 83 of 100 km gives 24.9: 24 fits only if cut off.
    let found = findings(&with_cell(NATIONAL, 13, 4, "83公里"));
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Warning);
    assert_eq!(found[0].explained_by, Some(Explanation::Truncation));
}

#[test]
fn the_rubric_row_that_stands_for_the_funds_score_is_checked() {
    // 预算执行率 scores 16 of 20 at an 80% execution rate; 18 is wrong by
    // the funds rule (and by the indicator rule, a warning).
    let text = with_cell(&with_cell(RUBRIC, 8, 6, "18"), 11, 4, "98");
    let found = findings(&text);
    let funds = of(&found, "funds.score");
    assert_eq!(funds.len(), 1, "{found:#?}");
    assert_eq!(funds[0].field, "indicators[1].score");
    assert_eq!(funds[0].severity, Severity::Error);
    assert_eq!(funds[0].printed.as_deref(), Some("18"));
    assert_eq!(funds[0].computed.as_deref(), Some("16"));
}

#[test]
fn a_funds_block_not_read_whole_leaves_the_funds_score_unchecked() {
    // A number under a header no word names: the block is not read whole.
    let text = with_cell(&with_cell(RUBRIC, 4, 2, "备用栏"), 8, 6, "18");
    let found = findings(&text);
    assert!(of(&found, "funds.score").is_empty(), "{found:#?}");
    let skipped = of(&found, "not_checked");
    assert!(
        skipped
            .iter()
            .any(|f| f.field == "funds" && f.message.contains("funds.score")),
        "{found:#?}"
    );
}
