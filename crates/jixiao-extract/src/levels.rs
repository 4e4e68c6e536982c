//! Level-1/level-2 indicator names (产出指标 › 数量指标) from merged cells.
//!
//! A merged cell spans the rows of all its indicators, and extraction writes
//! its text on whichever rows the glyphs fell: whole on the first row (clean
//! exports), or a few characters a row around the middle of the span
//! (`可持` / `续影` / `响指` / `标`), or split by a page break (`生态` …
//! `效益指标`). Fragments are gathered until they spell a known name, which
//! then holds for the indicators since the first fragment and onwards.

use crate::model::Indicator;
use crate::vocab;

/// Which level a fragment belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Level {
    One = 0,
    Two = 1,
}

fn words(level: Level) -> &'static [&'static str] {
    match level {
        Level::One => vocab::LEVEL1,
        Level::Two => vocab::LEVEL2,
    }
}

fn is_prefix(level: Level, s: &str) -> bool {
    words(level).iter().any(|w| w.starts_with(s))
}

/// `short` keeps the order of `word`'s characters, some left out.
fn subsequence(short: &str, word: &str) -> bool {
    let mut it = word.chars();
    short.chars().all(|c| it.any(|w| w == c))
}

/// A fragment that may still grow into a name, whole or with characters
/// lost in extraction (`服对满度` on its way to `服对满度标`).
fn may_grow(level: Level, s: &str) -> bool {
    is_prefix(level, s)
        || (s.chars().count() >= 2
            && words(level)
                .iter()
                .any(|w| w.chars().next() == s.chars().next() && subsequence(s, w)))
}

/// The one name `s` spells with characters left out (`服对满度标` →
/// `服务对象满意度指标`): same first and last character, at least four.
fn abbreviation(level: Level, s: &str) -> Option<&'static str> {
    if s.chars().count() < 4 {
        return None;
    }
    let mut found = words(level).iter().filter(|w| {
        w.chars().next() == s.chars().next()
            && w.chars().last() == s.chars().last()
            && subsequence(s, w)
    });
    let first = found.next()?;
    found.next().is_none().then_some(*first)
}

#[derive(Default)]
pub(crate) struct Levels {
    buf: [String; 2],
    start: [usize; 2],
    active: [Option<String>; 2],
    /// Index of the indicator that was being read when each level was last completed.
    completed_at: [Option<usize>; 2],
    /// Fragments that spelled no known name.
    pub(crate) unplaced: Vec<(usize, String)>,
    /// Fragments read as a name with characters missing: (line, fragment, name).
    pub(crate) abbreviated: Vec<(usize, String, &'static str)>,
}

impl Levels {
    /// The level a cell's text continues or names outright, if any.
    pub(crate) fn claims(&self, piece: &str, in_level2_column: bool) -> Option<Level> {
        for level in [Level::Two, Level::One] {
            let buf = &self.buf[level as usize];
            let continues = |w: &&str| {
                w.strip_prefix(buf.as_str())
                    .is_some_and(|rest| rest.starts_with(piece))
            };
            if !buf.is_empty() && words(level).iter().any(continues) {
                return Some(level);
            }
        }
        let one = vocab::LEVEL1.contains(&piece);
        let two = vocab::LEVEL2.contains(&piece);
        match (one, two) {
            (true, true) if in_level2_column => Some(Level::Two),
            (true, _) => Some(Level::One),
            (false, true) => Some(Level::Two),
            _ => None,
        }
    }

    /// Where a fragment read between indicators starts to apply: to the
    /// indicator being read, unless that one already got its name whole.
    pub(crate) fn start_between(&self, level: Level, current: usize) -> usize {
        if self.completed_at[level as usize] == Some(current) {
            current + 1
        } else {
            current
        }
    }

    /// Adds a fragment at `level` that may apply from indicator `from` on.
    /// `done` are the indicators read so far; `current` is the one being
    /// read, whose index is `done.len()`.
    pub(crate) fn feed(
        &mut self,
        level: Level,
        piece: &str,
        from: usize,
        line: usize,
        done: &mut [Indicator],
        current: Option<&mut Indicator>,
    ) {
        let i = level as usize;
        let whole = words(level).contains(&piece);
        if whole && !self.buf[i].is_empty() && !may_grow(level, &format!("{}{piece}", self.buf[i]))
        {
            let stale = std::mem::take(&mut self.buf[i]);
            self.unplaced.push((line, stale));
        }
        if self.buf[i].is_empty() {
            self.start[i] = from;
        }
        self.buf[i].push_str(piece);
        let buf = self.buf[i].clone();
        let word = match words(level).iter().find(|w| **w == buf) {
            Some(w) => Some(*w),
            None if !is_prefix(level, &buf) => {
                let abbr = abbreviation(level, &buf);
                if let Some(w) = abbr {
                    self.abbreviated.push((line, buf.clone(), w));
                }
                abbr
            }
            None => None,
        };
        if let Some(word) = word {
            self.complete(level, word, done, current);
        } else if !may_grow(level, &buf) {
            let chars: Vec<char> = buf.chars().collect();
            // Only a tail no longer than the longest name may grow into
            // one: looking at no longer tails keeps a huge cell linear.
            let longest = words(level)
                .iter()
                .map(|w| w.chars().count())
                .max()
                .unwrap_or(0);
            let first = chars.len().saturating_sub(longest).max(1);
            let keep_from = (first..=chars.len())
                .find(|&k| may_grow(level, &chars[k..].iter().collect::<String>()))
                .unwrap_or(chars.len());
            let dropped: String = chars[..keep_from].iter().collect();
            self.unplaced.push((line, dropped));
            self.buf[i] = chars[keep_from..].iter().collect();
            self.start[i] = from;
            let kept = self.buf[i].clone();
            if let Some(word) = words(level).iter().find(|w| **w == kept) {
                self.complete(level, word, done, current);
            }
        }
    }

