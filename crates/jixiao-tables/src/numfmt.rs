//! A number shown as a spreadsheet shows it under its number format:
//! `#,##0.00` shows 4072.1 as `4,072.10`, `0.0%` shows 0.9768 as `97.7%`.
//! The digits are rounded half away from zero on the decimal the number
//! is (as spreadsheets round), not on its binary value.

/// The number as the `General` format shows it: up to 15 significant
/// digits, no exponent, no trailing zeros.
pub(crate) fn general(value: f64) -> String {
    if !value.is_finite() {
        return value.to_string();
    }
    if value == value.trunc() && value.abs() < 1e15 {
        return format!("{}", value as i64);
    }
    // Fifteen significant digits, as spreadsheets keep them.
    let rounded: f64 = format!("{value:.14e}").parse().unwrap_or(value);
    format!("{rounded}")
}

/// The number as `code` shows it, or `None` when the code is not a plain
/// number format (general, text, dates, fractions, exponents), which the
/// caller shows its own way.
pub(crate) fn format(value: f64, code: &str) -> Option<String> {
    if !value.is_finite() {
        return None;
    }
    let sections = split_sections(code);
    let (section, signed) = match sections.as_slice() {
        [] => return None,
        [only] => (*only, true),
        [positive, negative, rest @ ..] => {
            if value < 0.0 {
                (*negative, false)
            } else if value == 0.0 && !rest.is_empty() {
                (rest[0], true)
            } else {
                (*positive, true)
            }
        }
    };
    let pattern = Pattern::parse(section)?;
    let mut magnitude = value.abs();
    if pattern.percent {
        magnitude *= 100.0;
    }
    for _ in 0..pattern.thousands_scale {
        magnitude /= 1000.0;
    }
    let (int, frac) = round_decimal(&format!("{magnitude}"), pattern.decimals);
    let mut frac = frac;
    while frac.len() > pattern.min_decimals && frac.ends_with('0') {
        frac.pop();
    }
    let int = if int == "0" && pattern.min_int == 0 {
        String::new()
    } else {
        format!("{int:0>width$}", width = pattern.min_int)
    };
    let int = if pattern.grouping { group(&int) } else { int };
    let zero = int.chars().chain(frac.chars()).all(|c| c == '0');
    let mut out = String::new();
    if signed && value < 0.0 && !zero {
        out.push('-');
    }
    out.push_str(&pattern.prefix);
    out.push_str(&int);
    if !frac.is_empty() {
        out.push('.');
        out.push_str(&frac);
    }
    out.push_str(&pattern.suffix);
    Some(out)
}

