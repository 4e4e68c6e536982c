//! Recomputes every total, rate and score a form implies and reports where
//! the printed figures do not add up.
//!
//! Records flow in from `jixiao-extract`; findings flow out. Each finding
//! names the check, the cell, the printed value and the recomputed one at
//! the printed precision. Differences that the rounding of printed inputs
//! explains are warnings that say so, never errors.
//!
//! ```
//! let text = "财政项目支出绩效自评表\n(2023 年度)\n项目名称\t示例项目\n\
//!             项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分\n\
//!             \t年度资金总额:\t100.00\t80.00\t64.63\t10.00\t80.78\t8.08\n\
//!             \t其中: 当年财政拨款\t100.00\t80.00\t64.63\t-\t80.78\t-\n";
//! let doc = jixiao_extract::read_document(text);
//! let findings = jixiao_validate::validate(&doc);
//! let rate = findings.iter().find(|f| f.check == "funds.rate").unwrap();
//! assert_eq!(rate.severity, jixiao_validate::Severity::Warning);
//! assert_eq!(rate.computed.as_deref(), Some("80.79"));
//! ```
#![deny(missing_docs)]

mod budget;
mod checks;
mod compare;
mod declaration;
mod narrative;
mod scoring;
mod targets;

pub use checks::{validate, validate_form, CHECKS};
pub use compare::{compare, compare_score, round, Verdict};

use jixiao_model::Location;
use serde::Serialize;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Worth knowing; nothing is wrong with the arithmetic (or a relation
    /// that was not checked, and why).
    Info,
    /// A difference with an explanation (rounding, truncation), or one that
    /// may come from reading illegible text.
    Warning,
    /// The printed figures do not add up.
    Error,
}

/// What explains a difference that is not an error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Explanation {
    /// The printed inputs are rounded; the difference is within their rounding.
    Rounding,
    /// The printed value is the result cut off rather than rounded.
    Truncation,
    /// The printed value is the result rounded up rather than to nearest.
    RoundedUp,
    /// The text of this form needed repairs that decide which numbers count.
    Extraction,
}

/// One inconsistency (or note) about one printed cell.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, schemars::JsonSchema)]
pub struct Finding {
    /// Stable check id (see [`CHECKS`]).
    pub check: &'static str,
    /// How serious it is.
    pub severity: Severity,
    /// Index of the form in the document's `forms`.
    pub form: usize,
    /// The field the printed value is in (`funds.total.execution_rate`,
    /// `indicators[3].score`, `total_score`).
    pub field: String,
    /// The value as printed, as a decimal string.
    pub printed: Option<String>,
    /// The recomputed value at the printed precision.
    pub computed: Option<String>,
    /// The printed cell.
    pub location: Location,
    /// The cells the recomputation used.
    pub inputs: Vec<Location>,
    /// One sentence a finance officer understands.
    pub message: String,
    /// What explains the difference, when something does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explained_by: Option<Explanation>,
}
