//! The repairs for a damaged text layer on the generic engine: `page_order`
//! and `debris` do their work where a template turns them on (always, or
//! for a damaged document only), and nothing where it does not; a clean
//! layer's letters (`ISO9001`, `PM2.5`) are values either way.

use jixiao_extract::{read_document, read_document_with, SelfEvaluation, Templates};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A directory of its own for each set of templates a test writes.
fn scratch(what: &str) -> std::path::PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("jixiao-{what}-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A made-up national form: its second page was extracted bottom-up (the
/// grade, then the total, then its two indicator rows in reverse, the
/// second of which prints no level of its own: a merged cell).
fn form(extra_head: &str) -> String {
    format!(
        "修复试验项目支出绩效自评表
(2023年度)
项目名称\t示例项目
{extra_head}项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分
\t年度资金总额:\t100.00\t100.00\t90.00\t10.00\t90.00%\t9.00
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
产出指标\t质量指标\t质量体系认证\tISO9001\tISO9001\t30.00\t30.00
\t\t细颗粒物年均浓度\tPM2.5\tPM2.5\t30.00\t30.00

评分等级\t优
总分\t\t\t\t\t100.00\t99.00
\t\t服务知晓率\t≥90%\t95%\t15.00\t15.00
效益指标\t社会效益指标\t群众满意度\t≥90%\t95%\t15.00\t15.00
"
    )
}

/// The form with debris in two cells of a line of its own: the document's
/// layer is damaged.
fn damaged_form() -> String {
    form("\\~\\\t<i></i>\n")
}

/// The shipped templates and a trial one for the form's title, with the
/// given repairs line.
fn templates(repairs: &str) -> Templates {
    let dir = scratch("damaged");
    let t = format!(
        "id = \"repair_trial\"\nkind = \"self_evaluation\"\nfamily = \"national\"\nextends = \"national\"\n{repairs}\n[recognise]\ntitle = [\"修复试验项目支出绩效自评表\"]\n"
    );
    std::fs::write(dir.join("repair_trial.toml"), t).unwrap();
    let loaded = Templates::with_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    loaded
}

fn read(text: &str, templates: &Templates) -> SelfEvaluation {
    let doc = read_document_with(text, templates);
    let f = doc.forms[0].as_self_evaluation().unwrap().clone();
    assert_eq!(f.template.as_deref(), Some("repair_trial"));
    f
}

/// (一级, name) of each indicator.
fn levels(f: &SelfEvaluation) -> Vec<(String, String)> {
    f.indicators
        .iter()
        .map(|i| {
            (
                i.level1.clone().unwrap_or_default(),
                i.name.clone().unwrap_or_default(),
            )
        })
        .collect()
}

fn repairs_named<'f>(f: &'f SelfEvaluation, name: &str) -> Vec<&'f str> {
    f.repairs
        .iter()
        .map(|r| r.action.as_str())
        .filter(|a| a.starts_with(&format!("{name}:")))
        .collect()
}

const WHEN_DAMAGED: &str = "repairs_when_damaged = [\"page_order\", \"debris\"]";

#[test]
fn page_order_reads_a_bottom_up_page_in_reverse_when_turned_on() {
    let f = read(&damaged_form(), &templates(WHEN_DAMAGED));
    assert_eq!(
        levels(&f),
        vec![
            ("产出指标".into(), "质量体系认证".into()),
            ("产出指标".into(), "细颗粒物年均浓度".into()),
            ("效益指标".into(), "群众满意度".into()),
            ("效益指标".into(), "服务知晓率".into()),
        ]
    );
    let notes = repairs_named(&f, "page_order");
    assert_eq!(notes.len(), 1, "{:?}", f.repairs);
    assert!(notes[0].contains("lines 11–14"), "{}", notes[0]);
    assert!(f.repairs.iter().any(|r| r.affects_numbers));
    assert_eq!(f.total_score.as_ref().unwrap().raw, "99.00");
    assert_eq!(f.grade.as_deref(), Some("优"));
}

