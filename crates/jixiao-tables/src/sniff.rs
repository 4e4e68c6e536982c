//! Which kind of office or web file some bytes are: told from the bytes
//! first, the file's extension only as a hint.

use crate::{zipped, Limits, TablesError};

/// A kind of file this stage reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// An HTML page or fragment.
    Html,
    /// An Office Open XML workbook (.xlsx, .xlsm).
    Xlsx,
    /// A binary Office workbook (.xlsb).
    Xlsb,
    /// An Excel 97–2003 workbook (.xls, BIFF in an OLE2 file).
    Xls,
    /// An OpenDocument spreadsheet (.ods).
    Ods,
    /// A Word document (.docx).
    Docx,
}

const OLE2: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

/// The format of `bytes` if they are an office or web file (`None` for
/// anything else: a PDF, text), or why such a file cannot be read (a
/// legacy .doc, an encrypted workbook, a damaged zip).
pub fn sniff(path: &str, bytes: &[u8]) -> Option<Result<Format, TablesError>> {
    let extension = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .filter(|e| !e.contains(['/', '\\']))
        .unwrap_or_default();
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return Some(zip_format(bytes));
    }
    if bytes.starts_with(&OLE2) {
        return Some(ole_format(bytes));
    }
    if pdf_header(bytes) {
        return None;
    }
    let texty = matches!(extension.as_str(), "txt" | "tsv" | "csv" | "tab");
    if looks_like_html(bytes, !texty) {
        return Some(Ok(Format::Html));
    }
    match extension.as_str() {
        "html" | "htm" | "xhtml" | "shtml" => Some(Ok(Format::Html)),
        // Text saved under an office name (a common export) is text.
        "xlsx" | "xlsm" | "xlsb" | "xls" | "ods" | "docx" | "doc" if !is_text(bytes) => {
            Some(Err(TablesError::Unsupported {
                what: format!(
                    "named .{extension} but neither a zip archive (.xlsx, .docx, .ods) nor an OLE2 file (.xls, .doc): the file is damaged or of another kind"
                ),
            }))
        }
        _ => None,
    }
}

fn pdf_header(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

/// Whether the bytes hold no NUL and are UTF-8 or GB18030 text.
fn is_text(bytes: &[u8]) -> bool {
    !bytes.contains(&0)
        && (std::str::from_utf8(bytes).is_ok()
            || encoding_rs::GB18030
                .decode_without_bom_handling_and_without_replacement(bytes)
                .is_some())
}

/// `<html`, `<!doctype html` or (when `tables` allows) `<table` near the
/// start, after an optional BOM and whitespace.
fn looks_like_html(bytes: &[u8], tables: bool) -> bool {
    let head = &bytes[..bytes.len().min(2048)];
    let text: String = match encoding_rs::Encoding::for_bom(head) {
        Some((encoding, _)) => encoding.decode_with_bom_removal(head).0.into_owned(),
        None => String::from_utf8_lossy(head).into_owned(),
    };
    let text = text.trim_start_matches(['\u{feff}', ' ', '\t', '\r', '\n', '\x0c']);
    if !text.starts_with('<') {
        return false;
    }
    let lower = text.to_ascii_lowercase();
    lower.starts_with("<!doctype html")
        || lower.contains("<html")
        || (tables && lower.contains("<table"))
}

fn zip_format(bytes: &[u8]) -> Result<Format, TablesError> {
    let mut archive = zipped::open(bytes)?;
    let has = |a: &zipped::Archive<'_>, name: &str| a.index_for_name(name).is_some();
    if has(&archive, "xl/workbook.xml") {
        return Ok(Format::Xlsx);
    }
    if has(&archive, "xl/workbook.bin") {
        return Ok(Format::Xlsb);
    }
    if has(&archive, "word/document.xml") {
        return Ok(Format::Docx);
    }
    if has(&archive, "content.xml") {
        let limits = Limits {
            max_part_bytes: 4096,
            ..Limits::default()
        };
        let mimetype = zipped::part(&mut archive, "mimetype", &limits)
            .ok()
            .flatten()
            .unwrap_or_default();
        let mimetype = String::from_utf8_lossy(&mimetype);
        if mimetype.contains("opendocument.spreadsheet") {
            return Ok(Format::Ods);
        }
        if mimetype.contains("opendocument.text") {
            return Err(TablesError::Unsupported {
                what: "an OpenDocument text (.odt), which jixiao does not read: save it as .docx or PDF and check that file".into(),
            });
        }
    }
    Err(TablesError::Unsupported {
        what: "a zip archive that holds no workbook, Word document or OpenDocument spreadsheet (no xl/workbook.xml, word/document.xml or content.xml): unpack it and check the files inside".into(),
    })
}

fn ole_format(bytes: &[u8]) -> Result<Format, TablesError> {
    let file = cfb::CompoundFile::open(std::io::Cursor::new(bytes)).map_err(|e| {
        TablesError::Unsupported {
            what: format!(
                "a damaged OLE2 compound file (the container of .xls and .doc files): {e}"
            ),
        }
    })?;
    if file.exists("/EncryptedPackage") {
        return Err(TablesError::Encrypted {
            what: "an .xlsx or .docx file (an encrypted package in an OLE2 container)".into(),
        });
    }
    if file.exists("/Workbook") || file.exists("/Book") {
        return Ok(Format::Xls);
    }
    if file.exists("/WordDocument") {
        return Err(TablesError::LegacyWord);
    }
    Err(TablesError::Unsupported {
        what: "an OLE2 compound file that holds no Excel workbook or Word document (a PowerPoint or other legacy Office file?), which jixiao does not read".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_is_told_from_its_start() {
        let f = |path: &str, bytes: &[u8]| sniff(path, bytes).map(|r| r.ok());
        assert_eq!(
            f("a.bin", b"\xef\xbb\xbf \n<!DOCTYPE html><p>x"),
            Some(Some(Format::Html))
        );
        assert_eq!(
            f("x", b"  <TABLE><tr><td>1</td></tr></TABLE>"),
            Some(Some(Format::Html))
        );
        // An .xls that is an HTML table (a common export) is HTML.
        assert_eq!(
            f("a.XLS", b"<html><table></table></html>"),
            Some(Some(Format::Html))
        );
        // Tab-separated text is not.
        assert_eq!(f("a.txt", "项目名称\t<table>".as_bytes()), None);
        assert_eq!(f("a.txt", b"<p>x</p>\t<table>"), None);
        // Text saved as .xls is left to the text reader.
        assert_eq!(f("a.xls", "项目名称\t示例".as_bytes()), None);
        assert_eq!(f("a.pdf", b"%PDF-1.4"), None);
        assert!(matches!(
            sniff("a.docx", b"\x00\x01garbage"),
            Some(Err(TablesError::Unsupported { .. }))
        ));
    }

    #[test]
    fn a_zip_that_cannot_be_opened_says_so() {
        match sniff("a.xlsx", b"PK\x03\x04 not really") {
            Some(Err(TablesError::CorruptZip { why })) => assert!(!why.is_empty()),
            other => panic!("{other:?}"),
        }
    }
}
