//! The number formats of an Excel 97–2003 (.xls) workbook's cells.
//!
//! calamine reads an .xls's values and tells dates from its formats, but
//! keeps the formats to itself; so the BIFF8 records that carry them are
//! read here from the `Workbook` stream: `FORMAT` (a format code by id),
//! `XF` (the format id of each cell format), `BOUNDSHEET8` (where each
//! sheet's records start) and, in each sheet, the cell format of each
//! number cell (`NUMBER`, `RK`, `MULRK`, `FORMULA`).

use crate::{numfmt, Limits, TablesError};
use std::collections::HashMap;
use std::io::Read;

/// Each sheet's number cells' format codes, by sheet name.
pub(crate) type Formats = HashMap<String, HashMap<(u32, u32), String>>;

/// The rows × columns between a sheet's first and last cell: what calamine
/// allocates for it.
#[derive(Debug, Default, Clone, Copy)]
struct Extent {
    rows: Option<(u16, u16)>,
    columns: Option<(u16, u16)>,
}

impl Extent {
    fn add(&mut self, r: u16, c: u16) {
        let widen = |span: &mut Option<(u16, u16)>, x: u16| {
            *span = Some(span.map_or((x, x), |(a, b)| (a.min(x), b.max(x))));
        };
        widen(&mut self.rows, r);
        widen(&mut self.columns, c);
    }

    fn cells(&self) -> u64 {
        match (self.rows, self.columns) {
            (Some((r0, r1)), Some((c0, c1))) => (u64::from(r1 - r0) + 1) * (u64::from(c1 - c0) + 1),
            _ => 0,
        }
    }
}

fn u16_at(d: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(d.get(at..at + 2)?.try_into().ok()?))
}

fn u32_at(d: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(d.get(at..at + 4)?.try_into().ok()?))
}

/// The records from `at`: (type, data) until an `EOF` record or the end.
fn records(stream: &[u8], mut at: usize) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let kind = u16_at(stream, at)?;
        let len = u16_at(stream, at + 2)? as usize;
        let data = stream.get(at + 4..at + 4 + len)?;
        at += 4 + len;
        (kind != 0x000A).then_some((kind, data))
    })
}

/// A BIFF8 string: `len` characters after a flags byte, one byte each or
/// UTF-16.
fn string(d: &[u8], len: usize) -> Option<String> {
    let flags = *d.first()?;
    let chars = d.get(1..)?;
    if flags & 1 == 0 {
        Some(chars.get(..len)?.iter().map(|&b| char::from(b)).collect())
    } else {
        let units: Vec<u16> = chars
            .get(..len * 2)?
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .collect();
        Some(String::from_utf16_lossy(&units))
    }
}

/// Reads the formats; a workbook whose records cannot be followed gives
/// none (its numbers are then shown as `General` shows them).
pub(crate) fn read(bytes: &[u8], limits: &Limits) -> Result<Formats, TablesError> {
    let Ok(mut file) = cfb::CompoundFile::open(std::io::Cursor::new(bytes)) else {
        return Ok(Formats::new());
    };
    let name = if file.exists("/Workbook") {
        "/Workbook"
    } else {
        "/Book"
    };
    let Ok(stream) = file.open_stream(name) else {
        return Ok(Formats::new());
    };
    let mut data = Vec::new();
    stream
        .take(limits.max_part_bytes + 1)
        .read_to_end(&mut data)
        .map_err(|e| TablesError::Part {
            part: "Workbook stream".into(),
            why: e.to_string(),
        })?;
    if data.len() as u64 > limits.max_part_bytes {
        return Err(TablesError::PartTooLarge {
            part: "Workbook stream".into(),
            limit: limits.max_part_bytes,
        });
    }
    formats(&data, limits)
}

