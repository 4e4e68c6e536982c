//! Reading printed numbers: `4,072.13`, `.00`, `97.68%`, full-width digits,
//! `—`/`-` for "nothing printed", and indicator values like `≥30.00(百分比)`.
//!
//! A number keeps the text it was read from, its exact decimal value and the
//! number of decimals it was printed with, because every check compares at
//! the precision of what was printed.

use rust_decimal::Decimal;
use serde::Serialize;
use std::str::FromStr;

/// A number as printed in one cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Num {
    /// The cell text the number was read from, untouched.
    pub raw: String,
    /// The exact value. For a percentage this is the number before `%`
    /// (`97.68%` reads as 97.68).
    #[serde(with = "rust_decimal::serde::str")]
    #[schemars(with = "String")]
    pub value: Decimal,
    /// Decimals printed after the point (`4,072.13` → 2, `10` → 0).
    pub scale: u32,
    /// Printed with a `%` sign.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub percent: bool,
    /// Where the number was found.
    pub line: usize,
    /// Tab-separated column of the cell (0-based).
    pub column: usize,
    /// Set when characters around the number were left out to read it
    /// (a stray `)` from a neighbouring cell, say).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Num {
    /// Half a unit in the last printed place: the most that rounding to the
    /// printed precision can have moved the value.
    pub fn half_ulp(&self) -> Decimal {
        Decimal::new(5, self.scale + 1)
    }
}

/// What one cell holds when a number is expected there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NumberCell {
    /// Nothing printed: blank, `-`, `—`, `／`.
    Empty,
    /// A number (value, scale, `%`, and a note if stray characters were left out).
    Number {
        /// Exact value.
        value: Decimal,
        /// Printed decimals.
        scale: u32,
        /// Printed with `%`.
        percent: bool,
        /// What was left out to read it, if anything.
        note: Option<String>,
    },
    /// A number beyond what the checks compute with exactly (see
    /// [`CHECKABLE_DIGITS`] and [`CHECKABLE_SCALE`]): no form prints one, so
    /// it is kept as text with that reason, never as a value.
    OutOfRange,
    /// Text that is not a number.
    Text,
}

/// Printed numbers are read as values only below 10^`CHECKABLE_DIGITS` in
/// magnitude (100 trillion: beyond any figure a unit's form prints in 元).
/// With [`CHECKABLE_SCALE`] this keeps every sum, product and quotient of
/// two printed values within the exact range of the decimal type.
pub const CHECKABLE_DIGITS: u32 = 14;

/// Printed numbers are read as values only with at most this many decimals.
pub const CHECKABLE_SCALE: u32 = 10;

/// Why a cell that holds a number out of range is not read as one.
pub const OUT_OF_RANGE: &str =
    "a number beyond what the checks compute with (at most 14 digits before the point and 10 after)";

fn checkable(value: Decimal, scale: u32) -> bool {
    scale <= CHECKABLE_SCALE && value.abs() < Decimal::from(10u64.pow(CHECKABLE_DIGITS))
}

/// Maps full-width digits and punctuation to their ASCII forms and removes
/// the spaces that extraction puts inside cells.
pub fn normalize_digits(s: &str) -> String {
    s.chars().filter_map(normalize_digit).collect()
}

/// One character as [`normalize_digits`] maps it (`None`: whitespace).
pub fn normalize_digit(c: char) -> Option<char> {
    match c {
        '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32),
        '．' => Some('.'),
        '，' => Some(','),
        '％' => Some('%'),
        '－' | '−' => Some('-'),
        '＋' => Some('+'),
        c if c.is_whitespace() => None,
        c => Some(c),
    }
}

fn is_empty_marker(s: &str) -> bool {
    matches!(s, "" | "-" | "—" | "——" | "–" | "/" | "--")
}

