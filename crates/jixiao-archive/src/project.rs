//! Which forms are about the same project: one unit, and names that say the
//! same once the parts that change from year to year are set aside.

use regex::Regex;
use std::sync::LazyLock;

/// Full-width forms and ideographic space as their ASCII counterparts, and
/// whitespace removed: `（2020运维）` and `(2020 运维)` read alike.
pub fn fold(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{ff01}'..='\u{ff5e}' => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
            '【' | '〔' => '[',
            '】' | '〕' => ']',
            _ => c,
        })
        .collect()
}

/// A trailing bracket that dates or stages the project rather than naming
/// it: one that holds a year or a 第N年 (`(2020运维)`, `(2024运维项目)`,
/// `(第二年)`, `(2023年度)`), also when the closing bracket was cut off.
static YEAR_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\([^()]*(第[一二三四五六七八九十\d]+年|\d{4})[^()]*\)?$").expect("valid regex")
});

/// A short category before a dash that some years print and others not
/// (`信息化-`, `专项-`): two to six characters, no digit or bracket, before
/// a name of six characters at least.
static CATEGORY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[^\d()\-－—]{2,6}[-－—](?P<rest>.{6,})$").expect("valid regex"));

/// The key that names a project across years: folded, without a category
/// prefix and without year or stage suffixes.
pub fn project_key(name: &str) -> String {
    let mut key = fold(name);
    key = CATEGORY_PREFIX.replace(&key, "$rest").into_owned();
    loop {
        let shorter = YEAR_SUFFIX.replace(&key, "").into_owned();
        if shorter == key || shorter.chars().count() < 2 {
            break;
        }
        key = shorter;
    }
    key
}

/// The unit a name stands for, folded.
pub fn unit_key(unit: &str) -> String {
    fold(unit)
}

/// Least similarity (normalised Levenshtein over characters) at which two
/// different keys are taken for one project, and least key length for it:
/// one or two glyphs misread in a long name, never two short names.
pub const SIMILAR: f64 = 0.85;
/// See [`SIMILAR`].
pub const SIMILAR_MIN_CHARS: usize = 8;

/// How similar two keys are, when they are long enough to compare.
pub fn similarity(a: &str, b: &str) -> Option<f64> {
    if a.chars().count() < SIMILAR_MIN_CHARS || b.chars().count() < SIMILAR_MIN_CHARS {
        return None;
    }
    Some(strsim::normalized_levenshtein(a, b))
}

/// Characters that make two names two projects when they are where the
/// names differ: digits and ordinals (第一中学 / 第二中学, 3号楼 / 4号楼).
fn is_numeral(c: char) -> bool {
    c.is_ascii_digit() || "零一二三四五六七八九十百千万两第".contains(c)
}

/// How places end (张村 / 李村, 东区 / 西区): a difference one or two
/// characters before one of these is a different place.
const PLACE_ENDS: &str = "省市县区镇乡村屯街道路巷社组楼栋校园";

