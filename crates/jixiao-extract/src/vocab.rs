//! The words the forms print: labels, column headers by meaning, indicator
//! levels and grades, with the synonyms other publishers use.

use crate::rows::squeeze;

/// Column meanings of the funds block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FundsColumn {
    Initial,
    Adjusted,
    Executed,
    Weight,
    Rate,
    Score,
}

/// Every funds-block column a header cell names, in printed order.
/// `全年预算数 全年执行数` in one cell names two.
pub(crate) fn funds_columns(text: &str) -> Vec<FundsColumn> {
    let c = squeeze(text);
    let mut found: Vec<(usize, FundsColumn)> = Vec::new();
    let mut push = |pats: &[&str], col: FundsColumn| {
        if let Some(pos) = pats.iter().filter_map(|p| c.find(p)).min() {
            found.push((pos, col));
        }
    };
    push(&["年初预算数", "年初预算"], FundsColumn::Initial);
    push(
        &["全年预算数", "调整后预算数", "调整后预算", "全年预算"],
        FundsColumn::Adjusted,
    );
    push(&["全年执行", "预算执行数", "执行数"], FundsColumn::Executed);
    push(&["分值", "分数", "权重"], FundsColumn::Weight);
    push(&["执行率"], FundsColumn::Rate);
    push(&["得分"], FundsColumn::Score);
    // `预算执行数` contains `执行数`, `预算执行率` contains `执行`: keep the
    // executed column only where it is not the rate.
    if found.iter().any(|(_, k)| *k == FundsColumn::Rate)
        && !c.contains("执行数")
        && !c.contains("全年执行")
    {
        found.retain(|(_, k)| *k != FundsColumn::Executed);
    }
    found.sort_by_key(|(p, _)| *p);
    found.into_iter().map(|(_, k)| k).collect()
}

/// Which funds row a label names.
pub(crate) fn funds_line(text: &str) -> Option<crate::model::FundsLine> {
    use crate::model::FundsLine::*;
    let c = squeeze(text);
    if c.contains("年度资金总额") || c.contains("资金总额") {
        Some(Total)
    } else if c.contains("当年财政拨款") || c.contains("财政拨款") {
        Some(Appropriation)
    } else if c.contains("上年结转") {
        Some(Carryover)
    } else if c.contains("其他资金") {
        Some(Other)
    } else {
        None
    }
}

/// Column meanings of the indicator table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IndicatorColumn {
    Level1,
    Level2,
    Name,
    Explanation,
    Nature,
    MeasureUnit,
    Target,
    Actual,
    Weight,
    Score,
    Deviation,
}

/// The meaning of an indicator-table header cell, if it has one.
pub(crate) fn indicator_column(text: &str) -> Option<IndicatorColumn> {
    use IndicatorColumn::*;
    let c = squeeze(text);
    let c = c.as_ref();
    let has = |p: &str| c.contains(p);
    Some(if has("一级") {
        Level1
    } else if has("二级") {
        Level2
    } else if has("三级") || has("指标名称") {
        Name
    } else if has("指标解释") {
        Explanation
    } else if has("指标性质") {
        Nature
    } else if has("度量单位") || has("计量单位") {
        MeasureUnit
    } else if has("完成值") || has("实际完成") {
        Actual
    } else if has("指标值") || has("目标值") || has("年度指标") {
        Target
    } else if has("自评分") || has("得分") {
        Score
    } else if has("分值") || has("权重") || has("分数") {
        Weight
    } else if has("偏差") || has("原因") || has("备注") || has("改进") {
        Deviation
    } else {
        return None;
    })
}

/// Every indicator-table meaning a header cell names, in printed order
/// (`三级指标 年度指标值 实际完成` names three: the extraction merged the
/// header cells of empty columns into one).
pub(crate) fn indicator_columns(text: &str) -> Vec<IndicatorColumn> {
    let words: Vec<&str> = text.split_whitespace().collect();
    let kinds: Vec<IndicatorColumn> = words.iter().filter_map(|w| indicator_column(w)).collect();
    let mut out: Vec<IndicatorColumn> = Vec::new();
    for k in kinds {
        if !out.contains(&k) {
            out.push(k);
        }
    }
    if out.len() <= 1 {
        return indicator_column(text).into_iter().collect();
    }
    out
}

/// Level-1 indicator names (一级指标).
pub(crate) const LEVEL1: &[&str] = &[
    "产出指标",
    "效益指标",
    "满意度指标",
    "成本指标",
    "投入指标",
    "过程指标",
];

/// Level-2 indicator names (二级指标).
pub(crate) const LEVEL2: &[&str] = &[
    "数量指标",
    "质量指标",
    "时效指标",
    "成本指标",
    "经济成本指标",
    "社会成本指标",
    "生态环境成本指标",
    "经济效益指标",
    "社会效益指标",
    "生态效益指标",
    "可持续影响指标",
    "服务对象满意度指标",
];

/// Grades a form may print.
pub(crate) const GRADES: &[&str] = &["优秀", "良好", "合格", "不合格", "优", "良", "中", "差"];

/// `s` is a whole grade word.
pub(crate) fn grade_word(s: &str) -> Option<&'static str> {
    let c = squeeze(s);
    GRADES.iter().copied().find(|g| *g == c)
}
