//! Reads the budget-performance forms of a disclosure into typed records.
//!
//! Text flows in as tab-separated lines (the form of text already extracted
//! from a PDF); it is split into rows of cells that keep their line and
//! column, the rows into forms, and each form into a typed record whose
//! numbers keep the text, exact value and precision they were printed with.
//! Every non-empty cell ends up in a field or in the form's `unmapped` list.
//!
//! ```
//! let text = "财政项目支出绩效自评表\n(2023 年度)\n项目名称\t示例项目\n\
//!             项目资金 (万元)\t\t年初预算数\t全年预算数\t全年执行数\t分数\t执行率(%)\t得分\n\
//!             \t年度资金总额:\t4,072.13\t4,071.87\t4,071.87\t10.00\t100.00\t10.00\n";
//! let doc = jixiao_extract::read_document(text);
//! let form = doc.forms[0].as_self_evaluation().unwrap();
//! assert_eq!(form.year, Some(2023));
//! assert_eq!(form.funds[0].adjusted_budget.as_ref().unwrap().value.to_string(), "4071.87");
//! ```
#![deny(missing_docs)]

mod budget;
mod declaration;
mod document;
mod engine;
mod html;
mod labels;
mod ledger;
mod levels;
mod modern;
mod narrative;
mod ruby;
mod text;
mod vocab;

// The earlier stages, under the names the readers use.
use jixiao_model::grid as rows;

use jixiao_model::records as model;
use jixiao_pdf as pdf;

pub use document::{
    read_document, read_document_with, read_rows_document, read_rows_document_with,
};
pub use encoding_rs::Encoding;
pub use engine::template;
pub use engine::{Template, TemplateError, Templates};
pub use html::html_to_text;
pub use jixiao_model::*;
pub use jixiao_pdf::{
    pdf_rows, read_pdf, read_pdf_text, Glyph, PageText, PdfError, PdfLimits, PdfText,
};
pub use jixiao_tables::{
    Format as TablesFormat, Grid as TablesGrid, Limits as TablesLimits, TablesError,
};

use std::path::Path;

/// A source file that could not be read at all.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// The file's bytes are not valid text of the encoding found (or given).
    #[error("{path}: line {line}: not valid {encoding} text (byte {byte} of the file){}", malformed_hint(*.forced))]
    Malformed {
        /// The file.
        path: String,
        /// Line of the first bad byte.
        line: usize,
        /// Offset of the first bad byte.
        byte: usize,
        /// The encoding it was decoded in.
        encoding: String,
        /// Whether `--encoding` named that encoding.
        forced: bool,
    },
    /// The file is neither UTF-8 nor text of an East Asian encoding.
    #[error("{path}: line {line}: not UTF-8 text (byte {byte} of the file), nor text in a Chinese encoding (the bytes look most like {guess}); if it is text, name its encoding with --encoding")]
    NotText {
        /// The file.
        path: String,
        /// Line of the first byte that is not UTF-8.
        line: usize,
        /// Its offset.
        byte: usize,
        /// What the bytes look most like.
        guess: String,
    },
    /// A comma-separated file that does not parse.
    #[error("{path}: line {line}: not comma-separated text as a .csv file should be: {why}")]
    Csv {
        /// The file.
        path: String,
        /// Line of the record that does not parse.
        line: usize,
        /// What the CSV reader said.
        why: String,
    },
    /// The file has no text in it.
    #[error("{path}: empty file; expected tab-separated text of a disclosure")]
    Empty {
        /// The file.
        path: String,
    },
    /// The file holds only whitespace (spaces, tabs, line breaks).
    #[error("{path}: no text, only {bytes} bytes of whitespace (tabs, spaces, line breaks); expected tab-separated text of a disclosure")]
    Blank {
        /// The file.
        path: String,
        /// Its size.
        bytes: usize,
    },
    /// The file is binary data, not text.
    #[error("{path}: line {line}: binary data (a NUL byte at byte {byte}), not text; expected text (tab- or comma-separated), a PDF, a web page, a spreadsheet or a Word file")]
    Binary {
        /// The file.
        path: String,
        /// Line of the first NUL byte.
        line: usize,
        /// Its offset.
        byte: usize,
    },
    /// A text file larger than the reader's budget for text allows.
    #[error("{path}: the text file is {size} bytes, over the limit of {limit} bytes per text file (--max-text-size)")]
    TextTooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is larger than the reader's budget allows.
    #[error("{path}: the file is {size} bytes, over the limit of {limit} bytes per file (--max-file-size)")]
    TooLarge {
        /// The file.
        path: String,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// The file is a PDF that cannot be opened or has no readable text.
    #[error("{path}: {source}")]
    Pdf {
        /// The file.
        path: String,
        /// Why.
        source: PdfError,
    },
    /// The file is a legacy Word .doc, which is not read.
    #[error("{path}: {}", jixiao_tables::TablesError::LegacyWord)]
    LegacyWord {
        /// The file.
        path: String,
    },
    /// The file is an Office file encrypted with a password.
    #[error("{path}: {source}")]
    EncryptedOffice {
        /// The file.
        path: String,
        /// What kind of file.
        source: TablesError,
    },
    /// The file starts as a zip archive (.xlsx, .docx, .ods) but is
    /// damaged.
    #[error("{path}: {source}")]
    CorruptZip {
        /// The file.
        path: String,
        /// What the zip reader found wrong.
        source: TablesError,
    },
    /// An HTML page, spreadsheet or Word file that cannot be read: the
    /// message names the sheet or part where it is known.
    #[error("{path}: {source}")]
    Office {
        /// The file.
        path: String,
        /// Why.
        source: TablesError,
    },
    /// The file is a kind this version does not read.
    #[error("{path}: {what}")]
    Unsupported {
        /// The file.
        path: String,
        /// What it is and what is missing.
        what: String,
    },
}

