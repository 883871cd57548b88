//! A root-owned 200 MiB binary in a directory the attacker owns: while the victim hashes
//! it in place, a second process of the **same** uid (65534, the victim's) renames it
//! away and renames its own binary into its place, thousands of polls per second.
//!
//! In place means *the fd that was hashed is what runs*. The victim also runs the
//! original **path** after the verification, as an in-place tier that re-resolves the
//! path would: that run shows the attacker's binary, so the race is really won by the
//! attacker every time it matters — and the fd never runs it.
#![cfg(target_os = "linux")]
mod common;
use execsafe_test_support::{attack, unprivileged};

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Scratch, digest_of, sys_bin};
use execsafe_cmd::{Error, ExecBackend, verified_binary_with};
use execsafe_digest::parse_digest;

const TEST: &str = "renaming_the_path_during_the_hash_never_changes_what_runs";
const ATTEMPTS: usize = 12;

#[test]
fn renaming_the_path_during_the_hash_never_changes_what_runs() {
    if attack::role().as_deref() == Some("path-swap") {
        return attack::path_swapper();
    }
    if unprivileged::is_nobody_child() {
        return victim(&PathBuf::from(std::env::var_os("EXECSAFE_DIR").unwrap()));
    }
    if !rustix::process::geteuid().is_root() {
        eprintln!("not root: cannot make a root-owned fixture in another user's directory");
        return;
    }
    let s = Scratch::new("inplace-attack");
    let dir = s.0.join("attacker-owned");
    std::fs::create_dir(&dir).unwrap();
    attack::big_true(&dir, 200); // root-owned, 0755
    let evil = dir.join("evil");
    std::fs::copy(sys_bin("false"), &evil).unwrap();
    std::fs::set_permissions(&evil, std::fs::Permissions::from_mode(0o755)).unwrap();
    for p in [&dir, &evil] {
        std::os::unix::fs::chown(p, Some(65534), Some(65534)).unwrap();
    }
    assert!(unprivileged::as_nobody(
        TEST,
        &[("EXECSAFE_DIR", dir.clone().into_os_string())]
    ));
}

fn root_owned(p: &Path) -> bool {
    std::fs::symlink_metadata(p).is_ok_and(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0)
}

fn victim(dir: &Path) {
    let big = dir.join("big");
    let pin = parse_digest(&digest_of(&big)).unwrap();
    let attacker = attack::spawn_attacker(
        TEST,
        "path-swap",
        None, // the victim's own uid
        &[("EXECSAFE_DIR", dir.as_os_str().to_owned())],
    );
    let (mut fd_ran_verified, mut fd_ran_other, mut path_ran_attackers, mut refused) = (0, 0, 0, 0);
    for _ in 0..ATTEMPTS {
        let t = std::time::Instant::now();
        while !root_owned(&big) && t.elapsed().as_secs() < 30 {
            std::thread::yield_now(); // the attacker swaps back once we let go
        }
        let v = match verified_binary_with(&big, &pin, ExecBackend::Auto) {
            Ok(v) => v,
            // Opened the attacker's file: not in place (its owner), copied, mismatch.
            Err(Error::Mismatch { .. } | Error::ChangedDuringCopy { .. }) => {
                refused += 1;
                continue;
            }
            Err(e) => panic!("{e}"),
        };
        assert_eq!(v.backend(), ExecBackend::InPlace);
        match Command::new(v.exec_path()).status().unwrap().code() {
            Some(0) => fd_ran_verified += 1,
            _ => fd_ran_other += 1,
        }
        // What re-resolving the path would have run.
        if Command::new(&big).status().unwrap().code() == Some(1) {
            path_ran_attackers += 1;
        }
        drop(v);
    }
    let report = attacker.finish();
    println!(
        "{ATTEMPTS} attempts: the hashed fd ran the verified bytes {fd_ran_verified} times, other bytes {fd_ran_other}; \
         the path ran the attacker's binary {path_ran_attackers} times; refused {refused}; {report}"
    );
    assert_eq!(fd_ran_other, 0, "the fd that was hashed ran other bytes");
    assert!(fd_ran_verified > 0, "nothing was verified in place");
    // The attack was live: the path named the attacker's file after the hash.
    assert!(attack::field(&report, "swaps") > 0, "{report}");
    assert!(
        path_ran_attackers > 0,
        "the attacker never won the race on the path"
    );
}
