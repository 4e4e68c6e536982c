//! Cells of a table ruled with lines: rules are snapped to common
//! coordinates and joined where they touch, their crossings found, and a
//! cell is the smallest box whose four corners are crossings and whose four
//! sides are ruled. A merged cell is simply a box whose inner rules are
//! missing.

use jixiao_model::Rect;
use std::collections::{BTreeSet, HashMap, HashSet};

/// Rules closer than this (points) are one; a rule this near a crossing
/// reaches it.
const SNAP: f64 = 1.0;

/// A rule along one axis: its position across, and its extent along.
#[derive(Debug, Clone, Copy)]
struct Rule {
    at: f64,
    from: f64,
    to: f64,
}

/// Snaps positions closer than `SNAP` to their first, then joins rules on
/// the same position that overlap or touch.
fn tidy(mut rules: Vec<Rule>) -> Vec<Rule> {
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut anchor = f64::NAN;
    for r in &mut rules {
        if (r.at - anchor).abs() < SNAP {
            r.at = anchor;
        } else {
            anchor = r.at;
        }
    }
    rules.sort_by(|a, b| a.at.total_cmp(&b.at).then(a.from.total_cmp(&b.from)));
    let mut out: Vec<Rule> = Vec::new();
    for r in rules {
        match out.last_mut() {
            Some(last) if last.at == r.at && r.from <= last.to + SNAP => {
                last.to = last.to.max(r.to);
            }
            _ => out.push(r),
        }
    }
    out
}

/// A position as a key for exact lookups: equal positions (zero of either
/// sign included) give equal keys.
fn key(at: f64) -> u64 {
    (at + 0.0).to_bits()
}

/// Tidied rules by position, each position's in order along: joined
/// rules on one position never overlap, so their ends rise with their
/// starts.
struct Lines(HashMap<u64, Vec<Rule>>);

impl Lines {
    fn new(rules: &[Rule]) -> Self {
        let mut by_at: HashMap<u64, Vec<Rule>> = HashMap::new();
        for r in rules {
            by_at.entry(key(r.at)).or_default().push(*r);
        }
        Lines(by_at)
    }

    /// Whether a rule at `at` covers the stretch from `a` to `b`: the last
    /// rule starting early enough reaches furthest.
    fn covered(&self, at: f64, a: f64, b: f64) -> bool {
        let Some(rules) = self.0.get(&key(at)) else {
            return false;
        };
        let starting = rules.partition_point(|r| r.from <= a + SNAP);
        starting > 0 && rules[starting - 1].to >= b - SNAP
    }
}

/// Ordered key of a position for the sweep's set of verticals.
fn order(at: f64) -> i64 {
    let bits = (at + 0.0).to_bits() as i64;
    if bits < 0 {
        bits ^ i64::MAX
    } else {
        bits
    }
}

/// Every place where a horizontal and a vertical rule meet (each within
/// `SNAP` of the other's extent), as (x, y), top down and left to right,
/// each once; `None` when more than `limit` pairs of rules meet. A sweep
/// up the page keeps the verticals whose extent holds the current height
/// ordered by position, so that each horizontal looks only at those within
/// its own extent: the work grows with the rules and the crossings, not
/// with their product.
fn crossings(horizontal: &[Rule], vertical: &[Rule], limit: usize) -> Option<Vec<(f64, f64)>> {
    let mut by_height: Vec<&Rule> = horizontal.iter().collect();
    by_height.sort_by(|a, b| a.at.total_cmp(&b.at));
    let mut entering: Vec<usize> = (0..vertical.len()).collect();
    entering.sort_by(|&a, &b| (vertical[a].from - SNAP).total_cmp(&(vertical[b].from - SNAP)));
    let mut leaving = entering.clone();
    leaving.sort_by(|&a, &b| (vertical[a].to + SNAP).total_cmp(&(vertical[b].to + SNAP)));
    let (mut entered, mut left) = (0, 0);
    let mut open: BTreeSet<(i64, usize)> = BTreeSet::new();
    let mut out: Vec<(f64, f64)> = Vec::new();
    for h in by_height {
        while let Some(&v) = entering.get(entered) {
            if vertical[v].from - SNAP > h.at {
                break;
            }
            open.insert((order(vertical[v].at), v));
            entered += 1;
        }
        while let Some(&v) = leaving.get(left) {
            if vertical[v].to + SNAP >= h.at {
                break;
            }
            open.remove(&(order(vertical[v].at), v));
            left += 1;
        }
        let (lo, hi) = (h.from - SNAP, h.to + SNAP);
        if lo.is_nan() || hi.is_nan() || lo > hi {
            continue;
        }
        for &(_, v) in open.range((order(lo), 0)..=(order(hi), usize::MAX)) {
            let v = &vertical[v];
            if v.at >= lo && v.at <= hi && h.at >= v.from - SNAP && h.at <= v.to + SNAP {
                if out.len() == limit {
                    return None;
                }
                out.push((v.at, h.at));
            }
        }
    }
    out.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.total_cmp(&b.0)));
    out.dedup();
    Some(out)
}