/// How to read inputs.
#[derive(Debug, Clone, Default)]
pub struct ReadOptions {
    /// The user password of encrypted PDFs.
    pub password: Option<String>,
    /// Bounds for PDFs.
    pub limits: PdfLimits,
    /// The encoding of text files (found from the bytes when `None`).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Templates to read forms with (the shipped ones when `None`).
    pub templates: Option<std::sync::Arc<Templates>>,
    /// The largest file read, in bytes (`None`: [`MAX_FILE_BYTES`]).
    pub max_file_bytes: Option<u64>,
    /// The largest text file read, in bytes (`None`: [`MAX_TEXT_BYTES`]).
    pub max_text_bytes: Option<u64>,
}

/// The largest text file read by default: 32 MiB, a hundred times the
/// largest disclosure's text (the budget keeps reading one under a second
/// per core and its memory under 250 MB).
pub const MAX_TEXT_BYTES: u64 = 32 << 20;

/// The largest file read by default: 512 MiB, far above any disclosure
/// (a scanned PDF of a thousand pages) and far below what exhausts memory.
pub const MAX_FILE_BYTES: u64 = 512 << 20;

/// Reads a whole file, refusing one over `limit` bytes before reading it
/// (and one that grows past the limit while it is read).
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let shown = path.display().to_string();
    let io = |source| ReadError::Io {
        path: shown.clone(),
        source,
    };
    let file = std::fs::File::open(path).map_err(io)?;
    let size = file.metadata().map_err(io)?.len();
    if size > limit {
        return Err(ReadError::TooLarge {
            path: shown,
            size,
            limit,
        });
    }
    read_at_most(file, &shown, limit, size)
}

/// Reads `reader` to its end (standard input, a file), refusing more than
/// `limit` bytes; `size` is what it is expected to hold, 0 if unknown.
pub fn read_at_most(
    reader: impl std::io::Read,
    path: &str,
    limit: u64,
    size: u64,
) -> Result<Vec<u8>, ReadError> {
    use std::io::Read;
    let mut bytes = Vec::with_capacity(usize::try_from(size.min(limit)).unwrap_or(0));
    reader
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| ReadError::Io {
            path: path.to_string(),
            source,
        })?;
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            path: path.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok(bytes)
}

impl ReadOptions {
    fn templates(&self) -> &Templates {
        self.templates
            .as_deref()
            .unwrap_or_else(|| Templates::builtin())
    }
}

/// Reads a text document from bytes, naming `path` in errors.
pub fn read_bytes(path: &str, bytes: &[u8]) -> Result<Document, ReadError> {
    read_bytes_with(path, bytes, &ReadOptions::default())
}

/// What an input became before any form is read: the grid of rows every
/// reader sees, and what is known of where they came from.
#[derive(Debug, Clone, Default)]
pub struct Grid {
    /// The rows, in reading order.
    pub rows: Vec<rows::Row>,
    /// For a PDF: each row's page and each cell's box.
    pub geometry: Vec<RowGeometry>,
    /// For a PDF: its pages' glyphs and ruling, as read.
    pub pages: Vec<PageText>,
    /// For an HTML page, spreadsheet or Word file: each row's sheet or
    /// table and source row, each cell's source column and span.
    pub origins: Vec<origin::RowOrigin>,
    /// What had to be repaired to read the file at all.
    pub repairs: Vec<String>,
    /// For text: the encoding it was read in.
    pub encoding: Option<String>,
}

