//! Cross-platform checks: the contract promises that `execsafe-env` and `execsafe-digest`
//! build on Windows and that the temp-dir backend builds on other Unixes (no memfd).
//! Linux is what the tests prove; these `cargo clippy --target` runs prove it compiles.

use crate::tools::{Result, cargo, ensure_rustup, run};

/// (target, packages) pairs checked.
const TARGETS: &[(&str, &[&str])] = &[
    // Windows: env and digest only; fs and cmd are cfg(unix) and compile to nothing.
    ("x86_64-pc-windows-gnu", &["execsafe"]),
    // Another Unix without memfd: the temp-dir backend and the CLI.
    ("x86_64-apple-darwin", &["execsafe", "execsafe-cli"]),
];

/// Installs each target's standard library if missing (`rustup target add`, skipped when
/// present) and runs clippy for it; a target that cannot be installed is skipped with a
/// message (no network), not failed.
pub(crate) fn run_cross() -> Result {
    for (target, packages) in TARGETS {
        let installed = ensure_rustup(
            &["target", "list", "--installed"],
            |l| l == *target,
            &["target", "add", target],
        );
        if !installed {
            eprintln!("cross: skipped {target}: `rustup target add` failed");
            continue;
        }
        let mut cmd = cargo();
        cmd.args(["clippy", "--target", target]);
        for p in *packages {
            cmd.args(["-p", p]);
        }
        cmd.args(["--", "-D", "warnings"]);
        run(&format!("clippy for {target}"), &mut cmd)?;
    }
    Ok(())
}
