//! Why an office or web file could not be read.

/// An office or web file that cannot be read, with what is wrong and,
/// where known, the sheet or part of the file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TablesError {
    /// A Word 97–2003 binary document.
    #[error("a legacy Word .doc file (binary Word 97–2003), which jixiao does not read: save it as .docx or PDF and check that file")]
    LegacyWord,
    /// An Office file encrypted with a password.
    #[error("{what}, encrypted with a password, which jixiao cannot open: save a copy without the password, or as PDF, and check that file")]
    Encrypted {
        /// What kind of file it is.
        what: String,
    },
    /// The bytes start as a zip archive but it cannot be opened.
    #[error("a damaged zip archive (.xlsx, .docx and .ods files are zip archives): {why}; the file is corrupt or cut short")]
    CorruptZip {
        /// What the zip reader found wrong.
        why: String,
    },
    /// A part of the file could not be read (inflated, parsed).
    #[error("{part}: {why}")]
    Part {
        /// The part (`word/document.xml`, `sheet 计划表`).
        part: String,
        /// What is wrong with it.
        why: String,
    },
    /// A part inflates beyond the limit.
    #[error("{part}: inflates to more than {limit} bytes, over the limit for one part of a file")]
    PartTooLarge {
        /// The part.
        part: String,
        /// The limit.
        limit: u64,
    },
    /// A sheet or table has more cells than the limit.
    #[error("{part}: {cells} cells, over the limit of {limit} cells for one sheet or table")]
    TooManyCells {
        /// The sheet or table.
        part: String,
        /// How many it has (at least).
        cells: u64,
        /// The limit.
        limit: u64,
    },
    /// Every sheet, table and paragraph is empty.
    #[error("no text: every sheet, table and paragraph of the file is empty")]
    NoText,
    /// A file of a kind this stage does not read.
    #[error("{what}")]
    Unsupported {
        /// What it is and what to do.
        what: String,
    },
}
