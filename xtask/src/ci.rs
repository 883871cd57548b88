//! `cargo xtask ci`: every check a change must pass, in the order that fails fastest.

use crate::tools::{Result, cargo, ensure_installed, has_cargo_subcommand, run};

/// Runs the CI steps. `--no-deny` skips cargo-deny (for quick local runs).
pub(crate) fn run_ci(args: &[String]) -> Result {
    let skip_deny = args.iter().any(|a| a == "--no-deny");
    run("fmt", cargo().args(["fmt", "--all", "--check"]))?;
    run(
        "clippy",
        cargo().args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ]),
    )?;
    if has_cargo_subcommand("nextest") {
        run(
            "tests (nextest)",
            cargo().args(["nextest", "run", "--workspace", "--no-fail-fast"]),
        )?;
    } else {
        run(
            "tests",
            cargo().args(["test", "--workspace", "--no-fail-fast"]),
        )?;
    }
    run("doc tests", cargo().args(["test", "--workspace", "--doc"]))?;
    run(
        "docs",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--lib"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    crate::cross::run_cross()?;
    crate::msrv::run_msrv()?;
    if !skip_deny {
        ensure_installed("deny", "cargo-deny", "^0.20", "0.20")?;
        // `--offline` below needs every crate of every target downloaded (cargo-deny
        // reads metadata for all platforms); crates.io is reachable, GitHub is not.
        run("fetch", cargo().args(["fetch", "--locked"]))?;
        run(
            "cargo-deny",
            cargo().args(["deny", "--offline", "check", "licenses", "bans", "sources"]),
        )?;
    }
    // Every fuzz target for 20 s: an invariant regression is caught on every change.
    crate::fuzz::run_fuzz(&["--time".into(), "20".into()])?;
    // Benchmark smoke: prints the figures, does not judge them (noisy shared machine).
    crate::bench::run_bench(&["--quick".into()])?;
    Ok(())
}
