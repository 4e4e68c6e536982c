//! A bounded, deterministic run of the mutation fuzzer (`fuzz/mutate.rs`):
//! mutants of every text seed, and of the office and web fixtures, are read
//! and checked without a panic (not even one a guard caught). The long run over all seeds, PDFs included,
//! is `cargo run --release --example fuzz -- --execs N`.

#[path = "../fuzz/mutate.rs"]
mod mutate;

/// The panic hook is the process's: one run installs and removes it at a
/// time.
static HOOK: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// `runs` mutants of the seeds whose names `keep` accepts (at least 20 of
/// them), with a fixed seed: the inputs that panicked or ran too long.
fn fuzz(keep: impl Fn(&str) -> bool, runs: usize) -> Vec<String> {
    let _hook = HOOK.lock().unwrap_or_else(|e| e.into_inner());
    mutate::install_hook();
    let seeds: Vec<(String, Vec<u8>)> = mutate::seeds()
        .into_iter()
        .filter(|(name, _)| keep(name))
        .collect();
    assert!(seeds.len() >= 20, "{}", seeds.len());
    let mut rng = mutate::Rng::new(20261202);
    let mut found = Vec::new();
    for _ in 0..runs {
        let (name, seed) = &seeds[rng.below(seeds.len())];
        let other = &seeds[rng.below(seeds.len())].1;
        let input = mutate::mutate(&mut rng, seed, other);
        if let Some(what) = mutate::run_one(name, &input) {
            found.push(format!("{name}: {what}"));
        }
    }
    let _ = std::panic::take_hook();
    found
}

#[test]
fn mutants_of_the_text_seeds_never_panic() {
    let found = fuzz(|name| name.ends_with(".txt"), 1_500);
    assert!(found.is_empty(), "{found:#?}");
}

#[test]
fn mutants_of_the_office_and_web_seeds_never_panic() {
    let found = fuzz(|name| name.starts_with("fixtures/tables"), 400);
    assert!(found.is_empty(), "{found:#?}");
}