/// Reads a document from bytes (an HTML page, spreadsheet or Word file
/// by its bytes, a PDF by its header or a `.pdf` name, else text), naming
/// `path` in errors.
pub fn read_bytes_with(
    path: &str,
    bytes: &[u8],
    options: &ReadOptions,
) -> Result<Document, ReadError> {
    let grid = read_grid(path, bytes, options)?;
    let mut doc = read_rows_document_with(grid.rows, options.templates());
    doc.geometry = grid.geometry;
    doc.origins = grid.origins;
    doc.repairs.extend(grid.repairs);
    doc.encoding = grid.encoding;
    Ok(doc)
}

/// Reads the bytes of `path` into the grid of rows the form readers see
/// (`jixiao debug grid` prints it), without reading any form.
pub fn read_grid(path: &str, bytes: &[u8], options: &ReadOptions) -> Result<Grid, ReadError> {
    if let Some(format) = jixiao_tables::sniff(path, bytes) {
        return read_tables_grid(path, bytes, format, options);
    }
    let is_pdf = pdf::has_pdf_header(bytes) || path.to_ascii_lowercase().ends_with(".pdf");
    if is_pdf {
        let text =
            read_pdf(bytes, options.password.as_deref(), options.limits).map_err(|source| {
                ReadError::Pdf {
                    path: path.to_string(),
                    source,
                }
            })?;
        let (rows, geometry) = pdf_rows(&text.pages);
        return Ok(Grid {
            rows,
            geometry,
            pages: text.pages,
            repairs: text.repairs,
            ..Grid::default()
        });
    }
    let limit = options.max_text_bytes.unwrap_or(MAX_TEXT_BYTES);
    if bytes.len() as u64 > limit {
        return Err(ReadError::TextTooLarge {
            path: path.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    let decoded = text::decode(path, bytes, options.encoding)?;
    let text = decoded.text.as_ref();
    if text.is_empty() {
        return Err(ReadError::Empty {
            path: path.to_string(),
        });
    }
    if text.trim().is_empty() {
        return Err(ReadError::Blank {
            path: path.to_string(),
            bytes: bytes.len(),
        });
    }
    let rows = if text::is_csv(path, text) {
        text::csv_rows(path, text)?
    } else {
        rows::read_rows(text)
    };
    Ok(Grid {
        rows,
        encoding: Some(decoded.encoding),
        ..Grid::default()
    })
}

/// What a bad byte's message adds: how to name another encoding.
fn malformed_hint(forced: bool) -> &'static str {
    if forced {
        ", the encoding --encoding named"
    } else {
        "; if the file is in another encoding, name it with --encoding (gbk, gb18030, utf-16le, big5 …)"
    }
}

/// Reads an HTML page, spreadsheet or Word file into the grid, each row's
/// origin kept.
fn read_tables_grid(
    path: &str,
    bytes: &[u8],
    format: Result<TablesFormat, TablesError>,
    options: &ReadOptions,
) -> Result<Grid, ReadError> {
    let error = |source: TablesError| {
        let path = path.to_string();
        match source {
            TablesError::LegacyWord => ReadError::LegacyWord { path },
            TablesError::Encrypted { .. } => ReadError::EncryptedOffice { path, source },
            TablesError::CorruptZip { .. } => ReadError::CorruptZip { path, source },
            source => ReadError::Office { path, source },
        }
    };
    let format = format.map_err(error)?;
    // An HTML page is text, under the budget for text.
    let limit = options.max_text_bytes.unwrap_or(MAX_TEXT_BYTES);
    if format == TablesFormat::Html && bytes.len() as u64 > limit {
        return Err(ReadError::TextTooLarge {
            path: path.to_string(),
            size: bytes.len() as u64,
            limit,
        });
    }
    let grid =
        jixiao_tables::read_format(format, bytes, &TablesLimits::default()).map_err(error)?;
    Ok(Grid {
        rows: grid.rows,
        origins: grid.origins,
        ..Grid::default()
    })
}

/// Reads a document from a file.
pub fn read_file(path: &Path) -> Result<Document, ReadError> {
    read_file_with(path, &ReadOptions::default())
}

/// Reads a document from a file, with options.
pub fn read_file_with(path: &Path, options: &ReadOptions) -> Result<Document, ReadError> {
    let shown = path.display().to_string();
    let bytes = read_limited(path, options.max_file_bytes.unwrap_or(MAX_FILE_BYTES))?;
    read_bytes_with(&shown, &bytes, options)
}
