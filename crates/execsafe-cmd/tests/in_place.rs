//! The in-place tier: which files run without a copy, and that what runs is the fd that
//! was hashed. Root-owned fixtures are made as root; the host's-own-file and `chattr +i`
//! cases re-run as uid 65534 (as root every file is "the host's own" and root-owned).
#![cfg(target_os = "linux")]
mod common;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::Command;

use common::{Scratch, digest_of, sys_bin};
use execsafe_cmd::{
    CommandOptions, Error, ExecBackend, RestrictedCommand, VerifiedCache, verified_binary_with,
};
use execsafe_digest::parse_digest;
use execsafe_fs::{InPlace, NotInPlace};
use execsafe_test_support::unprivileged;

fn is_root() -> bool {
    rustix::process::geteuid().is_root()
}

fn pin(p: &Path) -> execsafe_digest::Digest {
    parse_digest(&digest_of(p)).unwrap()
}

fn opts(backend: ExecBackend) -> CommandOptions {
    CommandOptions {
        backend,
        ..CommandOptions::default()
    }
}

fn readlink_self_exe(v: &execsafe_cmd::VerifiedBinary) -> String {
    let cmd =
        RestrictedCommand::from_verified(v.clone(), ["/proc/self/exe"], &opts(ExecBackend::Auto))
            .unwrap();
    let out = cmd.output().unwrap();
    assert!(out.status.success(), "{out:?}");
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_root_owned_binary_runs_in_place_from_the_hashed_fd() {
    if !is_root() {
        eprintln!("not root: cannot make a root-owned fixture");
        return;
    }
    let s = Scratch::new("inplace-root");
    let rl = s.copy_sys("readlink", "readlink");
    let v = verified_binary_with(&rl, &pin(&rl), ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::InPlace);
    assert_eq!(v.in_place_basis(), Some(InPlace::RootOwned));
    assert!(v.not_in_place().is_none());
    assert!(
        v.exec_path().starts_with("/proc/self/fd/"),
        "{}",
        v.exec_path().display()
    );
    // The program finds itself: /proc/self/exe names the real file, as in a direct run.
    let direct = Command::new(&rl).arg("/proc/self/exe").output().unwrap();
    assert_eq!(readlink_self_exe(&v).as_bytes(), direct.stdout);
    assert_eq!(readlink_self_exe(&v).trim(), rl.to_str().unwrap());
    // Explicit in-place works too; memfd stays a copy.
    let v = verified_binary_with(&rl, &pin(&rl), ExecBackend::InPlace).unwrap();
    assert_eq!(v.backend(), ExecBackend::InPlace);
    let m = verified_binary_with(&rl, &pin(&rl), ExecBackend::Memfd).unwrap();
    assert!(readlink_self_exe(&m).starts_with("/memfd:execsafe:"));
}

#[test]
fn a_mismatch_in_place_is_refused_and_nothing_runs() {
    let s = Scratch::new("inplace-mismatch");
    let t = s.copy_sys("true", "true");
    let other = pin(&sys_bin("false"));
    for backend in [ExecBackend::Auto, ExecBackend::InPlace] {
        match verified_binary_with(&t, &other, backend) {
            Err(Error::Mismatch { .. }) => {}
            Err(Error::BackendUnavailable { .. }) if !is_root() => {}
            other => panic!("{backend:?}: {other:?}"),
        }
    }
}

#[test]
fn a_group_writable_root_file_is_copied_and_explicit_in_place_names_why() {
    if !is_root() {
        eprintln!("not root: cannot make a root-owned fixture");
        return;
    }
    let s = Scratch::new("inplace-gw");
    let t = s.copy_sys("true", "true");
    std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o775)).unwrap();
    let v = verified_binary_with(&t, &pin(&t), ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::Memfd);
    assert_eq!(v.not_in_place(), Some(&NotInPlace::GroupWritable));
    let err = verified_binary_with(&t, &pin(&t), ExecBackend::InPlace).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(
        err,
        Error::BackendUnavailable {
            backend: ExecBackend::InPlace,
            ..
        }
    ));
    assert!(
        msg.contains("group-writable") && msg.contains(t.to_str().unwrap()),
        "{msg}"
    );
    std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o757)).unwrap();
    let v = verified_binary_with(&t, &pin(&t), ExecBackend::Auto).unwrap();
    assert_eq!(v.not_in_place(), Some(&NotInPlace::OtherWritable));
}