#[test]
fn page_order_does_nothing_where_it_is_not_turned_on() {
    // No repair named, and a damaged document.
    let off = read(&damaged_form(), &templates(""));
    // Turned on for damaged documents, and a clean one.
    let clean = read(&form(""), &templates(WHEN_DAMAGED));
    for f in [&off, &clean] {
        assert!(repairs_named(f, "page_order").is_empty(), "{:?}", f.repairs);
        // Read as printed: the merged level cell's second row comes first
        // and falls under the group above.
        let got = levels(f);
        assert_eq!(
            got[2],
            ("产出指标".to_string(), "服务知晓率".to_string()),
            "{got:?}"
        );
    }
}

#[test]
fn page_order_can_be_turned_on_for_every_form() {
    let f = read(&form(""), &templates("repairs = [\"page_order\"]"));
    assert_eq!(repairs_named(&f, "page_order").len(), 1);
    assert_eq!(levels(&f)[3], ("效益指标".into(), "服务知晓率".into()));
}

#[test]
fn a_clean_layer_keeps_letters_as_values() {
    for f in [
        read_document(&form("")).forms[0]
            .as_self_evaluation()
            .unwrap()
            .clone(),
        read(&form(""), &templates(WHEN_DAMAGED)),
        // Turned on for every form: only debris marks are garbage in a clean
        // layer.
        read(&form(""), &templates("repairs = [\"debris\"]")),
    ] {
        let ind = |name: &str| {
            f.indicators
                .iter()
                .find(|i| i.name.as_deref() == Some(name))
                .unwrap_or_else(|| panic!("{name} in {:?}", levels(&f)))
                .clone()
        };
        assert_eq!(ind("质量体系认证").target.unwrap().text, "ISO9001");
        assert_eq!(ind("质量体系认证").actual.unwrap().text, "ISO9001");
        assert_eq!(ind("细颗粒物年均浓度").target.unwrap().text, "PM2.5");
        assert!(
            !f.unmapped.iter().any(|u| u.reason.contains("garbled")),
            "{:?}",
            f.unmapped
        );
    }
}

/// A damaged form whose indicator table holds debris: a row of it, and a
/// deviation cell of letters.
fn debris_form() -> String {
    damaged_form()
        .replace(
            "\t\t细颗粒物年均浓度",
            "\t\t~\\~\t////\t<i>l\\b</i>\n\t\t细颗粒物年均浓度",
        )
        .replace(
            "ISO9001\tISO9001\t30.00\t30.00",
            "ISO9001\tISO9001\t30.00\t30.00\tFU)",
        )
}

#[test]
fn debris_leaves_garbled_cells_out_with_why_when_turned_on() {
    let text = debris_form();
    let f = read(&text, &templates(WHEN_DAMAGED));
    let names: Vec<String> = levels(&f).into_iter().map(|(_, n)| n).collect();
    assert_eq!(
        names,
        [
            "质量体系认证",
            "细颗粒物年均浓度",
            "群众满意度",
            "服务知晓率"
        ]
    );
    // In a damaged layer, letters without Chinese are garbage too.
    let garbled: Vec<&str> = f
        .unmapped
        .iter()
        .filter(|u| u.reason == "garbled text (second text layer or scan debris)")
        .map(|u| u.text.as_str())
        .collect();
    for cell in ["~\\~", "////", "<i>l\\b</i>", "FU)", "ISO9001", "PM2.5"] {
        assert!(garbled.contains(&cell), "{cell} not in {garbled:?}");
    }
    let first = &f.indicators[0];
    assert_eq!(first.deviation_reason, None);
    assert_eq!(first.weight.as_ref().unwrap().raw, "30.00");
    assert_eq!(first.score.as_ref().unwrap().raw, "30.00");
}

