//! Nothing lost, nothing left: 1,000 runs mixing success, mismatch and panics in the
//! caller leave the private base dir empty and the fd table as it was — as root and as
//! uid 65534 (where a sealed 0500 dir is not removable without restoring u+w).
mod common;
use execsafe_test_support::rerun;
use execsafe_test_support::unprivileged;

use std::ffi::OsStr;
use std::path::PathBuf;

use common::{Scratch, digest_of, entries, fd_count};
use execsafe_cmd::{CommandOptions, Error, ExecBackend, RestrictedCommand};
use rerun::{in_child, rerun};
use unprivileged::{NobodyDir, as_nobody, is_nobody_child};

const RUNS: usize = 1000;
const ZERO: &str = "sha256:0000000000000000000000000000000000000000000000000000000000000000";

/// The scenario, run with `TMPDIR` = a private, empty base dir.
fn scenario() {
    let base = std::env::temp_dir();
    let bins = PathBuf::from(std::env::var_os("EXECSAFE_BIN_DIR").unwrap());
    let t = bins.join("true");
    let script = bins.join("script.sh");
    let (pin_t, pin_s) = (digest_of(&t), digest_of(&script));
    std::panic::set_hook(Box::new(|_| {})); // 250 expected panics; keep the log readable
    let fds_before = fd_count();
    assert!(entries(&base).is_empty());
    let (mut ok, mut mismatched, mut panicked) = (0, 0, 0);
    for i in 0..RUNS {
        let opts = |backend| CommandOptions {
            backend,
            ..CommandOptions::default()
        };
        let verified = |path: &std::path::Path, pin: &str, backend| {
            RestrictedCommand::new_verified(path, pin, [] as [&str; 0], &opts(backend))
        };
        match i % 5 {
            0..=2 => {
                let (path, pin, backend, want) = match (i % 5, i % 2) {
                    (0, _) => (&t, &pin_t, ExecBackend::Auto, common::auto_for(&t)),
                    (1, _) => (&t, &pin_t, ExecBackend::TempDir, ExecBackend::TempDir),
                    (_, 0) => (&script, &pin_s, ExecBackend::TempDir, ExecBackend::TempDir),
                    _ => (&script, &pin_s, ExecBackend::Memfd, ExecBackend::Memfd),
                };
                let c = verified(path, pin, backend).unwrap();
                assert_eq!(c.verified().unwrap().backend(), want);
                assert!(c.status().unwrap().success());
                ok += 1;
            }
            3 => {
                let backend = if i % 2 == 0 {
                    ExecBackend::TempDir
                } else {
                    ExecBackend::Auto
                };
                let e = verified(&t, ZERO, backend).unwrap_err();
                assert!(matches!(e, Error::Mismatch { .. }), "{e:?}");
                mismatched += 1;
            }
            _ => {
                let r = std::panic::catch_unwind(|| {
                    let c = verified(&t, &pin_t, ExecBackend::TempDir).unwrap();
                    assert!(c.path().exists());
                    panic!("caller panics while holding a verified copy");
                });
                assert!(r.is_err());
                panicked += 1;
            }
        }
    }
    let _ = std::panic::take_hook();
    let left = entries(&base);
    assert!(
        left.is_empty(),
        "left behind in {}: {left:?}",
        base.display()
    );
    assert_eq!(fd_count(), fds_before, "fds leaked");
    println!(
        "nothing left after {RUNS} runs: {ok} ok, {mismatched} mismatches, {panicked} panics; uid {}",
        rustix::process::geteuid().as_raw()
    );
}

fn prepare_bins() -> Scratch {
    let s = Scratch::new("left-bins");
    s.copy_sys("true", "true");
    s.write_exec("script.sh", b"#!/bin/sh\nexit 0\n");
    s
}

#[test]
fn nothing_left_as_current_user() {
    if in_child() {
        return scenario();
    }
    let bins = prepare_bins();
    let base = NobodyDir::mine("left-base");
    let out = rerun(
        "nothing_left_as_current_user",
        &[
            ("TMPDIR", base.0.as_os_str()),
            ("EXECSAFE_BIN_DIR", bins.0.as_os_str()),
        ],
        &["XDG_RUNTIME_DIR"],
    );
    println!(
        "{}",
        out.lines()
            .find(|l| l.contains("nothing left"))
            .unwrap_or("")
    );
    assert!(base.entries().is_empty());
}

#[test]
fn nothing_left_as_unprivileged_user() {
    if is_nobody_child() {
        return scenario();
    }
    let bins = prepare_bins();
    let base = NobodyDir::new("left-nobody");
    let envs = [
        ("TMPDIR", base.0.clone().into_os_string()),
        ("EXECSAFE_BIN_DIR", bins.0.clone().into_os_string()),
    ];
    if !as_nobody("nothing_left_as_unprivileged_user", &envs) {
        // Not root: this process is already unprivileged; run it the same way.
        let out = rerun(
            "nothing_left_as_current_user",
            &[
                ("TMPDIR", base.0.as_os_str()),
                ("EXECSAFE_BIN_DIR", OsStr::new(&bins.0)),
            ],
            &["XDG_RUNTIME_DIR"],
        );
        assert!(out.contains("nothing left"));
    }
    assert!(
        base.entries().is_empty(),
        "left behind: {:?}",
        base.entries()
    );
}
