//! MSRV check: `cargo +<rust-version> check --workspace --all-targets`, with the
//! `rust-version` read from the root `Cargo.toml`, so the declared floor stays honest.

use std::process::Command;

use crate::tools::{Result, root, run};

/// Installs the toolchain when missing (`rustup toolchain install --profile minimal`,
/// skipped when present; a failed install skips the check with a message) and checks the
/// workspace with it in `target/msrv`.
pub(crate) fn run_msrv() -> Result {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("reading Cargo.toml: {e}"))?;
    let version = manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("rust-version = "))
        .map(|v| v.trim_matches('"').to_string())
        .ok_or("no rust-version in Cargo.toml")?;
    let has = Command::new("rustup")
        .args(["toolchain", "list"])
        .output()
        .is_ok_and(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .any(|l| l.starts_with(&format!("{version}-")))
        });
    if !has {
        let ok = Command::new("rustup")
            .args(["toolchain", "install", &version, "--profile", "minimal"])
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            eprintln!("msrv: skipped: cannot install Rust {version}");
            return Ok(());
        }
    }
    let mut cmd = Command::new("cargo");
    cmd.current_dir(root())
        .env_remove("RUSTUP_TOOLCHAIN")
        .arg(format!("+{version}"))
        .args([
            "check",
            "--workspace",
            "--all-targets",
            "--target-dir",
            "target/msrv",
        ]);
    run(&format!("msrv check (Rust {version})"), &mut cmd)
}
