//! Where cells are on a page: boxes in PDF page space, and each row's page
//! and cell boxes for rows rebuilt from a PDF.

/// A stroked rectangle (a table cell's border), in page space.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, schemars::JsonSchema)]
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
