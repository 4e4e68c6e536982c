//! The relations of indicator groups and scoring rules: group weights at
//! every level, parent rows, 折算得分, the national scoring rule, and what
//! is not checked because a block was not read whole.

use crate::checks::{loc, Ctx};
use crate::compare::round;
use crate::{Explanation, Finding, Severity};
use jixiao_model::{Indicator, IndicatorGroup, Location, NotReadWhole, Num, SelfEvaluation};
use rust_decimal::{Decimal, RoundingStrategy};

/// Whether `block` was read whole; if not, one `not_checked` info says
/// which relations were skipped and why.
pub(crate) fn read_whole(cx: &mut Ctx, form: &SelfEvaluation, block: &str) -> bool {
    let skipped = match block {
        "funds" => "funds.sum, funds.rate, funds.score and the totals",
        _ => "group.weight, group.score and the totals",
    };
    block_read_whole(cx, &form.not_read_whole, form.lines.start, block, skipped)
}

/// Whether `block` of a form is absent from `not_read_whole`; if it is
/// there, one `not_checked` info at `line` says which relations (`skipped`)
/// were left out and why.
pub(crate) fn block_read_whole(
    cx: &mut Ctx,
    not_read_whole: &[NotReadWhole],
    line: usize,
    block: &str,
    skipped: &str,
) -> bool {
    let Some(n) = not_read_whole.iter().find(|n| n.block == block) else {
        return true;
    };
    cx.out.push(Finding {
        check: "not_checked",
        severity: Severity::Info,
        form: cx.index,
        field: block.to_string(),
        printed: None,
        computed: None,
        location: Location::line(line),
        inputs: Vec::new(),
        message: format!(
            "{skipped} were not checked: the {block} block was not read whole ({}).",
            n.reason
        ),
        explained_by: None,
    });
    false
}

/// The indicators a group covers.
fn members<'a>(
    form: &'a SelfEvaluation,
    g: &'a IndicatorGroup,
) -> impl Iterator<Item = &'a Indicator> + 'a {
    form.indicators.iter().filter(move |i| match g.level {
        1 => i.level1.as_deref() == Some(g.name.as_str()),
        _ => i.level2.as_deref() == Some(g.name.as_str()) && i.level1 == g.parent,
    })
}

/// The weights under a group: its indicators' where they print one, else
/// its 二级 groups' printed weights.
fn member_weights<'a>(
    form: &'a SelfEvaluation,
    g: &'a IndicatorGroup,
) -> (Vec<&'a Num>, &'static str) {
    let own: Vec<&Num> = members(form, g).filter_map(|i| i.weight.as_ref()).collect();
    if !own.is_empty() || g.level != 1 {
        return (own, "indicators' 权重");
    }
    let groups = form
        .groups
        .iter()
        .filter(|c| c.level == 2 && c.parent.as_deref() == Some(g.name.as_str()))
        .filter_map(|c| c.weight.as_ref())
        .collect();
    (groups, "二级 groups' 分值")
}

fn sum_check(
    cx: &mut Ctx,
    check: &'static str,
    field: String,
    label: &str,
    printed: &Num,
    parts: &[&Num],
    what: &str,
) {
    if parts.is_empty() {
        return;
    }
    let exact: Decimal = parts.iter().map(|n| n.value).sum();
    let slack = Decimal::ZERO;
    let formula = format!("the sum of its {} {what}", parts.len());
    cx.judge(
        check, field, label, printed, exact, slack, parts, &formula, true,
    );
}

