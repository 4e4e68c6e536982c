//! The report: every document with its forms, findings and errors, as JSON.
//!
//! The shape is a public contract (documented in the README): top level
//! `{"documents": [...]}`; each document has `source`, `forms`, `findings`,
//! `errors` and `unrecognized`; each form carries `kind`, `location.line`
//! and its typed fields; each finding `check`, `severity`, `form`,
//! `printed`, `computed`, `location` and `message`.
//!
//! ```
//! let doc = jixiao_extract::read_bytes("a.txt", "项目名称\t示例\n总分\t\t100.00\t99.00\n".as_bytes());
//! let report = jixiao_report::Report { documents: vec![jixiao_report::DocumentReport::new("a.txt", doc)] };
//! let json: serde_json::Value = serde_json::from_str(&report.to_json()).unwrap();
//! assert_eq!(json["documents"][0]["forms"][0]["kind"], "self_evaluation");
//! assert_eq!(json["documents"][0]["forms"][0]["total_score"]["value"], "99.00");
//! ```
#![deny(missing_docs)]

mod text;
pub use text::Totals;

use jixiao_extract::{Document, Form, Location, ReadError, Unrecognized};
use jixiao_validate::{Finding, Severity};
use serde::Serialize;

/// One form with where it starts.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FormReport {
    /// The typed record (its `kind` tells which).
    #[serde(flatten)]
    pub form: Form,
    /// Where the form starts in the source.
    pub location: Location,
}

/// A problem that stopped a file (or part of it) from being read.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct FileError {
    /// What went wrong, naming the file and, where known, the line.
    pub message: String,
    /// The line, where known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
}

/// Everything about one input file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DocumentReport {
    /// The path as given.
    pub source: String,
    /// Forms in source order.
    pub forms: Vec<FormReport>,
    /// Findings of every check, in form order.
    pub findings: Vec<Finding>,
    /// Problems that stopped the file from being read.
    pub errors: Vec<FileError>,
    /// Lines that belong to no form this version reads.
    pub unrecognized: Vec<Unrecognized>,
    /// For a PDF: each row's page and each cell's box (`line` numbers the
    /// rows rebuilt from the pages).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub geometry: Vec<jixiao_extract::RowGeometry>,
    /// For a spreadsheet, a Word file or an HTML page: each row's sheet or
    /// table and source row, and each cell's source column, span and the
    /// value stored where it differs from the text shown.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub origins: Vec<jixiao_extract::RowOrigin>,
    /// What had to be repaired to read the file (a PDF's lost
    /// cross-reference table): its text is recovered, not as published.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub repairs: Vec<String>,
    /// For a text file: the encoding it was read in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl DocumentReport {
    /// Validates a read document (or records why it could not be read).
    pub fn new(source: &str, read: Result<Document, ReadError>) -> Self {
        match read {
            Ok(mut doc) => {
                let mut findings = jixiao_validate::validate(&doc);
                place_cells(&mut doc, &mut findings);
                DocumentReport {
                    source: source.to_string(),
                    forms: doc
                        .forms
                        .into_iter()
                        .map(|form| FormReport {
                            location: Location::line(form.line()),
                            form,
                        })
                        .collect(),
                    findings,
                    errors: Vec::new(),
                    unrecognized: doc.unrecognized,
                    geometry: doc.geometry,
                    origins: doc.origins,
                    repairs: doc.repairs,
                    encoding: doc.encoding,
                }
            }
            Err(e) => DocumentReport {
                source: source.to_string(),
                forms: Vec::new(),
                findings: Vec::new(),
                errors: vec![FileError {
                    line: match &e {
                        ReadError::Malformed { line, .. }
                        | ReadError::NotText { line, .. }
                        | ReadError::Binary { line, .. }
                        | ReadError::Csv { line, .. } => Some(*line),
                        _ => None,
                    },
                    message: e.to_string(),
                }],
                unrecognized: Vec::new(),
                geometry: Vec::new(),
                origins: Vec::new(),
                repairs: Vec::new(),
                encoding: None,
            },
        }
    }

    /// A file that could not be read, with why.
    pub fn failure(source: &str, message: String) -> Self {
        DocumentReport {
            source: source.to_string(),
            forms: Vec::new(),
            findings: Vec::new(),
            errors: vec![FileError {
                message,
                line: None,
            }],
            unrecognized: Vec::new(),
            geometry: Vec::new(),
            origins: Vec::new(),
            repairs: Vec::new(),
            encoding: None,
        }
    }

    /// Whether the file could not be read.
    pub fn failed(&self) -> bool {
        !self.errors.is_empty()
    }

    /// What the document says, apart from where it says it: its forms and
    /// findings as JSON, without the keys that name a position
    /// ([`PROVENANCE_KEYS`]) and with the whitespace removed from every
    /// string (a PDF does not print the space where a cell's text wraps).
    /// A PDF and the text, spreadsheet or web page made from it give the
    /// same content. `None` for a file that could not be read or holds no
    /// form.
    pub fn content(&self) -> Option<serde_json::Value> {
        if self.failed() || self.forms.is_empty() {
            return None;
        }
        let forms = serde_json::to_value(&self.forms).ok()?;
        let findings = serde_json::to_value(&self.findings).ok()?;
        Some(serde_json::json!({
            "forms": without_provenance(&forms),
            "findings": without_provenance(&findings),
        }))
    }
}

