//! Damaged input never makes the reader panic: lines dropped, shuffled,
//! cut short, cells blanked or replaced by debris.

use jixiao_extract::read_document;

/// A small deterministic generator, so that a failure can be replayed.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

fn corpus() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir("corpus").unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|e| e == "txt") {
            out.push((
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            ));
        }
    }
    out.sort();
    out
}

fn check(name: &str, what: &str, text: &str) {
    let result = std::panic::catch_unwind(|| {
        let doc = read_document(text);
        jixiao_validate::validate(&doc);
    });
    assert!(result.is_ok(), "{name}: {what} made the reader panic");
}

#[test]
fn damaged_corpus_text_is_read_without_panic() {
    let debris = [
        "",
        "\t\t\t",
        "—",
        "100.00 99",
        "(",
        "比)",
        "总分",
        "评分等级",
        "项目名称",
        "年度资金总额:",
        "%",
        "1,2,3",
        "⁵",
        "<p>",
        "\u{3000}",
    ];
    let mut rng = Lcg(20261122);
    for (name, text) in corpus() {
        let lines: Vec<&str> = text.lines().collect();
        for _ in 0..60 {
            // Cut short anywhere, even inside a character.
            let cut = rng.next() % (text.len() + 1);
            let mut end = cut;
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            check(&name, &format!("cutting at byte {end}"), &text[..end]);

            // Drop a run of lines.
            let start = rng.next() % lines.len();
            let len = 1 + rng.next() % 12;
            let kept: Vec<&str> = lines
                .iter()
                .enumerate()
                .filter(|(i, _)| *i < start || *i >= start + len)
                .map(|(_, l)| *l)
                .collect();
            check(
                &name,
                &format!("dropping lines {start}+{len}"),
                &kept.join("\n"),
            );

            // Swap two lines.
            let mut swapped = lines.clone();
            let (a, b) = (rng.next() % lines.len(), rng.next() % lines.len());
            swapped.swap(a, b);
            check(
                &name,
                &format!("swapping lines {a} and {b}"),
                &swapped.join("\n"),
            );

            // Replace a cell with debris.
            let row = rng.next() % lines.len();
            let mut cells: Vec<String> = lines[row].split('\t').map(str::to_string).collect();
            let col = rng.next() % cells.len();
            let piece = debris[rng.next() % debris.len()];
            cells[col] = piece.to_string();
            let mut edited = lines.clone();
            let joined = cells.join("\t");
            edited[row] = &joined;
            check(
                &name,
                &format!("line {} column {col} set to {piece:?}", row + 1),
                &edited.join("\n"),
            );
        }
    }
}

#[test]
fn degenerate_documents() {
    for text in [
        "",
        "\n\n\n",
        "\t",
        "项目名称",
        "总分\t100\t90",
        "财政项目支出绩效自评表",
        "项目绩效自我评价\n合计\t\t\t100\t98",
        "(2023 年度)\n(2024 年度)",
    ] {
        check("inline", &format!("{text:?}"), text);
    }
}