/// The horizontal and the vertical rules among the given, tidied.
fn axes(rules: &[Rect]) -> (Vec<Rule>, Vec<Rule>) {
    let horizontal = tidy(
        rules
            .iter()
            .filter(|r| r.y1 - r.y0 < 0.5 && r.x1 - r.x0 >= 0.5)
            .map(|r| Rule {
                at: r.y0,
                from: r.x0,
                to: r.x1,
            })
            .collect(),
    );
    let vertical = tidy(
        rules
            .iter()
            .filter(|r| r.x1 - r.x0 < 0.5 && r.y1 - r.y0 >= 0.5)
            .map(|r| Rule {
                at: r.x0,
                from: r.y0,
                to: r.y1,
            })
            .collect(),
    );
    (horizontal, vertical)
}

/// Whether more than `limit` pairs of the given rules cross.
pub(crate) fn too_many_crossings(rules: &[Rect], limit: usize) -> bool {
    let (horizontal, vertical) = axes(rules);
    crossings(&horizontal, &vertical, limit).is_none()
}

/// The cells ruled by the given horizontal and vertical rules.
pub(crate) fn cells_from_rules(rules: &[Rect]) -> Vec<Rect> {
    let (horizontal, vertical) = axes(rules);
    // Crossings, as (x, y) on the snapped positions.
    let crossings = crossings(&horizontal, &vertical, usize::MAX).unwrap_or_default();
    let (horizontal, vertical) = (Lines::new(&horizontal), Lines::new(&vertical));
    // Each horizontal's crossings left to right.
    let mut rows: HashMap<u64, Vec<f64>> = HashMap::new();
    let mut is_crossing: HashSet<(u64, u64)> = HashSet::new();
    for &(x, y) in &crossings {
        rows.entry(key(y)).or_default().push(x);
        is_crossing.insert((key(x), key(y)));
    }
    rows.values_mut().for_each(|r| r.sort_by(f64::total_cmp));
    // A crossing opens to the right when its horizontal reaches the next
    // crossing on it; only such a crossing can be a cell's bottom left
    // corner, so each vertical keeps these apart, top down.
    let mut opening: HashMap<u64, Vec<f64>> = HashMap::new();
    for &(x, y) in &crossings {
        let row = rows.get(&key(y)).map_or(&[][..], Vec::as_slice);
        if let Some(&x1) = row.get(row.partition_point(|&cx| cx <= x)) {
            if horizontal.covered(y, x, x1) {
                opening.entry(key(x)).or_default().push(y);
            }
        }
    }
    opening
        .values_mut()
        .for_each(|c| c.sort_by(|a, b| b.total_cmp(a)));
    let mut cells = Vec::new();
    for &(x, y) in &crossings {
        // Opening crossings below on the same vertical, nearest first (the
        // vertical covers less the further down); for each,
        // the crossings right of it on its horizontal, nearest first, for
        // as long as both horizontals reach them (they reach less far the
        // further right), that are on this horizontal too.
        let column = opening.get(&key(x)).map_or(&[][..], Vec::as_slice);
        let below = &column[column.partition_point(|&cy| cy >= y)..];
        'found: for &bottom in below {
            if !vertical.covered(x, bottom, y) {
                break;
            }
            let row = rows.get(&key(bottom)).map_or(&[][..], Vec::as_slice);
            for &x1 in &row[row.partition_point(|&cx| cx <= x)..] {
                if !horizontal.covered(y, x, x1) || !horizontal.covered(bottom, x, x1) {
                    break;
                }
                if is_crossing.contains(&(key(x1), key(y))) && vertical.covered(x1, bottom, y) {
                    cells.push(Rect {
                        x0: x,
                        y0: bottom,
                        x1,
                        y1: y,
                    });
                    break 'found;
                }
            }
        }
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A horizontal rule at `y`, and a vertical one at `x`.
    fn h(y: f64, x0: f64, x1: f64) -> Rect {
        cell(x0, y, x1, y)
    }

    fn v(x: f64, y0: f64, y1: f64) -> Rect {
        cell(x, y0, x, y1)
    }

    /// A cell's box: left, bottom, right, top.
    fn cell(x0: f64, y0: f64, x1: f64, y1: f64) -> Rect {
        Rect { x0, y0, x1, y1 }
    }

    #[test]
    fn a_grid_gives_its_cells() {
        // Two rows of two columns, one rule drawn in two pieces and one a
        // little off its line.
        let rules = [
            h(100.0, 0.0, 50.0),
            h(100.0, 50.0, 100.0),
            h(80.0, 0.0, 100.0),
            h(60.3, 0.0, 100.0),
            v(0.0, 60.0, 100.0),
            v(50.0, 60.0, 100.0),
            v(100.0, 60.0, 100.0),
        ];
        let cells = cells_from_rules(&rules);
        assert_eq!(cells.len(), 4, "{cells:?}");
        assert_eq!(cells[0], cell(0.0, 80.0, 50.0, 100.0));
        assert_eq!(cells[3], cell(50.0, 60.3, 100.0, 80.0));
    }

    #[test]
    fn merged_cells_span_the_missing_rules() {
        // A cell across both columns on top, one down both rows at left.
        //  +-------+
        //  |       |
        //  +---+---+
        //  |   |   |
        //  |   +---+
        //  |   |   |
        //  +---+---+
        let rules = [
            h(100.0, 0.0, 100.0),
            h(80.0, 0.0, 100.0),
            h(60.0, 50.0, 100.0),
            h(40.0, 0.0, 100.0),
            v(0.0, 40.0, 100.0),
            v(100.0, 40.0, 100.0),
            v(50.0, 40.0, 80.0),
        ];
        let cells = cells_from_rules(&rules);
        assert_eq!(
            cells,
            vec![
                cell(0.0, 80.0, 100.0, 100.0),
                cell(0.0, 40.0, 50.0, 80.0),
                cell(50.0, 60.0, 100.0, 80.0),
                cell(50.0, 40.0, 100.0, 60.0),
            ]
        );
    }

    #[test]
    fn the_sweep_finds_the_crossings_every_pair_would() {
        // Scattered rules of all lengths, some on shared positions and some
        // through zero; each pair compared is the reference.
        let mut seed: u64 = 7;
        let mut next = |span: u64| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            ((seed >> 33) % span) as f64 / 4.0 - 20.0
        };
        let mut rules = Vec::new();
        for _ in 0..300 {
            let (at, a, b) = (next(200), next(400), next(400));
            rules.push(h(at, a.min(b), a.max(b) + 0.5));
            let (at, a, b) = (next(200), next(400), next(400));
            rules.push(v(at, a.min(b), a.max(b) + 0.5));
        }
        let (horizontal, vertical) = axes(&rules);
        let mut every: Vec<(f64, f64)> = Vec::new();
        for h in &horizontal {
            for v in &vertical {
                if v.at >= h.from - SNAP
                    && v.at <= h.to + SNAP
                    && h.at >= v.from - SNAP
                    && h.at <= v.to + SNAP
                {
                    every.push((v.at, h.at));
                }
            }
        }
        every.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.total_cmp(&b.0)));
        every.dedup();
        assert!(every.len() > 1000, "{}", every.len());
        assert_eq!(
            crossings(&horizontal, &vertical, usize::MAX),
            Some(every.clone())
        );
        assert_eq!(crossings(&horizontal, &vertical, every.len() - 1), None);
    }

    #[test]
    fn lines_that_close_nothing_make_no_cell() {
        let rules = [
            h(100.0, 0.0, 100.0),
            h(80.0, 0.0, 100.0),
            v(0.0, 80.0, 100.0),
        ];
        assert!(cells_from_rules(&rules).is_empty());
    }
}
