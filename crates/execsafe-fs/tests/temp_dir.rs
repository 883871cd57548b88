//! Private temp dirs: mode, owner, base checks, sealing and cleanup — also unprivileged.
use execsafe_test_support::noexec;
use execsafe_test_support::rerun;
use execsafe_test_support::unprivileged;

use std::ffi::OsString;
use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};

use execsafe_fs::{FsError, SecureTempDir, secure_temp_dir};
use noexec::TmpfsMount;
use rerun::{in_child, rerun};
use unprivileged::{NobodyDir, as_nobody, is_nobody_child};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().mode() & 0o7777
}

#[test]
fn mode_is_0700_whatever_the_umask() {
    if !in_child() {
        rerun("mode_is_0700_whatever_the_umask", &[], &[]);
        return;
    }
    for mask in [0o000, 0o022, 0o777] {
        rustix::process::umask(rustix::fs::Mode::from_raw_mode(mask));
        let d = secure_temp_dir("umask-test-").unwrap();
        assert_eq!(mode(d.path()), 0o700, "umask {mask:o}");
        let meta = std::fs::metadata(d.path()).unwrap();
        assert_eq!(meta.uid(), rustix::process::geteuid().as_raw());
        let f = d.create_file("f", 0o600).unwrap();
        drop(f);
        assert_eq!(mode(&d.path().join("f")), 0o600, "umask {mask:o}");
    }
}

#[test]
fn removed_on_drop_and_on_cleanup_after_seal() {
    let base = NobodyDir::mine("td-root");
    for explicit in [false, true] {
        let d = SecureTempDir::new_in(&base.0, "seal-").unwrap();
        let mut f = d.create_file("copy", 0o500).unwrap();
        f.write_all(b"bytes").unwrap();
        drop(f);
        d.seal().unwrap();
        assert_eq!(mode(d.path()), 0o500);
        if explicit {
            d.cleanup().unwrap();
        } else {
            drop(d);
        }
        assert!(
            base.entries().is_empty(),
            "left behind: {:?}",
            base.entries()
        );
    }
}

/// The Go bug B: as a non-root owner, a sealed 0500 dir cannot be emptied unless u+w is
/// restored first. This runs the scenario as uid 65534.
#[test]
fn cleanup_after_seal_works_unprivileged() {
    if !is_nobody_child() {
        let base = NobodyDir::new("td-nobody");
        if as_nobody(
            "cleanup_after_seal_works_unprivileged",
            &[("EXECSAFE_BASE", OsString::from(&base.0))],
        ) {
            assert!(
                base.entries().is_empty(),
                "left behind: {:?}",
                base.entries()
            );
            return;
        }
    }
    let base = std::env::var_os("EXECSAFE_BASE").map_or_else(std::env::temp_dir, Into::into);
    let count = || std::fs::read_dir(&base).unwrap().count();
    let before = count();
    for i in 0..20 {
        let d = SecureTempDir::new_in(&base, "nobody-").unwrap();
        let mut f = d.create_file("copy", 0o500).unwrap();
        f.write_all(b"bytes").unwrap();
        drop(f);
        d.seal().unwrap();
        // Prove the seal bites: a new entry cannot be created in it by this user.
        assert!(std::fs::write(d.path().join("x"), b"").is_err());
        if i % 2 == 0 {
            d.cleanup().unwrap();
        } else {
            drop(d);
        }
    }
    assert_eq!(count(), before);
}

#[test]
fn world_writable_non_sticky_base_is_refused() {
    let base = NobodyDir::mine("td-ww");
    std::fs::set_permissions(&base.0, std::fs::Permissions::from_mode(0o777)).unwrap();
    let err = SecureTempDir::new_in(&base.0, "x-").unwrap_err();
    assert!(
        matches!(&err, FsError::UnsafeAncestor { ancestor, .. } if *ancestor == base.0),
        "{err:?}"
    );
    assert!(err.to_string().contains("sticky"));
    // With the sticky bit (like /tmp) it is accepted.
    std::fs::set_permissions(&base.0, std::fs::Permissions::from_mode(0o1777)).unwrap();
    SecureTempDir::new_in(&base.0, "x-")
        .unwrap()
        .cleanup()
        .unwrap();
    let err = SecureTempDir::new_in("relative/dir", "x-").unwrap_err();
    assert!(matches!(err, FsError::UnsafeBase { .. }));
}

#[test]
fn base_owned_by_another_user_is_refused() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to create a directory owned by another user");
        return;
    }
    let base = NobodyDir::new("td-other"); // owned by 65534, we are root (uid 0)
    std::fs::set_permissions(&base.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    let err = SecureTempDir::new_in(&base.0, "x-").unwrap_err();
    assert!(err.to_string().contains("another user"), "{err}");
}

#[test]
fn base_choice_prefers_a_private_xdg_runtime_dir() {
    if in_child() {
        let d = secure_temp_dir("xdg-").unwrap();
        println!("CHOSEN={}", d.path().parent().unwrap().display());
        return;
    }
    let xdg = NobodyDir::mine("xdg");
    let tmp = NobodyDir::mine("tmpdir");
    let chosen = |envs: &[(&str, &str)]| {
        let envs: Vec<(&str, &std::ffi::OsStr)> = envs
            .iter()
            .map(|(k, v)| (*k, std::ffi::OsStr::new(v)))
            .collect();
        let out = rerun("base_choice_prefers_a_private_xdg_runtime_dir", &envs, &[]);
        out.lines()
            .find_map(|l| l.split_once("CHOSEN=").map(|(_, p)| p.to_string()))
            .unwrap()
    };
    let (x, t) = (xdg.0.to_str().unwrap(), tmp.0.to_str().unwrap());
    assert_eq!(chosen(&[("XDG_RUNTIME_DIR", x), ("TMPDIR", t)]), x);
    std::fs::set_permissions(&xdg.0, std::fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(
        chosen(&[("XDG_RUNTIME_DIR", x), ("TMPDIR", t)]),
        t,
        "0755 XDG dir must be skipped"
    );
    assert_eq!(chosen(&[("XDG_RUNTIME_DIR", ""), ("TMPDIR", t)]), t);
    assert!(xdg.entries().is_empty() && tmp.entries().is_empty());
}

#[test]
fn create_file_refuses_odd_names_and_existing_files() {
    let d = secure_temp_dir("names-").unwrap();
    for bad in ["", ".", "..", "a/b", "nul\0"] {
        assert!(d.create_file(bad, 0o600).is_err(), "{bad:?}");
    }
    drop(d.create_file("once", 0o600).unwrap());
    assert!(
        d.create_file("once", 0o600).is_err(),
        "O_EXCL must refuse an existing file"
    );
    std::os::unix::fs::symlink("/etc/passwd", d.path().join("link")).unwrap();
    assert!(
        d.create_file("link", 0o600).is_err(),
        "must not follow a planted symlink"
    );
    assert!(secure_temp_dir("a/b").is_err());
}

#[test]
fn noexec_is_reported_for_the_dir() {
    let Some(noexec) = TmpfsMount::new("fs-noexec", "noexec") else {
        return;
    };
    let Some(exec) = TmpfsMount::new("fs-exec", "exec") else {
        return;
    };
    let d = SecureTempDir::new_in(&noexec.0, "probe-").unwrap();
    assert!(d.is_noexec().unwrap());
    drop(d);
    let d = SecureTempDir::new_in(&exec.0, "probe-").unwrap();
    assert!(!d.is_noexec().unwrap());
}