/// The keys of a report that say where something is printed (its line,
/// column, page, box, the file it is in), not what it says.
pub const PROVENANCE_KEYS: [&str; 12] = [
    "line", "lines", "column", "location", "grade_at", "start", "end", "repairs", "source",
    "parts", "page", "bbox",
];

/// `v` without the [`PROVENANCE_KEYS`] at any depth, and with the
/// whitespace removed from every string.
pub fn without_provenance(v: &serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match v {
        Value::Object(o) => Value::Object(
            o.iter()
                .filter(|(k, _)| !PROVENANCE_KEYS.contains(&k.as_str()))
                .map(|(k, x)| (k.clone(), without_provenance(x)))
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(without_provenance).collect()),
        Value::String(s) => Value::String(s.split_whitespace().collect()),
        other => other.clone(),
    }
}

/// Gives every finding's cells and every unmapped cell of a PDF its page
/// and box, so that a reader finds them on the page.
fn place_cells(doc: &mut Document, findings: &mut [Finding]) {
    if doc.geometry.is_empty() {
        return;
    }
    let geometry = std::mem::take(&mut doc.geometry);
    let pages = jixiao_extract::geometry::Pages::new(&geometry);
    for f in findings.iter_mut() {
        for at in std::iter::once(&mut f.location).chain(f.inputs.iter_mut()) {
            at.place = pages.place(at.line, at.column);
        }
    }
    let unmapped = doc
        .forms
        .iter_mut()
        .flat_map(|f| f.unmapped_mut().iter_mut())
        .chain(doc.out_of_range.iter_mut());
    for u in unmapped {
        u.place = pages.place(u.line, Some(u.column));
    }
    doc.geometry = geometry;
}

/// A name with all but its first character masked: `刘太如` → `刘**`.
fn mask_name(name: &str) -> String {
    let mut chars = name.trim().chars();
    match chars.next() {
        Some(first) => std::iter::once(first).chain(chars.map(|_| '*')).collect(),
        None => String::new(),
    }
}

/// A phone number with its middle digits masked: a mobile number keeps its
/// first three and last four digits (`135****9621`), any other number its
/// last four.
fn mask_phone(phone: &str) -> String {
    let all: String = phone.chars().filter(char::is_ascii_digit).collect();
    let digits = all.len();
    let keep_head = if digits == 11 && all.starts_with('1') {
        3
    } else {
        0
    };
    let mut seen = 0;
    phone
        .chars()
        .map(|c| {
            if !c.is_ascii_digit() {
                return c;
            }
            seen += 1;
            if seen <= keep_head || seen > digits.saturating_sub(4) {
                c
            } else {
                '*'
            }
        })
        .collect()
}

/// Mobile numbers anywhere in a cell's text.
static MOBILE: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(r"1[3-9]\d{9}").expect("valid regex"));

impl DocumentReport {
    /// Masks the personal data of contacts: the names of 项目负责人 and
    /// 联系人 and the 联系电话 of declarations, and any mobile number left in
    /// a cell no field took. Everything else is kept.
    pub fn redact_contacts(&mut self) {
        let scrub = |cells: &mut Vec<jixiao_extract::Unmapped>| {
            for u in cells {
                u.text = MOBILE
                    .replace_all(&u.text, |c: &regex::Captures| mask_phone(&c[0]))
                    .into_owned();
            }
        };
        for form in &mut self.forms {
            match &mut form.form {
                Form::Declaration(d) => {
                    for name in [&mut d.leader, &mut d.contact].into_iter().flatten() {
                        *name = mask_name(name);
                    }
                    if let Some(phone) = &mut d.phone {
                        *phone = mask_phone(phone);
                    }
                    scrub(&mut d.unmapped);
                }
                Form::SelfEvaluation(f) => scrub(&mut f.unmapped),
                Form::BudgetTable(t) => scrub(&mut t.unmapped),
                Form::Narrative(n) => scrub(&mut n.unmapped),
            }
        }
    }
}

/// The JSON Schema (draft 2020-12) of the report, as `jixiao schema`
/// prints it: every field, its type and its documentation.
pub fn schema() -> serde_json::Value {
    // For serialisation: a field left out when empty is not required.
    let mut schema = schemars::generate::SchemaSettings::draft2020_12()
        .for_serialize()
        .into_generator()
        .into_root_schema_for::<Report>();
    schema.insert(
        "$id".into(),
        "https://jixiao.invalid/schema/report.json".into(),
    );
    schema.to_value()
}

/// The whole report.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Report {
    /// One entry per input file, in the order given.
    pub documents: Vec<DocumentReport>,
}

impl Report {
    /// Pretty-printed JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).expect("report serialises")
    }

    /// The most serious finding in the report.
    pub fn worst(&self) -> Option<Severity> {
        self.documents
            .iter()
            .flat_map(|d| d.findings.iter().map(|f| f.severity))
            .max()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_phones_are_masked() {
        assert_eq!(mask_name("刘太如"), "刘**");
        assert_eq!(mask_name("兰平"), "兰*");
        assert_eq!(mask_phone("13585699621"), "135****9621");
        assert_eq!(mask_phone("021-64130000"), "***-****0000");
    }
}
