//! Columns are mapped by the meaning of their headers, with the synonyms
//! other provinces print, and extra columns are kept, not misread.

use jixiao_extract::{read_document, FundsLine, MoneyUnit};

const OTHER_PROVINCE: &str = "财政项目支出绩效自评表
（2022年度）
项目名称\t农村饮水安全工程
主管部门\t水利局\t实施单位\t水务服务中心
项目资金（元）\t\t年初预算数\t调整后预算数\t预算执行数\t权重\t预算执行率\t得分
\t年度资金总额\t1,000,000.00\t1,200,000.00\t1,140,000.00\t10\t95.00%\t9.50
\t当年财政拨款\t1,000,000.00\t1,200,000.00\t1,140,000.00\t—\t95.00%\t—
\t上年结转资金\t0.00\t0.00\t0.00\t—\t—\t—
\t其他资金\t0.00\t0.00\t0.00\t—\t—\t—
一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t完成值\t权重\t得分\t偏差原因分析及改进措施
产出指标\t数量指标\t新建供水管网\t≥\t12\t公里\t12.5\t45\t45\t
效益指标\t社会效益指标\t受益人口\t≥\t3000\t人\t3200\t35\t35\t
满意度指标\t服务对象满意度指标\t群众满意度\t≥\t90\t%\t88\t10\t9\t个别村组水压不足
总分\t\t\t\t\t\t\t100\t98.5\t
评分等级\t优
";

#[test]
fn synonyms_and_extra_columns() {
    let doc = read_document(OTHER_PROVINCE);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.year, Some(2022));
    assert_eq!(f.unit, Some(MoneyUnit::Yuan));
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(
        total.adjusted_budget.as_ref().unwrap().value.to_string(),
        "1200000.00"
    );
    assert_eq!(
        total.executed.as_ref().unwrap().value.to_string(),
        "1140000.00"
    );
    assert_eq!(total.weight.as_ref().unwrap().raw, "10");
    assert_eq!(
        total.execution_rate.as_ref().unwrap().value.to_string(),
        "95.00"
    );
    assert_eq!(f.indicators.len(), 3);
    let water = &f.indicators[0];
    assert_eq!(water.level1.as_deref(), Some("产出指标"));
    assert_eq!(water.level2.as_deref(), Some("数量指标"));
    assert_eq!(water.name.as_deref(), Some("新建供水管网"));
    assert_eq!(water.nature.as_deref(), Some("≥"));
    assert_eq!(water.measure_unit.as_deref(), Some("公里"));
    assert_eq!(water.target.as_ref().unwrap().text, "12");
    assert_eq!(water.actual.as_ref().unwrap().text, "12.5");
    assert_eq!(water.weight.as_ref().unwrap().raw, "45");
    let satisfaction = &f.indicators[2];
    assert_eq!(satisfaction.score.as_ref().unwrap().raw, "9");
    assert_eq!(
        satisfaction.deviation_reason.as_deref(),
        Some("个别村组水压不足")
    );
    assert_eq!(f.total_score.as_ref().unwrap().raw, "98.5");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
    assert!(weights_add_up(f));
}

/// The form adds up: Σ weights 10 + 45 + 35 + 10 = 100, Σ scores 9.5 + 89 = 98.5.
fn weights_add_up(f: &jixiao_extract::SelfEvaluation) -> bool {
    let weights: rust_decimal::Decimal = f
        .indicators
        .iter()
        .map(|i| i.weight.as_ref().unwrap().value)
        .sum();
    weights + f.funds[0].weight.as_ref().unwrap().value == f.total_weight.as_ref().unwrap().value
}

#[test]
fn columns_found_by_meaning_not_position() {
    // The same form with the funds columns in another order.
    let text = OTHER_PROVINCE
        .replace(
            "年初预算数\t调整后预算数\t预算执行数\t权重\t预算执行率\t得分",
            "调整后预算数\t预算执行数\t年初预算数\t预算执行率\t权重\t得分",
        )
        .replace(
            "\t年度资金总额\t1,000,000.00\t1,200,000.00\t1,140,000.00\t10\t95.00%\t9.50",
            "\t年度资金总额\t1,200,000.00\t1,140,000.00\t1,000,000.00\t95.00%\t10\t9.50",
        );
    let doc = read_document(&text);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(
        total.initial_budget.as_ref().unwrap().value.to_string(),
        "1000000.00"
    );
    assert_eq!(
        total.adjusted_budget.as_ref().unwrap().value.to_string(),
        "1200000.00"
    );
    assert_eq!(total.execution_rate.as_ref().unwrap().raw, "95.00%");
    assert_eq!(total.weight.as_ref().unwrap().raw, "10");
}

