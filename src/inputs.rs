//! Finding the files to read: the paths given, directories walked, `-` for
//! standard input.

use std::path::{Path, PathBuf};

/// The extensions of the files a directory is searched for, matched without
/// regard to case. A legacy `.doc` is among them so that it gets its clear
/// error rather than being passed over.
pub const EXTENSIONS: [&str; 12] = [
    "txt", "tsv", "csv", "pdf", "html", "htm", "xlsx", "xlsm", "xls", "ods", "docx", "doc",
];

/// One input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file (named on the command line, or found in a directory).
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Input {
    /// The name reports give it.
    pub fn shown(&self) -> String {
        match self {
            Input::File(p) => p.display().to_string(),
            Input::Stdin => "-".to_string(),
        }
    }

    /// Its bytes, refusing more than `limit`.
    pub fn read(&self, limit: u64) -> Result<Vec<u8>, jixiao_extract::ReadError> {
        match self {
            Input::File(p) => jixiao_extract::read_limited(p, limit),
            Input::Stdin => jixiao_extract::read_at_most(std::io::stdin().lock(), "-", limit, 0),
        }
    }
}

/// What a search of the paths found, and what it has to say about them.
#[derive(Debug, Default)]
pub struct Found {
    /// The inputs, each directory's files in name order.
    pub inputs: Vec<Input>,
    /// Warnings for stderr: a directory without any file to read, one that
    /// could not be listed.
    pub warnings: Vec<String>,
}

/// The inputs `paths` name: a file as it is (whatever its extension), `-`
/// once for standard input, and every file under a directory, at most
/// `max_depth` levels below it (1: the files in it, not in its
/// subdirectories; as ripgrep's `--max-depth`), whose extension is one of [`EXTENSIONS`];
/// hidden files and directories (a name starting with `.`) are skipped.
pub fn find(paths: &[PathBuf], max_depth: usize) -> Found {
    let mut found = Found::default();
    for p in paths {
        if p.as_os_str() == "-" {
            if !found.inputs.contains(&Input::Stdin) {
                found.inputs.push(Input::Stdin);
            }
        } else if p.is_dir() {
            walk(p, max_depth, &mut found);
        } else {
            found.inputs.push(Input::File(p.clone()));
        }
    }
    found
}

fn walk(dir: &Path, max_depth: usize, found: &mut Found) {
    let before = found.inputs.len();
    let entries = walkdir::WalkDir::new(dir)
        .max_depth(max_depth)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !hidden(e.file_name()));
    for entry in entries {
        match entry {
            Ok(e) if e.file_type().is_file() && readable_kind(e.path()) => {
                found.inputs.push(Input::File(e.into_path()));
            }
            Ok(_) => {}
            Err(e) => found.warnings.push(format!(
                "cannot list {}: {}",
                e.path().unwrap_or(dir).display(),
                e.io_error()
                    .map_or_else(|| e.to_string(), ToString::to_string)
            )),
        }
    }
    if found.inputs.len() == before {
        found.warnings.push(format!(
            "{}: no file to read in it ({} for .{} files, in any case)",
            dir.display(),
            match max_depth {
                usize::MAX => "searched all the way down".to_string(),
                n => format!("searched {n} level(s) down"),
            },
            EXTENSIONS.join(", .")
        ));
    }
}

fn hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str().is_some_and(|n| n.starts_with('.'))
}

/// Whether a file's extension is one jixiao reads, in any case.
fn readable_kind(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| EXTENSIONS.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_match_in_any_case() {
        assert!(readable_kind(Path::new("a/REPORT.PDF")));
        assert!(readable_kind(Path::new("表.Xlsx")));
        assert!(!readable_kind(Path::new("notes.md")));
        assert!(!readable_kind(Path::new("pdf")));
    }

    #[test]
    fn stdin_is_read_once_and_files_are_kept_as_given() {
        let found = find(&["-".into(), "no/such.file".into(), "-".into()], usize::MAX);
        assert_eq!(
            found.inputs,
            vec![Input::Stdin, Input::File("no/such.file".into())]
        );
    }
}
