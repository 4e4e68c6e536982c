//! Matching printed labels against a template's words.
//!
//! A label is compared without whitespace, with full-width punctuation made
//! ASCII, without a trailing colon, without list numbering (`1.`, `一、`,
//! `(一)`, `其中:`) and without bracketed notes (`(A)`, `(万元)`, `(50分)`).
//! A synonym written `=X` matches a label that is exactly X; any other
//! synonym matches a label that contains it; the longest match wins.

use super::template::Vocabulary;
use crate::number::normalize_digit;

/// Traditional characters of the forms' vocabulary and their simplified
/// forms: some publishers print the forms in traditional script.
const TRADITIONAL: &str = "項项績绩評评總总額额資资預预數数執执標标級级際际實实單单萬万財财撥拨結结轉转產产質质時时經经濟济會会態态滿满進进門门價价體体務务報报設设備备註注負负責责電电話话稱称區区縣县狀状況况達达補补貼贴養养護护礎础層层類类屬属員员覽览錄录計计劃划費费專专測测監监構构劃划獎奖規规劃划衛卫執执蓋盖優优應应開开銷销據据與与發发這这為为對对於于從从備备態态傳传導导輸输運运費费點点擬拟";

/// Full-width brackets and colons made ASCII, whitespace removed,
/// traditional characters of the vocabulary made simplified.
pub(crate) fn plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_plain(&mut out, text);
    out
}

/// [`plain`] of `text`, appended to `out`.
pub(crate) fn push_plain(out: &mut String, text: &str) {
    // Most characters are their own plain form: runs of them are copied
    // whole, and only the others one by one.
    let mut from = 0;
    for (i, c) in text.char_indices() {
        // Printable ASCII is left as it is.
        if c > ' ' && c.is_ascii() {
            continue;
        }
        let p = plain_char(c);
        if p == Some(c) {
            continue;
        }
        out.push_str(&text[from..i]);
        out.extend(p);
        from = i + c.len_utf8();
    }
    out.push_str(&text[from..]);
}

/// One character as [`plain`] maps it (`None`: whitespace).
fn plain_char(c: char) -> Option<char> {
    Some(match simplified(normalize_digit(c)?) {
        '（' | '［' | '【' => '(',
        '）' | '］' | '】' => ')',
        '：' => ':',
        '／' => '/',
        '＊' | '×' => '*',
        c => c,
    })
}

/// The table of [`TRADITIONAL`], sorted, with a bit per character of the
/// CJK block telling which are in it (most characters are not: one bit
/// test answers for them).
struct Traditional {
    pairs: Vec<(char, char)>,
    bits: Vec<u64>,
}

const CJK_START: u32 = 0x4E00;
const CJK_END: u32 = 0xA000;

fn simplified(c: char) -> char {
    static TABLE: std::sync::OnceLock<Traditional> = std::sync::OnceLock::new();
    let n = c as u32;
    if !(CJK_START..CJK_END).contains(&n) {
        return c;
    }
    let table = TABLE.get_or_init(|| {
        let chars: Vec<char> = TRADITIONAL.chars().collect();
        let mut pairs: Vec<(char, char)> = chars.chunks(2).map(|p| (p[0], p[1])).collect();
        pairs.sort_unstable();
        pairs.dedup_by_key(|p| p.0);
        let mut bits = vec![0u64; ((CJK_END - CJK_START) / 64) as usize];
        for (t, _) in &pairs {
            let k = *t as u32 - CJK_START;
            bits[(k / 64) as usize] |= 1 << (k % 64);
        }
        Traditional { pairs, bits }
    });
    let k = n - CJK_START;
    if table.bits[(k / 64) as usize] & (1 << (k % 64)) == 0 {
        return c;
    }
    match table.pairs.binary_search_by_key(&c, |p| p.0) {
        Ok(i) => table.pairs[i].1,
        Err(_) => c,
    }
}