#[test]
fn a_header_repeated_after_a_page_break_is_not_an_indicator() {
    // A table continued on the next page often prints its header again.
    let header = "一级指标\t二级指标\t三级指标\t指标性质\t指标值\t度量单位\t完成值\t权重\t得分\t偏差原因分析及改进措施\n";
    let at = OTHER_PROVINCE.find("效益指标\t").unwrap();
    let continued = format!(
        "{}\n{header}{}",
        &OTHER_PROVINCE[..at],
        &OTHER_PROVINCE[at..]
    );
    let plain = read_document(OTHER_PROVINCE);
    let doc = read_document(&continued);
    let (a, b) = (
        plain.forms[0].as_self_evaluation().unwrap(),
        doc.forms[0].as_self_evaluation().unwrap(),
    );
    let fields = |f: &jixiao_extract::SelfEvaluation| -> Vec<_> {
        f.indicators
            .iter()
            .map(|i| {
                (
                    i.level1.clone(),
                    i.level2.clone(),
                    i.name.clone(),
                    i.weight.as_ref().map(|n| n.raw.clone()),
                    i.score.as_ref().map(|n| n.raw.clone()),
                )
            })
            .collect()
    };
    assert_eq!(fields(b), fields(a));
    assert_eq!(b.indicators.len(), 3);
    assert!(b.unmapped.is_empty(), "{:?}", b.unmapped);
    assert!(doc.unrecognized.is_empty());
}

#[test]
fn figures_glued_to_a_funds_label_are_kept_not_guessed() {
    // Extraction that lost the column gaps of one row (a borderless PDF).
    let glued = OTHER_PROVINCE.replace(
        "\t年度资金总额\t1,000,000.00\t1,200,000.00\t1,140,000.00\t10\t95.00%\t9.50",
        "\t年度资金总额1,000,000.001,200,000.001,140,000.001095.00%9.50",
    );
    let doc = read_document(&glued);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(total.executed, None);
    assert_eq!(total.execution_rate, None);
    let missing = f.missing.iter().find(|m| m.field == "funds.total").unwrap();
    assert!(missing.reason.contains("glued"), "{}", missing.reason);
    assert_eq!(f.unmapped.len(), 1, "{:?}", f.unmapped);
    assert!(f.unmapped[0].text.contains("1,140,000.00"));
    // The other rows are read as before.
    let appropriation = f.funds_row(FundsLine::Appropriation).unwrap();
    assert_eq!(appropriation.executed.as_ref().unwrap().raw, "1,140,000.00");
}

/// A national-family form as the generic engine reads it.
const NATIONAL: &str = "项目支出绩效自评表
(2022年度)
项目名称\t道路养护
主管部门\t某县交通运输局\t实施单位\t某县公路站
项目资金(万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额\t100\t80\t60\t10\t75%\t7.5
一级指标\t二级指标\t三级指标\t年度指标值\t全年完成值\t分值\t得分
产出指标\t数量指标\t养护里程\t≥100公里\t80公里\t90\t72
总分\t\t\t100\t79.5
";

#[test]
fn a_header_whose_characters_a_text_layer_reordered_is_read_and_noted() {
    let doc = read_document(&NATIONAL.replace("全年完成值", "年成值全完值"));
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.indicators[0].actual.as_ref().unwrap().text, "80公里");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
    let repair = f
        .repairs
        .iter()
        .find(|r| r.action.starts_with("damaged_header"));
    assert!(repair
        .is_some_and(|r| r.action.contains("年成值全完值") && r.action.contains("全年完成值")));
    // A header with a misread character is another word: left, never guessed.
    let doc = read_document(&NATIONAL.replace("全年完成值", "全年决成值"));
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.indicators[0].actual, None);
    assert!(f.unmapped.iter().any(|u| u.text == "80公里"));
    assert!(f.repairs.is_empty());
}

#[test]
fn pinyin_readings_after_characters_are_removed_and_noted() {
    let annotated = NATIONAL
        .replace("项目支出绩效自评表", "項(xiàng)目支出績(jī)效自評(píng)表")
        .replace("道路养护", "道路養(yǎng)護(hù)");
    let doc = read_document(&annotated);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.project_name.as_deref(), Some("道路養護"));
    assert_eq!(f.indicators.len(), 1);
    assert!(doc
        .repairs
        .iter()
        .any(|r| r.contains("pinyin_readings") && r.contains("5")));
}

