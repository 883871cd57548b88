//! `cargo xtask dist`: the release `execsafe` binary as shipped — static-pie on
//! `*-linux-gnu` hosts.
//!
//! Why static: `execsafe run` of a small program is mostly process start-up, and the
//! dynamic loader's work for `libc.so.6` and `libgcc_s.so.1` (mapping, eager binding
//! under full RELRO) was ~0.3 ms of a ~1.9 ms run here. The binary uses no NSS, `dlopen`
//! or `iconv`, so a static glibc loses nothing. `cargo install` still gives a dynamic
//! binary; BENCHMARKS.md reports both.

use std::path::PathBuf;

use crate::tools::{Result, cargo, root, run};

/// The host triple when it is a `*-linux-gnu` one (static glibc is supported there).
fn linux_gnu_host() -> Option<String> {
    let out = std::process::Command::new("rustc")
        .arg("-vV")
        .output()
        .ok()?;
    String::from_utf8(out.stdout)
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("host: "))
        .filter(|h| h.ends_with("-linux-gnu"))
        .map(str::to_owned)
}

/// Builds the shipped binary and returns its path (the dynamic release build elsewhere).
pub(crate) fn build_dist() -> Result<PathBuf> {
    let Some(host) = linux_gnu_host() else {
        run(
            "build execsafe (release)",
            cargo().args(["build", "--release", "-p", "execsafe-cli"]),
        )?;
        return Ok(root().join("target/release/execsafe"));
    };
    // An explicit --target keeps the flag off build scripts and proc macros.
    run(
        "build execsafe (release, static-pie)",
        cargo()
            .args([
                "build",
                "--release",
                "-p",
                "execsafe-cli",
                "--target",
                &host,
            ])
            .env("RUSTFLAGS", "-C target-feature=+crt-static"),
    )?;
    Ok(root().join(format!("target/{host}/release/execsafe")))
}

pub(crate) fn run_dist(args: &[String]) -> Result {
    if let Some(bad) = args.first() {
        return Err(format!("dist: unknown argument {bad:?}"));
    }
    let exe = build_dist()?;
    println!("{}", exe.display());
    Ok(())
}
