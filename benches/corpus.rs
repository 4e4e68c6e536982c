//! Throughput of the text path: read + validate every corpus document.
//! `cargo bench --bench corpus` prints the time per pass and MB/s (criterion
//! reports throughput in MiB/s; one thread, so that is per core).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

// The allocator the `jixiao` binary runs with.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn corpus() -> Vec<String> {
    texts("corpus")
}

fn texts(dir: &str) -> Vec<String> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("run from the repository root")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| std::fs::read_to_string(p).unwrap())
        .collect()
}

fn read_and_validate<T: AsRef<str>>(docs: &[T]) {
    for text in docs {
        let doc = jixiao_extract::read_document(black_box(text.as_ref()));
        black_box(jixiao_validate::validate(&doc));
    }
}

fn parse_and_validate(c: &mut Criterion) {
    let docs = corpus();
    let bytes: usize = docs.iter().map(String::len).sum();
    let mut group = c.benchmark_group("corpus");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("read+validate", |b| b.iter(|| read_and_validate(&docs)));
    group.bench_function("read+validate+json", |b| {
        b.iter(|| {
            for text in &docs {
                let doc = jixiao_report::DocumentReport::new(
                    "bench.txt",
                    Ok(jixiao_extract::read_document(black_box(text))),
                );
                black_box(serde_json::to_string(&doc).unwrap());
            }
        })
    });
    group.finish();
}

/// The generic engine on other provinces' forms (corpus/provinces).
fn provinces(c: &mut Criterion) {
    let docs = texts("corpus/provinces");
    let docs: Vec<&String> = docs.iter().filter(|t| !t.starts_with("url:")).collect();
    let bytes: usize = docs.iter().map(|t| t.len()).sum();
    let mut group = c.benchmark_group("provinces");
    group.throughput(Throughput::Bytes(bytes as u64));
    group.bench_function("read+validate", |b| b.iter(|| read_and_validate(&docs)));
    group.finish();
}

criterion_group!(benches, parse_and_validate, provinces);
criterion_main!(benches);
