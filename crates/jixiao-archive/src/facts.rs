//! What the archive stores of a typed record: the columns of `forms` and the
//! rows of its child tables, read from the records of `jixiao-model`.

use jixiao_model::{CellCount, Form, Measure, MoneyUnit, Num, Unmapped};
use rust_decimal::Decimal;

/// The name serde gives a unit enum value (`wan_yuan`, `error`, `total`).
pub(crate) fn name_of<T: serde::Serialize>(v: &T) -> Option<String> {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => Some(s),
        _ => None,
    }
}

/// Fen (分) per printed unit.
fn fen_per(unit: Option<MoneyUnit>) -> Decimal {
    match unit {
        Some(MoneyUnit::WanYuan) => Decimal::from(1_000_000),
        Some(MoneyUnit::Yuan) => Decimal::from(100),
        None => Decimal::ZERO,
    }
}

/// A printed amount as its exact decimal text and, where the money unit
/// is known and the amount is a whole number of fen, as integer fen.
pub(crate) fn money(n: Option<&Num>, unit: Option<MoneyUnit>) -> (Option<String>, Option<i64>) {
    let Some(n) = n else {
        return (None, None);
    };
    let fen = Some(fen_per(unit))
        .filter(|per| !per.is_zero())
        .and_then(|per| n.value.checked_mul(per))
        .filter(|d| d.fract().is_zero())
        .and_then(|d| i64::try_from(d.normalize()).ok());
    (Some(n.value.to_string()), fen)
}

/// A printed number's exact decimal text.
pub(crate) fn plain(n: Option<&Num>) -> Option<String> {
    n.map(|n| n.value.to_string())
}

/// An indicator value as printed (`None` for an empty one).
pub(crate) fn measure(m: Option<&Measure>) -> Option<String> {
    m.map(|m| m.text.clone()).filter(|t| !t.is_empty())
}

/// A text field, `None` where it is empty.
pub(crate) fn text(t: Option<&str>) -> Option<&str> {
    t.filter(|t| !t.is_empty())
}

/// The columns of one `forms` row.
#[derive(Debug, Default)]
pub(crate) struct FormFacts<'a> {
    pub kind: &'static str,
    pub title: Option<&'a str>,
    pub project_name: Option<&'a str>,
    /// 实施单位, else 预算单位.
    pub org: Option<&'a str>,
    pub department: Option<&'a str>,
    pub year: Option<i32>,
    pub evaluated_on: Option<&'a str>,
    pub unit: Option<MoneyUnit>,
    /// 当年预算 of a declaration.
    pub declared: Option<&'a Num>,
    /// The funds block's total row.
    pub adjusted: Option<&'a Num>,
    pub executed: Option<&'a Num>,
    pub execution_rate: Option<&'a Num>,
    pub total_score: Option<&'a Num>,
    pub grade: Option<&'a str>,
    pub cells: Option<CellCount>,
    pub unmapped: &'a [Unmapped],
}

/// The `forms` columns of a record.
pub(crate) fn form_facts(form: &Form) -> FormFacts<'_> {
    match form {
        Form::SelfEvaluation(s) => {
            let total = s
                .funds
                .iter()
                .find(|r| r.row == jixiao_model::FundsLine::Total);
            FormFacts {
                kind: "self_evaluation",
                title: s.title.as_deref(),
                project_name: s.project_name.as_deref(),
                org: s.implementing_unit.as_deref().or(s.budget_unit.as_deref()),
                department: s.department.as_deref(),
                year: s.year,
                evaluated_on: s.header_field("evaluated_on"),
                unit: s.unit,
                adjusted: total.and_then(|r| r.adjusted_budget.as_ref()),
                executed: total.and_then(|r| r.executed.as_ref()),
                execution_rate: total.and_then(|r| r.execution_rate.as_ref()),
                total_score: s.total_score.as_ref(),
                grade: s.grade.as_deref(),
                cells: Some(s.cells),
                unmapped: &s.unmapped,
                ..FormFacts::default()
            }
        }
        Form::Declaration(d) => FormFacts {
            kind: "declaration",
            project_name: d.project_name.as_deref(),
            year: d.year,
            unit: d.unit,
            // Shanghai's 当年预算, or the total row of an open funds block.
            declared: d.funds.annual_budget.as_ref().or_else(|| {
                d.sources
                    .iter()
                    .find(|s| s.row == jixiao_model::FundsLine::Total)
                    .and_then(|s| s.amounts.iter().find(|a| !a.value.percent))
                    .map(|a| &a.value)
            }),
            cells: Some(d.cells),
            unmapped: &d.unmapped,
            ..FormFacts::default()
        },
        Form::BudgetTable(t) => FormFacts {
            kind: "budget_table",
            title: t.title.as_deref(),
            unit: t.unit,
            cells: Some(t.cells),
            unmapped: &t.unmapped,
            ..FormFacts::default()
        },
        Form::Narrative(n) => FormFacts {
            kind: "narrative",
            cells: Some(n.cells),
            unmapped: &n.unmapped,
            ..FormFacts::default()
        },
    }
}

/// The unit names a record prints: 实施单位 and 预算单位 (of a
/// self-evaluation or a declaration), and the 预算单位 a budget
/// disclosure's prose names.
pub(crate) fn unit_names(form: &Form) -> Vec<&str> {
    match form {
        Form::SelfEvaluation(s) => [s.implementing_unit.as_deref(), s.budget_unit.as_deref()]
            .into_iter()
            .flatten()
            .collect(),
        Form::Narrative(n) => n
            .sections
            .iter()
            .flat_map(|s| s.paragraphs.iter())
            .filter_map(|p| {
                p.text
                    .strip_prefix("预算单位：")
                    .or_else(|| p.text.strip_prefix("预算单位:"))
            })
            .collect(),
        // A declaration the engine read names its 实施单位 (and may print a
        // 预算单位 among its header fields).
        Form::Declaration(d) => d
            .implementing_unit
            .as_deref()
            .into_iter()
            .chain(
                d.header_fields
                    .iter()
                    .filter(|h| h.name == "budget_unit")
                    .map(|h| h.value.as_str()),
            )
            .collect(),
        _ => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn num(text: &str) -> Num {
        jixiao_model::num_at(text, 1, 0).unwrap()
    }

    #[test]
    fn amounts_become_exact_fen_or_none() {
        let n = num("4,072.13");
        assert_eq!(
            money(Some(&n), Some(MoneyUnit::WanYuan)),
            (Some("4072.13".into()), Some(4_072_130_000))
        );
        let n = num("23035714.51");
        assert_eq!(
            money(Some(&n), Some(MoneyUnit::Yuan)),
            (Some("23035714.51".into()), Some(2_303_571_451))
        );
        // Three decimals of 元 are not a whole fen: text only; and no unit,
        // no fen.
        let n = num("1.005");
        assert_eq!(
            money(Some(&n), Some(MoneyUnit::Yuan)),
            (Some("1.005".into()), None)
        );
        assert_eq!(money(Some(&n), None), (Some("1.005".into()), None));
        assert_eq!(money(None, Some(MoneyUnit::Yuan)), (None, None));
    }

    #[test]
    fn enum_values_are_named_as_in_the_report() {
        assert_eq!(name_of(&MoneyUnit::WanYuan).as_deref(), Some("wan_yuan"));
        assert_eq!(
            name_of(&jixiao_model::FundsLine::Total).as_deref(),
            Some("total")
        );
    }
}