    fn complete(
        &mut self,
        level: Level,
        word: &str,
        done: &mut [Indicator],
        current: Option<&mut Indicator>,
    ) {
        let i = level as usize;
        let start = self.start[i];
        let now = done.len();
        for ind in done.iter_mut().skip(start) {
            set(ind, level, word);
        }
        if let Some(cur) = current {
            if start <= now {
                set(cur, level, word);
            }
        }
        self.active[i] = Some(word.to_string());
        self.completed_at[i] = Some(now);
        self.buf[i].clear();
    }

    /// The names that hold for a new indicator.
    pub(crate) fn apply(&self, ind: &mut Indicator) {
        ind.level1 = self.active[0].clone();
        ind.level2 = self.active[1].clone();
    }

    /// Fragments still waiting for the rest of their name.
    pub(crate) fn leftover(&self) -> impl Iterator<Item = &String> {
        self.buf.iter().filter(|b| !b.is_empty())
    }
}

fn set(ind: &mut Indicator, level: Level, word: &str) {
    match level {
        Level::One => ind.level1 = Some(word.to_string()),
        Level::Two => ind.level2 = Some(word.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ind() -> Indicator {
        Indicator::default()
    }

    #[test]
    fn fragments_over_rows_name_the_indicators_since_the_first() {
        let mut levels = Levels::default();
        let mut done = vec![ind()];
        let mut cur = ind();
        for piece in ["可持", "续影", "响指"] {
            levels.feed(Level::Two, piece, 0, 1, &mut done, Some(&mut cur));
        }
        assert_eq!(done[0].level2, None);
        levels.feed(Level::Two, "标", 0, 1, &mut done, Some(&mut cur));
        assert_eq!(done[0].level2.as_deref(), Some("可持续影响指标"));
        assert_eq!(cur.level2.as_deref(), Some("可持续影响指标"));
    }

    #[test]
    fn a_name_split_by_a_page_break() {
        let levels = Levels::default();
        assert_eq!(levels.claims("生态", true), None);
        let mut levels = Levels::default();
        let mut done = vec![];
        levels.feed(Level::Two, "生态", 0, 1, &mut done, None);
        assert_eq!(levels.claims("效益指标", true), Some(Level::Two));
    }

    #[test]
    fn ambiguous_name_goes_by_column() {
        let levels = Levels::default();
        assert_eq!(levels.claims("成本指标", true), Some(Level::Two));
        assert_eq!(levels.claims("成本指标", false), Some(Level::One));
    }

    #[test]
    fn names_with_characters_lost() {
        let mut levels = Levels::default();
        let mut done = vec![];
        let mut cur = ind();
        levels.feed(Level::Two, "服对满度", 0, 3, &mut done, Some(&mut cur));
        assert_eq!(cur.level2, None);
        levels.feed(Level::Two, "标", 0, 4, &mut done, Some(&mut cur));
        assert_eq!(cur.level2.as_deref(), Some("服务对象满意度指标"));
        assert_eq!(
            levels.abbreviated,
            vec![(4, "服对满度标".to_string(), "服务对象满意度指标")]
        );
    }

    #[test]
    fn a_whole_name_replaces_a_stale_fragment() {
        let mut levels = Levels::default();
        let mut done = vec![];
        let mut cur = ind();
        levels.feed(Level::Two, "数量", 0, 1, &mut done, Some(&mut cur));
        levels.feed(Level::Two, "质量指标", 0, 2, &mut done, Some(&mut cur));
        assert_eq!(cur.level2.as_deref(), Some("质量指标"));
        assert_eq!(levels.unplaced, vec![(2, "数量".to_string())]);
    }

    #[test]
    fn debris_is_set_aside() {
        let mut levels = Levels::default();
        let mut done = vec![];
        levels.feed(Level::One, "31114", 0, 7, &mut done, None);
        assert_eq!(levels.unplaced, vec![(7, "31114".to_string())]);
        assert_eq!(levels.leftover().count(), 0);
    }
}
