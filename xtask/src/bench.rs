//! `cargo xtask bench [--quick]`: release build of the `figures` bench, report to
//! `target/bench/report.json`.

use crate::tools::{Result, cargo, root, run};

/// Runs the figures. `--quick`: 32 MiB and 100 spawns, for CI smoke (never fails on
/// the numbers: timing on a shared machine is noisy).
pub(crate) fn run_bench(args: &[String]) -> Result {
    if let Some(bad) = args.iter().find(|a| *a != "--quick") {
        return Err(format!("bench: unknown argument {bad:?} (only --quick)"));
    }
    let quick = args.iter().any(|a| a == "--quick");
    let out = root().join("target/bench/report.json");
    // The CLI figures run the shipped binary (`cargo xtask dist`) and, for comparison,
    // the dynamic one `cargo install` gives.
    run(
        "build execsafe (release)",
        cargo().args(["build", "--release", "-p", "execsafe-cli"]),
    )?;
    let shipped = crate::dist::build_dist()?;
    let mut cmd = cargo();
    cmd.env("EXECSAFE_CLI", &shipped);
    cmd.env(
        "EXECSAFE_CLI_DYNAMIC",
        root().join("target/release/execsafe"),
    );
    cmd.args(["bench", "-p", "execsafe-bench", "--bench", "figures", "--"]);
    if quick {
        cmd.arg("--quick");
    }
    cmd.arg("--out").arg(&out);
    run(if quick { "bench --quick" } else { "bench" }, &mut cmd)
}
