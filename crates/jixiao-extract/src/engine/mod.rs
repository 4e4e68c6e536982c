//! The generic form engine: templates as data, and the reader that applies
//! one to a form's rows.

mod columns;
mod selfeval;
pub mod template;
mod words;

pub use template::{Template, TemplateError, Templates};
pub(crate) use words::plain;

use crate::rows::Row;

/// The score of `t` on a form: the longest title word its title holds
/// (counted double), plus one per hint present anywhere in the form.
fn score(t: &Template, title: &str, cells: &str) -> usize {
    let title_len = t
        .recognise
        .title
        .iter()
        .filter(|w| title.contains(w.as_str()))
        .map(|w| w.chars().count())
        .max()
        .unwrap_or(0);
    let hints = t
        .recognise
        .hints
        .iter()
        .filter(|h| words::hint_in(cells, h))
        .count();
    title_len * 2 + hints
}

/// The self-evaluation template that fits `rows` best (ties go to the
/// earlier template).
pub fn choose<'t>(templates: &'t Templates, rows: &[Row]) -> Option<&'t Template> {
    let title = rows
        .iter()
        .take(4)
        .filter(|r| r.cells.len() == 1)
        .map(|r| words::plain(&r.cells[0].text))
        .find(|t| t.contains('表') || t.contains("评价"))
        .unwrap_or_default();
    let mut cells = String::new();
    for c in rows.iter().flat_map(|r| r.cells.iter()) {
        cells.push_str(&words::plain(&c.text));
        cells.push('\n');
    }
    let mut best: Option<(&Template, usize)> = None;
    for t in templates.of_kind("self_evaluation") {
        let s = score(t, &title, &cells);
        if best.is_none_or(|(_, b)| s > b) {
            best = Some((t, s));
        }
    }
    best.map(|(t, _)| t)
}

/// Reads a self-evaluation with the generic reader.
pub(crate) fn read_self_evaluation(rows: &[Row], t: &Template) -> crate::model::SelfEvaluation {
    selfeval::read(rows, t)
}