/// Σ member weights = the group's printed weight, at every level; a parent
/// row's 得分 and 分值 = the sums of its children's.
pub(crate) fn check_groups(cx: &mut Ctx, form: &SelfEvaluation) {
    for (gi, g) in form.groups.iter().enumerate() {
        let label = format!("the weight of {}", g.name);
        if let Some(w) = &g.weight {
            let (parts, what) = member_weights(form, g);
            sum_check(
                cx,
                "group.weight",
                format!("groups[{gi}].weight"),
                &label,
                w,
                &parts,
                what,
            );
        }
        if let Some(s) = &g.score {
            let parts: Vec<&Num> = members(form, g).filter_map(|i| i.score.as_ref()).collect();
            let label = format!("the 得分 of {}", g.name);
            sum_check(
                cx,
                "group.score",
                format!("groups[{gi}].score"),
                &label,
                s,
                &parts,
                "indicators' 得分",
            );
        }
        if let Some(w) = &g.row_weight {
            let parts: Vec<&Num> = members(form, g).filter_map(|i| i.weight.as_ref()).collect();
            let label = format!("the 分值 of {}", g.name);
            sum_check(
                cx,
                "group.score",
                format!("groups[{gi}].row_weight"),
                &label,
                w,
                &parts,
                "indicators' 分值",
            );
        }
    }
    if let Some(w) = &form.indicators_weight {
        let parts: Vec<&Num> = form
            .indicators
            .iter()
            .filter_map(|i| i.weight.as_ref())
            .collect();
        let parts = if parts.is_empty() {
            form.groups
                .iter()
                .filter(|g| g.level == 1)
                .filter_map(|g| g.weight.as_ref())
                .collect()
        } else {
            parts
        };
        sum_check(
            cx,
            "group.weight",
            "indicators_weight".into(),
            "the weight of all indicators",
            w,
            &parts,
            "indicators' 分值",
        );
    }
}

/// Per indicator: 折算得分, the scoring rule, and a reason for a low score.
pub(crate) fn check_indicators(cx: &mut Ctx, form: &SelfEvaluation) {
    for (i, ind) in form.indicators.iter().enumerate() {
        if form.rules.weighted_score {
            weighted(cx, i, ind);
        }
        if form.rules.indicator_rule {
            rule(cx, i, ind);
            no_reason(cx, i, ind);
        }
    }
}

fn weighted(cx: &mut Ctx, i: usize, ind: &Indicator) {
    let (Some(score), Some(share), Some(printed)) =
        (&ind.score, &ind.weight_share, &ind.weighted_score)
    else {
        return;
    };
    let exact = score.value * share.value / Decimal::ONE_HUNDRED;
    let slack = share.half_ulp() * score.value / Decimal::ONE_HUNDRED
        + score.half_ulp() * share.value / Decimal::ONE_HUNDRED;
    let formula = format!("得分 × 权重占比 ({} × {}%)", score.raw.trim(), share.value);
    cx.judge(
        "weighted_score",
        format!("indicators[{i}].weighted_score"),
        "折算得分",
        printed,
        exact,
        slack,
        &[score, share],
        &formula,
        false,
    );
}

/// Whether an indicator met its target. Numbers compare by the target's
/// direction; where neither value is a plain number, the same text with a
/// figure in it (`2021年12月完成` for `2021年12月完成`) is met. `None` where
/// the two cannot be compared.
fn met(ind: &Indicator, lower_better: bool) -> Option<bool> {
    let (t, a) = (ind.target.as_ref()?, ind.actual.as_ref()?);
    match (t.number, a.number) {
        (Some(tn), Some(an)) => {
            if t.unit.is_some() && a.unit.is_some() && t.unit != a.unit {
                return None;
            }
            Some(if lower_better { an <= tn } else { an >= tn })
        }
        _ => {
            let squeeze = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
            let same = squeeze(&t.text) == squeeze(&a.text);
            (same && t.text.chars().any(|c| c.is_ascii_digit())).then_some(true)
        }
    }
}

