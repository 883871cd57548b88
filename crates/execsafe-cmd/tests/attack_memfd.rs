//! Same-uid attacker vs. the memfd copy: while a 64 MiB binary is verified, a second
//! process of the **same** uid scans `/proc/*/fd` for the copy and `pwrite`s
//! `/bin/false` into it until the seal stops it. v0.1 ran the attacker's bytes (the
//! digest was of the source stream, the memfd was writable through `/proc/<pid>/fd/N`);
//! v0.2 keeps the process non-dumpable while the memfd is writable.
//!
//! Both run as uid 65534 (as root, `/proc` permissions would not apply to the attacker).
#![cfg(target_os = "linux")]
use execsafe_test_support::attack;
mod common;
use execsafe_test_support::unprivileged;

use std::path::PathBuf;
use std::process::Command;

use common::{Scratch, digest_of};
use execsafe_cmd::{ExecBackend, verified_binary_with};
use execsafe_digest::parse_digest;

const TEST: &str = "same_uid_attacker_cannot_write_the_memfd_before_the_seal";
const ATTEMPTS: usize = 20;

#[test]
fn same_uid_attacker_cannot_write_the_memfd_before_the_seal() {
    if attack::role().as_deref() == Some("memfd") {
        return attack::memfd_rewriter();
    }
    if unprivileged::is_nobody_child() {
        return victim();
    }
    let bins = Scratch::new("memfd-attack");
    attack::big_true(&bins.0, 64);
    bins.copy_sys("false", "false");
    let envs = [("EXECSAFE_BIN_DIR", bins.0.clone().into_os_string())];
    if !unprivileged::as_nobody(TEST, &envs) {
        // Not root: already unprivileged, attacker and victim share this uid.
        run_victim(&bins.0);
    }
}

fn victim() {
    run_victim(&PathBuf::from(
        std::env::var_os("EXECSAFE_BIN_DIR").unwrap(),
    ));
}

fn run_victim(bins: &std::path::Path) {
    let big = bins.join("big");
    let pin = parse_digest(&digest_of(&big)).unwrap();
    let attacker = attack::spawn_attacker(
        TEST,
        "memfd",
        None, // the same uid as this victim
        &[("EXECSAFE_PAYLOAD", bins.join("false").into_os_string())],
    );
    let (mut attacker_ran, mut blocked) = (0, 0);
    for _ in 0..ATTEMPTS {
        let v = verified_binary_with(&big, &pin, ExecBackend::Memfd).unwrap();
        match Command::new(v.exec_path()).status() {
            Ok(st) if st.success() => {}
            Ok(_) => attacker_ran += 1, // `false` ran: the attacker's bytes
            // After the seal the attacker may still hold the memfd open for writing (every
            // write fails); the kernel then refuses to execute it: a denial of service,
            // never other bytes.
            Err(e) if e.kind() == std::io::ErrorKind::ExecutableFileBusy => blocked += 1,
            Err(e) => panic!("{e}"),
        }
    }
    let report = attacker.finish();
    println!(
        "{ATTEMPTS} verified runs: attacker's bytes ran {attacker_ran} times, exec blocked (ETXTBSY) {blocked}; {report}"
    );
    assert!(attack::field(&report, "scans") > 0);
    assert_eq!(attack::field(&report, "writes"), 0, "{report}");
    assert_eq!(
        attacker_ran, 0,
        "the sealed bytes were not the verified bytes"
    );
}