/// The positions of `a` and of `b` that a shortest edit changes.
fn changed(a: &[char], b: &[char]) -> (Vec<usize>, Vec<usize>) {
    let (n, m) = (a.len(), b.len());
    let mut d = vec![vec![0usize; m + 1]; n + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=n {
        for j in 1..=m {
            let sub = d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = sub.min(d[i - 1][j] + 1).min(d[i][j - 1] + 1);
        }
    }
    let (mut i, mut j) = (n, m);
    let (mut in_a, mut in_b) = (Vec::new(), Vec::new());
    while i > 0 || j > 0 {
        if i > 0 && j > 0 && d[i][j] == d[i - 1][j - 1] + usize::from(a[i - 1] != b[j - 1]) {
            if a[i - 1] != b[j - 1] {
                in_a.push(i - 1);
                in_b.push(j - 1);
            }
            i -= 1;
            j -= 1;
        } else if i > 0 && d[i][j] == d[i - 1][j] + 1 {
            in_a.push(i - 1);
            i -= 1;
        } else {
            in_b.push(j - 1);
            j -= 1;
        }
    }
    (in_a, in_b)
}

/// Why two similar keys still name different projects, if they do: they
/// differ in a number or an ordinal, or in the name of a place.
pub fn distinct(a: &str, b: &str) -> Option<&'static str> {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    let (in_a, in_b) = changed(&a, &b);
    let at = |s: &[char], i: usize| s.get(i).copied();
    for (s, positions) in [(&a, &in_a), (&b, &in_b)] {
        for &i in positions.iter() {
            if at(s, i).is_some_and(is_numeral) {
                return Some("they differ in a number or an ordinal");
            }
            // A place's name is a character or two before its end (张家村).
            if [i + 1, i + 2]
                .iter()
                .any(|&k| at(s, k).is_some_and(|c| PLACE_ENDS.contains(c)))
            {
                return Some("they differ in the name of a place");
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn year_and_stage_suffixes_and_prefixes_are_set_aside() {
        assert_eq!(
            project_key("基于电子学生证的学生体育竞赛管理系统(2020运维)"),
            "基于电子学生证的学生体育竞赛管理系统"
        );
        assert_eq!(
            project_key("信息化-闵行区教育学院信息系统。运维项目(2024 运维项目)"),
            "闵行区教育学院信息系统。运维项目"
        );
        assert_eq!(
            project_key("信息化-上海市闵行区基于智慧纸笔的教育数字化转型实践项目（第二年）"),
            "上海市闵行区基于智慧纸笔的教育数字化转型实践项目"
        );
        // The closing bracket cut off by the layout.
        assert_eq!(
            project_key("信息化-基于云录播的课堂数学评价系统 (图整体解决方案购买 34 所)区级平台(2024 运维项目"),
            "基于云录播的课堂数学评价系统(图整体解决方案购买34所)区级平台"
        );
        // A bracket that is part of the name stays.
        assert_eq!(
            project_key("基于云录播的课堂教学评价系统(9个幼儿园+4所中小学)"),
            "基于云录播的课堂教学评价系统(9个幼儿园+4所中小学)"
        );
        assert_eq!(project_key("教师培训类项目"), "教师培训类项目");
        // The words of one district are not rules: a bracket with no year
        // stays, and so does a name's own year.
        assert_eq!(project_key("乡村道路养护(运维)"), "乡村道路养护(运维)");
        assert_eq!(
            project_key("专项-农村饮水安全巩固提升工程"),
            "农村饮水安全巩固提升工程"
        );
        assert_eq!(
            project_key("2021-2022年农村饮水安全工程"),
            "2021-2022年农村饮水安全工程"
        );
    }

    #[test]
    fn names_that_differ_in_a_number_an_ordinal_or_a_place_are_distinct() {
        for (a, b) in [
            ("第一中学校舍维修改造工程", "第二中学校舍维修改造工程"),
            ("2022年高标准农田建设项目", "2023年高标准农田建设项目"),
            ("张家村人居环境整治提升项目", "李家村人居环境整治提升项目"),
            ("城东区老旧小区改造工程项目", "城西区老旧小区改造工程项目"),
        ] {
            let (a, b) = (project_key(a), project_key(b));
            assert!(similarity(&a, &b).unwrap() > SIMILAR, "{a} / {b}");
            assert!(distinct(&a, &b).is_some(), "{a} / {b}");
        }
        // A misread glyph in a long name is the same project.
        let a = project_key("基于云录播的课堂教学评价系统(整体解决方案购买34所)区级平台");
        let b = project_key("基于云录播的课堂数学评价系统(图整体解决方案购买34所)区级平台");
        assert_eq!(distinct(&a, &b), None);
    }

    #[test]
    fn similar_long_names_compare_and_short_ones_do_not() {
        let a = project_key("基于云录播的课堂教学评价系统(整体解决方案购买34所)区级平台(2020运维)");
        let b = project_key(
            "信息化-基于云录播的课堂数学评价系统 (图整体解决方案购买 34 所)区级平台(2024 运维项目",
        );
        assert!(similarity(&a, &b).unwrap() > SIMILAR);
        assert_eq!(similarity("课程类项目", "课程类项目a"), None);
        let c = project_key("基于云录播的课堂教学评价系统整体解决方案购买(89个教室)");
        assert!(similarity(&a, &c).unwrap() < SIMILAR);
    }
}