/// Reads the plain number in `s` (already normalised), or `None`.
/// Accepts `1,234.56`, `1234`, `.00`, `-3.5`, `97.68%`.
fn plain(s: &str) -> Option<(Decimal, u32, bool)> {
    let (body, percent) = match s.strip_suffix('%') {
        Some(b) => (b, true),
        None => (s, false),
    };
    let (sign, digits) = match body.strip_prefix('-') {
        Some(d) => ("-", d),
        None => ("", body.strip_prefix('+').unwrap_or(body)),
    };
    let (int_part, frac_part) = match digits.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    if int_part.is_empty() && frac_part.is_none_or(str::is_empty) {
        return None;
    }
    if let Some(f) = frac_part {
        if f.is_empty() || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    let int_clean = if int_part.contains(',') {
        let groups: Vec<&str> = int_part.split(',').collect();
        let first_ok = (1..=3).contains(&groups[0].len());
        let rest_ok = groups[1..].iter().all(|g| g.len() == 3);
        if !first_ok || !rest_ok {
            return None;
        }
        groups.concat()
    } else {
        int_part.to_string()
    };
    if !int_clean.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let scale = frac_part.map_or(0, |f| f.len() as u32);
    let value = if !int_part.contains(',') && !int_part.is_empty() {
        Decimal::from_str(body.strip_prefix('+').unwrap_or(body)).ok()?
    } else {
        let text = format!(
            "{sign}{}{}{}",
            if int_clean.is_empty() {
                "0"
            } else {
                &int_clean
            },
            if frac_part.is_some() { "." } else { "" },
            frac_part.unwrap_or("")
        );
        Decimal::from_str(&text).ok()?
    };
    Some((value, scale, percent))
}

/// Whether `c` can start a printed number (or an empty marker).
fn may_start_number(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            '.' | '-' | '+' | '—' | '–' | '/' | '０'..='９' | '．' | '－' | '＋' | '−'
        )
}

/// Reads a cell where a number is expected.
pub fn read_number(raw: &str) -> NumberCell {
    let trimmed = raw.trim();
    match trimmed.chars().next() {
        None => return NumberCell::Empty,
        Some(c) if !may_start_number(c) => return NumberCell::Text,
        _ => {}
    }
    // A number holds ASCII and full-width digits and signs only; any other
    // character (a unit, Chinese text) makes it text, unless it is a stray
    // closing bracket.
    let number_char = |c: char| {
        c.is_ascii()
            || matches!(
                c,
                '０'
                    ..='９'
                        | '．'
                        | '，'
                        | '％'
                        | '－'
                        | '＋'
                        | '−'
                        | '—'
                        | '–'
                        | '）'
                        | '\u{3000}'
            )
    };
    if !trimmed.chars().all(number_char) {
        return NumberCell::Text;
    }
    let s: std::borrow::Cow<str> = if trimmed.bytes().all(|b| b.is_ascii_graphic()) {
        std::borrow::Cow::Borrowed(trimmed)
    } else {
        std::borrow::Cow::Owned(normalize_digits(trimmed))
    };
    let s = s.as_ref();
    if is_empty_marker(s) {
        return NumberCell::Empty;
    }
    if let Some((value, scale, percent)) = plain(s) {
        if !checkable(value, scale) {
            return NumberCell::OutOfRange;
        }
        return NumberCell::Number {
            value,
            scale,
            percent,
            note: None,
        };
    }
    // A closing bracket that belongs to a neighbouring cell sometimes sticks
    // to a number (`121.20)`); read the number and say so.
    let trimmed = s.trim_end_matches([')', '）']);
    if trimmed.len() != s.len() {
        if let Some((value, scale, percent)) = plain(trimmed) {
            if !checkable(value, scale) {
                return NumberCell::OutOfRange;
            }
            return NumberCell::Number {
                value,
                scale,
                percent,
                note: Some(format!(
                    "stray '{}' after the number left out",
                    &s[trimmed.len()..]
                )),
            };
        }
    }
    NumberCell::Text
}

/// Reads `raw` into a [`Num`] at `line`/`column`, or `None` when it is not a number.
pub fn num_at(raw: &str, line: usize, column: usize) -> Option<Num> {
    match read_number(raw) {
        NumberCell::Number {
            value,
            scale,
            percent,
            note,
        } => Some(Num {
            raw: raw.to_string(),
            value,
            scale,
            percent,
            line,
            column,
            note,
        }),
        _ => None,
    }
}

