//! A table's cells laid out on a true grid: each cell at the first free
//! position of its row, merged cells covering the positions below and to
//! the right of them (the HTML table model; Word's tables give the
//! positions themselves).

use crate::TablesError;

/// A cell of a source table as marked up: its text and spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SourceCell {
    pub text: String,
    /// Rows covered; 0 means to the end of the table (HTML `rowspan=0`).
    pub rows: u32,
    pub columns: u32,
}

/// A cell at its grid position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Placed {
    /// 0-based grid column of its top-left position.
    pub column: usize,
    pub text: String,
    pub rows: u32,
    pub columns: u32,
    /// The value stored, where it differs from the text shown.
    pub value: Option<String>,
}

/// The most columns one cell may span (what HTML allows).
const MAX_COLSPAN: u32 = 1000;

/// Lays out `rows` of source cells, refusing a table that covers more
/// than `max_cells` positions. Spans reaching past the last row stop
/// there.
pub(crate) fn lay_out(
    rows: &[Vec<SourceCell>],
    max_cells: u64,
    part: &str,
) -> Result<Vec<Vec<Placed>>, TablesError> {
    let height = rows.len();
    // For each row, the columns already covered by cells from rows above.
    let mut covered: Vec<Vec<bool>> = vec![Vec::new(); height];
    let mut positions: u64 = 0;
    let mut out = Vec::with_capacity(height);
    for (r, row) in rows.iter().enumerate() {
        let mut placed = Vec::with_capacity(row.len());
        let mut column = 0usize;
        for cell in row {
            while covered[r].get(column).copied().unwrap_or(false) {
                column += 1;
            }
            let columns = cell.columns.clamp(1, MAX_COLSPAN);
            let left = height - r;
            let rows_spanned = match cell.rows {
                0 => left,
                n => (n as usize).min(left),
            };
            positions += rows_spanned as u64 * u64::from(columns);
            if positions > max_cells {
                return Err(TablesError::TooManyCells {
                    part: part.to_string(),
                    cells: positions,
                    limit: max_cells,
                });
            }
            for below in covered.iter_mut().skip(r).take(rows_spanned) {
                let end = column + columns as usize;
                if below.len() < end {
                    below.resize(end, false);
                }
                below[column..end].iter_mut().for_each(|c| *c = true);
            }
            placed.push(Placed {
                column,
                text: cell.text.clone(),
                rows: rows_spanned as u32,
                columns,
                value: None,
            });
            column += columns as usize;
        }
        out.push(placed);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(text: &str, rows: u32, columns: u32) -> SourceCell {
        SourceCell {
            text: text.into(),
            rows,
            columns,
        }
    }

    fn columns(laid: &[Vec<Placed>]) -> Vec<Vec<(usize, &str)>> {
        laid.iter()
            .map(|r| r.iter().map(|p| (p.column, p.text.as_str())).collect())
            .collect()
    }

    #[test]
    fn rowspans_push_later_cells_right() {
        let rows = vec![
            vec![
                cell("产出指标", 3, 1),
                cell("数量指标", 2, 1),
                cell("a", 1, 1),
            ],
            vec![cell("b", 1, 1)],
            vec![cell("质量指标", 1, 1), cell("c", 1, 1)],
        ];
        let laid = lay_out(&rows, 100, "t").unwrap();
        assert_eq!(
            columns(&laid),
            vec![
                vec![(0, "产出指标"), (1, "数量指标"), (2, "a")],
                vec![(2, "b")],
                vec![(1, "质量指标"), (2, "c")],
            ]
        );
        assert_eq!(laid[0][0].rows, 3);
    }

    #[test]
    fn colspans_and_spans_past_the_end() {
        let rows = vec![
            vec![cell("项目资金", 9, 2), cell("年初预算数", 1, 1)],
            vec![cell("x", 1, 1)],
        ];
        let laid = lay_out(&rows, 100, "t").unwrap();
        assert_eq!(
            columns(&laid),
            vec![vec![(0, "项目资金"), (2, "年初预算数")], vec![(2, "x")]]
        );
        // The rowspan stops at the table's last row.
        assert_eq!((laid[0][0].rows, laid[0][0].columns), (2, 2));
        // rowspan=0 reaches the end of the table.
        let rows = vec![vec![cell("a", 0, 1)], vec![cell("b", 1, 1)], vec![]];
        let laid = lay_out(&rows, 100, "t").unwrap();
        assert_eq!(laid[0][0].rows, 3);
        assert_eq!(laid[1][0].column, 1);
    }

    #[test]
    fn a_table_over_the_cell_limit_is_refused() {
        let rows = vec![vec![cell("a", 1, 1000)]; 20];
        match lay_out(&rows, 10_000, "table 1") {
            Err(TablesError::TooManyCells { part, .. }) => assert_eq!(part, "table 1"),
            other => panic!("{other:?}"),
        }
    }
}
