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
/// it: `(2020运维)`, `(2024运维项目)`, `(第二年)`, `(2023年度)`, also when the
/// closing bracket was cut off.
static YEAR_SUFFIX: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\([^()]*(运维|第[一二三四五六七八九十\d]+年|\d{4}年?度?)[^()]*\)?$")
        .expect("valid regex")
});

/// A category prefix such as `信息化-` that some years print and others not
/// (also with a stray glyph, `信息化公-`).
static CATEGORY_PREFIX: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^信息化.?[-－—]").expect("valid regex"));

/// The key that names a project across years: folded, without a category
/// prefix and without year or stage suffixes.
pub fn project_key(name: &str) -> String {
    let mut key = fold(name);
    key = CATEGORY_PREFIX.replace(&key, "").into_owned();
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