/// An indicator's target or actual value split into its parts where it has
/// them: `≥30.00(百分比)` → comparator `≥`, number 30.00, unit `百分比`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Measure {
    /// The text as printed (cell fragments joined).
    pub text: String,
    /// `≥`, `≤`, `>`, `<` or `=` when printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparator: Option<String>,
    /// The number, when the value is a number with an optional unit.
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "rust_decimal::serde::str_option"
    )]
    #[schemars(with = "Option<String>")]
    pub number: Option<Decimal>,
    /// The unit: `百分比`, `%`, `次`, `件` ….
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    /// The date an Excel date serial stands for (`44,561` → `2021-12-31`),
    /// where the value is a date printed as a serial; `text` keeps the
    /// serial as printed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub date: Option<String>,
}

/// The calendar date of an Excel date serial (`44561` or `44,561`: days
/// since 1899-12-30), for serials of the years 2000 to 2050 only: a
/// smaller or larger number is a count, not a date.
pub fn excel_serial_date(text: &str) -> Option<String> {
    let digits: String = text.trim().chars().filter(|&c| c != ',').collect();
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let serial: i64 = digits.parse().ok()?;
    if !(36_526..=55_152).contains(&serial) {
        return None;
    }
    // Days since 1970-01-01, then the civil date (Howard Hinnant's method).
    let z = serial - 25_569 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(format!("{year:04}-{month:02}-{day:02}"))
}

