//! The stable-Rust fuzz driver: mutates the corpus and fixture files
//! (`fuzz/mutate.rs`) and runs each mutant through reading and checking,
//! on every core. Every input that panics (even where a guard caught the
//! panic) or takes longer than `--slow` seconds is written to `--found`.
//! Run it under a memory limit so that an input exhausting memory aborts
//! the run, its input kept in `--current`:
//!
//! ```text
//! ulimit -v 1048576; cargo run --release --example fuzz -- --execs 3000000
//! ```

#[path = "../fuzz/mutate.rs"]
mod mutate;

use std::io::Write;
use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

struct Args {
    execs: usize,
    seed: u64,
    threads: usize,
    found: PathBuf,
    current: PathBuf,
    slow: Duration,
    only: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        execs: 100_000,
        seed: 1,
        threads: std::thread::available_parallelism().map_or(1, |n| n.get()),
        found: PathBuf::from("fuzz/found"),
        current: std::env::temp_dir().join("jixiao-fuzz-current"),
        slow: Duration::from_secs(10),
        only: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        let number = |v: &str| {
            v.parse::<u64>()
                .map_err(|_| format!("{flag}: `{v}` is no number"))
        };
        match flag.as_str() {
            "--execs" => a.execs = number(&value)? as usize,
            "--seed" => a.seed = number(&value)?,
            "--threads" => a.threads = (number(&value)? as usize).max(1),
            "--found" => a.found = PathBuf::from(value),
            "--current" => a.current = PathBuf::from(value),
            "--slow" => a.slow = Duration::from_secs(number(&value)?),
            "--only" => a.only = Some(format!(".{value}")),
            _ => return Err(format!("unknown flag {flag} (--execs N --seed S --threads T --found DIR --current DIR --slow SECS --only txt|pdf)")),
        }
    }
    Ok(a)
}

fn main() {
    let args = match args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("fuzz: {e}");
            std::process::exit(2);
        }
    };
    mutate::install_hook();
    let seeds: Vec<_> = mutate::seeds()
        .into_iter()
        .filter(|(name, _)| {
            args.only
                .as_ref()
                .is_none_or(|ext| name.ends_with(ext.as_str()))
        })
        .collect();
    if seeds.is_empty() {
        eprintln!("fuzz: no seed files (run from the repository root)");
        std::process::exit(2);
    }
    for dir in [&args.found, &args.current] {
        std::fs::create_dir_all(dir).expect("a writable directory for the fuzz files");
    }
    let done = AtomicUsize::new(0);
    let findings = AtomicUsize::new(0);
    let started = Instant::now();
    std::thread::scope(|scope| {
        for t in 0..args.threads {
            let (args, seeds, done, findings) = (&args, &seeds, &done, &findings);
            scope.spawn(move || {
                let mut rng = mutate::Rng::new(args.seed.wrapping_mul(1_000_003) + t as u64);
                let current = args.current.join(format!("thread-{t}"));
                while done.fetch_add(1, Ordering::Relaxed) < args.execs {
                    let (name, seed) = &seeds[rng.below(seeds.len())];
                    let other = &seeds[rng.below(seeds.len())].1;
                    let input = mutate::mutate(&mut rng, seed, other);
                    let _ = std::fs::write(&current, &input);
                    let began = Instant::now();
                    let found = mutate::run_one(name, &input);
                    let took = began.elapsed();
                    let slow = (took > args.slow).then(|| format!("took {took:?}"));
                    if let Some(what) = found.or(slow) {
                        findings.fetch_add(1, Ordering::Relaxed);
                        let ext = if name.ends_with(".pdf") { "pdf" } else { "txt" };
                        let n = done.load(Ordering::Relaxed);
                        let path = args
                            .found
                            .join(format!("found-{}-{t}-{n}.{ext}", args.seed));
                        let _ = std::fs::write(&path, &input);
                        println!("{}: {what} (from {name})", path.display());
                    }
                    let n = done.load(Ordering::Relaxed);
                    if t == 0 && n % 20_000 < args.threads {
                        let rate = n as f64 / started.elapsed().as_secs_f64();
                        eprint!(
                            "\r{n} execs, {rate:.0}/s, {} found   ",
                            findings.load(Ordering::Relaxed)
                        );
                        let _ = std::io::stderr().flush();
                    }
                }
            });
        }
    });
    let secs = started.elapsed().as_secs_f64();
    let n = args.execs;
    println!(
        "{n} executions in {secs:.1} s ({:.0}/s) on {} threads, seed {}: {} found",
        n as f64 / secs,
        args.threads,
        args.seed,
        findings.load(Ordering::Relaxed)
    );
    if findings.load(Ordering::Relaxed) > 0 {
        std::process::exit(1);
    }
}
