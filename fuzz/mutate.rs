//! Structure-aware mutations of seed files, shared by the stable fuzz
//! driver (`cargo run --release --example fuzz`) and the bounded run in
//! `cargo test` (`tests/fuzz.rs`). Deterministic for a seed, so that every
//! finding can be replayed.

/// A small deterministic generator (an LCG; its high bits are used).
pub struct Rng(u64);

impl Rng {
    /// A generator started at `seed`.
    pub fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9e37_79b9_7f4a_7c15)
    }

    /// The next number.
    pub fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) as usize
    }

    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }
}

/// Numbers a mutation writes over a printed one: the edges of the decimal
/// type and of the checks' range, zero, negatives, long fractions.
const NUMBERS: &[&str] = &[
    "0",
    "-1",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "-79228162514264337593543950335",
    "99999999999999",
    "100000000000000",
    "0.00000000001",
    "4000000000",
    "2147483648",
    "18446744073709551616",
    "1e308",
    "-0",
    ".",
    "9,999,999,999,999,999",
];

/// One mutation of `data`, with `other` (another seed) to splice from.
pub fn mutate(rng: &mut Rng, data: &[u8], other: &[u8]) -> Vec<u8> {
    let mut out = data.to_vec();
    for _ in 0..=rng.below(3) {
        match rng.below(9) {
            0 => flip(rng, &mut out),
            1 => insert(rng, &mut out),
            2 => remove(rng, &mut out),
            3 => splice(rng, &mut out, other),
            4 => truncate(rng, &mut out),
            5 | 6 => number(rng, &mut out),
            7 => repeat_line(rng, &mut out),
            _ => special(rng, &mut out),
        }
    }
    out
}

fn flip(rng: &mut Rng, out: &mut [u8]) {
    if !out.is_empty() {
        let i = rng.below(out.len());
        out[i] ^= 1 << rng.below(8);
    }
}

fn insert(rng: &mut Rng, out: &mut Vec<u8>) {
    let i = rng.below(out.len() + 1);
    let n = 1 + rng.below(16);
    let bytes: Vec<u8> = (0..n).map(|_| rng.below(256) as u8).collect();
    out.splice(i..i, bytes);
}

fn remove(rng: &mut Rng, out: &mut Vec<u8>) {
    if out.is_empty() {
        return;
    }
    let i = rng.below(out.len());
    let n = (1 + rng.below(64)).min(out.len() - i);
    out.drain(i..i + n);
}

fn splice(rng: &mut Rng, out: &mut Vec<u8>, other: &[u8]) {
    if other.is_empty() {
        return;
    }
    let from = rng.below(other.len());
    let n = (1 + rng.below(512)).min(other.len() - from);
    let at = rng.below(out.len() + 1);
    out.splice(at..at, other[from..from + n].iter().copied());
}

fn truncate(rng: &mut Rng, out: &mut Vec<u8>) {
    let at = rng.below(out.len() + 1);
    out.truncate(at);
}

/// A printed number (a figure in text, an operand, an object number or a
/// `/Length` in a PDF) replaced by one of [`NUMBERS`].
fn number(rng: &mut Rng, out: &mut Vec<u8>) {
    let starts: Vec<usize> = (0..out.len())
        .filter(|&i| out[i].is_ascii_digit() && (i == 0 || !out[i - 1].is_ascii_digit()))
        .collect();
    if starts.is_empty() {
        return;
    }
    let s = starts[rng.below(starts.len())];
    let e = (s..out.len())
        .find(|&i| !(out[i].is_ascii_digit() || out[i] == b'.' || out[i] == b','))
        .unwrap_or(out.len());
    let with = NUMBERS[rng.below(NUMBERS.len())].as_bytes();
    out.splice(s..e, with.iter().copied());
}

