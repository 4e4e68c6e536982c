//! Helpers of the focused check tests.
#![allow(dead_code)]

use jixiao_validate::{validate, Finding};

/// The findings on a form given as tab-separated text.
pub fn findings(text: &str) -> Vec<Finding> {
    validate(&jixiao_extract::read_document(text))
}

/// `text` with the cell at (1-based line, column) replaced.
pub fn with_cell(text: &str, line: usize, column: usize, value: &str) -> String {
    text.lines()
        .enumerate()
        .map(|(i, l)| {
            if i + 1 != line {
                return l.to_string();
            }
            let mut cells: Vec<&str> = l.split('\t').collect();
            cells[column] = value;
            cells.join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}
