//! Without procfs (a tmpfs over `/proc` in a private mount namespace), `/proc/self/fd/N`
//! names nothing: `Auto` falls back to the temp dir and runs; an explicit `Memfd` is
//! `BackendUnavailable` naming procfs. v0.1 failed `Auto` with "reopening read-only".
#![cfg(target_os = "linux")]
mod common;

use std::process::Command;

use common::{Scratch, digest_of};
use execsafe_cmd::{Error, ExecBackend, verified_binary_with};
use execsafe_digest::parse_digest;
use execsafe_fs::{ExecMemfd, FsError};

const MARK: &str = "EXECSAFE_NO_PROC_CHILD";
const TEST: &str = "without_procfs_auto_uses_the_temp_dir_and_memfd_says_why";

#[test]
fn without_procfs_auto_uses_the_temp_dir_and_memfd_says_why() {
    if std::env::var_os(MARK).is_some() {
        assert!(
            !std::path::Path::new("/proc/self/fd").exists(),
            "procfs still visible"
        );
        let t = std::path::PathBuf::from(std::env::var_os("EXECSAFE_BIN").unwrap());
        assert!(matches!(
            ExecMemfd::create("probe"),
            Err(FsError::ProcUnavailable { .. })
        ));
        let pin = parse_digest(&digest_of(&t)).unwrap();
        let v = verified_binary_with(&t, &pin, ExecBackend::Auto).unwrap();
        assert_eq!(v.backend(), ExecBackend::TempDir);
        assert!(Command::new(v.exec_path()).status().unwrap().success());
        let err = verified_binary_with(&t, &pin, ExecBackend::Memfd).unwrap_err();
        assert!(matches!(err, Error::BackendUnavailable { .. }), "{err:?}");
        assert!(err.to_string().contains("procfs"), "{err}");
        println!("NO-PROC-CHECKED");
        return;
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: a private mount namespace needs root");
        return;
    }
    let bins = Scratch::new("no-proc");
    let t = bins.copy_sys("true", "true");
    let out = Command::new("unshare")
        .args(["--mount", "--propagation", "private", "sh", "-c"])
        .arg(format!(
            r#"mount -t tmpfs none /proc || exit 90; exec "$0" --exact {TEST} --nocapture --test-threads=1"#
        ))
        .arg(std::env::current_exe().unwrap())
        .env(MARK, "1")
        .env("EXECSAFE_BIN", &t)
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{text}");
    assert!(text.contains("NO-PROC-CHECKED"), "{text}");
}
