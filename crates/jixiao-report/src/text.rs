//! The report as lines a person reads on a terminal or greps: one per
//! finding, then the totals.

use crate::{DocumentReport, Report};
use jixiao_extract::{Form, Location};
use jixiao_validate::{Finding, Severity};
use std::fmt::Write;

/// How many documents, forms and findings a report holds.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Totals {
    /// Documents (input files).
    pub documents: usize,
    /// Files that could not be read.
    pub unreadable: usize,
    /// Self-evaluations, declarations, budget tables, prose sections.
    pub forms: [usize; 4],
    /// Errors, warnings, infos.
    pub findings: [usize; 3],
}

impl Totals {
    /// Adds the counts of `other` (a batch read after this one).
    pub fn add(&mut self, other: &Totals) {
        self.documents += other.documents;
        self.unreadable += other.unreadable;
        for (a, b) in self.forms.iter_mut().zip(other.forms) {
            *a += b;
        }
        for (a, b) in self.findings.iter_mut().zip(other.findings) {
            *a += b;
        }
    }
}

impl std::fmt::Display for Totals {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let [s, d, b, n] = self.forms;
        let [e, w, i] = self.findings;
        let count =
            |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
        write!(
            f,
            "{} ({} unreadable), {} ({}, {}, {}, {n} prose), {}, {}, {}",
            count(self.documents, "document", "documents"),
            self.unreadable,
            count(s + d + b + n, "form", "forms"),
            count(s, "self-evaluation", "self-evaluations"),
            count(d, "declaration", "declarations"),
            count(b, "budget table", "budget tables"),
            count(e, "error", "errors"),
            count(w, "warning", "warnings"),
            count(i, "info", "infos"),
        )
    }
}

impl Report {
    /// What the report holds, counted.
    pub fn totals(&self) -> Totals {
        let mut t = Totals {
            documents: self.documents.len(),
            ..Totals::default()
        };
        for d in &self.documents {
            t.unreadable += usize::from(d.failed());
            for f in &d.forms {
                t.forms[match f.form {
                    Form::SelfEvaluation(_) => 0,
                    Form::Declaration(_) => 1,
                    Form::BudgetTable(_) => 2,
                    Form::Narrative(_) => 3,
                }] += 1;
            }
            for f in &d.findings {
                t.findings[match f.severity {
                    Severity::Error => 0,
                    Severity::Warning => 1,
                    Severity::Info => 2,
                }] += 1;
            }
        }
        t
    }

    /// One line per finding and per file that could not be read, sorted by
    /// file and position:
    /// `file:line:column  severity  check  project  printed → computed  message`
    /// (line and column 1-based; a PDF's rows as `file:pPAGE:line:column`,
    /// the line numbering the rows rebuilt from its pages), then the totals.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        let mut documents: Vec<&DocumentReport> = self.documents.iter().collect();
        documents.sort_by(|a, b| a.source.cmp(&b.source));
        for d in documents {
            for e in &d.errors {
                let at = e.line.map(|l| format!(":{l}")).unwrap_or_default();
                let _ = writeln!(out, "{}{at}  unreadable  -  -  -  {}", d.source, e.message);
            }
            let mut findings: Vec<&Finding> = d.findings.iter().collect();
            findings.sort_by_key(|f| (f.location.line, f.location.column));
            for f in findings {
                let _ = writeln!(out, "{}", finding_line(d, f));
            }
        }
        let _ = writeln!(out, "{}", self.totals());
        out
    }
}

/// Where a cell is, as `file:line:column` (`file:pPAGE:line:column` for a
/// PDF), 1-based.
fn position(d: &DocumentReport, at: &Location) -> String {
    let page = d
        .geometry
        .iter()
        .find(|g| g.line == at.line)
        .map(|g| format!("p{}:", g.page))
        .unwrap_or_default();
    let column = at.column.map(|c| format!(":{}", c + 1)).unwrap_or_default();
    format!("{}:{page}{}{column}", d.source, at.line)
}

/// The project a finding's form is about, `-` when it names none.
fn project(d: &DocumentReport, f: &Finding) -> String {
    let name = d.forms.get(f.form).and_then(|r| match &r.form {
        Form::SelfEvaluation(s) => s.project_name.clone(),
        Form::Declaration(x) => x.project_name.clone(),
        Form::BudgetTable(t) => t.title.clone(),
        Form::Narrative(_) => None,
    });
    match name {
        Some(n) if !n.trim().is_empty() => n.split_whitespace().collect::<Vec<_>>().join(" "),
        _ => "-".to_string(),
    }
}

fn finding_line(d: &DocumentReport, f: &Finding) -> String {
    let severity = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "info",
    };
    format!(
        "{}  {severity}  {}  {}  {} → {}  {}",
        position(d, &f.location),
        f.check,
        project(d, f),
        f.printed.as_deref().unwrap_or("-"),
        f.computed.as_deref().unwrap_or("-"),
        f.message.replace('\n', " "),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn totals_say_one_of_a_kind_in_the_singular() {
        let t = Totals {
            documents: 1,
            unreadable: 0,
            forms: [1, 0, 2, 0],
            findings: [1, 0, 1],
        };
        assert_eq!(
            t.to_string(),
            "1 document (0 unreadable), 3 forms (1 self-evaluation, 0 declarations, 2 budget tables, 0 prose), 1 error, 0 warnings, 1 info"
        );
    }
}
