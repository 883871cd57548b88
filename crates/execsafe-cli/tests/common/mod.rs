//! Helpers shared by the CLI test suites.
#![allow(
    dead_code,
    unreachable_pub,
    unused_imports,
    reason = "each test binary uses a subset"
)]

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub use execsafe_test_support::scratch;

pub use scratch::{Scratch, sys_bin};

pub const EXE: &str = env!("CARGO_BIN_EXE_execsafe");
pub const ZERO: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

pub fn execsafe() -> Command {
    let mut c = Command::new(EXE);
    c.env_remove("XDG_RUNTIME_DIR");
    c
}

pub fn run(c: &mut Command) -> Output {
    c.output().unwrap()
}

pub fn digest(path: &Path) -> String {
    let out = run(execsafe().arg("digest").arg(path));
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .next()
        .unwrap()
        .to_string()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

/// The execsafe binary copied where uid 65534 can run it, and a `Command` running it as
/// that user (`setpriv`). The build dir may not be reachable by that user.
pub struct NobodyExe {
    pub dir: Scratch,
    pub exe: PathBuf,
}

impl NobodyExe {
    pub fn new() -> Self {
        let dir = Scratch::new("nobody-exe");
        let exe = dir.file("execsafe", &std::fs::read(EXE).unwrap(), 0o755);
        Self { dir, exe }
    }

    pub fn command(&self) -> Command {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", "--"])
            .arg(&self.exe)
            .env_remove("XDG_RUNTIME_DIR");
        c
    }
}

/// A 0700 directory owned by uid 65534 (as root), for TMPDIR of an unprivileged run.
pub fn nobody_tmp(tag: &str) -> Scratch {
    let tmp = Scratch::new(tag);
    std::fs::set_permissions(&tmp.0, std::fs::Permissions::from_mode(0o700)).unwrap();
    if is_root() {
        std::os::unix::fs::chown(&tmp.0, Some(65534), Some(65534)).unwrap();
    }
    tmp
}
