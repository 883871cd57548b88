//! The base directory is resolved once and every directory from `/` to it must be safe
//! from other users (OpenSSH's `safe_path` rule, sticky dirs allowed).
use execsafe_test_support::rerun;
use execsafe_test_support::unprivileged;

use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use execsafe_fs::{FsError, SecureTempDir, secure_temp_dir};
use rerun::{in_child, rerun};
use unprivileged::NobodyDir;

fn chmod(p: &Path, mode: u32) {
    std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// `<root-owned 0755 dir>/pub` with mode 1777.
fn sticky_public(tag: &str) -> (NobodyDir, std::path::PathBuf) {
    let top = NobodyDir::mine(tag);
    chmod(&top.0, 0o755);
    let public = top.0.join("pub");
    std::fs::create_dir(&public).unwrap();
    chmod(&public, 0o1777);
    (top, public)
}

#[test]
fn an_ancestor_owned_by_another_user_is_named_and_refused() {
    if !rustix::process::geteuid().is_root() {
        eprintln!("skipped: needs root to chown a dir to uid 65534");
        return;
    }
    let (_top, public) = sticky_public("anc-owner");
    // Attacker-owned parent (uid 65534, 0755) of a root-owned base: the attacker can
    // rename the base away and put its own in place.
    let theirs = public.join("theirs");
    std::fs::create_dir(&theirs).unwrap();
    std::os::unix::fs::chown(&theirs, Some(65534), Some(65534)).unwrap();
    let base = theirs.join("base");
    std::fs::create_dir(&base).unwrap();
    let err = SecureTempDir::new_in(&base, "anc-").unwrap_err();
    assert!(
        matches!(&err, FsError::UnsafeAncestor { ancestor, .. } if *ancestor == theirs),
        "{err:?}"
    );
    assert!(
        err.to_string().contains(&*theirs.to_string_lossy()),
        "{err}"
    );
    assert!(
        std::fs::read_dir(&base).unwrap().next().is_none(),
        "nothing created"
    );
    // A link (anyone's) to an attacker-owned dir: refused as the resolved dir itself.
    std::os::unix::fs::symlink(&theirs, public.join("link")).unwrap();
    let err = SecureTempDir::new_in(public.join("link"), "anc-").unwrap_err();
    assert!(
        matches!(&err, FsError::UnsafeAncestor { ancestor, .. } if *ancestor == theirs),
        "{err:?}"
    );
}

#[test]
fn a_group_writable_ancestor_is_refused_a_sticky_one_is_not() {
    let (top, public) = sticky_public("anc-mode");
    let base = public.join("base");
    std::fs::create_dir(&base).unwrap();
    chmod(&base, 0o755);
    // Sticky, world-writable ancestor: fine (our entries cannot be renamed by others).
    let d = SecureTempDir::new_in(&base, "anc-").unwrap();
    assert!(d.path().starts_with(&top.0));
    drop(d);
    chmod(&public, 0o777); // no sticky bit any more
    let err = SecureTempDir::new_in(&base, "anc-").unwrap_err();
    assert!(
        matches!(&err, FsError::UnsafeAncestor { ancestor, .. } if *ancestor == public),
        "{err:?}"
    );
    chmod(&public, 0o1777);
}

#[test]
fn the_path_handed_out_is_the_resolved_one() {
    let (_top, public) = sticky_public("anc-resolve");
    let real = public.join("real");
    std::fs::create_dir(&real).unwrap();
    chmod(&real, 0o755);
    std::os::unix::fs::symlink(&real, public.join("link")).unwrap();
    let d = SecureTempDir::new_in(public.join("link"), "anc-").unwrap();
    assert_eq!(
        d.path().parent().unwrap(),
        std::fs::canonicalize(&real).unwrap()
    );
}

#[test]
fn a_relative_xdg_runtime_dir_is_refused() {
    if !in_child() {
        rerun(
            "a_relative_xdg_runtime_dir_is_refused",
            &[("XDG_RUNTIME_DIR", "relative/run".as_ref())],
            &[],
        );
        return;
    }
    let err = secure_temp_dir("xdg-").unwrap_err();
    assert!(matches!(err, FsError::UnsafeBase { .. }), "{err:?}");
    assert!(err.to_string().contains("relative/run"), "{err}");
}