#[test]
fn a_row_label_on_the_header_line_labels_the_first_row() {
    let lifted = NATIONAL
        .replace(
            "项目资金(万元)\t\t年初预算数",
            "项目资金(万元)\t年度资金总额\t年初预算数",
        )
        .replace("\t年度资金总额\t100", "\t\t100");
    let doc = read_document(&lifted);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(total.label.as_deref(), Some("年度资金总额"));
    assert_eq!(total.executed.as_ref().unwrap().raw, "60");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
}

#[test]
fn rows_one_column_right_of_their_header_are_read_under_it() {
    // The block label printed down the side ran together with 一级指标
    // into a cell no word names.
    let text = "项目支出绩效自评表
(2022年度)
项目名称\t道路养护
一级指标\t二级指标\t三级指标\t年初目标值\t实际完成值\t得分
\t产出指标\t数量指标\t养护里程\t100公里\t100公里\t50
\t\t时效指标\t完工时间\t12月\t12月\t40
\t满意度指标\t满意度\t群众满意度\t90%\t95%\t10
";
    let text = text.replacen("一级指标\t", "目80效一级标绩指\t", 1);
    let doc = read_document(&text);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.indicators.len(), 3, "{:?}", f.unmapped);
    assert_eq!(f.indicators[1].level1.as_deref(), Some("产出指标"));
    assert_eq!(f.indicators[1].name.as_deref(), Some("完工时间"));
    assert_eq!(f.indicators[2].score.as_ref().unwrap().raw, "10");
    assert!(f
        .repairs
        .iter()
        .any(|r| r.action.starts_with("header_offset")));
    // Rows under their header as printed need no repair.
    let aligned = text.replace("\n\t", "\n");
    let doc = read_document(&aligned);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert!(f
        .repairs
        .iter()
        .all(|r| !r.action.starts_with("header_offset")));
}

#[test]
fn a_second_header_row_of_spanned_cells_is_laid_out_under_them() {
    // As an HTML table exports: the second header row holds only the cells
    // under 预期指标值 and 自评得分, packed to the left.
    let text = "预算项目绩效自评表
一级指标\t二级指标\t三级指标\t预期指标值\t实际完成值\t自评得分
符号\t单位\t单项指标得分\t权重占比(%)\t折算得分
产出指标\t数量指标\t覆盖率\t>=\t98\t%\t100%\t25.00\t25.00\t6.25
效益指标\t社会效益指标\t发放率\t>=\t75\t%\t100%\t30.00\t30.00\t9.00
";
    let doc = read_document(text);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let i = &f.indicators[0];
    assert_eq!(i.target.as_ref().unwrap().text, "98");
    assert_eq!(i.actual.as_ref().unwrap().text, "100%");
    assert_eq!(i.score.as_ref().unwrap().raw, "25.00");
    assert_eq!(i.weight_share.as_ref().unwrap().raw, "25.00");
    assert_eq!(i.weighted_score.as_ref().unwrap().raw, "6.25");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
    assert!(f
        .repairs
        .iter()
        .any(|r| r.action.starts_with("header_spans")));
}

#[test]
fn a_funds_block_of_label_value_pairs_with_side_by_side_sources() {
    let text = "项目绩效自评表
项目名称\t服务贸易
实际到位资金(万元)\t\t398.88\t实际使用情况(万元)\t395.86
其中:\t中央财政\t0
\t省财政\t398.88
一级指标\t二级指标\t三级指标\t分值\t得分
产出指标\t数量指标\t项目数\t100\t100
总分\t\t\t100\t100
";
    let doc = read_document(text);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let total = f.funds_row(FundsLine::Total).unwrap();
    assert_eq!(total.received.as_ref().unwrap().raw, "398.88");
    assert_eq!(total.executed.as_ref().unwrap().raw, "395.86");
    let central = f.funds_row(FundsLine::Central).unwrap();
    assert_eq!(central.received.as_ref().unwrap().raw, "0");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
}

#[test]
fn values_of_letters_are_kept_unless_the_text_layer_is_damaged() {
    // Two rows with the same weight and score, the second valued `ISO9001`:
    // in a clean text layer it is an indicator, not a garbled copy.
    let clean = OTHER_PROVINCE.replace(
        "效益指标\t社会效益指标\t受益人口\t≥\t3000\t人\t3200\t35\t35\t",
        "\t质量指标\t水质认证\t=\tISO9001\t\tISO9001\t45\t45\t",
    );
    let doc = read_document(&clean);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let names: Vec<_> = f
        .indicators
        .iter()
        .filter_map(|i| i.name.as_deref())
        .collect();
    assert!(names.contains(&"水质认证"), "{names:?} {:?}", f.unmapped);
    assert!(
        f.unmapped.iter().all(|u| !u.text.contains("ISO")),
        "{:?}",
        f.unmapped
    );
    // Debris in two cells marks a damaged layer: the same row is then the
    // second layer's garbled copy of the one above, and says so.
    let damaged = clean.replace("个别村组水压不足", "个别村组水压不足\t\\\\~\t<i></i>");
    let doc = read_document(&damaged);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert!(
        f.unmapped
            .iter()
            .any(|u| u.text == "ISO9001" && u.reason.contains("second text layer")),
        "{:?}",
        f.unmapped
    );
}

