//! MSRV check: `cargo +<rust-version> check --workspace --all-targets`, with the
//! `rust-version` read from the root `Cargo.toml`, so the declared floor stays honest.

use crate::tools::{Result, ensure_rustup, root, run, rustup_cargo};

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
    let prefix = format!("{version}-");
    let installed = ensure_rustup(
        &["toolchain", "list"],
        |l| l.starts_with(&prefix),
        &["toolchain", "install", &version, "--profile", "minimal"],
    );
    if !installed {
        eprintln!("msrv: skipped: cannot install Rust {version}");
        return Ok(());
    }
    let mut cmd = rustup_cargo();
    cmd.arg(format!("+{version}")).args([
        "check",
        "--workspace",
        "--all-targets",
        "--target-dir",
        "target/msrv",
    ]);
    run(&format!("msrv check (Rust {version})"), &mut cmd)
}
