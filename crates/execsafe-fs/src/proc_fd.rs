//! Executing an open file by `/proc/self/fd/N` (Linux).

use std::os::fd::{AsRawFd, BorrowedFd};
use std::path::PathBuf;

use rustix::fs::CWD;

use crate::error::FsError;
use crate::identity::FileIdentity;

/// `/proc/self/fd/N` for `fd`, after checking that it names `fd`'s file.
///
/// What `execve` of that path runs is the file behind the fd — the inode that was hashed,
/// whatever has happened to the path it was opened by since. The kernel opens it before
/// close-on-exec fds are closed, so the fd may be close-on-exec.
///
/// Syscalls: `fstat(fd)`; `stat("/proc/self/fd/N")` (following the magic link) must give
/// the same `(dev, ino)`. Without procfs (containers, chroots, a tmpfs over `/proc`) the
/// path names nothing, or something else.
///
/// # Errors
///
/// [`FsError::ProcUnavailable`]; [`FsError::Io`] when `fstat` fails.
#[doc(alias = "fexecve")]
pub fn proc_self_fd(fd: BorrowedFd<'_>) -> Result<PathBuf, FsError> {
    check_proc_names(fd)?;
    Ok(proc_fd_path(fd))
}

pub(crate) fn check_proc_names(fd: BorrowedFd<'_>) -> Result<(), FsError> {
    let path = proc_fd_path(fd);
    let held = FileIdentity::of(fd).map_err(|e| FsError::io("fstat of", &path, e))?;
    let named = rustix::fs::statat(CWD, &path, rustix::fs::AtFlags::empty())
        .ok()
        .map(|st| FileIdentity {
            dev: crate::stat::dev(&st),
            ino: crate::stat::ino(&st),
        });
    if named == Some(held) {
        Ok(())
    } else {
        Err(FsError::ProcUnavailable { path })
    }
}

pub(crate) fn proc_fd_path(fd: BorrowedFd<'_>) -> PathBuf {
    PathBuf::from(format!("/proc/self/fd/{}", fd.as_raw_fd()))
}
