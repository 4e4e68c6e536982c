//! Whatever numbers a form prints, reading and checking it never panics
//! (a panic would be caught, and say `jixiao failed`): a number beyond what
//! the checks compute with is named in a `not_checked` finding instead.

use proptest::prelude::*;

/// A printed number: up to 30 digits before the point and 30 after, a
/// sign, thousands separators, a percent sign.
fn number() -> impl Strategy<Value = String> {
    (
        prop::bool::ANY,
        "[0-9]{1,30}",
        prop::option::of("[0-9]{0,30}"),
        prop::bool::ANY,
    )
        .prop_map(|(negative, int, frac, percent)| {
            let mut s = String::new();
            if negative {
                s.push('-');
            }
            s.push_str(&int);
            if let Some(f) = frac {
                s.push('.');
                s.push_str(&f);
            }
            if percent {
                s.push('%');
            }
            s
        })
}

fn form(n: &[String]) -> String {
    format!(
        "财政项目支出绩效自评表\n（2023年度）\n项目名称\t示例项目\n\
         项目资金（万元）\t\t年初预算数\t全年预算数\t全年执行数\t分值\t执行率\t得分\n\
         \t年度资金总额\t{}\t{}\t{}\t{}\t{}\t{}\n\
         \t其中：当年财政拨款\t{}\t{}\t{}\t—\t{}\t—\n\
         一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分\n\
         产出指标\t数量指标\t培训人数\t≥{}人\t{}人\t{}\t{}\n\
         效益指标\t社会效益\t覆盖率\t{}\t{}\t{}\t{}\n\
         总分\t\t\t\t\t{}\t{}\n评分等级\t优\n",
        n[0],
        n[1],
        n[2],
        n[3],
        n[4],
        n[5],
        n[6],
        n[7],
        n[8],
        n[9],
        n[10],
        n[11],
        n[12],
        n[13],
        n[14],
        n[15],
        n[16],
        n[17],
        n[18],
        n[19]
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]
    #[test]
    fn any_printed_numbers_are_checked_or_named(n in prop::collection::vec(number(), 20)) {
        let doc = jixiao_extract::read_document(&form(&n));
        prop_assert!(doc.unrecognized.iter().all(|u| !u.reason.contains("jixiao failed")));
        let findings = jixiao_validate::validate(&doc);
        for f in &findings {
            prop_assert!(!f.message.contains("jixiao failed"), "{}", f.message);
        }
        // A form that prints a number out of range is not checked at all.
        if !doc.out_of_range.is_empty() {
            prop_assert!(findings.iter().all(|f| f.check == "not_checked"));
        }
    }
}