const OWN: &str = "the_hosts_own_file_is_copied_unless_immutable";

/// As uid 65534: a file the host owns is copied (the same uid could rewrite it during the
/// hash); after root's `chattr +i` it runs in place.
#[test]
fn the_hosts_own_file_is_copied_unless_immutable() {
    if unprivileged::is_nobody_child() {
        let f = PathBuf::from(std::env::var_os("EXECSAFE_OWN").unwrap());
        let immutable = PathBuf::from(std::env::var_os("EXECSAFE_IMMUTABLE").unwrap());
        let v = verified_binary_with(&f, &pin(&f), ExecBackend::Auto).unwrap();
        assert_eq!(v.backend(), ExecBackend::Memfd);
        assert_eq!(v.not_in_place(), Some(&NotInPlace::Owner { uid: 65534 }));
        assert!(
            RestrictedCommand::from_verified(v, [] as [&str; 0], &opts(ExecBackend::Auto))
                .unwrap()
                .status()
                .unwrap()
                .success()
        );
        let v = verified_binary_with(&immutable, &pin(&immutable), ExecBackend::Auto).unwrap();
        assert_eq!(v.backend(), ExecBackend::InPlace, "{:?}", v.not_in_place());
        assert_eq!(v.in_place_basis(), Some(InPlace::Immutable));
        let cmd =
            RestrictedCommand::from_verified(v, [] as [&str; 0], &opts(ExecBackend::Auto)).unwrap();
        assert!(cmd.status().unwrap().success());
        return;
    }
    if !is_root() {
        eprintln!("not root: cannot chattr +i or re-run as uid 65534");
        return;
    }
    let s = Scratch::new("inplace-own");
    let own = s.copy_sys("true", "own");
    let imm = s.copy_sys("true", "immutable");
    for f in [&own, &imm] {
        std::os::unix::fs::chown(f, Some(65534), Some(65534)).unwrap();
    }
    let chattr = |flag: &str| {
        let st = Command::new("chattr").arg(flag).arg(&imm).status().unwrap();
        assert!(
            st.success(),
            "chattr {flag} failed (a filesystem without inode flags?)"
        );
    };
    chattr("+i");
    let envs = [
        ("EXECSAFE_OWN", own.clone().into_os_string()),
        ("EXECSAFE_IMMUTABLE", imm.clone().into_os_string()),
    ];
    let ran = std::panic::catch_unwind(|| unprivileged::as_nobody(OWN, &envs));
    chattr("-i"); // or the scratch dir cannot be removed
    assert!(ran.unwrap());
}

#[test]
fn a_script_runs_in_place_by_its_path_only_when_root_owns_every_directory() {
    if !is_root() {
        eprintln!("not root: cannot make a root-owned fixture");
        return;
    }
    // /tmp is root-owned and sticky: allowed; the scratch dir is root's, 0755.
    let s = Scratch::new("inplace-script");
    let script = s.write_exec(
        "beside.sh",
        b"#!/bin/sh\necho \"0=$0\"\ncat \"$(dirname \"$0\")/data.txt\"\n",
    );
    s.file("data.txt", b"DATA\n", 0o644);
    let direct = Command::new(&script).output().unwrap();
    let v = verified_binary_with(&script, &pin(&script), ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::InPlace);
    assert_eq!(v.exec_path(), std::fs::canonicalize(&script).unwrap());
    let out = RestrictedCommand::from_verified(v, [] as [&str; 0], &opts(ExecBackend::Auto))
        .unwrap()
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(out.stdout, direct.stdout, "the same output as a direct run");

    // The same root-owned script in a directory uid 65534 owns: not in place (that user
    // could swap the path the interpreter opens) — it runs from its sealed memfd.
    let sub = s.0.join("theirs");
    std::fs::create_dir(&sub).unwrap();
    std::os::unix::fs::chown(&sub, Some(65534), Some(65534)).unwrap();
    let moved = sub.join("beside.sh");
    std::fs::copy(&script, &moved).unwrap();
    let v = verified_binary_with(&moved, &pin(&moved), ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::Memfd);
    assert!(
        matches!(v.not_in_place(), Some(NotInPlace::UnsafeAncestor { dir, .. }) if *dir == std::fs::canonicalize(&sub).unwrap()),
        "{:?}",
        v.not_in_place()
    );
    let out =
        RestrictedCommand::from_verified(v.clone(), [] as [&str; 0], &opts(ExecBackend::Auto))
            .unwrap()
            .output()
            .unwrap();
    let first = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        first.lines().next().unwrap(),
        format!("0={}", v.exec_path().display()),
        "$0 of a memfd script is /proc/self/fd/N"
    );
    let err = verified_binary_with(&moved, &pin(&moved), ExecBackend::InPlace).unwrap_err();
    assert!(err.to_string().contains("not owned by root"), "{err}");
}

