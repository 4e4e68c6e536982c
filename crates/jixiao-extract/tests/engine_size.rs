//! The engine's functions stay short (at most 80 lines each), so that each
//! reads as one step of the form's reading.

use std::path::Path;

/// (file, function, lines) of every function over `limit` lines in the
/// rustfmt-formatted sources of `dir`: a function runs from its `fn` line
/// to the first line after it that closes at the same indent.
fn long_functions(dir: &Path, limit: usize) -> Vec<(String, String, usize)> {
    let mut out = Vec::new();
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for (i, line) in lines.iter().enumerate() {
            let body = line.trim_start();
            let indent = &line[..line.len() - body.len()];
            let head = ["fn ", "pub fn ", "pub(crate) fn ", "pub(super) fn "]
                .iter()
                .find_map(|p| body.strip_prefix(p));
            let Some(head) = head else { continue };
            // A declaration without a body (in a trait) closes on its line.
            if line.ends_with(';') {
                continue;
            }
            let close = format!("{indent}}}");
            let Some(end) = lines[i..].iter().position(|l| *l == close) else {
                continue;
            };
            let name: String = head
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            if end + 1 > limit {
                let file = path.file_name().unwrap().to_string_lossy().to_string();
                out.push((file, name, end + 1));
            }
        }
    }
    out
}

#[test]
fn no_engine_function_is_over_80_lines() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/engine");
    let long = long_functions(&dir, 80);
    assert!(long.is_empty(), "functions over 80 lines: {long:?}");
}

#[test]
fn the_count_sees_a_long_function() {
    let dir = std::env::temp_dir().join(format!("jixiao-size-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let body = "    let x = 1;\n".repeat(80);
    std::fs::write(
        dir.join("a.rs"),
        format!("fn long() {{\n{body}}}\n\nfn short() {{\n}}\n"),
    )
    .unwrap();
    let long = long_functions(&dir, 80);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(long, vec![("a.rs".to_string(), "long".to_string(), 82)]);
}