/// Leading list numbering: `1.`, `1、`, `一、`, `(一)`, `其中:`.
fn without_numbering(text: &str) -> &str {
    let mut t = text;
    loop {
        let before = t.len();
        t = t.strip_prefix("其中").unwrap_or(t);
        t = t.trim_start_matches([':', '、', '.', ',', '，', ' ', '★', '*', '▲']);
        let digits = t
            .char_indices()
            .take_while(|(_, c)| c.is_ascii_digit() || "一二三四五六七八九十".contains(*c))
            .last()
            .map(|(i, c)| i + c.len_utf8());
        if let Some(end) = digits {
            let rest = &t[end..];
            if let Some(after) = rest.strip_prefix(['.', '、', ':']).filter(|_| end <= 18) {
                t = after;
            }
        }
        if t.len() == before {
            return t;
        }
    }
}

/// Runs `f` on the label key of `text`. A form's cells are matched many
/// times over (each block's vocabularies, each row kind), so the keys of
/// texts up to a page of characters are kept for the thread, within a
/// bounded number of bytes.
fn with_key<R>(text: &str, f: impl FnOnce(&str) -> R) -> R {
    use std::cell::RefCell;
    type HashMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
    const MAX_TEXT: usize = 4096;
    // The bytes of text and keys kept, at most.
    const MAX_BYTES: usize = 4 << 20;
    thread_local! {
        static KEYS: RefCell<(HashMap<String, String>, usize)> = RefCell::new((HashMap::default(), 0));
    }
    if text.len() > MAX_TEXT {
        return f(&label_key(text));
    }
    KEYS.with(|keys| {
        let (keys, bytes) = &mut *keys.borrow_mut();
        if let Some(key) = keys.get(text) {
            return f(key);
        }
        let key = label_key(text);
        let out = f(&key);
        if *bytes + text.len() + key.len() > MAX_BYTES {
            keys.clear();
            *bytes = 0;
        }
        *bytes += text.len() + key.len();
        keys.insert(text.to_string(), key);
        out
    })
}

/// The label a cell's text is matched as.
pub(crate) fn label_key(text: &str) -> String {
    // One pass: plain characters outside brackets.
    let mut key = String::with_capacity(text.len());
    let mut depth = 0usize;
    for c in text.chars().filter_map(plain_char) {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            _ if depth == 0 => key.push(c),
            _ => {}
        }
    }
    let start = key.len() - without_numbering(&key).len();
    let end = key.trim_end_matches([':', '：']).len().max(start);
    key.truncate(end);
    key.drain(..start);
    key
}

/// How well `word` matches `key` (0 for not at all). A label's head noun
/// comes last in Chinese (`执行率权重` is a weight, `指标得分` a score), so a
/// word the label ends with beats one inside it; then the longer word wins.
fn match_len(key: &str, word: &str) -> usize {
    const SUFFIX: usize = 100;
    match word.strip_prefix('=') {
        Some(exact) if key == exact => 2 * SUFFIX + exact.chars().count(),
        Some(_) => 0,
        None if word.is_empty() => 0,
        None if key.ends_with(word) => SUFFIX + word.chars().count(),
        None if key.contains(word) => word.chars().count(),
        None => 0,
    }
}

/// Whether `text` matches one of `words`.
pub(crate) fn any(text: &str, words: &[String]) -> bool {
    with_key(text, |key| best_len(key, words) > 0)
}

/// The longest match of `words` on `key`.
pub(crate) fn best_len(key: &str, words: &[String]) -> usize {
    words.iter().map(|w| match_len(key, w)).max().unwrap_or(0)
}

/// A vocabulary compiled for matching: every substring word in one
/// automaton, the exact words in a map.
#[derive(Debug, Clone)]
pub(crate) struct Matcher {
    names: Vec<String>,
    /// Pattern → (meaning, word length in characters).
    patterns: Vec<(usize, usize)>,
    finder: Option<aho_corasick::AhoCorasick>,
    exact: std::collections::HashMap<String, Vec<usize>>,
}

