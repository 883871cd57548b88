//! Choosing and checking the base directory that private temp dirs are created in.

use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};

use rustix::fs::{CWD, Mode, OFlags};

use crate::error::{FileKind, FsError};

/// A checked base directory: its path and an fd on it (entries are created relative to
/// the fd, so the base cannot be swapped between the check and the `mkdirat`).
pub(crate) struct BaseDir {
    pub(crate) path: PathBuf,
    pub(crate) fd: OwnedFd,
}

/// Picks the base: `XDG_RUNTIME_DIR` when it is a directory owned by the euid with mode
/// exactly 0700, else `TMPDIR`, else `/tmp`; then checks it with [`check_base`].
pub(crate) fn choose_base() -> Result<BaseDir, FsError> {
    let euid = rustix::process::geteuid().as_raw();
    if let Some(xdg) = std::env::var_os("XDG_RUNTIME_DIR").filter(|x| !x.is_empty()) {
        let path = PathBuf::from(xdg);
        if let Ok(fd) = open_dir(&path)
            && let Ok(st) = rustix::fs::fstat(&fd)
            && FileKind::from_mode(crate::stat::mode(&st)) == FileKind::Directory
            && st.st_uid == euid
            && crate::stat::mode(&st) & 0o7777 == 0o700
        {
            return Ok(BaseDir { path, fd });
        }
    }
    let path = std::env::var_os("TMPDIR")
        .filter(|t| !t.is_empty())
        .map_or_else(|| PathBuf::from("/tmp"), PathBuf::from);
    check_base(&path)
}

/// `openat(AT_FDCWD, path, O_RDONLY|O_DIRECTORY|O_CLOEXEC)`. Symlinks *are* followed for
/// the base (e.g. macOS' `/tmp`); what matters is the directory reached, checked next.
fn open_dir(path: &Path) -> rustix::io::Result<OwnedFd> {
    rustix::fs::openat(
        CWD,
        path,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
}

/// Opens `path` and checks, by `fstat` on the fd, that nobody else can swap entries in it:
/// it must be an absolute path to a directory owned by the euid or by root, and if it is
/// group- or world-writable it must have the sticky bit.
pub(crate) fn check_base(path: &Path) -> Result<BaseDir, FsError> {
    let unsafe_base = |reason| FsError::UnsafeBase {
        path: path.into(),
        reason,
    };
    if !path.is_absolute() {
        return Err(unsafe_base("not an absolute path"));
    }
    let fd = open_dir(path).map_err(|e| FsError::io("opening temp base", path, e))?;
    let st = rustix::fs::fstat(&fd).map_err(|e| FsError::io("fstat of temp base", path, e))?;
    let euid = rustix::process::geteuid().as_raw();
    if st.st_uid != euid && st.st_uid != 0 {
        return Err(unsafe_base("owned by another user"));
    }
    let writable_by_others = crate::stat::mode(&st) & 0o022 != 0;
    let sticky = crate::stat::mode(&st) & 0o1000 != 0;
    if writable_by_others && !sticky {
        return Err(unsafe_base(
            "group- or world-writable without the sticky bit",
        ));
    }
    Ok(BaseDir {
        path: path.into(),
        fd,
    })
}