/// A package upgrade renames a new file over the path: a cached in-place handle keeps
/// its fd and runs what was verified; a fresh verification sees the new file.
#[test]
fn a_cached_in_place_handle_survives_an_upgrade_that_renames_over_the_path() {
    if !is_root() {
        eprintln!("not root: cannot make a root-owned fixture");
        return;
    }
    let s = Scratch::new("inplace-upgrade");
    let t = s.copy_sys("true", "tool");
    let pinned = pin(&t);
    let cache = VerifiedCache::new(1 << 30);
    let v = cache.get_or_verify(&t, &pinned, ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::InPlace);
    assert_eq!(cache.bytes(), 0, "in place takes no copy");
    let new = s.copy_sys("false", "tool.new");
    std::fs::rename(&new, &t).unwrap();
    for _ in 0..3 {
        let hit = cache.get_or_verify(&t, &pinned, ExecBackend::Auto).unwrap();
        let st = RestrictedCommand::from_verified(hit, [] as [&str; 0], &opts(ExecBackend::Auto))
            .unwrap()
            .status()
            .unwrap();
        assert!(st.success(), "the upgraded bytes ran from a cached handle");
    }
    assert!(matches!(
        verified_binary_with(&t, &pinned, ExecBackend::Auto),
        Err(Error::Mismatch { .. })
    ));
}

/// Unmounts a FUSE mount on drop.
struct Unmount<'a>(&'a Path);

impl Drop for Unmount<'_> {
    fn drop(&mut self) {
        let _ = Command::new("fusermount3").arg("-u").arg(self.0).status();
        let _ = Command::new("umount").arg(self.0).status();
    }
}

/// A FUSE mount (`bindfs --force-user=root`) presents the attacker's file as root-owned
/// 0755: the server could serve other bytes on the next read, so it is copied.
#[test]
fn a_fuse_file_presented_as_root_owned_is_copied_never_in_place() {
    if !is_root() {
        eprintln!("not root: cannot mount");
        return;
    }
    let bindfs = ["/usr/bin/bindfs", "/bin/bindfs"]
        .into_iter()
        .find(|p| Path::new(p).exists())
        .expect("bindfs is required (cargo xtask ci installs it: apt-get install bindfs fuse3)");
    let s = Scratch::new("inplace-fuse");
    let src = s.0.join("attacker");
    let mnt = s.0.join("mnt");
    std::fs::create_dir(&src).unwrap();
    std::fs::create_dir(&mnt).unwrap();
    let t = src.join("tool");
    std::fs::copy(sys_bin("true"), &t).unwrap();
    std::fs::set_permissions(&t, std::fs::Permissions::from_mode(0o777)).unwrap();
    std::os::unix::fs::chown(&t, Some(65534), Some(65534)).unwrap();
    let st = Command::new(bindfs)
        .args(["--force-user=root", "--force-group=root", "--perms=0755"])
        .arg(&src)
        .arg(&mnt)
        .status()
        .unwrap();
    assert!(st.success(), "bindfs failed (no /dev/fuse?)");
    let _unmount = Unmount(&mnt);
    let shown = mnt.join("tool");
    let meta = std::fs::metadata(&shown).unwrap();
    assert_eq!(
        std::os::unix::fs::MetadataExt::uid(&meta),
        0,
        "bindfs shows it as root's"
    );
    assert_eq!(meta.permissions().mode() & 0o7777, 0o755);
    let v = verified_binary_with(&shown, &pin(&shown), ExecBackend::Auto).unwrap();
    assert_eq!(v.backend(), ExecBackend::Memfd);
    assert!(
        matches!(
            v.not_in_place(),
            Some(NotInPlace::Filesystem { name: "fuse", .. })
        ),
        "{:?}",
        v.not_in_place()
    );
    let err = verified_binary_with(&shown, &pin(&shown), ExecBackend::InPlace).unwrap_err();
    assert!(err.to_string().contains("fuse"), "{err}");
}
