//! PDF bytes → pages of glyphs and ruling → rows of cells, each row with its
//! page and each cell with its box, in the grid type of `jixiao-model` that
//! every input becomes.
#![deny(missing_docs)]

mod content;
mod pdf;
mod repair;
mod ruling;
mod scan;

pub use jixiao_model::{CellBox, Rect, RowGeometry};
pub use pdf::{
    has_pdf_header, pdf_rows, read_pdf, read_pdf_text, Glyph, PageText, PdfError, PdfLimits,
    PdfText,
};
