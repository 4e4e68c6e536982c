//! Comparing a printed number with one recomputed from other printed
//! numbers, at the precision of what was printed.
//!
//! Every printed input stands for an interval (`4,072.13` in 万元 is any
//! amount in [4,072.125, 4,072.135)). A printed result that matches the
//! exact recomputation rounded to its own decimals is right. One that does
//! not, but lies within the interval the rounded inputs allow, is explained
//! by rounding. One that matches the recomputation cut off instead of
//! rounded is explained by truncation. Anything else is an error.

use rust_decimal::{Decimal, RoundingStrategy};

/// How a printed value relates to its recomputation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Equal at the printed precision.
    Equal,
    /// Differs, but within what the rounding of the printed inputs allows.
    Rounding,
    /// Equals the recomputation truncated (not rounded) to the printed precision.
    Truncation,
    /// Equals the recomputation rounded up to the printed precision (only
    /// asked for where a form may round scores up: [`compare_score`]).
    RoundedUp,
    /// Differs beyond what rounding or truncation explain.
    Differs,
}

/// `value` rounded half away from zero to `scale` decimals, keeping that scale.
pub fn round(value: Decimal, scale: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(scale, RoundingStrategy::MidpointAwayFromZero);
    r.rescale(scale);
    r
}

/// As [`compare`], for a printed score, which forms round half-up, down
/// (truncate) or up: a score equal to the recomputation rounded up is
/// explained too.
pub fn compare_score(
    printed: Decimal,
    scale: u32,
    exact: Decimal,
    slack: Decimal,
    own: Decimal,
) -> Verdict {
    match compare(printed, scale, exact, slack, own) {
        Verdict::Differs => {
            let mut up = exact.round_dp_with_strategy(scale, RoundingStrategy::AwayFromZero);
            up.rescale(scale);
            if up == printed {
                Verdict::RoundedUp
            } else {
                Verdict::Differs
            }
        }
        v => v,
    }
}

fn truncate(value: Decimal, scale: u32) -> Decimal {
    let mut r = value.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
    r.rescale(scale);
    r
}

/// Compares `printed` (printed with `scale` decimals) with `exact`, the
/// recomputation from printed inputs, whose true value may lie up to
/// `slack` away because those inputs were rounded; `own` is how far the
/// printed value itself may be from the true one (half a unit of its last
/// printed place, or less where the printing drops only zeros).
pub fn compare(
    printed: Decimal,
    scale: u32,
    exact: Decimal,
    slack: Decimal,
    own: Decimal,
) -> Verdict {
    if round(exact, scale) == printed {
        return Verdict::Equal;
    }
    if (exact - printed).abs() <= slack + own {
        return Verdict::Rounding;
    }
    if truncate(exact, scale) == printed {
        return Verdict::Truncation;
    }

    Verdict::Differs
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn equal_at_printed_precision() {
        assert_eq!(
            compare(d("9.77"), 2, d("9.768"), d("0"), d("0.005")),
            Verdict::Equal
        );
        assert_eq!(
            compare(d("100.00"), 2, d("100"), d("0"), d("0.005")),
            Verdict::Equal
        );
    }

    #[test]
    fn rounding_of_inputs_explains() {
        // 64.63 / 80.00 = 80.7875 % → 80.79, printed 80.78: the inputs'
        // own rounding (±0.005 万元) moves the rate by ±0.012 points.
        assert_eq!(
            compare(d("80.78"), 2, d("80.7875"), d("0.012"), d("0.005")),
            Verdict::Rounding
        );
    }

    #[test]
    fn truncation_explains() {
        assert_eq!(
            compare(d("9.76"), 2, d("9.768"), d("0"), d("0.005")),
            Verdict::Truncation
        );
    }

    #[test]
    fn real_difference() {
        assert_eq!(
            compare(d("97.68"), 2, d("97.6710"), d("0.000001"), d("0.005")),
            Verdict::Differs
        );
        assert_eq!(
            compare(d("98.30"), 2, d("88.30"), d("0.05"), d("0.005")),
            Verdict::Differs
        );
    }

    #[test]
    fn scores_may_be_rounded_up() {
        assert_eq!(
            compare_score(d("9"), 0, d("8.12"), d("0"), d("0.5")),
            Verdict::RoundedUp
        );
        assert_eq!(
            compare(d("9"), 0, d("8.12"), d("0"), d("0.5")),
            Verdict::Differs
        );
        assert_eq!(
            compare_score(d("8"), 0, d("8.62"), d("0"), d("0.5")),
            Verdict::Truncation
        );
    }

    #[test]
    fn exact_parts_leave_no_room() {
        // Weights are assigned, not rounded: 101 against a printed 100 is wrong.
        assert_eq!(
            compare(d("100"), 0, d("101"), d("0"), d("0.5")),
            Verdict::Differs
        );
    }

    #[test]
    fn round_keeps_scale() {
        assert_eq!(round(d("100"), 2).to_string(), "100.00");
        assert_eq!(round(d("80.7875"), 2).to_string(), "80.79");
    }
}
