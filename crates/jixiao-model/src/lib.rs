//! The typed records of jixiao: what a budget-performance form is read into,
//! the numbers as printed (raw text, exact decimal, printed precision), the
//! grid of cells every input becomes, and where things are in the source.
//! No I/O: every stage after reading speaks these types.
#![deny(missing_docs)]

pub mod geometry;
pub mod grid;
pub mod number;
pub mod origin;
pub mod records;

pub use geometry::{CellBox, Rect, RowGeometry};
pub use grid::{compact, read_rows, Cell, Row, Span};
pub use number::{excel_serial_date, num_at, read_measure, read_number, Measure, Num, NumberCell};
pub use origin::{CellOrigin, RowOrigin, SourcePart};
pub use records::*;
