//! Running commands and installing the tools CI needs (guarded: skipped when present).

use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

/// The error type of every xtask step: a message for the user.
pub(crate) type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of this crate's manifest dir).
pub(crate) fn root() -> PathBuf {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.parent()
        .map_or(here.clone(), std::path::Path::to_path_buf)
}

/// `cargo` as invoked by the user (respects `$CARGO`).
pub(crate) fn cargo() -> Command {
    let mut c = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    c.current_dir(root());
    c
}

/// Every step run so far: (name, passed, seconds), for `ci`'s summary.
static STEPS: std::sync::Mutex<Vec<(String, bool, f64)>> = std::sync::Mutex::new(Vec::new());

/// The steps run so far.
pub(crate) fn steps() -> Vec<(String, bool, f64)> {
    STEPS.lock().map(|s| s.clone()).unwrap_or_default()
}

/// Records a step that is not a command (e.g. `tidy`).
pub(crate) fn record(step: &str, passed: bool, seconds: f64) {
    if let Ok(mut s) = STEPS.lock() {
        s.push((step.into(), passed, seconds));
    }
}

/// Runs `cmd`, echoing it and its duration; a non-zero exit is an error naming `step`.
pub(crate) fn run(step: &str, cmd: &mut Command) -> Result {
    eprintln!("==> {step}: {cmd:?}");
    let start = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| format!("{step}: cannot start: {e}"))?;
    let seconds = start.elapsed().as_secs_f64();
    eprintln!("<== {step}: {status} in {seconds:.1}s");
    record(step, status.success(), seconds);
    if status.success() {
        Ok(())
    } else {
        Err(format!("{step} failed ({status})"))
    }
}

/// Whether `cargo <sub> --version` works.
pub(crate) fn has_cargo_subcommand(sub: &str) -> bool {
    cargo_subcommand_version_starts(sub, "")
}

/// Whether `cargo <sub> --version` prints a version starting with `prefix`.
pub(crate) fn cargo_subcommand_version_starts(sub: &str, prefix: &str) -> bool {
    cargo().args([sub, "--version"]).output().is_ok_and(|o| {
        o.status.success()
            && String::from_utf8_lossy(&o.stdout)
                .split_whitespace()
                .nth(1)
                .is_some_and(|v| v.starts_with(prefix))
    })
}

/// `cargo install --locked <krate>@<req>` unless `cargo <sub>` already has that version.
pub(crate) fn ensure_installed(sub: &str, krate: &str, req: &str, version_prefix: &str) -> Result {
    if cargo_subcommand_version_starts(sub, version_prefix) {
        return Ok(());
    }
    run(
        &format!("install {krate}"),
        cargo().args(["install", "--locked", &format!("{krate}@{req}")]),
    )
}

/// The rustup `cargo` proxy from `PATH` (so `+toolchain` works), not `$CARGO`.
pub(crate) fn rustup_cargo() -> Command {
    let mut c = Command::new("cargo");
    c.current_dir(root()).env_remove("RUSTUP_TOOLCHAIN");
    c
}

/// Ensures a rustup component is present: when no line of `rustup <list>` satisfies
/// `present`, runs `rustup <install>`. Returns whether it is (now) present.
pub(crate) fn ensure_rustup(
    list: &[&str],
    present: impl Fn(&str) -> bool,
    install: &[&str],
) -> bool {
    let listed = Command::new("rustup").args(list).output().is_ok_and(|o| {
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .any(|l| present(l.trim()))
    });
    listed
        || Command::new("rustup")
            .args(install)
            .status()
            .is_ok_and(|s| s.success())
}

/// Debian packages the tests need (`bindfs` and `fusermount3` for the FUSE in-place
/// test): `apt-get install` of those whose `program` is missing, when running as root.
/// Skipped with a message elsewhere; the test that needs it then fails naming it.
pub(crate) fn ensure_debian_packages(wanted: &[(&str, &str)]) -> Result {
    let missing: Vec<&str> = wanted
        .iter()
        .filter(|(program, _)| {
            !["/usr/bin", "/bin", "/usr/sbin", "/sbin"]
                .iter()
                .any(|d| std::path::Path::new(d).join(program).exists())
        })
        .map(|&(_, package)| package)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // `/proc/self` is owned by the process's euid.
    let root =
        std::fs::metadata("/proc/self").is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if !root || !std::path::Path::new("/usr/bin/apt-get").exists() {
        eprintln!(
            "xtask: not root or no apt-get: cannot install {missing:?}; tests needing them will fail"
        );
        return Ok(());
    }
    run(
        "apt-get update",
        Command::new("apt-get").args(["update", "-qq"]),
    )?;
    run(
        &format!("apt-get install {}", missing.join(" ")),
        Command::new("apt-get")
            .args(["install", "-y", "-qq", "--no-install-recommends"])
            .args(&missing)
            .env("DEBIAN_FRONTEND", "noninteractive"),
    )
}
