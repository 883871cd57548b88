//! Choosing and checking the base directory that private temp dirs are created in.
//!
//! A path that is checked once and used again later is only as safe as every directory on
//! the way to it. The base is therefore resolved **once** (`realpath`), then walked from
//! `/` one component at a time through fds with no symlink following, and every directory
//! on the way — the base included — must be owned by root or the euid and must not be
//! group/world-writable unless it has the sticky bit (OpenSSH's `safe_path` rule, relaxed
//! for sticky dirs such as `/tmp`: there, entries we own cannot be renamed by others).
//! The resolved path is what callers get and execute; nobody else can redirect it.

use std::ffi::OsStr;
use std::os::fd::{AsFd, OwnedFd};
use std::path::{Component, Path, PathBuf};

use rustix::fs::{AtFlags, CWD, Mode, OFlags};

use crate::error::{FileKind, FsError};
use crate::identity::FileIdentity;

/// How intermediate directories are opened: `O_PATH` where it exists (no read permission
/// needed to walk through), `O_RDONLY` elsewhere.
#[cfg(any(target_os = "linux", target_os = "android", target_os = "freebsd"))]
pub(crate) const TRAVERSE: OFlags = OFlags::PATH;
#[cfg(not(any(target_os = "linux", target_os = "android", target_os = "freebsd")))]
pub(crate) const TRAVERSE: OFlags = OFlags::RDONLY;

/// A checked base directory: its resolved path and an fd on it (entries are created
/// relative to the fd, so the base cannot be swapped between the check and the `mkdirat`).
pub(crate) struct BaseDir {
    pub(crate) path: PathBuf,
    pub(crate) fd: OwnedFd,
}

/// Picks the base: `XDG_RUNTIME_DIR` when it is a directory owned by the euid with mode
/// exactly 0700, else `TMPDIR`, else `/tmp`; then checks it with [`check_base`]. A
/// relative `XDG_RUNTIME_DIR` or `TMPDIR` is refused (it would be re-resolved against
/// whatever the cwd is later).
pub(crate) fn choose_base() -> Result<BaseDir, FsError> {
    let euid = rustix::process::geteuid().as_raw();
    if let Some(xdg) = std::env::var_os("XDG_RUNTIME_DIR").filter(|x| !x.is_empty()) {
        let path = PathBuf::from(xdg);
        if !path.is_absolute() {
            return Err(FsError::UnsafeBase {
                path,
                reason: "XDG_RUNTIME_DIR is not an absolute path",
            });
        }
        if let Ok(fd) = open_dir(CWD, &path, OFlags::RDONLY)
            && let Ok(st) = rustix::fs::fstat(&fd)
            && FileKind::from_mode(crate::stat::mode(&st)) == FileKind::Directory
            && st.st_uid == euid
            && crate::stat::mode(&st) & 0o7777 == 0o700
        {
            return check_base(&path);
        }
    }
    let path = std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    check_base(&path)
}

/// `openat(dirfd, path, flags|O_DIRECTORY|O_CLOEXEC)`.
fn open_dir(
    dirfd: impl AsFd,
    path: impl AsRef<Path>,
    flags: OFlags,
) -> rustix::io::Result<OwnedFd> {
    rustix::fs::openat(
        dirfd,
        path.as_ref(),
        flags | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Resolves `path` once and checks every directory from `/` to it; returns the resolved
/// path and an fd reached through the checked chain.
///
/// Syscalls: `realpath` (`std::fs::canonicalize`); `openat(AT_FDCWD, "/", O_PATH|
/// O_DIRECTORY)`; per component `openat(parent, name, O_PATH|O_DIRECTORY|O_NOFOLLOW)`
/// (the last one `O_RDONLY` instead of `O_PATH`), each followed by `fstat` and the
/// owner/mode rule; finally `stat(resolved)` must give the held fd's `(dev, ino)`.
pub(crate) fn check_base(path: &Path) -> Result<BaseDir, FsError> {
    if !path.is_absolute() {
        return Err(FsError::UnsafeBase {
            path: path.into(),
            reason: "not an absolute path",
        });
    }
    let resolved =
        std::fs::canonicalize(path).map_err(|e| FsError::io("resolving temp base", path, e))?;
    let fd = walk_from_root(
        &normal_components(&resolved),
        OFlags::RDONLY,
        |fd, here| check_component(fd, &resolved, here),
        |here, e| {
            if here == Path::new("/") {
                FsError::io("opening temp base", &resolved, e)
            } else {
                FsError::io(
                    "opening (no symlinks, changed since resolved?) temp base",
                    here,
                    e,
                )
            }
        },
    )?;
    let held =
        FileIdentity::of(&fd).map_err(|e| FsError::io("fstat of temp base", &resolved, e))?;
    let at_path = rustix::fs::statat(CWD, &resolved, AtFlags::SYMLINK_NOFOLLOW)
        .map_err(|e| FsError::io("stat of temp base", &resolved, e))?;
    if (crate::stat::dev(&at_path), crate::stat::ino(&at_path)) != (held.dev, held.ino) {
        return Err(FsError::UnsafeAncestor {
            base: resolved.clone(),
            ancestor: resolved,
            reason: "not the directory that was checked (swapped)",
        });
    }
    Ok(BaseDir { path: resolved, fd })
}

/// The `Normal` components of a resolved path (`/a/b` → `["a", "b"]`).
pub(crate) fn normal_components(path: &Path) -> Vec<&OsStr> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n),
            _ => None,
        })
        .collect()
}