#[test]
fn debris_does_nothing_where_it_is_not_turned_on() {
    let f = read(&debris_form(), &templates(""));
    assert!(
        !f.unmapped.iter().any(|u| u.reason.contains("garbled")),
        "{:?}",
        f.unmapped
    );
    // The debris row is read as the row it looks like, the letters as
    // values.
    assert!(f
        .indicators
        .iter()
        .any(|i| i.name.as_deref() == Some("~\\~")));
    assert_eq!(f.indicators[0].deviation_reason.as_deref(), Some("FU)"));
    assert_eq!(
        f.indicators[0].target.as_ref().unwrap().text,
        "ISO9001".to_string()
    );
}

#[test]
fn repairs_when_damaged_are_checked_against_the_known_repairs() {
    let dir = scratch("damaged-bad");
    std::fs::write(
        dir.join("y.toml"),
        "id = \"y\"\nkind = \"self_evaluation\"\nfamily = \"national\"\nrepairs_when_damaged = [\"reorder_everything\"]\n",
    )
    .unwrap();
    let err = Templates::with_dir(&dir).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("unknown repair `reorder_everything`"), "{err}");
}

/// A damaged Shanghai 自评表 (debris in two cells of the header), read by
/// its layout reader: the first indicator's values run onto a second line
/// that repeats its weight and score (a second text layer), and the merged
/// level cells are printed as fragments on the lines between indicators.
const SHANGHAI: &str = "财政项目支出绩效自评表
(2023 年度)
项目名称\t示例项目
~\\\t<i></i>
项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分
\t年度资金总额:\t10.00\t10.00\t10.00\t10.00\t100.00\t10.00
一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\t偏差原因分析及改进措施
\t\t培训覆盖率\t=100.00(百\t100.00(百\t50.00\t50.00
\t\t\t分比)\t分比)\t50.00\t50.00
产出\t数量
指标\t指标
\t\t满意度\t≥90.00(百分比)\t95.00(百分比)\t40.00\t40.00
总分\t\t\t\t\t100.00\t100.00
评分等级\t优
";

/// The shipped templates with `shanghai_modern` replaced by one whose
/// `repairs_when_damaged` is `list`.
fn shanghai_with(list: &str) -> Templates {
    let dir = scratch("shanghai");
    let shipped = include_str!("../../../templates/self_evaluation/shanghai_modern.toml");
    let t: String = shipped
        .lines()
        .map(|l| match l.starts_with("repairs_when_damaged") {
            true => format!("repairs_when_damaged = [{list}]\n"),
            false => format!("{l}\n"),
        })
        .collect();
    std::fs::write(dir.join("shanghai_modern.toml"), t).unwrap();
    let loaded = Templates::with_dir(&dir).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    loaded
}

fn shanghai(list: &str) -> SelfEvaluation {
    let doc = read_document_with(SHANGHAI, &shanghai_with(list));
    doc.forms[0].as_self_evaluation().unwrap().clone()
}

#[test]
fn second_layer_drops_a_repeated_row_when_turned_on() {
    let f = shanghai("\"second_layer\", \"level_fragments\"");
    assert_eq!(f.indicators.len(), 2, "{:?}", f.indicators);
    let first = &f.indicators[0];
    assert_eq!(first.name.as_deref(), Some("培训覆盖率"));
    assert_eq!(first.target.as_ref().unwrap().text, "=100.00(百分比)");
    assert_eq!(first.actual.as_ref().unwrap().text, "100.00(百分比)");
    let notes = repairs_named(&f, "second_layer");
    assert_eq!(notes.len(), 1, "{:?}", f.repairs);
    assert!(f.repairs.iter().any(|r| r.line == 9 && r.affects_numbers));
    // The repeated weight and score are left out, each with why.
    let repeated: Vec<(usize, &str)> = f
        .unmapped
        .iter()
        .filter(|u| u.line == 9)
        .map(|u| (u.column, u.text.as_str()))
        .collect();
    assert_eq!(repeated, vec![(5, "50.00"), (6, "50.00")]);
}

