//! HTML fragments inside cells (a saved page's table cells).

/// Turns a cell's HTML fragment (`<p>…</p> <p>…</p>`, `<br>`, `<b>`) into
/// plain text: paragraphs on their own lines, tags removed, entities decoded.
pub fn html_to_text(s: &str) -> String {
    if memchr::memchr2(b'<', b'&', s.as_bytes()).is_none() {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let Some(end) = rest[start..].find('>') else {
            out.push_str(&rest[start..]);
            rest = "";
            break;
        };
        let tag = rest[start + 1..start + end].trim().to_ascii_lowercase();
        let name = tag
            .trim_start_matches('/')
            .split([' ', '/'])
            .next()
            .unwrap_or("");
        if matches!(name, "p" | "br" | "div" | "li" | "tr")
            && !out.ends_with('\n')
            && !out.is_empty()
        {
            out.push('\n');
        }
        rest = &rest[start + end + 1..];
    }
    out.push_str(rest);
    let decoded = if out.contains('&') {
        out.replace("&nbsp;", " ")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&quot;", "\"")
            .replace("&#39;", "'")
            .replace("&amp;", "&")
    } else {
        out
    };
    jixiao_model::grid::trim_lines(&decoded)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_paragraphs_become_lines() {
        assert_eq!(
            html_to_text("<p>一、工作</p> <p>1.申报&amp;评定</p><br/>完"),
            "一、工作\n1.申报&评定\n完"
        );
        assert_eq!(html_to_text("<i></i>"), "");
        assert_eq!(html_to_text("纯文本"), "纯文本");
    }
}
