//! With `vm.memfd_noexec=2` (no executable memfds), `Auto` falls back to a temp dir and
//! says so through `backend()`; an explicit `Memfd` is an error, never a silent switch.
//!
//! The sysctl is per PID namespace (Linux ≥ 6.3), so the check runs in a child started
//! with `unshare --pid --fork --mount-proc` that sets it to 2 for itself only.
#![cfg(target_os = "linux")]
mod common;

use std::process::Command;

use common::{Scratch, digest_of};
use execsafe_cmd::{Error, ExecBackend, verified_binary_with};
use execsafe_digest::parse_digest;
use execsafe_fs::{ExecMemfd, FsError};

const MARK: &str = "EXECSAFE_MEMFD_DENIED_CHILD";

#[test]
fn memfd_exec_denied_falls_back_only_in_auto() {
    if std::env::var_os(MARK).is_some() {
        let bins = std::path::PathBuf::from(std::env::var_os("EXECSAFE_BIN_DIR").unwrap());
        let t = bins.join("true");
        assert!(matches!(
            ExecMemfd::create("probe"),
            Err(FsError::MemfdExecDenied { .. })
        ));
        let pin = parse_digest(&digest_of(&t)).unwrap();
        let v = verified_binary_with(&t, &pin, ExecBackend::Auto).unwrap();
        assert_eq!(v.backend(), ExecBackend::TempDir);
        assert!(Command::new(v.exec_path()).status().unwrap().success());
        let err = verified_binary_with(&t, &pin, ExecBackend::Memfd).unwrap_err();
        assert!(
            matches!(
                err,
                Error::BackendUnavailable {
                    backend: ExecBackend::Memfd,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(err.to_string().contains("memfd_noexec"), "{err}");
        println!("MEMFD-DENIED-CHECKED");
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: setting vm.memfd_noexec in a new PID namespace needs root");
        return;
    }
    let bins = Scratch::new("memfd-denied");
    common::make_copied(&bins.copy_sys("true", "true")); // not in place: Auto must copy
    let script = r#"echo 2 > /proc/sys/vm/memfd_noexec || exit 90; exec "$0" --exact memfd_exec_denied_falls_back_only_in_auto --nocapture --test-threads=1"#;
    let out = Command::new("unshare")
        .args(["--pid", "--fork", "--mount-proc", "sh", "-c", script])
        .arg(std::env::current_exe().unwrap())
        .env(MARK, "1")
        .env("EXECSAFE_BIN_DIR", &bins.0)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    if out.status.code() == Some(90) {
        eprintln!("skipped: this kernel has no per-namespace vm.memfd_noexec:\n{text}");
        return;
    }
    assert!(out.status.success(), "{text}");
    assert!(text.contains("MEMFD-DENIED-CHECKED"), "{text}");
}
