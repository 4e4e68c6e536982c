//! Where cells are on a page: boxes in PDF page space, and each row's page
//! and cell boxes for rows rebuilt from a PDF.

/// A stroked rectangle (a table cell's border), in page space. Reports
/// print it in points rounded to 0.01 (`31.18`, not `31.18000030517578`).
#[derive(Debug, Clone, Copy, PartialEq, schemars::JsonSchema)]
pub struct Rect {
    /// Left.
    pub x0: f64,
    /// Bottom.
    pub y0: f64,
    /// Right.
    pub x1: f64,
    /// Top.
    pub y1: f64,
}

/// A coordinate in points rounded to 0.01, as reports print it.
fn shown(v: f64) -> f64 {
    let r = (v * 100.0).round() / 100.0;
    // No `-0`.
    if r == 0.0 {
        0.0
    } else {
        r
    }
}

impl serde::Serialize for Rect {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut st = s.serialize_struct("Rect", 4)?;
        st.serialize_field("x0", &shown(self.x0))?;
        st.serialize_field("y0", &shown(self.y0))?;
        st.serialize_field("x1", &shown(self.x1))?;
        st.serialize_field("y1", &shown(self.y1))?;
        st.end()
    }
}

/// A cell's box on its page in hundredths of a point (what a report
/// prints, so that boxes compare exactly): left, bottom, right, top.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PageBox {
    /// Left, in hundredths of a point.
    pub x0: i64,
    /// Bottom.
    pub y0: i64,
    /// Right.
    pub x1: i64,
    /// Top.
    pub y1: i64,
}

impl From<Rect> for PageBox {
    fn from(r: Rect) -> Self {
        let h = |v: f64| (v * 100.0).round() as i64;
        PageBox {
            x0: h(r.x0),
            y0: h(r.y0),
            x1: h(r.x1),
            y1: h(r.y1),
        }
    }
}

impl From<PageBox> for Rect {
    fn from(b: PageBox) -> Self {
        let p = |v: i64| v as f64 / 100.0;
        Rect {
            x0: p(b.x0),
            y0: p(b.y0),
            x1: p(b.x1),
            y1: p(b.y1),
        }
    }
}

impl serde::Serialize for PageBox {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        Rect::from(*self).serialize(s)
    }
}

impl Rect {
    /// Whether the point lies in the box, half a point of slack around it.
    pub fn contains(&self, x: f64, y: f64) -> bool {
        x >= self.x0 - 0.5 && x <= self.x1 + 0.5 && y >= self.y0 - 0.5 && y <= self.y1 + 0.5
    }
}

/// Where a row read from a PDF is: its page and each cell's box.
#[derive(Debug, Clone, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct RowGeometry {
    /// The row's number (what `line` means for a PDF).
    pub line: usize,
    /// 1-based page.
    pub page: u32,
    /// Each cell's column and box.
    pub cells: Vec<CellBox>,
}

/// A cell's column and box.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, schemars::JsonSchema)]
pub struct CellBox {
    /// Column, as in the row.
    pub column: usize,
    /// Box in page space (points, origin bottom left).
    pub bbox: Rect,
}

/// Finds where the cells of rows read from a PDF are printed.
pub struct Pages<'a> {
    rows: std::collections::HashMap<usize, &'a RowGeometry>,
}

impl<'a> Pages<'a> {
    /// The places of `geometry`'s rows, by line.
    pub fn new(geometry: &'a [RowGeometry]) -> Self {
        Pages {
            rows: geometry.iter().map(|g| (g.line, g)).collect(),
        }
    }

    /// The page of `line` and the box of its cell at `column` (when one
    /// cell is meant and the row has it); `None`s where the row is not
    /// from a PDF.
    pub fn place(&self, line: usize, column: Option<usize>) -> crate::records::Place {
        let Some(row) = self.rows.get(&line) else {
            return crate::records::Place::default();
        };
        let bbox = column.and_then(|c| row.cells.iter().find(|b| b.column == c));
        crate::records::Place {
            page: Some(row.page),
            bbox: bbox.map(|b| b.bbox.into()),
        }
    }
}