/// What the national rule gives: full weight when the target is met, else
/// weight × completion; `None` where target and actual are not comparable.
fn rule_score(ind: &Indicator, weight: Decimal) -> Option<Decimal> {
    let lower_better = ind
        .target
        .as_ref()
        .is_some_and(|t| matches!(t.comparator.as_deref(), Some("≤" | "<")))
        || ind.nature.as_deref().is_some_and(|n| n.contains("反向"));
    if met(ind, lower_better)? {
        return Some(weight);
    }
    let (tn, an) = (ind.target.as_ref()?.number?, ind.actual.as_ref()?.number?);
    let ratio = if lower_better {
        (!an.is_zero()).then(|| tn / an)?
    } else {
        (!tn.is_zero()).then(|| an / tn)?
    };
    Some(weight.checked_mul(ratio)?.min(weight))
}

/// How a printed score relates to the rule's: the same, the rule's rounded
/// to the printed decimals (an `info`: rounding to nearest explains it),
/// cut off or rounded up (a `warning` that says which), or neither.
fn rule_verdict(
    printed: Decimal,
    exact: Decimal,
    scale: u32,
) -> Option<(Severity, Option<Explanation>)> {
    if printed == exact {
        return None;
    }
    if printed == round(exact, scale) {
        return Some((Severity::Info, Some(Explanation::Rounding)));
    }
    let down = exact.round_dp_with_strategy(scale, RoundingStrategy::ToZero);
    let up = exact.round_dp_with_strategy(scale, RoundingStrategy::AwayFromZero);
    if printed == down {
        return Some((Severity::Warning, Some(Explanation::Truncation)));
    }
    if printed == up {
        return Some((Severity::Warning, Some(Explanation::RoundedUp)));
    }
    Some((Severity::Warning, None))
}

fn rule(cx: &mut Ctx, i: usize, ind: &Indicator) {
    let (Some(w), Some(s)) = (&ind.weight, &ind.score) else {
        return;
    };
    let Some(exact) = rule_score(ind, w.value) else {
        return;
    };
    let Some((severity, explained_by)) = rule_verdict(s.value, exact, s.scale) else {
        return;
    };
    let why = match explained_by {
        Some(Explanation::Rounding) => " The printed score is the rule's rounded to its decimals.",
        Some(Explanation::Truncation) => " The printed score fits only if the rule's is cut off.",
        Some(Explanation::RoundedUp) => " The printed score fits only if the rule's is rounded up.",
        _ => "",
    };
    cx.out.push(Finding {
        check: "indicator.rule",
        severity,
        form: cx.index,
        field: format!("indicators[{i}].score"),
        printed: Some(s.value.to_string()),
        computed: Some(round(exact, s.scale + 2).normalize().to_string()),
        location: loc(s),
        inputs: vec![loc(w)],
        message: format!(
            "{} scores {} of {}; the national rule (target met → full 分值, else 分值 × completion) gives {} for 目标 {} and 实际 {}.{why} Provinces apply the rule differently, so this is at most a warning.",
            ind.name.as_deref().unwrap_or("this indicator"),
            s.raw.trim(),
            w.raw.trim(),
            round(exact, s.scale + 2).normalize(),
            ind.target.as_ref().map_or("", |t| t.text.as_str()),
            ind.actual.as_ref().map_or("", |a| a.text.as_str()),
        ),
        explained_by,
    });
}

fn no_reason(cx: &mut Ctx, i: usize, ind: &Indicator) {
    let (Some(w), Some(s)) = (&ind.weight, &ind.score) else {
        return;
    };
    let reason = ind
        .deviation_reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty() && !matches!(*r, "无" | "/" | "—" | "-"));
    if s.value >= w.value || reason.is_some() {
        return;
    }
    cx.out.push(Finding {
        check: "indicator.no_reason",
        severity: Severity::Info,
        form: cx.index,
        field: format!("indicators[{i}].deviation_reason"),
        printed: Some(s.value.to_string()),
        computed: Some(w.value.to_string()),
        location: loc(s),
        inputs: vec![loc(w)],
        message: format!(
            "{} scores {} of {} but gives no 偏差原因.",
            ind.name.as_deref().unwrap_or("this indicator"),
            s.raw.trim(),
            w.raw.trim()
        ),
        explained_by: None,
    });
}
