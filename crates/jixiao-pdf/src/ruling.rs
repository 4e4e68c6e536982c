//! Cells of a table ruled with lines: rules are snapped to common
//! coordinates and joined where they touch, their crossings found, and a
//! cell is the smallest box whose four corners are crossings and whose four
//! sides are ruled. A merged cell is simply a box whose inner rules are
//! missing.

use jixiao_model::Rect;

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

/// Whether a rule at `at` covers the stretch from `a` to `b`.
fn covered(rules: &[Rule], at: f64, a: f64, b: f64) -> bool {
    rules
        .iter()
        .any(|r| r.at == at && r.from <= a + SNAP && r.to >= b - SNAP)
}

/// The cells ruled by the given horizontal and vertical rules.
pub(crate) fn cells_from_rules(rules: &[Rect]) -> Vec<Rect> {
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
    // Crossings, as (x, y) on the snapped positions.
    let mut crossings: Vec<(f64, f64)> = Vec::new();
    for h in &horizontal {
        for v in &vertical {
            if v.at >= h.from - SNAP
                && v.at <= h.to + SNAP
                && h.at >= v.from - SNAP
                && h.at <= v.to + SNAP
            {
                crossings.push((v.at, h.at));
            }
        }
    }
    crossings.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.total_cmp(&b.0)));
    crossings.dedup();
    let is_crossing = |x: f64, y: f64| crossings.iter().any(|&(cx, cy)| cx == x && cy == y);
    let mut cells = Vec::new();
    for &(x, y) in &crossings {
        // Crossings below on the same vertical, nearest first, and to the
        // right on the same horizontal, nearest first.
        let mut below: Vec<f64> = crossings
            .iter()
            .filter(|&&(cx, cy)| cx == x && cy < y)
            .map(|&(_, cy)| cy)
            .collect();
        below.sort_by(|a, b| b.total_cmp(a));
        let mut right: Vec<f64> = crossings
            .iter()
            .filter(|&&(cx, cy)| cy == y && cx > x)
            .map(|&(cx, _)| cx)
            .collect();
        right.sort_by(f64::total_cmp);
        'found: for &bottom in &below {
            if !covered(&vertical, x, bottom, y) {
                break;
            }
            for &x1 in &right {
                if !covered(&horizontal, y, x, x1) {
                    break;
                }
                if is_crossing(x1, bottom)
                    && covered(&horizontal, bottom, x, x1)
                    && covered(&vertical, x1, bottom, y)
                {
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
    fn lines_that_close_nothing_make_no_cell() {
        let rules = [
            h(100.0, 0.0, 100.0),
            h(80.0, 0.0, 100.0),
            v(0.0, 80.0, 100.0),
        ];
        assert!(cells_from_rules(&rules).is_empty());
    }
}