impl Matcher {
    pub(crate) fn new(words: &std::collections::BTreeMap<String, Vec<String>>) -> Matcher {
        let names: Vec<String> = words.keys().cloned().collect();
        let mut patterns = Vec::new();
        let mut texts: Vec<&str> = Vec::new();
        let mut exact: std::collections::HashMap<String, Vec<usize>> = Default::default();
        for (i, list) in words.values().enumerate() {
            for w in list {
                match w.strip_prefix('=') {
                    Some(x) => exact.entry(x.to_string()).or_default().push(i),
                    None if !w.is_empty() => {
                        patterns.push((i, w.chars().count()));
                        texts.push(w);
                    }
                    None => {}
                }
            }
        }
        let finder = (!texts.is_empty())
            .then(|| build_automaton(&texts).expect("vocabulary patterns build"));
        Matcher {
            names,
            patterns,
            finder,
            exact,
        }
    }

    /// The best match of each meaning on `key`, scored as [`match_len`].
    fn best(&self, key: &str) -> Option<(&str, usize)> {
        // Vocabularies name a few dozen fields: the scores fit on the stack.
        let mut heap = Vec::new();
        let mut stack = [0usize; 64];
        let score: &mut [usize] = if self.names.len() <= stack.len() {
            &mut stack[..self.names.len()]
        } else {
            heap.resize(self.names.len(), 0);
            &mut heap
        };
        if let Some(list) = self.exact.get(key) {
            let n = 2 * 100 + key.chars().count();
            list.iter().for_each(|&i| score[i] = score[i].max(n));
        }
        if let Some(f) = &self.finder {
            for m in f.find_overlapping_iter(key) {
                let (i, len) = self.patterns[m.pattern().as_usize()];
                let n = if m.end() == key.len() { 100 + len } else { len };
                score[i] = score[i].max(n);
            }
        }
        score
            .iter()
            .enumerate()
            .filter(|(_, n)| **n > 0)
            .max_by_key(|(_, n)| **n)
            .map(|(i, n)| (self.names[i].as_str(), *n))
    }
}

/// An automaton over `patterns` that is cheap to build: a contiguous NFA.
/// The keys it searches are label-sized, so a DFA's faster search does not
/// pay for its build, which every process would do for every vocabulary.
pub(crate) fn build_automaton<P: AsRef<[u8]>>(
    patterns: &[P],
) -> Result<aho_corasick::AhoCorasick, aho_corasick::BuildError> {
    aho_corasick::AhoCorasick::builder()
        .kind(Some(aho_corasick::AhoCorasickKind::ContiguousNFA))
        .build(patterns)
}

/// The meaning whose words match `text` best, with the match length.
pub(crate) fn meaning<'v>(text: &str, vocab: &'v Vocabulary) -> Option<(&'v str, usize)> {
    with_key(text, |key| {
        if key.is_empty() {
            return None;
        }
        vocab.matcher().best(key)
    })
}

/// Whether `key` is `word` as a damaged text layer prints it: its
/// characters in another order, with at most one stray (`年成值全完值` for
/// 全年完成值, `考值参分` for 参考分值: a narrow cell's two lines interleaved
/// by the extraction). A misread character is not accepted: 决算 and 预算
/// differ by one. Words under four characters are too short to tell.
fn damaged_form_of(key: &[char], word: &[char]) -> bool {
    if word.len() < 4 || (key.len() != word.len() && key.len() != word.len() + 1) {
        return false;
    }
    let mut left: Vec<char> = key.to_vec();
    for c in word {
        match left.iter().position(|k| k == c) {
            Some(i) => {
                left.swap_remove(i);
            }
            None => return false,
        }
    }
    true
}

