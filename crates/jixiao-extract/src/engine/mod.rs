//! The generic form engine: templates as data, and the reader that applies
//! one to a form's rows.

mod columns;
pub(crate) mod damage;
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
    /// Whether a text holds the X of an `=X` hint (an empty X is in every
    /// text; `None`: no X but empty ones).
    exact_words: Option<AhoCorasick>,
    /// One of the X is empty.
    exact_empty: bool,
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
        let exact_empty = exact.iter().any(|(x, _)| x.is_empty());
        let exact_patterns: Vec<&str> = exact
            .iter()
            .map(|(x, _)| x.as_str())
            .filter(|x| !x.is_empty())
            .collect();
        let exact_words = (!exact_patterns.is_empty())
            .then(|| words::build_automaton(&exact_patterns).expect("exact hints build"));
        HintIndex {
            finder,
            written,
            exact,
            exact_words,
            exact_empty,
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
            let exact = p.len() <= 48
                && (self.exact_empty || self.exact_words.as_ref().is_some_and(|f| f.is_match(p)));
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
    /// Kind, its opening words and its veto words, each word by its index
    /// in `words`.
    kinds: Vec<(String, Vec<usize>, Vec<usize>)>,
    /// Every distinct word, in `plain` form.
    words: Vec<String>,
    /// The non-empty words, all found in one pass over a line.
    finder: Option<AhoCorasick>,
    /// Pattern of `finder` → index in `words`.
    pattern_word: Vec<usize>,
}

impl TitleIndex {
    pub(crate) fn new(kinds: Vec<(String, Vec<String>, Vec<String>)>) -> TitleIndex {
        let mut words: Vec<String> = Vec::new();
        let mut index_of = |w: &String| {
            let w = words::plain(w);
            match words.iter().position(|x| *x == w) {
                Some(i) => i,
                None => {
                    words.push(w);
                    words.len() - 1
                }
            }
        };
        let kinds: Vec<(String, Vec<usize>, Vec<usize>)> = kinds
            .into_iter()
            .map(|(k, opens, never)| {
                let opens = opens.iter().map(&mut index_of).collect();
                let never = never.iter().map(&mut index_of).collect();
                (k, opens, never)
            })
            .collect();
        let pattern_word: Vec<usize> = (0..words.len()).filter(|&i| !words[i].is_empty()).collect();
        let patterns: Vec<&str> = pattern_word.iter().map(|&i| words[i].as_str()).collect();
        let finder = (!patterns.is_empty())
            .then(|| words::build_automaton(&patterns).expect("title patterns build"));
        TitleIndex {
            kinds,
            words,
            finder,
            pattern_word,
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
        // Which words the line holds, found in one pass (an empty word is
        // in every line).
        let mut present: Vec<bool> = self.words.iter().map(String::is_empty).collect();
        if let Some(f) = &self.finder {
            for m in f.find_overlapping_iter(&c) {
                present[self.pattern_word[m.pattern().as_usize()]] = true;
            }
        }
        self.kinds
            .iter()
            .filter(|(_, _, never)| !never.iter().any(|&w| present[w]))
            .filter_map(|(k, opens, _)| {
                let best = opens
                    .iter()
                    .filter(|&&w| present[w])
                    .map(|&w| self.words[w].len())
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

/// Reads a self-evaluation with the generic reader; `damaged` (the
/// document's text layer is damaged) turns on the template's
/// `repairs_when_damaged`.
pub(crate) fn read_self_evaluation(
    rows: &[Row],
    t: &Template,
    damaged: bool,
) -> crate::model::SelfEvaluation {
    selfeval::read(rows, t, damaged)
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