#[test]
fn second_layer_does_nothing_where_it_is_not_turned_on() {
    let f = shanghai("\"level_fragments\"");
    assert!(repairs_named(&f, "second_layer").is_empty());
    // The continuation line is read as an indicator of its own.
    assert_eq!(f.indicators.len(), 3, "{:?}", f.indicators);
    assert_eq!(f.indicators[1].weight.as_ref().unwrap().line, 9);
}

#[test]
fn level_fragments_spell_the_merged_level_cells_when_turned_on() {
    let f = shanghai("\"second_layer\", \"level_fragments\"");
    for ind in &f.indicators {
        assert_eq!(ind.level1.as_deref(), Some("产出指标"), "{ind:?}");
        assert_eq!(ind.level2.as_deref(), Some("数量指标"), "{ind:?}");
    }
    assert_eq!(f.indicators[1].name.as_deref(), Some("满意度"));
}

#[test]
fn level_fragments_do_nothing_where_they_are_not_turned_on() {
    let f = shanghai("\"second_layer\"");
    assert_eq!(f.indicators[0].level1, None);
    assert_eq!(f.indicators[0].level2, None);
    // The fragments are not taken for levels: they run into the next name.
    let next = f.indicators[1].name.as_deref().unwrap();
    assert!(next != "满意度" && next.contains("满意度"), "{next}");
}

/// The damaged national form whose first indicator's values run onto a
/// second line that repeats its weight and score. (Its second indicator
/// keeps the same weight and score, and values that are no garbage.)
fn copied_form() -> String {
    damaged_form()
        .replace(
            "ISO9001\tISO9001\t30.00\t30.00\n",
            "=100.00(百\t100.00(百\t30.00\t30.00\n\t\t\t分比)\t分比)\t30.00\t30.00\n",
        )
        .replace("PM2.5\tPM2.5", "达标\t达标")
}

#[test]
fn second_layer_on_the_engine_drops_the_copy_and_keeps_its_closing_text() {
    let f = read(
        &copied_form(),
        &templates("repairs_when_damaged = [\"second_layer\"]"),
    );
    let first = &f.indicators[0];
    assert_eq!(first.name.as_deref(), Some("质量体系认证"));
    assert_eq!(first.target.as_ref().unwrap().text, "=100.00(百分比)");
    assert_eq!(first.actual.as_ref().unwrap().text, "100.00(百分比)");
    assert_eq!(first.lines, vec![8, 9]);
    assert_eq!(f.indicators.len(), 4);
    let copied: Vec<(usize, &str, &str)> = f
        .unmapped
        .iter()
        .filter(|u| u.line == 9)
        .map(|u| (u.column, u.text.as_str(), u.reason.as_str()))
        .collect();
    let why = "in an indicator row copied from a second text layer";
    assert_eq!(copied, vec![(5, "30.00", why), (6, "30.00", why)]);
    assert_eq!(repairs_named(&f, "second_layer").len(), 1);
    // The copy is known for one: the table is still read whole.
    assert!(f.not_read_whole.is_empty(), "{:?}", f.not_read_whole);
}

#[test]
fn second_layer_on_the_engine_does_nothing_where_it_is_not_turned_on() {
    for f in [
        read(&copied_form(), &templates("")),
        read(
            &copied_form().replace("\\~\\\t<i></i>\n", ""),
            &templates("repairs_when_damaged = [\"second_layer\"]"),
        ),
    ] {
        assert!(repairs_named(&f, "second_layer").is_empty());
        assert_eq!(f.indicators[0].target.as_ref().unwrap().text, "=100.00(百");
        // The copied line's figures are values of a row with no name: the
        // table is not read whole, so nothing is checked over it.
        assert!(
            f.not_read_whole.iter().any(|n| n.block == "indicators"),
            "{:?}",
            f.not_read_whole
        );
    }
}