/// For a label no word matches: the meaning whose word the label is a
/// damaged form of (see [`damaged_form_of`]), with that word, when exactly
/// one meaning has such a word.
pub(crate) fn damaged_meaning<'v>(text: &str, vocab: &'v Vocabulary) -> Option<(&'v str, &'v str)> {
    let key: Vec<char> = label_key(text).chars().collect();
    if key.len() < 4 || key.len() > 12 {
        return None;
    }
    let mut found: Option<(&str, &str)> = None;
    for (m, words) in vocab.words() {
        let word = words.iter().find(|w| {
            let w: Vec<char> = w.trim_start_matches('=').chars().collect();
            damaged_form_of(&key, &w)
        });
        match (word, found) {
            (Some(_), Some((f, _))) if f != m => return None,
            (Some(w), None) => found = Some((m, w.trim_start_matches('='))),
            _ => {}
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_drop_numbering_brackets_and_colons() {
        assert_eq!(label_key("其中：当年财政拨款"), "当年财政拨款");
        assert_eq!(label_key("产出指标(50分)"), "产出指标");
        assert_eq!(label_key("全年执行数（B）"), "全年执行数");
        assert_eq!(label_key("一、产出指标"), "产出指标");
        assert_eq!(label_key("1.中央资金"), "中央资金");
        assert_eq!(label_key("年度 资金 总额："), "年度资金总额");
        assert_eq!(label_key("、完成"), "完成");
        assert_eq!(label_key("十二、完成"), "完成");
    }

    #[test]
    fn the_longest_synonym_wins_and_exact_ones_match_whole_labels() {
        let mut v = std::collections::BTreeMap::new();
        v.insert("score".into(), vec!["得分".into(), "自评得分".into()]);
        v.insert("weighted_score".into(), vec!["折算得分".into()]);
        v.insert("weight".into(), vec!["=权重".into()]);
        v.insert("weight_share".into(), vec!["权重占比".into()]);
        assert_eq!(
            meaning("折算得分", &Vocabulary::from(v.clone())).unwrap().0,
            "weighted_score"
        );
        assert_eq!(
            meaning("得分", &Vocabulary::from(v.clone())).unwrap().0,
            "score"
        );
        assert_eq!(
            meaning("权重占比(%)", &Vocabulary::from(v.clone()))
                .unwrap()
                .0,
            "weight_share"
        );
        assert_eq!(
            meaning("权重", &Vocabulary::from(v.clone())).unwrap().0,
            "weight"
        );
        assert!(meaning("权重分配", &Vocabulary::from(v.clone())).is_none());
        v.insert("execution_rate".into(), vec!["执行率".into()]);
        v.insert("weight2".into(), vec!["指标权重".into()]);
        assert_eq!(
            meaning("执行率", &Vocabulary::from(v.clone())).unwrap().0,
            "execution_rate"
        );
        assert_eq!(
            meaning("执行率得分(分)", &Vocabulary::from(v.clone()))
                .unwrap()
                .0,
            "score"
        );
    }

    #[test]
    fn damaged_headers_are_told_only_when_one_meaning_fits() {
        let words: std::collections::BTreeMap<String, Vec<String>> = [
            ("actual", vec!["全年完成值"]),
            ("initial_budget", vec!["年初预算数"]),
            ("executed", vec!["全年执行数"]),
            ("weight", vec!["参考分值"]),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.into_iter().map(String::from).collect()))
        .collect();
        let v = Vocabulary::from(words);
        assert_eq!(
            damaged_meaning("年成值全完值", &v),
            Some(("actual", "全年完成值"))
        );
        assert_eq!(
            damaged_meaning("考值参分", &v),
            Some(("weight", "参考分值"))
        );
        // A misread character may be another word, two strays are more
        // than a reordering, and short labels are never guessed.
        assert_eq!(damaged_meaning("年初决算数", &v), None);
        assert_eq!(damaged_meaning("年初预算数额外", &v), None);
        assert_eq!(damaged_meaning("执行数", &v), None);
    }

    #[test]
    fn traditional_script_reads_as_simplified() {
        assert_eq!(label_key("項(xiàng)目名稱"), "项目名称");
        assert_eq!(label_key("全年執(zhí)行數(shù)"), "全年执行数");
    }
}