/// A national-family form whose indicator table a page break cuts, as a
/// PDF's text gives it: a blank line where the page ends.
const BROKEN: &str = "项目支出绩效自评表
(2022年度)
项目名称\t道路养护
绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分
\t产出指标\t数量指标\t养护里程\t≥100公里\t100公里\t40\t40
\t效益指标\t生态\t绿化里程\t≥10公里\t10公里\t20\t20

\t\t效益指标\t扬尘减少\t明显\t明显\t20\t20
\t满意度指标\t满意度指标\t群众满意度\t≥90%\t95%\t20\t19
总分\t\t\t\t\t\t100\t99
";

#[test]
fn a_level_cell_cut_by_a_page_break_is_one_name() {
    let doc = read_document(BROKEN);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    let level2: Vec<_> = f
        .indicators
        .iter()
        .map(|i| i.level2.as_deref().unwrap())
        .collect();
    assert_eq!(
        level2,
        ["数量指标", "生态效益指标", "生态效益指标", "满意度指标"]
    );
    assert!(f
        .repairs
        .iter()
        .any(|r| r.action.starts_with("split_level_cell")));
    // On consecutive rows too, where the first piece covers one row: a
    // merged cell's two lines.
    let doc = read_document(&BROKEN.replace("\n\n", "\n"));
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.indicators[2].level2.as_deref(), Some("生态效益指标"));
    // A first piece over two rows is a name of its own, as printed.
    let two = BROKEN.replace("\n\n", "\n\t\t\t水土保持\t达标\t达标\t0\t0\n");
    let doc = read_document(&two);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(
        f.indicators[3].level2.as_deref(),
        Some("效益指标"),
        "{:?}",
        f.indicators
    );
    assert!(f.repairs.is_empty(), "{:?}", f.repairs);
}

#[test]
fn rows_after_a_page_break_that_lost_the_side_column_are_read_under_their_header() {
    // The new page does not print the merged 绩效指标 column again.
    let shifted = BROKEN
        .replace("\n\n\t\t效益指标\t扬尘减少", "\n\n\t效益指标\t扬尘减少")
        .replace(
            "\t满意度指标\t满意度指标\t群众满意度\t≥90%\t95%\t20\t19\n总分\t\t\t\t\t\t100\t99",
            "满意度指标\t满意度指标\t群众满意度\t≥90%\t95%\t20\t19\n总分\t\t\t\t\t100\t99",
        );
    let doc = read_document(&shifted);
    let f = doc.forms[0].as_self_evaluation().unwrap();
    assert_eq!(f.indicators.len(), 4, "{:?}", f.unmapped);
    let last = &f.indicators[3];
    assert_eq!(last.level1.as_deref(), Some("满意度指标"));
    assert_eq!(last.name.as_deref(), Some("群众满意度"));
    assert_eq!(last.score.as_ref().unwrap().raw, "19");
    assert_eq!(f.total_score.as_ref().unwrap().raw, "99");
    assert!(f.unmapped.is_empty(), "{:?}", f.unmapped);
    assert!(f.repairs.iter().any(|r| r.action.starts_with("row_shift")));
}

/// A declaration's 时效 target printed as an Excel date serial reads as its
/// date, the serial kept as printed; a count elsewhere stays a count.
#[test]
fn excel_date_serials_of_time_indicators_are_dates() {
    let doc = jixiao_extract::read_document(
        "项目支出绩效目标申报表\n项目名称\t示范项目\n资金情况(万元)\t年度资金总额:\t10\n\
         绩效指标\t一级指标\t二级指标\t三级指标\t指标值\n\
         \t产出指标\t数量指标\t培训人数\t44,561\n\
         \t\t时效指标\t项目完成时间\t44,561\n",
    );
    let d = doc
        .forms
        .iter()
        .find_map(|f| match f {
            jixiao_extract::Form::Declaration(d) => Some(d),
            _ => None,
        })
        .expect("a declaration");
    let value = |i: usize| d.targets[i].value.as_ref().expect("a target");
    assert_eq!(value(0).date, None);
    assert_eq!(value(1).date.as_deref(), Some("2021-12-31"));
    assert_eq!(value(1).text, "44,561");
}
