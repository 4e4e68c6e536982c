//! The header-and-rubric layout (项目绩效自我评价) on the generic engine: its
//! budget figures as label/value pairs, the header going on below them, the
//! notes with their grade bands, and the repairs its template turns on, each
//! made only where the template (or the row itself) calls for it.

use jixiao_extract::{read_document, read_document_with, FundsLine, Layout, MoneyUnit, Templates};

/// A made-up form of that layout: the 效益目标 group is a merged cell, so its
/// first row stands one column right and the next prints its name in the
/// 一级 column; the last indicator is cut by a page break.
const RUBRIC: &str = "项目绩效自我评价
项目名称：\t社区图书馆数字化改造\t预算单位：\t某区文化馆
具体实施处（科室）：\t信息科\t是否为经常性项目：\t否
当年预算数（元）：\t1,250,000.00\t上年预算金额（元）：\t900,000.00
预算执行数（元）：\t1,200,000.00\t预算执行率（%）：\t96.00%
项目年度总目标：\t完成三个分馆的数字化改造。
自评时间：\t2022-03-01
绩效等级：\t良好
主要绩效：\t<p>三个分馆完成改造</p> <p>读者访问量上升</p>
一级指标\t指标名称\t指标解释\t权重\t自评分\t备注
投入与管理 (40分)\t预算执行率\t反映预算执行进度\t20\t19\t执行率96%
\t资金使用合规性\t资金使用是否规范\t20\t20\t
\t效益目标 (60分)\t分馆改造完成率\t完成改造的分馆占比\t30\t25\t一处延期
读者满意度\t\t满意读者占比\t20\t18\t问卷结果
数字资源访问\t\t访问量较上年\t10\t8\t

\t增长情况\t增长
合计\t\t\t100\t90\t
说明：1、对照年度目标自评。
2、绩效等级说明：自评分合计90（含）-100分为优秀，80（含）-90分为良好，0-80分为一般。
";

#[test]
fn label_value_header_and_funds_are_read_whole() {
    let doc = read_document(RUBRIC);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.template.as_deref(), Some("shanghai_older"));
    assert_eq!(f.layout, Layout::Older);
    assert_eq!(f.project_name.as_deref(), Some("社区图书馆数字化改造"));
    assert_eq!(f.budget_unit.as_deref(), Some("某区文化馆"));
    assert_eq!(f.unit, Some(MoneyUnit::Yuan));
    // The funds block: one total row over two lines of pairs.
    assert_eq!(f.funds.len(), 1);
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(total.adjusted_budget.as_ref().unwrap().raw, "1,250,000.00");
    assert_eq!(total.executed.as_ref().unwrap().raw, "1,200,000.00");
    assert_eq!(total.execution_rate.as_ref().unwrap().raw, "96.00%");
    // Header fields the template names, above and below the funds pairs.
    assert_eq!(f.header_field("office"), Some("信息科"));
    assert_eq!(f.header_field("recurring"), Some("否"));
    assert_eq!(f.header_field("prior_year_budget"), Some("900,000.00"));
    assert_eq!(f.header_field("evaluated_on"), Some("2022-03-01"));
    assert_eq!(
        f.goals.expected.as_deref(),
        Some("完成三个分馆的数字化改造。")
    );
    assert_eq!(
        f.goals.actual.as_deref(),
        Some("三个分馆完成改造\n读者访问量上升")
    );
    assert_eq!(f.grade.as_deref(), Some("良好"));
    // Notes, and the bands one of them prints.
    let notes: Vec<usize> = f.notes.iter().map(|n| n.line).collect();
    assert_eq!(notes, vec![19, 20]);
    let bands: Vec<(String, String, String, bool)> = f
        .grade_bands
        .iter()
        .map(|b| {
            (
                b.grade.clone(),
                b.min.to_string(),
                b.max.to_string(),
                b.max_included,
            )
        })
        .collect();
    assert_eq!(
        bands,
        vec![
            ("优秀".into(), "90".into(), "100".into(), true),
            ("良好".into(), "80".into(), "90".into(), false),
            ("一般".into(), "0".into(), "80".into(), false),
        ]
    );
    assert_eq!(f.total_weight.as_ref().unwrap().raw, "100");
    assert_eq!(f.total_score.as_ref().unwrap().raw, "90");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
}

#[test]
fn the_rubric_table_is_read_through_its_repairs() {
    let doc = read_document(RUBRIC);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let got: Vec<(&str, &str, &str, &str)> = f
        .indicators
        .iter()
        .map(|i| {
            (
                i.level1.as_deref().unwrap_or(""),
                i.name.as_deref().unwrap_or(""),
                i.weight.as_ref().map_or("", |n| n.raw.as_str()),
                i.score.as_ref().map_or("", |n| n.raw.as_str()),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            ("投入与管理", "预算执行率", "20", "19"),
            ("投入与管理", "资金使用合规性", "20", "20"),
            ("效益目标", "分馆改造完成率", "30", "25"),
            ("效益目标", "读者满意度", "20", "18"),
            ("效益目标", "数字资源访问增长情况", "10", "8"),
        ]
    );
    assert_eq!(
        f.indicators[4].explanation.as_deref(),
        Some("访问量较上年增长")
    );
    assert_eq!(f.indicators[4].lines, vec![15, 17]);
    let groups: Vec<(&str, &str)> = f
        .groups
        .iter()
        .map(|g| {
            (
                g.name.as_str(),
                g.weight.as_ref().map_or("", |n| n.raw.as_str()),
            )
        })
        .collect();
    assert_eq!(
        groups,
        vec![
            ("投入与管理", "投入与管理 (40分)"),
            ("效益目标", "效益目标 (60分)")
        ]
    );
    let repairs: Vec<(usize, &str)> = f
        .repairs
        .iter()
        .map(|r| (r.line, r.action.split(':').next().unwrap()))
        .collect();
    assert_eq!(
        repairs,
        vec![
            (13, "row_shift"),
            (14, "name_in_level1"),
            (15, "name_in_level1"),
            (17, "rows_split_at_break"),
        ]
    );
}

/// The same layout with a template that turns no repair on: the names in
/// the 一级 column open groups and the cut row stays a row of its own.
#[test]
fn repairs_are_made_only_where_the_template_turns_them_on() {
    let dir = std::env::temp_dir().join(format!("jixiao-norepairs-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = include_str!("../../../templates/self_evaluation/shanghai_older.toml");
    let without: String = shipped
        .lines()
        .filter(|l| !l.starts_with("repairs"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.join("shanghai_older.toml"), without).unwrap();
    let templates = Templates::with_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let doc = read_document_with(RUBRIC, &templates);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let names: Vec<&str> = f
        .indicators
        .iter()
        .filter_map(|i| i.name.as_deref())
        .collect();
    assert!(!names.contains(&"读者满意度"), "{names:?}");
    assert!(names.contains(&"增长情况"), "{names:?}");
    assert!(f.repairs.iter().all(|r| r.action.starts_with("row_shift")));
}

#[test]
fn a_template_naming_an_unknown_repair_is_refused() {
    let dir = std::env::temp_dir().join(format!("jixiao-badrepair-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("x.toml"),
        "id = \"x\"\nkind = \"self_evaluation\"\nfamily = \"national\"\nrepairs = [\"guess_everything\"]\n",
    )
    .unwrap();
    let err = Templates::with_dir(&dir).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(
        err.contains("x.toml") && err.contains("unknown repair `guess_everything`"),
        "{err}"
    );
}
