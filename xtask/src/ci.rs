//! `cargo xtask ci`: every check a change must pass, in the order that fails fastest.

use crate::tools::{Result, cargo, ensure_installed, has_cargo_subcommand, run};

/// Runs the CI steps. `--no-deny` skips cargo-deny (for quick local runs). Ends with one
/// line per step and `N passed, M failed`, whether a step failed or not.
pub(crate) fn run_ci(args: &[String]) -> Result {
    if let Some(bad) = args.iter().find(|a| *a != "--no-deny") {
        return Err(format!("ci: unknown argument {bad:?} (only --no-deny)"));
    }
    let start = std::time::Instant::now();
    let result = steps(args.iter().any(|a| a == "--no-deny"));
    let all = crate::tools::steps();
    eprintln!(
        "\n==== ci summary ({:.0} s) ====",
        start.elapsed().as_secs_f64()
    );
    for (name, passed, secs) in &all {
        eprintln!(
            "{:>6}  {secs:7.1}s  {name}",
            if *passed { "ok" } else { "FAILED" }
        );
    }
    let failed = all.iter().filter(|(_, p, _)| !p).count();
    // The plain closing line CI reads; a step that failed to start counts as failed.
    let failed = failed.max(usize::from(result.is_err()));
    println!(
        "ci: {} passed, {failed} failed",
        all.len() - failed.min(all.len())
    );
    result
}

fn steps(skip_deny: bool) -> Result {
    let t = std::time::Instant::now();
    let tidy = crate::tidy::run_tidy(&[]);
    crate::tools::record("tidy", tidy.is_ok(), t.elapsed().as_secs_f64());
    tidy?;
    run("fmt", cargo().args(["fmt", "--all", "--check"]))?;
    for features in [None, Some("execsafe-cmd/tokio")] {
        let mut c = cargo();
        c.args(["clippy", "--workspace", "--all-targets"]);
        if let Some(f) = features {
            c.args(["--features", f]);
        }
        c.args(["--", "-D", "warnings"]);
        run(
            &format!("clippy (features: {})", features.unwrap_or("default")),
            &mut c,
        )?;
    }
    // The FUSE in-place test mounts with bindfs (fusermount3 unmounts).
    crate::tools::ensure_debian_packages(&[("bindfs", "bindfs"), ("fusermount3", "fuse3")])?;
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
    // The `tokio` feature: its own tests (tokio_spawn) and everything else again with it.
    run(
        "tests (execsafe-cmd, features: tokio)",
        cargo().args([
            "test",
            "-p",
            "execsafe-cmd",
            "--features",
            "tokio",
            "--test",
            "tokio_spawn",
        ]),
    )?;
    run("doc tests", cargo().args(["test", "--workspace", "--doc"]))?;
    run(
        "docs",
        cargo()
            .args(["doc", "--workspace", "--no-deps", "--lib"])
            .env("RUSTDOCFLAGS", "-D warnings"),
    )?;
    // Every publishable crate packages and builds from its package (dependency order,
    // siblings from a local overlay); the helper crates are `publish = false`. A stale
    // `target/package` would let cargo reuse a sibling built from an older tarball of the
    // same version, so it goes first.
    let _ = std::fs::remove_dir_all(crate::tools::root().join("target/package"));
    run(
        "package",
        cargo().args([
            "package",
            "--workspace",
            "--allow-dirty",
            "--exclude",
            "xtask",
            "--exclude",
            "execsafe-test-support",
            "--exclude",
            "execsafe-fuzz-checks",
            "--exclude",
            "execsafe-bench",
        ]),
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
