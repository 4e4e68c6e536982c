//! Small helpers over quick-xml's events for the parts of office files.

use crate::TablesError;
use quick_xml::events::{BytesRef, BytesStart, Event};

/// The next event of `part`'s XML, or the part's error saying where it is
/// not well-formed.
pub(crate) fn next_event<'b>(
    reader: &mut quick_xml::Reader<&[u8]>,
    buf: &'b mut Vec<u8>,
    part: &str,
) -> Result<Event<'b>, TablesError> {
    reader.read_event_into(buf).map_err(|e| TablesError::Part {
        part: part.into(),
        why: format!(
            "not well-formed XML at byte {}: {e}",
            reader.buffer_position()
        ),
    })
}

/// The unescaped value of the attribute whose local name (the name after
/// any prefix) is `name`.
pub(crate) fn attr(e: &BytesStart<'_>, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .map(|a| {
            let raw = String::from_utf8_lossy(&a.value).into_owned();
            match quick_xml::escape::unescape(&raw) {
                Ok(v) => v.into_owned(),
                Err(_) => raw,
            }
        })
}

/// The text an entity reference (`&amp;`, `&#20013;`) stands for.
pub(crate) fn entity(r: &BytesRef<'_>) -> String {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return c.to_string();
    }
    match r.decode().as_deref() {
        Ok("amp") => "&",
        Ok("lt") => "<",
        Ok("gt") => ">",
        Ok("quot") => "\"",
        Ok("apos") => "'",
        _ => "",
    }
    .to_string()
}
