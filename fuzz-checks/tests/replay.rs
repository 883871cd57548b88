//! Replays every committed fuzz seed and regression input through the fuzz targets'
//! invariant checks (`execsafe-fuzz-checks`), so a fixed crash can never come back unnoticed.
#![cfg(unix)]
use execsafe_fuzz_checks as checks;

use std::path::Path;

/// Committed inputs of `target`: `corpus/<target>/seed-*` and `regressions/<target>/*`.
fn inputs(target: &str) -> Vec<std::path::PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let listed = |dir: std::path::PathBuf, keep: fn(&str) -> bool| -> Vec<std::path::PathBuf> {
        std::fs::read_dir(dir).map_or_else(
            |_| Vec::new(),
            |rd| {
                rd.map(|e| e.unwrap().path())
                    .filter(|p| keep(&p.file_name().unwrap().to_string_lossy()))
                    .collect()
            },
        )
    };
    let mut all = listed(root.join("corpus").join(target), |n| n.starts_with("seed-"));
    all.extend(listed(root.join("regressions").join(target), |n| {
        !n.starts_with('.')
    }));
    all
}

fn replay(target: &str, check: fn(&[u8])) {
    let files = inputs(target);
    assert!(!files.is_empty(), "no seeds for {target}");
    for f in files {
        check(&std::fs::read(&f).unwrap());
    }
}

#[test]
fn env_entry() {
    replay("env_entry", checks::env_entry);
}
#[test]
fn strip_url() {
    replay("strip_url", checks::strip_url);
}
#[test]
fn restricted_env() {
    replay("restricted_env", checks::restricted_env);
}
#[test]
fn secret_names() {
    replay("secret_names", checks::secret_names);
}
#[test]
fn digest_parse() {
    replay("digest_parse", checks::digest_parse);
}
#[test]
fn tee_copy() {
    replay("tee_copy", checks::tee_copy);
}
#[test]
fn pin_files() {
    replay("pin_files", checks::pin_files);
}
