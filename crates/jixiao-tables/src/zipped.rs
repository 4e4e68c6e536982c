//! The zip archive an .xlsx, .docx or .ods file is, opened with bounds.

use crate::{Limits, TablesError};
use std::io::{Cursor, Read};

pub(crate) type Archive<'a> = zip::ZipArchive<Cursor<&'a [u8]>>;

/// Opens `bytes` as a zip archive.
pub(crate) fn open(bytes: &[u8]) -> Result<Archive<'_>, TablesError> {
    zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| TablesError::CorruptZip { why: e.to_string() })
}

/// Refuses an archive one of whose parts says it inflates beyond the
/// limit (before a reader that trusts the sizes inflates it).
pub(crate) fn check_sizes(archive: &mut Archive<'_>, limits: &Limits) -> Result<(), TablesError> {
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| TablesError::CorruptZip { why: e.to_string() })?;
        if entry.size() > limits.max_part_bytes {
            return Err(TablesError::PartTooLarge {
                part: entry.name().to_string(),
                limit: limits.max_part_bytes,
            });
        }
    }
    Ok(())
}

/// The bytes of part `name`, inflated, at most the limit (whatever the
/// archive says its size is); `None` when the archive has no such part.
pub(crate) fn part(
    archive: &mut Archive<'_>,
    name: &str,
    limits: &Limits,
) -> Result<Option<Vec<u8>>, TablesError> {
    let Some(index) = archive.index_for_name(name) else {
        return Ok(None);
    };
    let damaged = |why: String| TablesError::Part {
        part: name.to_string(),
        why: format!("cannot be inflated: {why}"),
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| damaged(e.to_string()))?;
    let mut out = Vec::new();
    entry
        .take(limits.max_part_bytes + 1)
        .read_to_end(&mut out)
        .map_err(|e| damaged(e.to_string()))?;
    if out.len() as u64 > limits.max_part_bytes {
        return Err(TablesError::PartTooLarge {
            part: name.to_string(),
            limit: limits.max_part_bytes,
        });
    }
    Ok(Some(out))
}
