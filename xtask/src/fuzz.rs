//! `cargo xtask fuzz [TARGET] [--time SECONDS]`: run the cargo-fuzz targets of `fuzz/`.

use std::path::Path;
use std::process::Command;

use crate::tools::{Result, ensure_installed, root, run, rustup_cargo};

/// Every target, in the order they run.
pub(crate) const TARGETS: &[&str] = &[
    "env_entry",
    "strip_url",
    "restricted_env",
    "secret_names",
    "digest_parse",
    "tee_copy",
    "pin_files",
];

/// One target's figures.
struct Stats {
    target: String,
    execs: u64,
    seconds: f64,
    corpus: usize,
}

/// Parses `[TARGET] [--time SECONDS]` and fuzzes; default every target, 60 s each.
pub(crate) fn run_fuzz(args: &[String]) -> Result {
    let mut time = 60u64;
    let mut targets: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--time" => {
                time = it
                    .next()
                    .and_then(|s| s.parse().ok())
                    .ok_or("--time needs a number of seconds")?;
            }
            t if TARGETS.contains(&t) => targets.push(t.to_string()),
            other => {
                return Err(format!(
                    "unknown fuzz target or option {other:?}; targets: {}",
                    TARGETS.join(", ")
                ));
            }
        }
    }
    if targets.is_empty() {
        targets = TARGETS.iter().map(ToString::to_string).collect();
    }
    ensure_installed("fuzz", "cargo-fuzz", "^0.13", "0.13")?;
    let nightly = has_nightly();
    if nightly {
        eprintln!("fuzz: nightly toolchain found: AddressSanitizer builds");
    } else {
        eprintln!("fuzz: no nightly toolchain: stable builds without sanitizer (-s none)");
    }
    run("fuzz build", &mut fuzz_cmd(nightly, "build"))?;
    let mut all = Vec::new();
    for t in &targets {
        all.push(fuzz_one(nightly, t, time)?);
    }
    eprintln!(
        "{:<16} {:>12} {:>10} {:>8}",
        "target", "execs", "execs/s", "corpus"
    );
    for s in &all {
        #[allow(clippy::cast_precision_loss, reason = "a rate for display")]
        let rate = s.execs as f64 / s.seconds.max(1.0);
        eprintln!(
            "{:<16} {:>12} {:>10.0} {:>8}",
            s.target, s.execs, rate, s.corpus
        );
    }
    Ok(())
}

fn has_nightly() -> bool {
    rustup_cargo()
        .args(["+nightly", "--version"])
        .output()
        .is_ok_and(|o| o.status.success())
}

fn fuzz_cmd(nightly: bool, sub: &str) -> Command {
    let mut c = rustup_cargo();
    if nightly {
        c.arg("+nightly");
    }
    c.args(["fuzz", sub, "--fuzz-dir", "fuzz"]);
    if !nightly {
        c.args(["--sanitizer", "none"]);
    }
    c
}

fn fuzz_one(nightly: bool, target: &str, time: u64) -> Result<Stats> {
    let root = root();
    let scratch = root.join("fuzz/target/scratch").join(target);
    std::fs::create_dir_all(&scratch)
        .map_err(|e| format!("creating {}: {e}", scratch.display()))?;
    let seeds = root.join("fuzz/corpus").join(target);
    let mut cmd = fuzz_cmd(nightly, "run");
    cmd.arg(target)
        .arg(&scratch)
        .arg(&seeds)
        .arg("--")
        .arg(format!("-max_total_time={time}"))
        .arg("-print_final_stats=1");
    eprintln!("==> fuzz {target} for {time}s");
    let started = std::time::Instant::now();
    let out = cmd
        .output()
        .map_err(|e| format!("fuzz {target}: cannot start: {e}"))?;
    crate::tools::record(
        &format!("fuzz {target} ({time} s)"),
        out.status.success(),
        started.elapsed().as_secs_f64(),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        let tail: Vec<&str> = stderr.lines().rev().take(40).collect();
        for l in tail.iter().rev() {
            eprintln!("{l}");
        }
        let artifacts = root.join("fuzz/artifacts").join(target);
        let found: Vec<String> = std::fs::read_dir(&artifacts)
            .map(|rd| {
                rd.filter_map(std::result::Result::ok)
                    .map(|e| e.path().display().to_string())
                    .collect()
            })
            .unwrap_or_default();
        return Err(format!(
            "fuzz target {target} failed ({}); reproducer(s): {}; replay with `cargo +nightly fuzz run --fuzz-dir fuzz {target} <file>`",
            out.status,
            if found.is_empty() {
                "none written".into()
            } else {
                found.join(", ")
            }
        ));
    }
    let stat = |key: &str| -> Option<u64> {
        stderr
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().parse().ok())
    };
    let execs = stat("stat::number_of_executed_units:").unwrap_or(0);
    let seconds = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Done ").and_then(|r| r.split(" in ").nth(1)))
        .and_then(|r| r.split_whitespace().next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::from(u32::try_from(time).unwrap_or(u32::MAX)));
    Ok(Stats {
        target: target.into(),
        execs,
        seconds,
        corpus: count(&scratch) + count(&seeds),
    })
}

fn count(dir: &Path) -> usize {
    std::fs::read_dir(dir).map_or(0, Iterator::count)
}