/// Splits an indicator value into comparator, number and unit.
/// Values that are words (`及时`, `达成指标`) keep only their text.
pub fn read_measure(text: &str) -> Measure {
    let s = normalize_digits(text);
    let mut rest = s.as_str();
    let mut comparator = None;
    for (pat, norm) in [
        (">=", "≥"),
        ("<=", "≤"),
        ("≥", "≥"),
        ("≤", "≤"),
        ("＞", ">"),
        ("＜", "<"),
        ("＝", "="),
        (">", ">"),
        ("<", "<"),
        ("=", "="),
    ] {
        if let Some(r) = rest.strip_prefix(pat) {
            comparator = Some(norm.to_string());
            rest = r;
            break;
        }
    }
    let num_end = rest
        .char_indices()
        .find(|&(_, c)| !(c.is_ascii_digit() || c == '.' || c == ','))
        .map_or(rest.len(), |(i, _)| i);
    let (num_text, unit_text) = rest.split_at(num_end);
    let parsed = plain(num_text)
        .filter(|_| !num_text.is_empty())
        .filter(|&(value, scale, _)| checkable(value, scale));
    let unit = if unit_text.is_empty() {
        Some(None)
    } else if unit_text == "%" {
        Some(Some("%".to_string()))
    } else if let Some(inner) = unit_text
        .strip_prefix(['(', '（'])
        .and_then(|u| u.strip_suffix([')', '）']))
    {
        (!inner.is_empty()
            && !inner.contains(['(', ')'])
            && !inner.chars().any(|c| c.is_ascii_digit()))
        .then(|| Some(inner.to_string()))
    } else if unit_text.chars().count() <= 3 && !unit_text.chars().any(|c| c.is_ascii_digit()) {
        Some(Some(unit_text.to_string()))
    } else {
        None
    };
    match (parsed, unit) {
        (Some((value, _, _)), Some(unit)) => Measure {
            text: text.to_string(),
            comparator,
            number: Some(value),
            unit,
            date: None,
        },
        _ => Measure {
            text: text.to_string(),
            comparator: None,
            number: None,
            unit: None,
            date: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excel_serials_are_dates_of_their_day() {
        assert_eq!(excel_serial_date("44,561").as_deref(), Some("2021-12-31"));
        assert_eq!(excel_serial_date("44562").as_deref(), Some("2022-01-01"));
        assert_eq!(excel_serial_date("36526").as_deref(), Some("2000-01-01"));
        assert_eq!(excel_serial_date("45351").as_deref(), Some("2024-02-29"));
        // Counts and other numbers are no dates.
        assert_eq!(excel_serial_date("3500"), None);
        assert_eq!(excel_serial_date("98.5"), None);
        assert_eq!(excel_serial_date("2021"), None);
    }

    fn n(raw: &str) -> (String, u32, bool) {
        match read_number(raw) {
            NumberCell::Number {
                value,
                scale,
                percent,
                ..
            } => (value.to_string(), scale, percent),
            other => panic!("{raw:?} read as {other:?}"),
        }
    }

    #[test]
    fn thousands_separators() {
        assert_eq!(n("4,072.13"), ("4072.13".into(), 2, false));
        assert_eq!(n("23,035,714.51"), ("23035714.51".into(), 2, false));
        assert_eq!(n("28,335,329"), ("28335329".into(), 0, false));
        assert_eq!(read_number("20,70"), NumberCell::Text);
        assert_eq!(read_number("1,2345"), NumberCell::Text);
    }

    #[test]
    fn leading_point_and_zero() {
        assert_eq!(n(".00"), ("0.00".into(), 2, false));
        assert_eq!(n("0"), ("0".into(), 0, false));
        assert_eq!(n("17062552.6"), ("17062552.6".into(), 1, false));
    }

    #[test]
    fn percent() {
        assert_eq!(n("97.68%"), ("97.68".into(), 2, true));
        assert_eq!(n("100.00%"), ("100.00".into(), 2, true));
    }

    #[test]
    fn full_width() {
        assert_eq!(n("１２３．４５"), ("123.45".into(), 2, false));
        assert_eq!(n("９７．６８％"), ("97.68".into(), 2, true));
        assert_eq!(n("４，０７２．１３"), ("4072.13".into(), 2, false));
    }

    #[test]
    fn empty_markers() {
        for raw in ["", " ", "-", "—", "——", "－"] {
            assert_eq!(read_number(raw), NumberCell::Empty, "{raw:?}");
        }
    }

    #[test]
    fn text_is_not_a_number() {
        for raw in ["达成指标", "E 00", "1.2.3", ".", "%", "3次", "4.0017/21"] {
            assert_eq!(read_number(raw), NumberCell::Text, "{raw:?}");
        }
    }

    #[test]
    fn stray_bracket_is_noted() {
        match read_number("121.20)") {
            NumberCell::Number { value, note, .. } => {
                assert_eq!(value.to_string(), "121.20");
                assert!(note.unwrap().contains("')'"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn half_ulp_follows_scale() {
        let a = num_at("4,072.13", 1, 0).unwrap();
        assert_eq!(a.half_ulp().to_string(), "0.005");
        let b = num_at("10", 1, 0).unwrap();
        assert_eq!(b.half_ulp().to_string(), "0.5");
    }

    #[test]
    fn measures() {
        let m = read_measure("≥30.00(百分比)");
        assert_eq!(m.comparator.as_deref(), Some("≥"));
        assert_eq!(m.number.unwrap().to_string(), "30.00");
        assert_eq!(m.unit.as_deref(), Some("百分比"));

        let m = read_measure(">=280件");
        assert_eq!(m.comparator.as_deref(), Some("≥"));
        assert_eq!(m.number.unwrap().to_string(), "280");
        assert_eq!(m.unit.as_deref(), Some("件"));

        let m = read_measure("=100%");
        assert_eq!(m.comparator.as_deref(), Some("="));
        assert_eq!(m.unit.as_deref(), Some("%"));

        let m = read_measure("≥106000.00 (小学 30000 人,初中 56000 人)");
        assert_eq!(m.number, None, "a unit holding numbers is not split");

        let m = read_measure("及时");
        assert_eq!((m.comparator, m.number, m.unit), (None, None, None));
        assert_eq!(m.text, "及时");

        let m = read_measure("=100.00(百 分比)");
        assert_eq!(m.unit.as_deref(), Some("百分比"));
    }
}