/// The sections of a format code, split at `;` outside quotes, brackets
/// and escapes.
fn split_sections(code: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut quoted, mut bracket, mut escaped) = (false, false, false);
    let mut start = 0;
    for (i, c) in code.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if !quoted => escaped = true,
            '"' if !bracket => quoted = !quoted,
            '[' if !quoted => bracket = true,
            ']' if !quoted => bracket = false,
            ';' if !quoted && !bracket => {
                out.push(&code[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&code[start..]);
    out
}

/// What one section of a number format asks for.
#[derive(Debug, Default, PartialEq)]
struct Pattern {
    prefix: String,
    suffix: String,
    /// Integer digits always shown (the `0`s before the point).
    min_int: usize,
    /// Decimals at most, and at least.
    decimals: usize,
    min_decimals: usize,
    grouping: bool,
    percent: bool,
    /// Commas after the last digit: each divides by 1000.
    thousands_scale: usize,
}

impl Pattern {
    fn parse(section: &str) -> Option<Pattern> {
        let mut p = Pattern::default();
        let mut chars = section.chars().peekable();
        let (mut seen_digit, mut after_point, mut done_digits) = (false, false, false);
        let mut pending_commas = 0;
        let literal = |p: &mut Pattern, s: &str, seen: bool| {
            if seen {
                p.suffix.push_str(s);
            } else {
                p.prefix.push_str(s);
            }
        };
        while let Some(c) = chars.next() {
            match c {
                '"' => {
                    let text: String = chars.by_ref().take_while(|&c| c != '"').collect();
                    literal(&mut p, &text, seen_digit);
                }
                '\\' => {
                    if let Some(c) = chars.next() {
                        literal(&mut p, &c.to_string(), seen_digit);
                    }
                }
                '[' => {
                    let inside: String = chars.by_ref().take_while(|&c| c != ']').collect();
                    // `[$¥-804]` prints its currency; colours, conditions
                    // and locales print nothing.
                    if let Some(currency) = inside.strip_prefix('$') {
                        let shown = currency.split('-').next().unwrap_or("");
                        literal(&mut p, shown, seen_digit);
                    }
                }
                '_' => {
                    chars.next();
                    literal(&mut p, " ", seen_digit);
                }
                '*' => {
                    chars.next();
                }
                '0' | '#' | '?' if !done_digits => {
                    if pending_commas > 0 {
                        p.grouping = true;
                        pending_commas = 0;
                    }
                    seen_digit = true;
                    if after_point {
                        p.decimals += 1;
                        if c == '0' {
                            p.min_decimals = p.decimals;
                        }
                    } else if c == '0' {
                        p.min_int += 1;
                    }
                }
                '.' if !after_point && !done_digits => {
                    after_point = true;
                    seen_digit = true;
                }
                ',' if seen_digit && !after_point && !done_digits => pending_commas += 1,
                '%' => {
                    p.percent = true;
                    literal(&mut p, "%", seen_digit);
                }
                'E' | 'e' if matches!(chars.peek(), Some('+' | '-')) => return None,
                '@' | '/' => return None,
                c if c.is_ascii_alphabetic() => {
                    // `General`, and the letters of dates and times.
                    return None;
                }
                c => {
                    if seen_digit {
                        done_digits = true;
                    }
                    literal(&mut p, &c.to_string(), seen_digit);
                }
            }
        }
        if !seen_digit {
            return None;
        }
        p.thousands_scale = pending_commas;
        Some(p)
    }
}

/// `digits` (a plain decimal, as `f64`'s `Display` writes it) rounded half
/// away from zero to `places` decimals: its integer and fraction digits.
fn round_decimal(digits: &str, places: usize) -> (String, String) {
    let (int, frac) = digits.split_once('.').unwrap_or((digits, ""));
    let mut all: Vec<u8> = int.bytes().map(|b| b - b'0').collect();
    let int_len = all.len();
    let mut frac_digits: Vec<u8> = frac.bytes().map(|b| b - b'0').collect();
    let round_up = frac_digits.get(places).is_some_and(|&d| d >= 5);
    frac_digits.resize(places, 0);
    all.extend(frac_digits);
    if round_up {
        let mut i = all.len();
        loop {
            if i == 0 {
                all.insert(0, 1);
                break;
            }
            i -= 1;
            if all[i] == 9 {
                all[i] = 0;
            } else {
                all[i] += 1;
                break;
            }
        }
    }
    let split = all.len() - places;
    let text = |d: &[u8]| d.iter().map(|&d| char::from(b'0' + d)).collect::<String>();
    let int = text(&all[..split]).trim_start_matches('0').to_string();
    let int = if int.is_empty() { "0".to_string() } else { int };
    let _ = int_len;
    (int, text(&all[split..]))
}

/// `digits` with a comma every three from the right.
fn group(digits: &str) -> String {
    let n = digits.len();
    let mut out = String::with_capacity(n + n / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (n - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The format code of a built-in number format id, for the ids that are
/// numbers (dates are told by the reader).
pub(crate) fn builtin(id: u32) -> Option<&'static str> {
    Some(match id {
        1 => "0",
        2 => "0.00",
        3 => "#,##0",
        4 => "#,##0.00",
        9 => "0%",
        10 => "0.00%",
        37 => "#,##0 ;(#,##0)",
        38 => "#,##0 ;[Red](#,##0)",
        39 => "#,##0.00;(#,##0.00)",
        40 => "#,##0.00;[Red](#,##0.00)",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displayed_precision() {
        assert_eq!(format(4072.1, "0.00").as_deref(), Some("4072.10"));
        assert_eq!(format(4072.13, "#,##0.00").as_deref(), Some("4,072.13"));
        assert_eq!(format(1234567.0, "#,##0").as_deref(), Some("1,234,567"));
        assert_eq!(format(0.0, "#,##0.00").as_deref(), Some("0.00"));
        assert_eq!(format(0.9768, "0.00%").as_deref(), Some("97.68%"));
        assert_eq!(format(-3.5, "0.00").as_deref(), Some("-3.50"));
        assert_eq!(
            format(-3.5, "#,##0.00;(#,##0.00)").as_deref(),
            Some("(3.50)")
        );
        assert_eq!(format(12.0, "0.00\"万元\"").as_deref(), Some("12.00万元"));
        assert_eq!(format(0.5, "#.##").as_deref(), Some(".5"));
        assert_eq!(format(1500.0, "#,##0,").as_deref(), Some("2"));
        // Half away from zero on the decimal: 0.125 is stored just below.
        assert_eq!(format(0.125, "0.00").as_deref(), Some("0.13"));
        assert_eq!(format(2.675, "0.00").as_deref(), Some("2.68"));
        assert_eq!(format(9.995, "0.00").as_deref(), Some("10.00"));
        assert_eq!(format(-0.001, "0.00").as_deref(), Some("0.00"));
        for code in ["General", "@", "yyyy-mm-dd", "0.00E+00", "# ?/?"] {
            assert_eq!(format(1.5, code), None, "{code}");
        }
    }

    #[test]
    fn general_shows_fifteen_digits() {
        assert_eq!(general(4072.1), "4072.1");
        assert_eq!(general(10.0), "10");
        assert_eq!(general(0.1 + 0.2), "0.3");
        assert_eq!(general(-2.5), "-2.5");
    }
}
