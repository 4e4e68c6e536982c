//! The repairs for a damaged text layer on the generic engine: `page_order`
//! and `debris` do their work where a template turns them on (always, or
//! for a damaged document only), and nothing where it does not; a clean
//! layer's letters (`ISO9001`, `PM2.5`) are values either way.

use jixiao_extract::{read_document, read_document_with, SelfEvaluation, Templates};

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
    let dir = std::env::temp_dir().join(format!(
        "jixiao-damaged-{}-{}",
        std::process::id(),
        repairs.len()
    ));
    std::fs::create_dir_all(&dir).unwrap();
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
    let dir = std::env::temp_dir().join(format!("jixiao-damaged-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("y.toml"),
        "id = \"y\"\nkind = \"self_evaluation\"\nfamily = \"national\"\nrepairs_when_damaged = [\"reorder_everything\"]\n",
    )
    .unwrap();
    let err = Templates::with_dir(&dir).unwrap_err().to_string();
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(err.contains("unknown repair `reorder_everything`"), "{err}");
}