/// Walks from `/` down `dirs` without following symlinks and returns an fd on the last
/// directory, calling `check(fd, path so far)` on every directory, `/` included.
///
/// Syscalls: `openat(AT_FDCWD, "/", O_DIRECTORY|O_CLOEXEC|…)`, then per name
/// `openat(parent, name, O_DIRECTORY|O_NOFOLLOW|O_CLOEXEC|…)`; every directory is opened
/// `O_PATH` (`TRAVERSE`) except the last one, opened with `last`.
pub(crate) fn walk_from_root<E>(
    dirs: &[&OsStr],
    last: OFlags,
    mut check: impl FnMut(&OwnedFd, &Path) -> Result<(), E>,
    open_err: impl Fn(&Path, rustix::io::Errno) -> E,
) -> Result<OwnedFd, E> {
    let flags_at = |i: usize| if i == dirs.len() { last } else { TRAVERSE };
    let mut here = PathBuf::from("/");
    let mut fd = open_dir(CWD, "/", flags_at(0)).map_err(|e| open_err(&here, e))?;
    check(&fd, &here)?;
    for (i, name) in dirs.iter().enumerate() {
        here.push(name);
        fd = open_dir(&fd, name, flags_at(i + 1) | OFlags::NOFOLLOW)
            .map_err(|e| open_err(&here, e))?;
        check(&fd, &here)?;
    }
    Ok(fd)
}

/// The owner/mode rule for one directory on the way to the base.
fn check_component(fd: &OwnedFd, base: &Path, here: &Path) -> Result<(), FsError> {
    let st = rustix::fs::fstat(fd).map_err(|e| FsError::io("fstat of", here, e))?;
    let unsafe_ancestor = |reason| FsError::UnsafeAncestor {
        base: base.into(),
        ancestor: here.into(),
        reason,
    };
    let euid = rustix::process::geteuid().as_raw();
    dir_rule(&st, &[0, euid], "owned by another user").map_err(unsafe_ancestor)
}

/// The rule for a directory on a checked path: owned by one of `owners`, and not
/// group/world-writable unless sticky (others may add entries there, but not rename
/// ours). `Err(reason)`, `wrong_owner` when the owner is not allowed.
pub(crate) fn dir_rule(
    st: &rustix::fs::Stat,
    owners: &[u32],
    wrong_owner: &'static str,
) -> Result<(), &'static str> {
    if !owners.contains(&st.st_uid) {
        return Err(wrong_owner);
    }
    let mode = crate::stat::mode(st);
    if mode & 0o022 != 0 && mode & 0o1000 == 0 {
        return Err("group- or world-writable without the sticky bit");
    }
    Ok(())
}

/// The base directory private temp dirs would be created in, resolved and checked (see
/// `secure_temp_dir`): `XDG_RUNTIME_DIR` when private, else `TMPDIR`, else `/tmp`, every
/// directory from `/` to it owned by root or the euid and not writable by others unless
/// sticky.
///
/// Syscalls: those of the check (`realpath`, `openat(O_PATH|O_NOFOLLOW)` and `fstat` per
/// component, `stat`).
///
/// # Errors
///
/// [`FsError::UnsafeBase`] or [`FsError::UnsafeAncestor`] naming what is wrong;
/// [`FsError::Io`].
pub fn temp_base() -> Result<PathBuf, FsError> {
    choose_base().map(|b| b.path)
}