/// A line repeated many times (a group row, an operator, a cell).
fn repeat_line(rng: &mut Rng, out: &mut Vec<u8>) {
    let breaks: Vec<usize> = (0..out.len()).filter(|&i| out[i] == b'\n').collect();
    if breaks.len() < 2 {
        return;
    }
    let k = rng.below(breaks.len() - 1);
    let line = out[breaks[k]..breaks[k + 1]].to_vec();
    // Up to 2,000 copies, the mutant kept under 4 MB: larger inputs are
    // the size budgets' business, tested on their own.
    let times = (1 + rng.below(2_000)).min((4 << 20) / line.len().max(1));
    let at = breaks[k + 1];
    let copies: Vec<u8> = line
        .iter()
        .copied()
        .cycle()
        .take(line.len() * times)
        .collect();
    out.splice(at..at, copies);
}

/// Bytes that readers treat specially: tabs, NUL, vertical tab, CR,
/// full-width digits, a lone surrogate's UTF-8-like bytes, PDF delimiters.
fn special(rng: &mut Rng, out: &mut Vec<u8>) {
    const SPECIAL: &[&[u8]] = &[
        b"\t",
        b"\0",
        b"\x0b",
        b"\r",
        "\u{ff19}".as_bytes(),
        b"\xed\xa0\x80",
        b"<<",
        b">>",
        b"[[[[[[[[",
        b"endstream",
        b"obj",
        b"%",
        "（".as_bytes(),
        "：".as_bytes(),
    ];
    let at = rng.below(out.len() + 1);
    let s = SPECIAL[rng.below(SPECIAL.len())];
    out.splice(at..at, s.iter().copied());
}

/// The seed files: the corpus, the PDF fixtures, the hostile fixtures and
/// the office and web fixtures.
pub fn seeds() -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    for dir in [
        "corpus",
        "fixtures/pdf",
        "fixtures/hostile",
        "fixtures/tables",
    ] {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        for e in entries.flatten() {
            let p = e.path();
            let kind = p.extension().and_then(|x| x.to_str()).unwrap_or("");
            // The text twins of fixtures/tables are the corpus's text again.
            let office = matches!(kind, "html" | "xlsx" | "xls" | "ods" | "docx" | "doc");
            if matches!(kind, "txt" | "pdf") && !dir.ends_with("tables") || office {
                if let Ok(bytes) = std::fs::read(&p) {
                    out.push((p.display().to_string(), bytes));
                }
            }
        }
    }
    out.sort();
    out
}

thread_local! {
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Keeps panics quiet and remembers where the last one on each thread
/// happened, so that a panic a reader's guard caught is still reported
/// with its place.
pub fn install_hook() {
    std::panic::set_hook(Box::new(|info| {
        let at = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        let what = panic_text(info.payload());
        LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{at}: {what}")));
    }));
}

/// What one execution found wrong, if anything: a panic (caught by a
/// guard or not), with where it happened.
pub fn run_one(name: &str, bytes: &[u8]) -> Option<String> {
    LAST_PANIC.with(|p| p.borrow_mut().take());
    let found = run_unguarded(name, bytes);
    let last = LAST_PANIC.with(|p| p.borrow_mut().take());
    match (found, last) {
        (None, None) => None,
        (Some(f), Some(at)) => Some(format!("{f} (at {at})")),
        (Some(f), None) => Some(f),
        (None, Some(at)) => Some(format!("a panic was caught (at {at})")),
    }
}

fn run_unguarded(name: &str, bytes: &[u8]) -> Option<String> {
    let run = std::panic::catch_unwind(|| {
        let doc = jixiao_extract::read_bytes(name, bytes);
        let doc = match doc {
            Ok(d) => d,
            Err(_) => return None,
        };
        let failed_form = doc
            .unrecognized
            .iter()
            .find(|u| u.reason.contains("jixiao failed"))
            .map(|u| {
                format!(
                    "a reader panicked on lines {}–{}",
                    u.lines.start, u.lines.end
                )
            });
        let findings = jixiao_validate::validate(&doc);
        let failed_check = findings
            .iter()
            .find(|f| f.message.contains("jixiao failed"))
            .map(|f| format!("a check panicked on form {}", f.form));
        failed_form.or(failed_check)
    });
    match run {
        Ok(found) => found,
        Err(p) => Some(format!("panic: {}", panic_text(p.as_ref()))),
    }
}

/// The message a panic was raised with, if it has one.
fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_default()
}
