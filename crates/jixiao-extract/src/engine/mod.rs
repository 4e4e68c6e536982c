//! The generic form engine: templates as data, and the reader that applies
//! one to a form's rows.

mod columns;
mod selfeval;
pub mod template;
mod words;

pub use template::{Template, TemplateError, Templates};
pub(crate) use words::plain;

use crate::rows::Row;
use aho_corasick::AhoCorasick;
use std::collections::HashSet;

/// The score of `t` on a form: the longest title word its title holds
/// (counted double), plus one per hint present anywhere in the form.
fn score(t: &Template, title: &str, present: &HashSet<&str>) -> usize {
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
        .filter(|h| present.contains(h.as_str()))
        .count();
    title_len * 2 + hints
}

/// Every hint of a set of templates, found in one pass over a form.
#[derive(Debug, Clone)]
pub(crate) struct HintIndex {
    /// The substring hints, in their `plain` forms.
    finder: AhoCorasick,
    /// The hint as written, by pattern.
    written: Vec<String>,
    /// The `=X` hints: X → the hint as written.
    exact: Vec<(String, String)>,
}

impl HintIndex {
    pub(crate) fn new<'a>(hints: impl Iterator<Item = &'a String>) -> HintIndex {
        let mut written: Vec<String> = Vec::new();
        let mut exact = Vec::new();
        for h in hints {
            match h.strip_prefix('=') {
                Some(x) => exact.push((x.to_string(), h.clone())),
                None if !written.contains(h) => written.push(h.clone()),
                None => {}
            }
        }
        let patterns: Vec<String> = written.iter().map(|h| words::plain(h)).collect();
        let finder = words::build_automaton(&patterns).expect("hint patterns build");
        HintIndex {
            finder,
            written,
            exact,
        }
    }

    /// The hints (as written) that the form's rows hold.
    fn present<'s>(&'s self, rows: &[Row]) -> HashSet<&'s str> {
        let mut text = String::new();
        let mut out = HashSet::new();
        // Hints are header and label words: prose cells are not searched.
        for c in rows
            .iter()
            .flat_map(|r| r.cells.iter())
            .filter(|c| c.text.len() <= 96)
        {
            let start = text.len();
            words::push_plain(&mut text, &c.text);
            let p = &text[start..];
            // Only a short cell holding an exact hint's word can be it.
            let exact = p.len() <= 48 && self.exact.iter().any(|(x, _)| p.contains(x.as_str()));
            text.push('\n');
            if exact {
                let key = words::label_key(&c.text);
                for (x, h) in &self.exact {
                    if *x == key {
                        out.insert(h.as_str());
                    }
                }
            }
        }
        for m in self.finder.find_overlapping_iter(&text) {
            out.insert(self.written[m.pattern().as_usize()].as_str());
        }
        out
    }
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
    let present = templates.hints().present(rows);
    let mut best: Option<(&Template, usize)> = None;
    for t in templates.of_kind("self_evaluation") {
        let s = score(t, &title, &present);
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
