//! The generic form engine: templates as data, and the reader that applies
//! one to a form's rows.

mod columns;
mod declaration;
mod selfeval;
mod table;
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

/// The title words of every kind of form: which kind a short line opens.
#[derive(Debug, Clone)]
pub struct TitleIndex {
    /// Kind, its opening words and its veto words, all in `plain` form.
    kinds: Vec<(String, Vec<String>, Vec<String>)>,
}

impl TitleIndex {
    pub(crate) fn new(kinds: Vec<(String, Vec<String>, Vec<String>)>) -> TitleIndex {
        let plain_all = |v: Vec<String>| v.iter().map(|w| words::plain(w)).collect();
        TitleIndex {
            kinds: kinds
                .into_iter()
                .map(|(k, opens, never)| (k, plain_all(opens), plain_all(never)))
                .collect(),
        }
    }

    /// The kind of form `row` is the title of: a line of one or two cells,
    /// at most 80 characters, holding an opening word of that kind and none
    /// of its veto words; the longest opening word decides between kinds.
    pub(crate) fn kind_of(&self, row: &Row) -> Option<&str> {
        let raw = row.compact();
        if row.cells.len() > 2 || raw.len() > 80 * 4 {
            return None;
        }
        let c = words::plain(raw);
        if c.chars().count() > 80 {
            return None;
        }
        self.kinds
            .iter()
            .filter(|(_, _, never)| !never.iter().any(|w| c.contains(w.as_str())))
            .filter_map(|(k, opens, _)| {
                let best = opens
                    .iter()
                    .filter(|w| c.contains(w.as_str()))
                    .map(|w| w.len())
                    .max()?;
                Some((k.as_str(), best))
            })
            .max_by_key(|&(_, len)| len)
            .map(|(k, _)| k)
    }
}

/// The self-evaluation template that fits `rows` best (ties go to the
/// earlier template).
pub fn choose<'t>(templates: &'t Templates, rows: &[Row]) -> Option<&'t Template> {
    choose_of(templates, "self_evaluation", rows)
}

/// The template of `kind` that fits `rows` best (ties go to the earlier
/// template).
pub fn choose_of<'t>(
    templates: &'t Templates,
    kind: &'t str,
    rows: &[Row],
) -> Option<&'t Template> {
    let title = rows
        .iter()
        .take(4)
        .filter(|r| r.cells.len() == 1)
        .map(|r| words::plain(&r.cells[0].text))
        .find(|t| t.contains('表') || t.contains("评价"))
        .unwrap_or_default();
    let present = templates
        .hints(kind)
        .map(|h| h.present(rows))
        .unwrap_or_default();
    let mut best: Option<(&Template, usize)> = None;
    for t in templates.of_kind(kind) {
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

/// Reads a declaration with the generic reader.
pub(crate) fn read_declaration(rows: &[Row], t: &Template) -> crate::model::Declaration {
    declaration::read(rows, t)
}

/// The allocation table `rows` hold (the rows before a declaration), and
/// what became of their cells; the declaration keeps all three.
pub(crate) fn attach_allocation(
    rows: &[Row],
    t: &Template,
    d: &mut crate::model::Declaration,
) -> bool {
    let Some(read) = table::read_allocation(rows, t) else {
        return false;
    };
    // A form that prints no unit of its own shares its allocation's.
    if let (None, Some(unit)) = (d.unit, read.table.unit) {
        d.unit = Some(unit);
        if let Some(i) = d.missing.iter().position(|m| m.field == "unit") {
            d.missing.remove(i);
        }
        d.repairs.push(crate::model::Repair {
            line: read.table.lines.start,
            action: "the form prints no money unit; the allocation table before it does, and it is taken".into(),
            affects_numbers: true,
        });
    }
    d.allocation = Some(read.table);
    d.unmapped.extend(read.unmapped);
    d.cells.total += read.cells.total;
    d.cells.mapped += read.cells.mapped;
    d.cells.unmapped += read.cells.unmapped;
    true
}