/// The formats, refusing a sheet whose cells reach over more positions
/// than the limit (before calamine lays them out densely).
fn formats(stream: &[u8], limits: &Limits) -> Result<Formats, TablesError> {
    let mut custom: HashMap<u16, String> = HashMap::new();
    let mut xfs: Vec<u16> = Vec::new();
    let mut sheets: Vec<(String, usize)> = Vec::new();
    for (kind, d) in records(stream, 0) {
        match kind {
            0x041E => {
                if let (Some(id), Some(len)) = (u16_at(d, 0), u16_at(d, 2)) {
                    if let Some(code) = d.get(4..).and_then(|s| string(s, len as usize)) {
                        custom.insert(id, code);
                    }
                }
            }
            0x00E0 => xfs.push(u16_at(d, 2).unwrap_or(0)),
            0x0085 => {
                let worksheet = d.get(5) == Some(&0);
                let name = d
                    .get(6)
                    .and_then(|&len| d.get(7..).and_then(|s| string(s, len as usize)));
                if let (true, Some(at), Some(name)) = (worksheet, u32_at(d, 0), name) {
                    sheets.push((name, at as usize));
                }
            }
            _ => {}
        }
    }
    let code = |xf: u16| -> Option<String> {
        let id = *xfs.get(xf as usize)?;
        custom
            .get(&id)
            .cloned()
            .or_else(|| numfmt::builtin(u32::from(id)).map(str::to_string))
    };
    let mut out = Formats::new();
    let mut cells: u64 = 0;
    for (name, at) in sheets {
        let mut sheet = HashMap::new();
        let mut extent = Extent::default();
        let mut put = |r: u16, c: u16, xf: u16, extent: &mut Extent| {
            extent.add(r, c);
            cells += 1;
            if cells <= limits.max_cells {
                if let Some(code) = code(xf) {
                    sheet.insert((u32::from(r), u32::from(c)), code);
                }
            }
        };
        for (kind, d) in records(stream, at).skip(1) {
            match kind {
                0x0203 | 0x027E | 0x0006 => {
                    if let (Some(r), Some(c), Some(xf)) = (u16_at(d, 0), u16_at(d, 2), u16_at(d, 4))
                    {
                        put(r, c, xf, &mut extent);
                    }
                }
                // Text and boolean cells: no format, but they take room.
                0x00FD | 0x0204 | 0x0205 | 0x00D6 => {
                    if let (Some(r), Some(c)) = (u16_at(d, 0), u16_at(d, 2)) {
                        extent.add(r, c);
                    }
                }
                0x00BD => {
                    if let (Some(r), Some(first)) = (u16_at(d, 0), u16_at(d, 2)) {
                        let n = d.len().saturating_sub(6) / 6;
                        for k in 0..n {
                            if let Some(xf) = u16_at(d, 4 + 6 * k) {
                                put(r, first.saturating_add(k as u16), xf, &mut extent);
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        if extent.cells() > limits.max_cells {
            return Err(TablesError::TooManyCells {
                part: format!("sheet {name}"),
                cells: extent.cells(),
                limit: limits.max_cells,
            });
        }
        out.insert(name, sheet);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(kind: u16, data: &[u8]) -> Vec<u8> {
        let mut out = kind.to_le_bytes().to_vec();
        out.extend((data.len() as u16).to_le_bytes());
        out.extend(data);
        out
    }

    fn number(r: u16, c: u16, xf: u16) -> Vec<u8> {
        let mut d = Vec::new();
        for x in [r, c, xf] {
            d.extend(x.to_le_bytes());
        }
        d.extend(4072.1f64.to_le_bytes());
        record(0x0203, &d)
    }

    /// A workbook stream: a custom format 164, two XFs (General, 164), one
    /// sheet named `表` holding `cells`.
    fn stream(cells: &[Vec<u8>]) -> Vec<u8> {
        let code = "#,##0.00";
        let mut format = 164u16.to_le_bytes().to_vec();
        format.extend((code.len() as u16).to_le_bytes());
        format.push(0);
        format.extend(code.as_bytes());
        let xf = |ifmt: u16| {
            let mut d = vec![0, 0];
            d.extend(ifmt.to_le_bytes());
            d.extend([0; 16]);
            record(0x00E0, &d)
        };
        let name: Vec<u8> = "表".encode_utf16().flat_map(u16::to_le_bytes).collect();
        let sheet_record = |at: u32| {
            let mut d = at.to_le_bytes().to_vec();
            d.extend([0, 0, 1, 1]);
            d.extend(&name);
            record(0x0085, &d)
        };
        let mut globals = record(0x0809, &[0; 16]);
        globals.extend(record(0x041E, &format));
        globals.extend(xf(0));
        globals.extend(xf(164));
        let sheet_at = globals.len() + sheet_record(0).len() + 4;
        globals.extend(sheet_record(sheet_at as u32));
        globals.extend(record(0x000A, &[]));
        globals.extend(record(0x0809, &[0; 16]));
        for c in cells {
            globals.extend(c);
        }
        globals.extend(record(0x000A, &[]));
        globals
    }

    #[test]
    fn number_cells_get_their_format_codes() {
        let s = stream(&[number(0, 0, 1), number(2, 3, 0)]);
        let f = formats(&s, &Limits::default()).unwrap();
        let sheet = &f["表"];
        assert_eq!(sheet.get(&(0, 0)).map(String::as_str), Some("#,##0.00"));
        assert_eq!(sheet.get(&(2, 3)), None, "General is no number format");
    }

    #[test]
    fn a_sheet_reaching_too_far_is_refused() {
        let s = stream(&[number(0, 0, 1), number(60_000, 200, 1)]);
        match formats(&s, &Limits::default()) {
            Err(TablesError::TooManyCells { part, cells, .. }) => {
                assert_eq!(part, "sheet 表");
                assert_eq!(cells, 60_001 * 201);
            }
            other => panic!("{other:?}"),
        }
    }
}
